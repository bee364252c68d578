#!/usr/bin/env bash
# Runs the benchmarks in bench/ (Release builds). Each prints ratios against a floor measured in
# the same run; the last line is the summary of every ratio measured.
# Usage: ./bench.sh [cold-start runs (5)] [e-mails (300)] [--only cold-start,queue,registration]
#   measures: cold-start (issue 2), queue (issue 2, queue path), registration (issue 4: 1,000
#   concurrent registrations for 300 seats, p95 vs one Table insert per request). Default: all.
#   e.g. ./bench.sh --only registration
set -euo pipefail
cd "$(dirname "$0")"
[ -f node_modules/azurite/dist/src/azurite.js ] || npm ci --no-audit --no-fund --loglevel=error
for project in src/Functions src/DevHost bench/BareApp bench/Bench; do
  dotnet build "$project" -c Release -nologo -v:q -clp:ErrorsOnly
done
dotnet bench/Bench/bin/Release/net10.0/Microstructures.Bench.dll "$@"
