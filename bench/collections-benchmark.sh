#!/usr/bin/env bash
# Lists, sets and sorted sets: the node next to redis-server in the same run.
#   bench/collections-benchmark.sh [requests] [elements]
# 1. redis-benchmark -t lpush,rpush,lpop,rpop,sadd,spop,zadd,zpopmin,lrange_100,lrange_600 against
#    each server, pipeline 1 and 16, the server pinned to core 1 and the benchmark to core 0.
# 2. [elements] (default 1,000,000) elements loaded into one list, one set and one sorted set on
#    each server: used_memory's growth per element, and on the node a full blocking GC (DEBUG GC).
# 3. The same elements in List<byte[]>, HashSet<byte[]> and SortedSet in one .NET process: its full GC.
# Needs Debian's redis-server and redis-tools. Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${1:-200000}
elements=${2:-1000000}
node_port=${NODE_PORT:-7490}
redis_port=${REDIS_PORT:-7491}
pin_server="taskset -c 1"
pin_client="taskset -c 0"
[ "$(nproc)" -ge 2 ] || { pin_server=""; pin_client=""; }

dotnet build src/Cache.Node -c Release -v q -nologo >/dev/null
dotnet build bench/Cache.Benchmarks -c Release -v q -nologo >/dev/null
$pin_server dotnet src/Cache.Node/bin/Release/net10.0/Cache.Node.dll --port "$node_port" --gossip-port $((node_port + 10000)) \
  --enable-debug-command local >/tmp/gossipcache-collections-node.log 2>&1 &
node_pid=$!
$pin_server redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/tmp/gossipcache-collections-redis.log 2>&1 &
redis_pid=$!
trap 'kill $node_pid $redis_pid 2>/dev/null || true' EXIT
for port in "$node_port" "$redis_port"; do
  for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

tests=lpush,rpush,lpop,rpop,sadd,spop,zadd,zpopmin,lrange_100,lrange_600
run() {
  local name=$1 port=$2 pipeline=$3
  $pin_client redis-benchmark -p "$port" -t "$tests" -n "$requests" -c 50 -P "$pipeline" -r 100000 -d 32 --csv -q 2>/dev/null |
    tail -n +2 | tr -d '"' | awk -F, -v s="$name" -v p="$pipeline" '{ print s "," p "," $1 "," $2 "," $5 "," $7 }'
}
results=$(mktemp)
for pipeline in 1 16; do
  $pin_client redis-benchmark -p "$node_port" -t "$tests" -n 50000 -c 50 -P "$pipeline" -r 100000 -d 32 -q >/dev/null 2>&1
  run node "$node_port" "$pipeline" >>"$results"
  run redis "$redis_port" "$pipeline" >>"$results"
done
echo "redis-benchmark: $requests requests per test, 50 clients, 32-byte values; server on core 1, benchmark on core 0"
echo
echo "| test | pipeline | node ops/s | redis ops/s | node/redis | node p50 ms | redis p50 ms | node p99 ms | redis p99 ms |"
echo "|---|---|---|---|---|---|---|---|---|"
awk -F, '{ key=$3 "," $2; if ($1=="node") n[key]=$0; else r[key]=$0; order[key]=1 }
  END { for (k in order) { split(n[k], a, ","); split(r[k], b, ",");
    printf "| %s | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.3f | %.3f |\n", a[3], a[2], a[4], b[4], a[4]/b[4], a[5], b[5], a[6], b[6] } }' "$results" | sort
rm -f "$results"

# RESP for one command per 1000 elements: CMD key then element:<i> (ZADD: score i then the member).
load() {
  local port=$1 command=$2 key=$3 scored=$4
  awk -v n="$elements" -v cmd="$command" -v key="$key" -v scored="$scored" 'BEGIN {
    for (start = 0; start < n; start += 1000) {
      end = start + 1000; if (end > n) end = n; count = end - start
      printf "*%d\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", 2 + count * (scored ? 2 : 1), length(cmd), cmd, length(key), key
      for (i = start; i < end; i++) {
        m = "element:" i
        if (scored) printf "$%d\r\n%d\r\n", length(i ""), i
        printf "$%d\r\n%s\r\n", length(m), m
      }
    } }' | redis-cli -p "$port" --pipe >/dev/null
}
used() { redis-cli -p "$1" info memory | tr -d '\r' | awk -F: '$1 == "used_memory" { print $2 }'; }

echo
echo "$elements elements of 13-17 bytes (element:<i>) per collection; used_memory growth per element"
echo
echo "| collection | node B/element | redis B/element | node/redis |"
echo "|---|---|---|---|"
row() {
  local label=$1 command=$2 key=$3 scored=$4 node_per redis_per before after
  before=$(used "$node_port"); load "$node_port" "$command" "$key" "$scored"; after=$(used "$node_port")
  node_per=$(awk -v a="$after" -v b="$before" -v n="$elements" 'BEGIN { printf "%.1f", (a - b) / n }')
  before=$(used "$redis_port"); load "$redis_port" "$command" "$key" "$scored"; after=$(used "$redis_port")
  redis_per=$(awk -v a="$after" -v b="$before" -v n="$elements" 'BEGIN { printf "%.1f", (a - b) / n }')
  echo "| $label | $node_per | $redis_per | $(awk -v a="$node_per" -v b="$redis_per" 'BEGIN { printf "%.2f", a / b }') |"
}
row list RPUSH big:list 0
row set SADD big:set 0
row "sorted set" ZADD big:zset 1

echo
gc=$(for _ in 1 2 3 4 5; do redis-cli -p "$node_port" debug gc; done | sort -n | sed -n 3p)
echo "node: full blocking GC (DEBUG GC, median of 5) with the three collections loaded: $gc ms"
dotnet bench/Cache.Benchmarks/bin/Release/net10.0/Cache.Benchmarks.dll collection-peers "$elements"
