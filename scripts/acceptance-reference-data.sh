#!/usr/bin/env bash
# Acceptance of the reference-data issue against a running ./run.sh (http://127.0.0.1:7071):
# creates a region, two networks and two microstructures with the staff key, issues network keys,
# and checks 401 without a key and 403 with another network's key. Prints each check; exits 1 on failure.
set -euo pipefail
BASE=${BASE:-http://127.0.0.1:7071}
KEY=${STAFF_KEY:-$(node -e "console.log(require('./local.settings.json').Values.Admin__ApiKey)")}
RUN=$(date +%s)
fail=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then echo "ok   $1 ($3)"; else echo "FAIL $1: expected $2, got $3"; fail=1; fi
}
post() { curl -s -o /tmp/acc.json -w '%{http_code}' -X POST "$BASE$1" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d "$2"; }
get() { curl -s -o /tmp/acc.json -w '%{http_code}' "$BASE$1" ${2:+-H "Authorization: Bearer $2"}; }

check "create region" 201 "$(post /api/manage/regions "{\"id\":\"region-$RUN\",\"name\":\"Région test $RUN\"}")"
for n in a b; do
  check "create network $n" 201 "$(post /api/manage/networks "{\"id\":\"rms-$n-$RUN\",\"name\":\"RMS $n $RUN\",\"carryingAssociation\":\"Association $n\",\"regionId\":\"region-$RUN\",\"administrativeCoordinatorEmail\":\"coordination-$n@example.org\",\"medicalCoordinatorEmail\":\"medecin-$n@example.org\"}")"
done
for m in 1 2; do
  check "create microstructure $m" 201 "$(post /api/manage/microstructures "{\"id\":\"ms-$m-$RUN\",\"networkId\":\"rms-a-$RUN\",\"name\":\"Cabinet $m\",\"town\":\"Metz\",\"postcode\":\"57000\",\"practiceType\":\"cabinet\",\"contactEmails\":[\"cabinet$m@example.org\"],\"openedOn\":\"2024-01-15\"}")"
done
check "issue key for network a" 201 "$(post /api/manage/networks/rms-a-$RUN/keys '{"label":"acceptance"}')"
KEY_A=$(node -e "console.log(require('/tmp/acc.json').secret)")
check "issue key for network b" 201 "$(post /api/manage/networks/rms-b-$RUN/keys '{"label":"acceptance"}')"
KEY_B=$(node -e "console.log(require('/tmp/acc.json').secret)")

check "manage API without a key" 401 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/manage/regions")"
check "create without a key" 401 "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/api/manage/regions" -H 'Content-Type: application/json' -d '{"id":"x","name":"x"}')"
check "network API without a key" 401 "$(get /api/network/microstructures)"
check "network a reads its microstructure" 200 "$(get /api/network/microstructures/ms-1-$RUN "$KEY_A")"
check "network b reads network a's microstructure" 403 "$(get /api/network/microstructures/ms-1-$RUN "$KEY_B")"
check "staff home page" 200 "$(get /api/manage)"
check "tree lists the microstructures" 200 "$(get /api/manage/tree "$KEY")"
grep -q "ms-2-$RUN" /tmp/acc.json && echo "ok   tree holds ms-2-$RUN" || { echo "FAIL tree misses ms-2-$RUN"; fail=1; }
exit $fail
