#!/usr/bin/env bash
# Runs every test in Cache.sln and ends with one line: "N passed, N failed".
# The compatibility tests compare our replies with a real redis-server, so this installs
# Debian's redis-server/redis-tools first when they are missing (root or sudo needed once).
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "test.sh: installing redis-server and redis-tools (the reference the tests compare with)..."
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server redis-tools >/dev/null \
    || { echo "test.sh: could not install redis-server; install it (apt-get install redis-server) and run again"; exit 1; }
  # The Debian package starts a service on 6379; the tests use their own ports, and 6379 is the node's default.
  $sudo_cmd service redis-server stop >/dev/null 2>&1 || true
fi

# The scripting tests run EVAL on Debian's Lua 5.1 (with cjson and bitop), as Redis 7.0 embeds it.
if ! dpkg -s liblua5.1-0 lua-cjson lua-bitop >/dev/null 2>&1; then
  echo "test.sh: installing liblua5.1-0, lua-cjson and lua-bitop (the interpreter EVAL runs on)..."
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq liblua5.1-0 lua-cjson lua-bitop >/dev/null \
    || { echo "test.sh: could not install Lua 5.1; install it (apt-get install liblua5.1-0 lua-cjson lua-bitop) and run again"; exit 1; }
fi

log=$(mktemp)
dotnet test Cache.sln -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=0
failed=0
while read -r f p; do
  passed=$((passed + p))
  failed=$((failed + f))
done < <(grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+).*/\1 \2/')
rm -f "$log"

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: dotnet test exited with $status (build or run error above)"
  failed=1
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
