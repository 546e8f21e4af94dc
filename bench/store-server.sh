#!/usr/bin/env bash
# Store figures through the server, next to redis-server loaded the same way:
# DEBUG POPULATE <n> key 32 (keys key:0..key:n-1, 32-byte values), then INFO memory used_memory,
# the process RSS, DEBUG GC (ours: one full blocking compacting collection, in ms) and the GET
# latency (redis-benchmark -t get, 50 clients, random keys over the populated range).
#   bench/store-server.sh [sizes...]     (default: 100000 4000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${*:-100000 4000000}
node_port=${NODE_PORT:-7405}
redis_port=${REDIS_PORT:-7395}
requests=${REQUESTS:-1000000}

dotnet build src/Cache.Node -c Release -v q -nologo >/dev/null
rss() { ps -o rss= -p "$1" | awk '{print $1 * 1024}'; }
field() { redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v k="$3" '$1 == k {print $2}'; }

echo "| server | keys | used_memory | used_memory B/key | RSS | RSS B/key | GC ms | GET p50 ms | GET p99 ms | GET rps |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $sizes; do
  for server in gossipcache redis; do
    if [ "$server" = gossipcache ]; then
      port=$node_port
      dotnet src/Cache.Node/bin/Release/net10.0/Cache.Node.dll --port "$port" --gossip-port 0 --enable-debug-command local >/tmp/store-bench-node.log 2>&1 &
    else
      port=$redis_port
      redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --enable-debug-command local >/tmp/store-bench-redis.log 2>&1 &
    fi
    pid=$!
    for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    base_used=$(field "$port" memory used_memory)
    base_rss=$(rss "$pid")
    redis-cli -p "$port" debug populate "$n" key 32 >/dev/null
    used=$(field "$port" memory used_memory)
    now_rss=$(rss "$pid")
    gc="-"
    if [ "$server" = gossipcache ]; then gc=$(redis-cli -p "$port" debug gc); fi
    line=$(redis-benchmark -p "$port" -t get -r "$n" -n "$requests" -c 50 --csv -q | tail -1 | tr -d '"')
    rps=$(echo "$line" | cut -d, -f2); p50=$(echo "$line" | cut -d, -f5); p99=$(echo "$line" | cut -d, -f7)
    awk -v s="$server" -v n="$n" -v u="$used" -v bu="$base_used" -v r="$now_rss" -v br="$base_rss" -v gc="$gc" -v p50="$p50" -v p99="$p99" -v rps="$rps" \
      'BEGIN { printf "| %s | %d | %d | %.1f | %d | %.1f | %s | %s | %s | %s |\n", s, n, u, (u-bu)/n, r, (r-br)/n, gc, p50, p99, rps }'
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
done
