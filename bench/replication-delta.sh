#!/usr/bin/env bash
# Replication by change, measured: a local 3-node cluster (3 copies, write quorum 2) loads one
# list of N elements with RPUSH, B elements per command, through its first node (a plain client:
# forwarded to the key's primary), then runs one LPUSH. Prints the load's time, bytes and
# NOREPLICAS count, and what the LPUSH cost on the wire: the primary's INFO cluster per-peer
# replication bytes (cluster_replication_peerN) and each node's total_net_input_bytes.
#   bench/replication-delta.sh [elements] [per-rpush]      (default 1000000 1000)
# Needs Debian's redis-tools (redis-cli) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

elements=${1:-1000000}
batch=${2:-1000}
node_dll=src/Cache.Node/bin/Release/net10.0/Cache.Node.dll
logs=$(mktemp -d /tmp/gossipcache-replication-delta.XXXXXX)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! ss -Htanu | awk '{ print $5 }' | grep -qE "[:.]$1\$"; }
for (( base = 31000 + RANDOM % 1000; base < 45000; base += 7 )); do
  ok=1
  for (( i = 0; i < 3; i++ )); do port_free $(( base + i )) && port_free $(( base + i + 10000 )) || { ok=0; break; }; done
  (( ok )) && break
done

dotnet build src/Cache.Node -c Release -v q -nologo >"$logs/build.log" 2>&1 || { cat "$logs/build.log"; exit 1; }
dotnet "$node_dll" --local-cluster 3 --port "$base" >"$logs/cluster.log" 2>&1 &
pid=$!
for (( i = 0; i < 3; i++ )); do
  for _ in $(seq 1 300); do [[ $(redis-cli -p $(( base + i )) ping 2>/dev/null) == PONG ]] && break; sleep 0.1; done
done
for _ in $(seq 1 300); do [[ $(redis-cli -p "$base" cluster nodes 2>/dev/null | grep -c .) -eq 3 ]] && break; sleep 0.1; done

info() { redis-cli -p "$1" info "$2" | tr -d '\r'; }
field() { info "$1" "$2" | awk -F: -v f="$3" '$1 == f { print $2 }'; }

# The load: RESP for RPUSH big element:<i> ... piped through node 0, replies counted.
python3 - "$elements" "$batch" >"$logs/load.resp" <<'PY'
import sys
n, b = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
def cmd(args):
    out.write(b"*%d\r\n" % len(args))
    for a in args:
        out.write(b"$%d\r\n%s\r\n" % (len(a), a))
for start in range(0, n, b):
    cmd([b"RPUSH", b"big"] + [b"element:%d" % i for i in range(start, min(n, start + b))])
PY
before_in=(); for (( i = 0; i < 3; i++ )); do before_in+=("$(field $(( base + i )) stats total_net_input_bytes)"); done
start=$(date +%s.%N)
redis-cli -p "$base" --pipe-timeout 0 --pipe <"$logs/load.resp" >"$logs/load.out" 2>&1 || true
end=$(date +%s.%N)
after_in=(); for (( i = 0; i < 3; i++ )); do after_in+=("$(field $(( base + i )) stats total_net_input_bytes)"); done
echo "load: $elements elements, $batch per RPUSH, $(python3 -c "print(round($end - $start, 1))") s; $(tail -1 "$logs/load.out")"
echo "load: LLEN big = $(redis-cli -p "$base" llen big)"
for (( i = 0; i < 3; i++ )); do
  echo "load: node $i total_net_input_bytes grew by $(( after_in[i] - before_in[i] ))"
done
# NOREPLICAS replies: redis-cli --pipe counts errors; the nodes count the refused writes too.
for (( i = 0; i < 3; i++ )); do
  echo "load: node $i cluster_write_quorum_missed=$(field $(( base + i )) cluster cluster_write_quorum_missed)"
done

snapshot() {  # per node: its per-peer replication lines and total_net_input_bytes
  for (( i = 0; i < 3; i++ )); do
    info $(( base + i )) cluster | grep -E '^cluster_replication_(peer|bytes_sent|deltas|full|delta_)' | sed "s/^/node$i /"
    echo "node$i total_net_input_bytes:$(field $(( base + i )) stats total_net_input_bytes)"
  done
}
# Let the load's last copies land (the quorum is 2 of 3), then measure one LPUSH.
sleep 2
snapshot >"$logs/before.txt"
redis-cli -p "$base" lpush big one-more >/dev/null
sleep 1
snapshot >"$logs/after.txt"
echo "lpush: LLEN big on each node (READONLY, own copy):"
for (( i = 0; i < 3; i++ )); do
  printf 'READONLY\r\nLLEN big\r\nLINDEX big 0\r\n' | redis-cli -p $(( base + i )) | tail -2 | tr '\n' ' '; echo
done
python3 - "$logs/before.txt" "$logs/after.txt" <<'PY'
import sys
def read(path):
    values = {}
    for line in open(path):
        node, rest = line.strip().split(" ", 1)
        name, _, value = rest.partition(":")
        if "=" in value:
            for part in value.split(","):
                k, _, v = part.partition("=")
                values[(node, name, k)] = v
        else:
            values[(node, name, "")] = value
    return values
before, after = read(sys.argv[1]), read(sys.argv[2])
peers = {}
for key, value in after.items():
    node, name, field = key
    if name.startswith("cluster_replication_peer") and field == "id":
        peers[(node, name)] = value
for (node, name), peer in sorted(peers.items()):
    grew = {f: int(after[(node, name, f)]) - int(before.get((node, name, f), 0)) for f in ("bytes_sent", "deltas", "full", "fallbacks")}
    if any(grew.values()):
        print(f"lpush: {node} -> {peer}: {grew['bytes_sent']} bytes, {grew['deltas']} deltas, {grew['full']} full, {grew['fallbacks']} fallbacks")
for node in sorted({k[0] for k in after}):
    key = (node, "total_net_input_bytes", "")
    print(f"lpush: {node} total_net_input_bytes grew by {int(after[key]) - int(before[key])}")
PY
