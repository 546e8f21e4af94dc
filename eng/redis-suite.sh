#!/usr/bin/env bash
# Runs Redis 7.0.15's own test suites against this build, a fresh node per file, and prints a
# table of our count next to redis-server's own (reference.txt) with the ratio.
#
#   eng/redis-suite.sh [--tags T] [FILE ...]
#
# FILE is a suite name such as unit/type/list; the default is the files issue 13 targets.
# The suites live outside this repository (REDIS_SUITE, default ../shared/redis-suite); they
# need tclsh (apt-get install tcl) and redis-cli (apt-get install redis-tools). Builds
# src/Cache.Node in Release first. Port 7631 (REDIS_SUITE_PORT) and 17631 must be free.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
suite=${REDIS_SUITE:-$root/../shared/redis-suite}
port=${REDIS_SUITE_PORT:-7631}
tags=""
files=()
while [ $# -gt 0 ]; do
  case $1 in
    --tags) tags=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) files+=("$1"); shift ;;
  esac
done
[ -x "$suite/run" ] || { echo "redis-suite: no suite at $suite (set REDIS_SUITE to the folder holding run and reference.txt)"; exit 2; }
[ ${#files[@]} -gt 0 ] || files=(unit/type/string unit/type/incr unit/type/hash unit/type/list unit/type/list-2 unit/type/list-3
  unit/type/set unit/type/zset unit/keyspace unit/expire unit/protocol unit/multi unit/scan unit/info-command unit/querybuf
  unit/introspection unit/introspection-2 unit/other unit/quit)

dotnet build src/Cache.Node -c Release -v quiet -nologo >/dev/null || { echo "redis-suite: the build failed (dotnet build src/Cache.Node -c Release shows why)"; exit 1; }
dll=$root/src/Cache.Node/bin/Release/net10.0/Cache.Node.dll
gossip=$((port + 10000))
out=$("$suite/run" --port "$port" --timeout 300 ${tags:+--tags "$tags"} \
  --server "dotnet $dll --port \$PORT --gossip-port $gossip" "${files[@]}")

printf '| file | ours | redis-server | ratio | exceptions | first failure |\n|---|---|---|---|---|---|\n'
ours_total=0 ref_total=0
while read -r line; do
  case $line in redis-suite:*) continue ;; esac
  file=$(awk '{print $1}' <<<"$line")
  ok=$(awk '{print $3}' <<<"$line")
  exc=$(awk '{print $7}' <<<"$line")
  first=$(sed -n 's/.*first: //p' <<<"$line" | tr '|' '/')
  ref=$(awk -v f="$file" '$1 == f {print $3}' "$suite/reference.txt")
  ref=${ref:-0}
  ratio=$([ "$ref" -gt 0 ] && awk -v a="$ok" -v b="$ref" 'BEGIN { printf "%.0f %%", 100 * a / b }' || echo "-")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$file" "$ok" "$ref" "$ratio" "$exc" "$first"
  ours_total=$((ours_total + ok)) ref_total=$((ref_total + ref))
done <<<"$out"
printf '| **total** | %s | %s | %s | | |\n' "$ours_total" "$ref_total" \
  "$(awk -v a="$ours_total" -v b="$ref_total" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b }')"
