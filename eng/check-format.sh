#!/usr/bin/env bash
# Fails when the code drifts from the one style in .editorconfig (CI runs it before the tests).
# To fix what it reports: bash eng/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--fix" ]; then
  # Style first: the braces it adds are then laid out by the whitespace pass.
  dotnet format style Cache.sln --severity warn
  dotnet format whitespace Cache.sln
  exit 0
fi
if ! dotnet format whitespace Cache.sln --verify-no-changes || ! dotnet format style Cache.sln --verify-no-changes --severity warn; then
  echo "check-format: the code drifted from .editorconfig's style; run 'bash eng/check-format.sh --fix' and commit the result"
  exit 1
fi
echo "check-format: no drift"
