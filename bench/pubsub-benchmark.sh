#!/usr/bin/env bash
# Pub/sub and client tracking figures, all in the same run, on loopback: redis-server, one node
# and a 3-node --local-cluster, each started with persistence off. The servers are pinned to
# core 1 and the probe (bench/Cache.Benchmarks: pubsub, invalidation) to core 0 with taskset.
#   bench/pubsub-benchmark.sh [messages-to-1] [messages-to-100] [invalidations]
# Prints Markdown tables. Needs Debian's redis-server and redis-tools.
set -euo pipefail
cd "$(dirname "$0")/.."

one=${1:-50000}
hundred=${2:-5000}
invalidations=${3:-2000}
node_dll=src/Cache.Node/bin/Release/net10.0/Cache.Node.dll
bench_dll=bench/Cache.Benchmarks/bin/Release/net10.0/Cache.Benchmarks.dll
pin_server="taskset -c 1"
pin_probe="taskset -c 0"

command -v redis-cli >/dev/null || { echo "redis-cli missing: apt-get install redis-tools redis-server"; exit 1; }

logs=$(mktemp -d /tmp/gossipcache-pubsub-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! ss -Htanu | awk '{ print $5 }' | grep -qE "[:.]$1\$"; }
# Five consecutive ports (redis, node, 3 cluster nodes) whose gossip ports (+10000) are free too.
base=${PORT_BASE:-}
if [[ -z $base ]]; then
  for (( b = 30000 + RANDOM % 1000; b < 45000; b += 7 )); do
    ok=1
    for (( i = 0; i < 5; i++ )); do port_free $(( b + i )) && port_free $(( b + i + 10000 )) || { ok=0; break; }; done
    (( ok )) && { base=$b; break; }
  done
fi
wait_for() {
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" && return; sleep 0.1; done
  echo "$what did not become ready; logs in $logs" >&2
  exit 1
}
pings() { [[ $(redis-cli -p "$1" ping 2>/dev/null) == PONG ]]; }
three_members() { [[ $(redis-cli -p "$1" cluster nodes 2>/dev/null | grep -c .) -eq 3 ]]; }

for project in src/Cache.Node bench/Cache.Benchmarks; do
  dotnet build "$project" -c Release -v q -nologo >"$logs/build.log" 2>&1 || { cat "$logs/build.log"; exit 1; }
done

redis_port=$base
single_port=$(( base + 1 ))
cluster_port=$(( base + 2 ))
$pin_server redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$logs/redis.log" 2>&1 &
pids+=($!)
$pin_server dotnet "$node_dll" --port "$single_port" --gossip-port $(( single_port + 10000 )) --dir "$logs/single" >"$logs/single.log" 2>&1 &
pids+=($!)
$pin_server dotnet "$node_dll" --local-cluster 3 --port "$cluster_port" --dir "$logs/cluster" >"$logs/cluster.log" 2>&1 &
pids+=($!)
wait_for redis-server pings "$redis_port"
wait_for "single node" pings "$single_port"
for (( i = 0; i < 3; i++ )); do wait_for "cluster node $i" pings $(( cluster_port + i )); done
wait_for "cluster membership" three_members "$cluster_port"

probe() { $pin_probe dotnet "$bench_dll" "$@"; }
r="127.0.0.1:$redis_port"
s="127.0.0.1:$single_port"
c0="127.0.0.1:$cluster_port"; c1="127.0.0.1:$(( cluster_port + 1 ))"; c2="127.0.0.1:$(( cluster_port + 2 ))"

# Warm the nodes' JIT (tiered compilation) before measuring.
probe pubsub warm "$s" "$s" 10 2000 >/dev/null
probe pubsub warm "$c0" "$c1,$c2,$c0" 10 2000 >/dev/null

pubsub=$logs/pubsub.csv
for subs in 1 100; do
  n=$([[ $subs == 1 ]] && echo "$one" || echo "$hundred")
  probe pubsub redis "$r" "$r" "$subs" "$n" >>"$pubsub"
  probe pubsub node "$s" "$s" "$subs" "$n" >>"$pubsub"
  # Publisher on node 0; one subscriber sits on node 1, a hundred are spread over all three.
  probe pubsub cluster "$c0" "$([[ $subs == 1 ]] && echo "$c1" || echo "$c1,$c2,$c0")" "$subs" "$n" >>"$pubsub"
done

tracking=$logs/tracking.csv
probe invalidation redis "$r" "$r" "$invalidations" >>"$tracking"
probe invalidation node "$s" "$s" "$invalidations" >>"$tracking"
probe invalidation "cluster: SET on node 0 -> tracking client on node 1" "$c0" "$c1" "$invalidations" >>"$tracking"
probe invalidation "cluster: SET on node 0 -> tracking client on node 2" "$c0" "$c2" "$invalidations" >>"$tracking"

echo "Pub/sub: one publisher, 32-byte-ish payloads, $one messages to 1 subscriber, $hundred to 100; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| server | subscribers | publish/s | deliveries/s | p50 ms | p99 ms | p50 ms loaded | p99 ms loaded | delivered % |"
echo "|---|---|---|---|---|---|---|---|---|"
awk -F, '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$pubsub"
echo
echo "Invalidation latency: SET sent on one connection to the RESP3 tracking client reading its push, $invalidations rounds"
echo
echo "| setup | rounds | p50 ms | p99 ms | max ms |"
echo "|---|---|---|---|---|"
awk -F, '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$tracking"
