#!/usr/bin/env bash
# Runs one fuzz target of fuzz/Cache.Fuzz under AFL++ for N minutes (niced: the machine is shared):
#   eng/fuzz.sh <resp|gossip-packet|gossip-message|peer-reply|peer-command|options> [minutes, default 5]
# Needs Debian's afl++ and the SharpFuzz.CommandLine tool (installed here when missing).
# Findings land in $FUZZ_OUT/<target>/default/{crashes,hangs}; replay one with
#   dotnet fuzz/Cache.Fuzz/bin/Release/net10.0/Cache.Fuzz.dll <target> <file>
# with the uninstrumented build (dotnet fuzz/Cache.Fuzz/bin/Release/net10.0/Cache.Fuzz.dll: the
# instrumented one only runs under afl-fuzz), then turn it into an xunit regression test.
# FUZZ_NO_BUILD=1 reuses the last instrumented build.
set -euo pipefail
target=${1:?usage: eng/fuzz.sh <target> [minutes]}
minutes=${2:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
out=${FUZZ_OUT:-/tmp/gossipcache-fuzz}
bin=$out/bin
export PATH="$PATH:$HOME/.dotnet/tools"

command -v afl-fuzz >/dev/null || { echo "afl-fuzz missing: apt-get install -y afl++" >&2; exit 1; }
command -v sharpfuzz >/dev/null || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0

if [[ "${FUZZ_NO_BUILD:-}" != 1 || ! -f "$bin/Cache.Fuzz.dll" ]]; then
  rm -rf "$bin"
  nice -n 19 dotnet publish "$root/fuzz/Cache.Fuzz" -c Release -o "$bin" --nologo -v q
  # Coverage feedback for the code under test (not for the runtime or the fuzz driver).
  for dll in Cache.Node.dll Cache.Gossip.dll Cache.Client.dll; do
    sharpfuzz "$bin/$dll"
  done
fi

corpus="$root/fuzz/corpus/$target"
[[ -d "$corpus" ]] || { echo "no corpus folder $corpus" >&2; exit 1; }
mkdir -p "$out/$target"
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 \
  AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=1 DOTNET_TieredPGO=0
nice -n 19 afl-fuzz -i "$corpus" -o "$out/$target" -t 10000 -m none -V $((minutes * 60)) \
  -- dotnet "$bin/Cache.Fuzz.dll" "$target" || true

stats="$out/$target/default/fuzzer_stats"
if [[ -f "$stats" ]]; then
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|stability)' "$stats"
fi
