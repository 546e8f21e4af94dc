#!/usr/bin/env bash
# Cluster throughput: redis-benchmark against redis-server, one node, and a 3-node local cluster
# (3 copies per key, write quorum 2) reached through one node (plain client: forwarding plus
# replication) and with --cluster (each key sent to its slot's primary: replication only), all
# in the same run, on loopback, on free ports. Prints a Markdown table.
#   bench/cluster-benchmark.sh [requests] [clients]
# Needs Debian's redis-server and redis-tools (apt-get install redis-server redis-tools).
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${1:-100000}
clients=${2:-50}
warmup=$(( requests / 4 ))
node_dll=src/Cache.Node/bin/Release/net10.0/Cache.Node.dll

command -v redis-benchmark >/dev/null || { echo "redis-benchmark missing: apt-get install redis-tools redis-server"; exit 1; }

logs=$(mktemp -d /tmp/gossipcache-cluster-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Ports taken (TCP or UDP, any state) plus the ones this script already handed out.
reserved=" "
port_free() { [[ $reserved != *" $1 "* ]] && ! ss -Htanu | awk '{ print $5 }' | grep -qE "[:.]$1\$"; }

# First base in 30000.. where base..base+n-1 are free and so are their gossip ports (+10000).
free_ports() {
  local n=$1 base i ok
  for (( base = 30000 + RANDOM % 1000; base < 45000; base += 7 )); do
    ok=1
    for (( i = 0; i < n; i++ )); do
      port_free $(( base + i )) && port_free $(( base + i + 10000 )) || { ok=0; break; }
    done
    if (( ok )); then
      for (( i = 0; i < n; i++ )); do reserved+="$(( base + i )) $(( base + i + 10000 )) "; done
      echo "$base"
      return
    fi
  done
  echo "no free ports" >&2
  exit 1
}

wait_for() {  # wait_for <what> <command...>: up to 30 s
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" && return; sleep 0.1; done
  echo "$what did not become ready; logs in $logs" >&2
  exit 1
}
pings() { [[ $(redis-cli -p "$1" ping 2>/dev/null) == PONG ]]; }
three_members() { [[ $(redis-cli -p "$1" cluster nodes 2>/dev/null | grep -c .) -eq 3 ]]; }

dotnet build src/Cache.Node -c Release -v q -nologo >"$logs/build.log" 2>&1 || { cat "$logs/build.log"; exit 1; }

redis_port=$(free_ports 1)
single_port=$(free_ports 1)
cluster_port=$(free_ports 3)

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$logs/redis.log" 2>&1 &
pids+=($!)
dotnet "$node_dll" --port "$single_port" >"$logs/single.log" 2>&1 &
pids+=($!)
dotnet "$node_dll" --local-cluster 3 --port "$cluster_port" >"$logs/cluster.log" 2>&1 &
pids+=($!)

wait_for redis-server pings "$redis_port"
wait_for "single node" pings "$single_port"
for (( i = 0; i < 3; i++ )); do wait_for "cluster node $i" pings $(( cluster_port + i )); done
wait_for "cluster membership" three_members "$cluster_port"

# bench <label> <pipeline> <requests> <redis-benchmark target args...>: appends
# label,pipeline,test,rps,p50,p99 to $results (or label,pipeline,failed when redis-benchmark fails).
bench() {
  local label=$1 pipeline=$2 n=$3; shift 3
  local out="$logs/$label-P$pipeline.csv"
  if redis-benchmark "$@" -t set,get -n "$n" -c "$clients" -P "$pipeline" -r 100000 -d 32 --csv -q \
      >"$out" 2>"$logs/$label-P$pipeline.err"; then
    grep -E '^"(SET|GET)"' "$out" | tr -d '"' |
      awk -F, -v s="$label" -v p="$pipeline" '{ print s "," p "," $1 "," $2 "," $5 "," $7 }' >>"$results"
  else
    echo "$label,$pipeline,failed" >>"$results"
    echo "redis-benchmark failed for $label -P $pipeline: $(head -c 300 "$logs/$label-P$pipeline.err")" >&2
  fi
}

results="$logs/results.csv"
: >"$results"
for pipeline in 1 16; do
  # Warm each .NET node's JIT (tiered compilation) before measuring; the cluster through node 0
  # reaches the other two by forwarding and replication.
  redis-benchmark -p "$single_port" -t set,get -n "$warmup" -c "$clients" -P "$pipeline" -r 100000 -d 32 -q >/dev/null 2>&1 || true
  redis-benchmark -p "$cluster_port" -t set,get -n "$warmup" -c "$clients" -P "$pipeline" -r 100000 -d 32 -q >/dev/null 2>&1 || true
  bench redis "$pipeline" "$requests" -p "$redis_port"
  bench single "$pipeline" "$requests" -p "$single_port"
  bench via-one "$pipeline" "$requests" -p "$cluster_port"
  bench cluster-aware "$pipeline" "$requests" --cluster -p "$cluster_port"
done

echo "redis-benchmark: $requests requests, $clients clients, 32-byte values, 100k random keys; $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| test | pipeline | redis ops/s | single ops/s | via one node ops/s | --cluster ops/s | redis p50/p99 ms | single p50/p99 ms | via one node p50/p99 ms | --cluster p50/p99 ms |"
echo "|---|---:|---:|---:|---:|---:|---|---|---|---|"
awk -F, '
  $3 == "failed" { next }
  { key = $3 "," $2; tests[key] = 1; rps[$1 "," key] = $4; lat[$1 "," key] = $5 " / " $6 }
  END {
    split("redis single via-one cluster-aware", who, " ")
    for (key in tests) {
      split(key, k, ",")
      line = "| " k[1] " | " k[2]
      for (i = 1; i <= 4; i++) line = line " | " ((who[i] "," key) in rps ? sprintf("%.0f", rps[who[i] "," key]) : "failed")
      for (i = 1; i <= 4; i++) line = line " | " ((who[i] "," key) in lat ? lat[who[i] "," key] : "-")
      print line " |"
    }
  }' "$results" | sort

echo
echo "Cluster counters (INFO cluster, per node):"
for (( i = 0; i < 3; i++ )); do
  echo "  node $(( cluster_port + i )): $(redis-cli -p $(( cluster_port + i )) info cluster 2>/dev/null | tr -d '\r' | grep -vE '^(#|$)' | tr '\n' ' ')"
done
echo
echo "Warnings and errors in the node logs (TRYAGAIN, NOREPLICAS, timeouts, exceptions), besides the start-up 'No memory limit' warning:"
grep -hiE 'warn|fail|error|exception|timeout|tryagain|noreplicas' "$logs/single.log" "$logs/cluster.log" |
  grep -v 'No memory limit' | cut -c 25- | sort | uniq -c | sort -rn | head -20 | grep . || echo "  none"
echo "Errors seen by redis-benchmark: $(cat "$logs"/*.err | grep -ciE 'error|tryagain|noreplicas' || true)"
echo "Logs: $logs"
