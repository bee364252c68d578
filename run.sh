#!/usr/bin/env bash
# Starts the whole platform locally: Azurite, the DevHost (the local Azure Functions host) and the
# isolated worker it starts from src/Functions' build output. Ctrl-C stops everything.
#   ./run.sh           keep storage data in .azurite/ between runs
#   ./run.sh --fresh   start with empty in-memory storage
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
FRESH=0
for arg in "$@"; do
  case "$arg" in
    --fresh) FRESH=1 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not found)." >&2; exit 1; }
command -v node >/dev/null || { echo "Node.js is required (node not found)." >&2; exit 1; }

healthy() { node -e "fetch('http://127.0.0.1:7071/api/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 7071 10000 10001 10002; do
  if port_busy "$port"; then echo "Port $port is already in use: is ./run.sh already running?" >&2; exit 1; fi
done

[ -f node_modules/azurite/dist/src/azurite.js ] || { echo "Installing Azurite (npm ci)..."; npm ci --no-audit --no-fund --loglevel=error; }
if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "Created local.settings.json from local.settings.sample.json."
fi

echo "Building..."
dotnet build src/DevHost/DevHost.csproj -nologo -v:q -clp:ErrorsOnly
dotnet build src/Functions/Functions.csproj -nologo -v:q -clp:ErrorsOnly

mkdir -p .azurite .run
PIDS=()
cleanup() {
  trap - INT TERM EXIT
  echo
  echo "Stopping..."
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped."
}
trap cleanup INT TERM EXIT

storage_args=(--location "$ROOT/.azurite")
[ "$FRESH" = 1 ] && storage_args=(--inMemoryPersistence)
node node_modules/azurite/dist/src/azurite.js --silent --skipApiVersionCheck --disableTelemetry \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 "${storage_args[@]}" \
  > .run/azurite.log 2>&1 &
PIDS+=($!)
for port in 10000 10001 10002; do
  for _ in $(seq 1 150); do port_busy "$port" && break; sleep 0.2; done
  port_busy "$port" || { echo "Azurite did not start (see .run/azurite.log)." >&2; exit 1; }
done

dotnet src/DevHost/bin/Debug/net10.0/Microstructures.DevHost.dll \
  --script-root "$ROOT/src/Functions/bin/Debug/net10.0" \
  --settings "$ROOT/local.settings.json" --sample-settings "$ROOT/local.settings.sample.json" \
  --port 7071 --max-polling-interval 00:00:02 &
PIDS+=($!)

for _ in $(seq 1 300); do
  healthy && break
  kill -0 "${PIDS[1]}" 2>/dev/null || { echo "The DevHost stopped (see above)." >&2; exit 1; }
  sleep 0.2
done
healthy || { echo "The platform did not become healthy within 60 s." >&2; exit 1; }

# A fictional sample event (example.org), so that the form can be tried at once.
scripts/seed.sh http://127.0.0.1:7071 || echo "The sample event could not be created (see above)."

cat <<MSG

La plateforme tourne / the platform is running:
  Public home     http://127.0.0.1:7071/                  (the events open for registration)
  Sample form     http://127.0.0.1:7071/api/events/journee-exemple/register
  Staff events    http://127.0.0.1:7071/api/manage/events (staff key: Admin__ApiKey in local.settings.json)
  Staff pages     http://127.0.0.1:7071/api/manage
  Health          http://127.0.0.1:7071/api/health
  E-mail outbox   http://127.0.0.1:7071/_devhost/outbox/page
  Queues, timers  http://127.0.0.1:7071/_devhost/queues
  Storage         Azurite on 127.0.0.1:10000 (blob), 10001 (queue), 10002 (table)$([ "$FRESH" = 1 ] && echo ", in memory" || echo ", data in .azurite/")
Ctrl-C stops everything.
MSG
wait "${PIDS[1]}"
