#!/usr/bin/env bash
# TLS throughput: redis-benchmark --tls against our node's TLS port and against Debian's
# redis-server with TLS, in the same run, same certificates (a CA, a server certificate, a client
# certificate made here with openssl), both asking for client certificates (tls-auth-clients yes,
# Redis' default). Each server is pinned to core 0 with taskset, redis-benchmark to core 1.
# Also measures both plain ports, and the plain port of a node started without TLS, so the cost
# of TLS and the (absent) cost of having a TLS port on the plain path show in one table.
#   bench/tls-benchmark.sh [requests] [clients]
# Needs redis-server, redis-tools (with TLS, as Debian builds them) and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${1:-500000}
clients=${2:-50}
base=${BASE_PORT:-21150}
node_plain=$base node_tls=$((base + 1)) redis_plain=$((base + 2)) redis_tls=$((base + 3)) bare_plain=$((base + 4))
server_core=${SERVER_CORE:-0}
client_core=${CLIENT_CORE:-1}

command -v redis-benchmark >/dev/null || { echo "redis-benchmark missing: apt-get install redis-tools redis-server"; exit 1; }

certs=$(mktemp -d)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$certs/ca.key" -out "$certs/ca.crt" -subj "/CN=bench CA" -days 2 2>/dev/null
for name in server client; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$certs/$name.key" -out "$certs/$name.csr" -subj "/CN=$name" 2>/dev/null
  printf "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n" >"$certs/ext"
  openssl x509 -req -in "$certs/$name.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial -out "$certs/$name.crt" -days 2 -extfile "$certs/ext" 2>/dev/null
done
tls_server=(--tls-cert-file "$certs/server.crt" --tls-key-file "$certs/server.key" --tls-ca-cert-file "$certs/ca.crt" --tls-auth-clients yes)
tls_client=(--tls --cacert "$certs/ca.crt" --cert "$certs/client.crt" --key "$certs/client.key")

dotnet build src/Cache.Node -c Release -v q -nologo >/dev/null
node=src/Cache.Node/bin/Release/net10.0/Cache.Node.dll
dir=$(mktemp -d)
taskset -c "$server_core" dotnet "$node" --port "$node_plain" --gossip-port $((node_plain + 10000)) --tls-port "$node_tls" "${tls_server[@]}" \
  --dir "$dir" >/tmp/gossipcache-tls-bench-node.log 2>&1 &
node_pid=$!
taskset -c "$server_core" redis-server --port "$redis_plain" --tls-port "$redis_tls" "${tls_server[@]}" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize no >/tmp/gossipcache-tls-bench-redis.log 2>&1 &
redis_pid=$!
trap 'kill $node_pid $redis_pid ${bare_pid:-} 2>/dev/null || true; rm -rf "$certs" "$dir"' EXIT

wait_for() {
  for _ in $(seq 1 200); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "nothing answers on port $1"; exit 1
}
wait_for "$node_plain"
wait_for "$redis_plain"

# One CSV line per (server, pipeline, test): server,pipeline,test,rps,p50,p99
run() {
  local name=$1 port=$2 pipeline=$3
  shift 3
  taskset -c "$client_core" redis-benchmark -p "$port" "$@" -t set,get -n "$requests" -c "$clients" -P "$pipeline" -r 100000 -d 32 --csv -q 2>/dev/null |
    tail -n +2 | tr -d '"' |
    awk -F, -v s="$name" -v p="$pipeline" '{ print s "," p "," $1 "," $2 "," $5 "," $7 }'
}

results=$(mktemp)
for pipeline in 1 16; do
  # Warm the node's JIT on both ports (tiered compilation), then measure.
  taskset -c "$client_core" redis-benchmark -p "$node_tls" "${tls_client[@]}" -t set,get -n 100000 -c "$clients" -P "$pipeline" -r 100000 -d 32 -q >/dev/null 2>&1
  taskset -c "$client_core" redis-benchmark -p "$node_plain" -t set,get -n 100000 -c "$clients" -P "$pipeline" -r 100000 -d 32 -q >/dev/null 2>&1
  run node-tls "$node_tls" "$pipeline" "${tls_client[@]}" >>"$results"
  run redis-tls "$redis_tls" "$pipeline" "${tls_client[@]}" >>"$results"
  run node-plain "$node_plain" "$pipeline" >>"$results"
  run redis-plain "$redis_plain" "$pipeline" >>"$results"
done

# The plain port of a node without any TLS port, alone on its core: the plain path's baseline.
kill "$node_pid"; wait "$node_pid" 2>/dev/null || true
taskset -c "$server_core" dotnet "$node" --port "$bare_plain" --gossip-port $((bare_plain + 10000)) --dir "$dir" >/tmp/gossipcache-tls-bench-bare.log 2>&1 &
bare_pid=$!
wait_for "$bare_plain"
for pipeline in 1 16; do
  taskset -c "$client_core" redis-benchmark -p "$bare_plain" -t set,get -n 100000 -c "$clients" -P "$pipeline" -r 100000 -d 32 -q >/dev/null 2>&1
  run node-no-tls-port "$bare_plain" "$pipeline" >>"$results"
done

echo "redis-benchmark: $requests requests, $clients clients, 32-byte values, 100k random keys; servers on core $server_core, client on core $client_core; $(redis-server --version | cut -d' ' -f3)"
echo
echo "| test | pipeline | node TLS ops/s | redis TLS ops/s | node/redis TLS | node TLS p99 ms | redis TLS p99 ms | node plain ops/s | redis plain ops/s | node without TLS port, plain ops/s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
awk -F, '
  { key=$3 "," $2; v[$1 "," key]=$4; p99[$1 "," key]=$6; order[key]=1 }
  END {
    for (k in order) {
      split(k, a, ",");
      printf "| %s | %s | %.0f | %.0f | %.2f | %.3f | %.3f | %.0f | %.0f | %.0f |\n", a[1], a[2], v["node-tls," k], v["redis-tls," k], v["node-tls," k] / v["redis-tls," k],
        p99["node-tls," k], p99["redis-tls," k], v["node-plain," k], v["redis-plain," k], v["node-no-tls-port," k]
    }
  }' "$results" | sort
rm -f "$results"
