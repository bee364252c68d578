#!/usr/bin/env bash
# Runs every test. Installs what the tests need when missing: Azurite (npm ci) and Debian's
# Chromium for the browser tests (it fails rather than skips without it). Each test class starts
# its own in-memory Azurite on free ports and stops it; nothing else needs to be running.
set -euo pipefail
cd "$(dirname "$0")"

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found)." >&2; exit 1; }
command -v node >/dev/null || { echo "Node.js is required (node not found)." >&2; exit 1; }

[ -f node_modules/azurite/dist/src/azurite.js ] || npm ci --no-audit --no-fund --loglevel=error

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
[ -x /usr/bin/chromium ] || { echo "Chromium is required for the browser tests and could not be installed." >&2; exit 1; }

dotnet build Microstructures.sln -nologo -v:q -clp:ErrorsOnly

log=$(mktemp)
set +e
dotnet test Microstructures.sln --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "Tests: $passed passed, $failed failed"
exit "$status"
