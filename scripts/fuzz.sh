#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ straight from the parser sources with `swiftc -sanitize=fuzzer` and runs
# each for RUNS executions. Not part of `swift build` / `swift test` (CI's time budget); run it by hand:
#
#   scripts/fuzz.sh                 # all targets, 1,000,000 executions each
#   RUNS=100000 scripts/fuzz.sh form
#   SANITIZE=fuzzer,address scripts/fuzz.sh mime   # with AddressSanitizer (slower)
#
# Output, corpora and crash files go to .build-fuzz/ (ignored by git). A crash leaves crash-<sha1> there; rerun
# it with `.build-fuzz/bin/<target> .build-fuzz/crash-…`. The results of the recorded runs are in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-1000000}
SANITIZE=${SANITIZE:-fuzzer}
OUT=.build-fuzz
MODS=$OUT/mods
mkdir -p "$MODS" "$OUT/bin"
FLAGS=(-O -g -sanitize="$SANITIZE" -parse-as-library -swift-version 6)
CSV_SOURCES=.build/checkouts/CSV.swift/Sources/CSV
[ -d "$CSV_SOURCES" ] || { echo "run 'swift package resolve' first (needs $CSV_SOURCES)"; exit 1; }

module() {  # name sources… → static library + module in $MODS
  local name=$1; shift
  [ "$MODS/lib$name.a" -nt "$0" ] && [ -z "$(find "$@" -newer "$MODS/lib$name.a" 2>/dev/null)" ] && return
  echo "building module $name"
  (cd "$MODS" && swiftc "${FLAGS[@]}" -I . -module-name "$name" -emit-module -emit-library -static -o "lib$name.a" \
     $(for f in "$@"; do echo "$OLDPWD/$f"; done))
}

target() {  # name sources… (links the modules) → $OUT/bin/name
  local name=$1; shift
  echo "building target $name"
  swiftc "${FLAGS[@]}" -I "$MODS" -L "$MODS" -lMinqingCore -lCSV -lCrypto -module-name "$(echo "$name" | tr -d -)" "$@" -o "$OUT/bin/$name"
}

module MinqingCore Sources/MinqingCore/*.swift
module CSV "$CSV_SOURCES"/*.swift
module Crypto Fuzz/Support/CryptoStub.swift

want=${*:-mime callfiles form}
sources() {  # target → its sources; seeds() → its seed corpus
  case $1 in
    mime) echo Fuzz/FuzzMIME.swift Adapters/Inbound/Mailbox/*.swift ;;
    callfiles) echo Fuzz/FuzzCallFiles.swift Adapters/Inbound/Hotline/{CSVRecords,AsteriskCDR,CallTime,CallRecord,RowError}.swift \
                 Adapters/Inbound/Mailbox/Letters/{LetterCSVImport,LetterFields}.swift Sources/MinqingCore/PaperLetter.swift ;;
    form) echo Fuzz/FuzzForm.swift Sources/MinqingHTTP/FormBody.swift Sources/MinqingHTTP/FormBody+Builder.swift Sources/MinqingHTTP/MultipartReader.swift ;;
    *) echo "unknown target $1 (mime, callfiles, form)" >&2; exit 2 ;;
  esac
}
seeds() { case $1 in mime) echo Tests/MailboxAdapterTests/Fixtures/mail ;; *) echo "Fuzz/Seeds/$1" ;; esac; }

# Build every target first, then run: no compile competes with a run for the CPU.
for t in $want; do
  bin=$OUT/bin/fuzz-$t
  if [ -x "$bin" ] && [ -z "$(find $(sources "$t") "$MODS" -newer "$bin" 2>/dev/null)" ]; then continue; fi
  target "fuzz-$t" $(sources "$t")
done
for t in $want; do
  mkdir -p "$OUT/corpus-$t"
  start=$(date +%s)
  (cd "$OUT" && "bin/fuzz-$t" -runs="$RUNS" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
     "corpus-$t" "../$(seeds "$t")" 2>&1 | tail -12) | tee "$OUT/$t.log"
  echo "$t: $RUNS runs in $(( $(date +%s) - start )) s"
done
