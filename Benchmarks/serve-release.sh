# Sourced by the benchmark scripts: builds the release `minqing`, starts `minqing serve` on the example township
# with a fresh temporary data directory on a free loopback port, and sets $bin, $data, $pid and $port.
# The caller's EXIT trap stops the server and removes the data directory.
swift build -c release --product minqing >/dev/null
bin="$(swift build -c release --show-bin-path)/minqing"
data="$(mktemp -d)"
"$bin" serve --config Config/example --data "$data" --port 0 >"$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do grep -q "已启动" "$data/serve.log" && break; sleep 0.1; done
port=$(grep -o '已启动：http://127.0.0.1:[0-9]*' "$data/serve.log" | head -1 | sed 's/.*://')
echo "machine: $(nproc) cores, $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
