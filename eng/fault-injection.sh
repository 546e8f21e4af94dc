#!/usr/bin/env bash
# Issue 19's fault injection, longer than CI's run: three node processes in network namespaces
# of their own (10.77.0.0/24 between nodes, 10.78.i.0/24 to the writers; nothing leaves them),
# each fault held for SECONDS (default 20), RUNS times (default 3), and the table per fault
# appended to REPORT (default bench/fault-injection-results.md). Needs root, ip and tc
# (iproute2); the loss fault needs iptables (skipped, and said so, without it).
#   sudo bash eng/fault-injection.sh [seconds] [runs] [only-faults-whose-name-contains]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
runs="${2:-3}"
only="${3:-}"
report="${REPORT:-$PWD/bench/fault-injection-results.md}"
dotnet build tests/Cache.Node.Tests -c Release -v q -nologo
{
  echo "## $(date -u +%Y-%m-%dT%H:%MZ): $runs run(s), each fault held ${seconds} s"
  echo
  echo "Command: \`sudo bash eng/fault-injection.sh $seconds $runs${only:+ \"$only\"}\`"
  echo
} >> "$report"
for run in $(seq 1 "$runs"); do
  echo "run $run of $runs (faults of ${seconds} s)"
  GOSSIPCACHE_FAULT_SECONDS="$seconds" GOSSIPCACHE_FAULT_REPORT="$report" GOSSIPCACHE_FAULT_ONLY="$only" \
    dotnet test tests/Cache.Node.Tests -c Release --no-build --filter "FullyQualifiedName~FaultInjectionTests" \
    --logger "console;verbosity=normal" || echo "run $run: the checker failed (see above); its table is in $report"
done
echo "tables appended to $report"
