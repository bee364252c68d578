#!/usr/bin/env bash
# Creates the fictional sample event (example.org contacts) through the staff API, so the public form
# can be tried at once. Idempotent: an event already there and not yet over is left as it is; one
# that is over gets new dates. Called by ./run.sh; can be run again at any time.
#   scripts/seed.sh [base URL]        default http://127.0.0.1:7071
# The staff key is STAFF_KEY, else Admin__ApiKey from local.settings.json.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE_URL="${1:-${BASE_URL:-http://127.0.0.1:7071}}"
STAFF_KEY="${STAFF_KEY:-$(node -e "console.log(require('./local.settings.json').Values.Admin__ApiKey)")}"
export BASE_URL STAFF_KEY
node --input-type=module <<'JS'
const base = process.env.BASE_URL.replace(/\/$/, ""), key = process.env.STAFF_KEY;
const eventId = "journee-exemple";
const existing = await fetch(`${base}/api/events/${eventId}`);
if (existing.ok && new Date((await existing.json()).endsAt) > new Date()) {
  console.log(`Sample event already there: ${base}/api/events/${eventId}/register`);
  process.exit(0);
}
if (existing.status !== 404 && !existing.ok) throw new Error(`GET /api/events/${eventId} answered ${existing.status}`);
// Six weeks from now, 9:00-17:30 Paris time (dates without an offset are read as Paris time);
// registration open from yesterday until the day before.
const day = d => new Date(Date.now() + d * 86400000).toISOString().slice(0, 10);
const body = {
  title: "Journée d'exemple des microstructures",
  startsAt: `${day(42)}T09:00`, endsAt: `${day(42)}T17:30`,
  venue: "Salle d'exemple", address: "1 rue de l'Exemple, 75000 Paris",
  capacity: 120,
  registrationOpensAt: `${day(-1)}T09:00`, registrationClosesAt: `${day(41)}T18:00`,
  contactEmail: "contact@example.org",
  extraQuestions: [{ id: "atelier", label: "Atelier choisi l'après-midi", required: false }],
};
const put = await fetch(`${base}/api/manage/events/${eventId}`, {
  method: "PUT", headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" }, body: JSON.stringify(body),
});
if (!put.ok) throw new Error(`PUT /api/manage/events/${eventId} answered ${put.status}: ${await put.text()}`);
console.log(`Sample event created: ${base}/api/events/${eventId}/register`);
JS
