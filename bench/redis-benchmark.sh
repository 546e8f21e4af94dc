#!/usr/bin/env bash
# End-to-end throughput: redis-benchmark against our node and against redis-server, in the
# same run, started the same way (loopback, no persistence). Prints a Markdown table.
#   bench/redis-benchmark.sh [requests] [clients]
# Needs Debian's redis-server and redis-tools (apt-get install redis-server redis-tools).
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${1:-1000000}
clients=${2:-50}
node_port=${NODE_PORT:-7480}
redis_port=${REDIS_PORT:-7481}

command -v redis-benchmark >/dev/null || { echo "redis-benchmark missing: apt-get install redis-tools redis-server"; exit 1; }

dotnet build src/Cache.Node -c Release -v q -nologo >/dev/null
dotnet src/Cache.Node/bin/Release/net10.0/Cache.Node.dll --port "$node_port" >/tmp/gossipcache-bench-node.log 2>&1 &
node_pid=$!
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/tmp/gossipcache-bench-redis.log 2>&1 &
redis_pid=$!
trap 'kill $node_pid $redis_pid 2>/dev/null || true' EXIT

for port in "$node_port" "$redis_port"; do
  for _ in $(seq 1 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
done

# One CSV line per (server, pipeline, test): server,pipeline,test,rps,p50,p99
run() {
  local name=$1 port=$2 pipeline=$3
  redis-benchmark -p "$port" -t set,get -n "$requests" -c "$clients" -P "$pipeline" -r 100000 -d 32 --csv -q 2>/dev/null |
    tail -n +2 | tr -d '"' |
    awk -F, -v s="$name" -v p="$pipeline" '{ print s "," p "," $1 "," $2 "," $5 "," $7 }'
}

results=$(mktemp)
for pipeline in 1 16; do
  # Warm the node's JIT before measuring (tiered compilation), then measure both.
  redis-benchmark -p "$node_port" -t set,get -n 100000 -c "$clients" -P "$pipeline" -r 100000 -d 32 -q >/dev/null 2>&1
  run node "$node_port" "$pipeline" >>"$results"
  run redis "$redis_port" "$pipeline" >>"$results"
done

echo "redis-benchmark: $requests requests, $clients clients, 32-byte values, 100k random keys; $(nproc) cores"
echo
echo "| test | pipeline | node ops/s | redis ops/s | node/redis | node p50 ms | redis p50 ms | node p99 ms | redis p99 ms | p99 node/redis |"
echo "|---|---|---|---|---|---|---|---|---|---|"
awk -F, '
  { key=$3 "," $2; if ($1=="node") { n[key]=$0 } else { r[key]=$0 } order[key]=1 }
  END {
    for (k in order) {
      split(n[k], a, ","); split(r[k], b, ",");
      printf "| %s | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.3f | %.3f | %.2f |\n", a[3], a[2], a[4], b[4], a[4]/b[4], a[5], b[5], a[6], b[6], (b[6] > 0 ? a[6]/b[6] : 0)
    }
  }' "$results" | sort
rm -f "$results"
