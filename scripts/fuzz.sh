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
for t in $want; do
  case $t in
    mime) target fuzz-mime Fuzz/FuzzMIME.swift Adapters/Mailbox/*.swift; seeds=Tests/MailboxAdapterTests/Fixtures/mail ;;
    callfiles) target fuzz-callfiles Fuzz/FuzzCallFiles.swift Adapters/Hotline/{CSVRecords,AsteriskCDR,CallTime,CallRecord,RowError}.swift \
                 Adapters/Mailbox/Letters/{LetterCSVImport,LetterFields,PaperLetter}.swift; seeds=Fuzz/Seeds/callfiles ;;
    form) target fuzz-form Fuzz/FuzzForm.swift Adapters/WebForm/FormBody.swift; seeds=Fuzz/Seeds/form ;;
    *) echo "unknown target $t (mime, callfiles, form)"; exit 2 ;;
  esac
  corpus=$OUT/corpus-$t
  mkdir -p "$corpus"
  start=$(date +%s)
  (cd "$OUT" && "bin/fuzz-$t" -runs="$RUNS" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
     "corpus-$t" "../$seeds" 2>&1 | tail -25) | tee "$OUT/$t.log"
  echo "$t: $RUNS runs in $(( $(date +%s) - start )) s"
done
