#!/usr/bin/env bash
# Runs the benchmarks in bench/ (Release builds). Each prints ratios against a floor measured in
# the same run; the last line is the summary. Usage: ./bench.sh [cold-start runs] [e-mails]
set -euo pipefail
cd "$(dirname "$0")"
[ -f node_modules/azurite/dist/src/azurite.js ] || npm ci --no-audit --no-fund --loglevel=error
for project in src/Functions src/DevHost bench/BareApp bench/Bench; do
  dotnet build "$project" -c Release -nologo -v:q -clp:ErrorsOnly
done
dotnet bench/Bench/bin/Release/net10.0/Microstructures.Bench.dll "$@"
