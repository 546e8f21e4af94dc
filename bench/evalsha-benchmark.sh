#!/usr/bin/env bash
# EVALSHA of a small script (one GET, one SET) against our node and against redis-server, in the
# same run: each server pinned to core 0 with taskset, redis-benchmark pinned to core 1, loopback,
# no persistence. The script is loaded with SCRIPT LOAD on both servers first. Prints a Markdown
# table with the median of the runs (and every run's ops/s).
#   bench/evalsha-benchmark.sh [requests] [runs]
# Needs Debian's redis-server and redis-tools (apt-get install redis-server redis-tools).
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${1:-200000}
runs=${2:-3}
clients=${CLIENTS:-50}
node_port=${NODE_PORT:-7721}
redis_port=${REDIS_PORT:-7722}
server_core=${SERVER_CORE:-0}
client_core=${CLIENT_CORE:-1}
script="local v = redis.call('GET', KEYS[1]) redis.call('SET', KEYS[1], 'value') return v"

command -v redis-benchmark >/dev/null || { echo "redis-benchmark missing: apt-get install redis-tools redis-server"; exit 1; }

dotnet build src/Cache.Node -c Release -v q -nologo >/dev/null
taskset -c "$server_core" dotnet src/Cache.Node/bin/Release/net10.0/Cache.Node.dll --port "$node_port" --gossip-port $((node_port + 10000)) --bind 127.0.0.1 \
  >/tmp/gossipcache-evalsha-node.log 2>&1 &
node_pid=$!
taskset -c "$server_core" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/tmp/gossipcache-evalsha-redis.log 2>&1 &
redis_pid=$!
trap 'kill $node_pid $redis_pid 2>/dev/null || true' EXIT

for port in "$node_port" "$redis_port"; do
  for _ in $(seq 1 300); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
done

node_sha=$(redis-cli -p "$node_port" SCRIPT LOAD "$script")
redis_sha=$(redis-cli -p "$redis_port" SCRIPT LOAD "$script")
[ "$node_sha" = "$redis_sha" ] || { echo "SCRIPT LOAD disagrees: node $node_sha, redis $redis_sha"; exit 1; }
sha=$node_sha

# One CSV line per run: server,pipeline,rps,p50,p99
bench() {
  local name=$1 port=$2 pipeline=$3 n=$4
  taskset -c "$client_core" redis-benchmark -p "$port" -n "$n" -c "$clients" -P "$pipeline" -r 100000 --csv -q \
    EVALSHA "$sha" 1 key:__rand_int__ 2>/dev/null |
    tail -n +2 | tr -d '"' |
    awk -F, -v s="$name" -v p="$pipeline" '{ print s "," p "," $2 "," $5 "," $7 }'
}

results=$(mktemp)
for pipeline in 1 16; do
  # Warm the node's JIT (tiered compilation) before measuring.
  bench node "$node_port" "$pipeline" 50000 >/dev/null
  for _ in $(seq 1 "$runs"); do
    bench node "$node_port" "$pipeline" "$requests" >>"$results"
    bench redis "$redis_port" "$pipeline" "$requests" >>"$results"
  done
done

echo "EVALSHA $sha 1 key:__rand_int__ ($script)"
echo "redis-benchmark: $requests requests, $clients clients, 100k random keys, $runs runs each (median shown); servers on core $server_core, client on core $client_core; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| pipeline | node ops/s | redis ops/s | node/redis | node p50 ms | redis p50 ms | node p99 ms | redis p99 ms | node runs ops/s | redis runs ops/s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
for pipeline in 1 16; do
  # The run with the median ops/s, per server.
  median() { grep "^$1,$pipeline," "$results" | sort -t, -k3 -g | awk -v n="$runs" 'NR == int((n + 1) / 2)'; }
  all() { grep "^$1,$pipeline," "$results" | cut -d, -f3 | awk '{ printf "%s%.0f", (NR > 1 ? " / " : ""), $1 }'; }
  n=$(median node) r=$(median redis)
  awk -F, -v n="$n" -v r="$r" -v na="$(all node)" -v ra="$(all redis)" -v p="$pipeline" 'BEGIN {
    split(n, a, ","); split(r, b, ",");
    printf "| %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.3f | %.3f | %s | %s |\n", p, a[3], b[3], a[3] / b[3], a[4], b[4], a[5], b[5], na, ra
  }'
done
rm -f "$results"

# Time inside the server per call, from each server's own INFO commandstats (every run and warm-up).
echo
for server in "node $node_port" "redis $redis_port"; do
  set -- $server
  echo "$1: $(redis-cli -p "$2" INFO commandstats | tr -d '\r' | grep -E '^cmdstat_(evalsha|get|set):' | sed -E 's/^cmdstat_([a-z]+):calls=([0-9]+),usec=[0-9]+,usec_per_call=([0-9.]+).*/\1 \3 us\/call (\2 calls)/' | paste -sd ';' | sed 's/;/; /g')"
done
