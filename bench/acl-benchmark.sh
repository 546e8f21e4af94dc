#!/usr/bin/env bash
# The cost of ACL checks on the hot path: redis-benchmark SET/GET against one node, as the
# default user (no restriction) and as an ACL user with key patterns (--user bench -a pw),
# alternating rounds so both see the same machine load. Prints the median ops/s of each.
#   bench/acl-benchmark.sh [requests] [rounds] [pipeline]
# Needs Debian's redis-tools (redis-benchmark, redis-cli).
set -euo pipefail
cd "$(dirname "$0")/.."

requests=${1:-300000}
rounds=${2:-5}
pipeline=${3:-1}
port=${NODE_PORT:-7490}

dotnet build src/Cache.Node -c Release -v q -nologo >/dev/null
dotnet src/Cache.Node/bin/Release/net10.0/Cache.Node.dll --port "$port" --gossip-port $((port + 10000)) >/tmp/gossipcache-acl-bench.log 2>&1 &
node_pid=$!
trap 'kill $node_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$port" ACL SETUSER bench on '>pw' '~key:*' '~counter:*' '~mylist*' '~myset*' '~myhash*' '+@all' >/dev/null

run() {
  redis-benchmark -p "$port" "$@" -t set,get -n "$requests" -c 50 -P "$pipeline" -r 100000 -d 32 --csv -q 2>/dev/null |
    tail -n +2 | tr -d '"' | awk -F, '{ print $1 "," $2 }'
}

run >/dev/null # warm-up (JIT)
plain=$(mktemp) acl=$(mktemp)
for _ in $(seq 1 "$rounds"); do
  run >>"$plain"
  run --user bench -a pw >>"$acl"
done

median() { grep "^$1," "$2" | cut -d, -f2 | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '| test (pipeline %s) | default user ops/s | ACL user with key patterns ops/s | difference |\n|---|---|---|---|\n' "$pipeline"
for test in SET GET; do
  p=$(median "$test" "$plain") a=$(median "$test" "$acl")
  printf '| %s | %s | %s | %s %% |\n' "$test" "$p" "$a" "$(awk -v p="$p" -v a="$a" 'BEGIN { printf "%+.1f", (a - p) * 100 / p }')"
done
rm -f "$plain" "$acl"
