#!/usr/bin/env bash
# Runs the benchmarks in bench/ (Release builds). Each prints ratios against a floor measured in
# the same run, and its count of 5xx answers; the last line is the summary of every ratio measured.
# Usage: ./bench.sh [cold-start runs (5)] [e-mails (300)] [--only cold-start,queue,registration,http,submissions,newsletter,forfait-reminders,ready-to-run]
#   cold-start    process start -> first 200 on /api/health through the DevHost: the app's worker vs a
#                 one-function worker (bench/BareWorker), the bare ASP.NET Core app beside
#   queue         e-mails/s through DevHost -> SendEmail -> sink vs the same calls in one process, no host
#   registration  1,000 concurrent registrations for 300 seats, p95 vs one Table insert per request
#   http          per-request overhead through the DevHost vs the bare app, sequential and 8 clients
#   submissions   100,000 patient fiches from 50 networks in files of 1,000, until every indicator is up to date,
#                 vs writing and reading back as many entities in 100-entity batches; worker peak memory
#                 (BENCH_FICHES=10000 for a shorter run)
#   newsletter    20,000 active subscribers (seeded into storage, not measured): MonthlyNewsletterTimer -> newsletter-batches
#                 -> sink until the campaign is Sent, and its SendGrid API calls, vs posting the same calls of the same
#                 messages to the sink directly (BENCH_SUBSCRIBERS=2000 for a shorter run)
#   forfait-reminders  200,000 active forfaits across 10,000 microstructures (seeded, not measured): the daily
#                 ForfaitRemindersTimer run through the DevHost and the e-mails it queued, vs a raw scan of the same
#                 forfaits (BENCH_FORFAITS=20000 for a shorter run)
#   ready-to-run  only when named: the worker published as scripts/package.sh does (ReadyToRun) vs the same
#                 publish without ReadyToRun, cold start through the DevHost
#   e.g. ./bench.sh --only registration
set -euo pipefail
cd "$(dirname "$0")"
[ -f node_modules/azurite/dist/src/azurite.js ] || npm ci --no-audit --no-fund --loglevel=error
for project in src/Functions src/DevHost bench/BareWorker bench/BareApp bench/Bench; do
  dotnet build "$project" -c Release -nologo -v:q -clp:ErrorsOnly
done
dotnet bench/Bench/bin/Release/net10.0/Microstructures.Bench.dll "$@"
