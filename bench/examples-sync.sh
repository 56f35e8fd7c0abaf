#!/usr/bin/env bash
# Full sync of a ~400-example repository (shaped like HL7/C-CDA-Examples): Caravan (packaged jar, embedded
# H2) clones, indexes and - with write-back on - commits and pushes ≈270 new permalinks; then a webhook
# sync with nothing new, then one after a commit touching one README. Times come from Caravan's own
# "Examples sync ... succeeded in N ms" log lines.
#
#   mvn -q package -DskipTests && bench/examples-sync.sh
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$(mktemp -d)
PORT=${BENCH_HTTP_PORT:-18090}
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
java -cp target/caravan.jar bench/GenerateExamplesRepo.java "$WORK"

CARAVAN_DATA_DIR="$WORK/data" CARAVAN_EXAMPLES_REPO_URL="$WORK/origin.git" CARAVAN_WEBHOOK_SECRET=bench-webhook-secret CARAVAN_EXAMPLES_POLL=0 \
  CARAVAN_EXAMPLES_PUSH=true CARAVAN_HTTP_PORT=$PORT CARAVAN_MLLP_PORT=$((PORT + 1)) CARAVAN_AMQP_PORT=$((PORT + 2)) \
  java -Xmx512m -jar target/caravan.jar > "$WORK/caravan.log" 2>&1 &
PID=$!
webhook() {  # GitHub's push webhook, signed with the secret
  local body='{"ref":"refs/heads/master"}'
  local sig; sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac bench-webhook-secret | sed 's/^.* //')
  curl -s -o /dev/null -X POST -H 'Content-Type: application/json' -H "X-Hub-Signature-256: sha256=$sig" \
    -d "$body" "http://127.0.0.1:$PORT/sync"
}
wait_for_sync() {  # $1 = number of successful syncs expected
  for _ in $(seq 1 600); do
    [ "$(grep -c 'Examples sync .* succeeded in' "$WORK/caravan.log" || true)" -ge "$1" ] && return 0
    sleep 0.2
  done
  echo "sync did not finish"; tail -20 "$WORK/caravan.log"; exit 1
}
wait_for_sync 1
grep -o 'Examples sync .*(startup) started.*' "$WORK/caravan.log" | head -1 | sed 's/started.*/full sync (clone, index, push of new permalinks):/'
grep -o 'pushed permalinks.*\|succeeded in .*' "$WORK/caravan.log" | tail -1
webhook
wait_for_sync 2
echo "webhook sync, nothing new:"; grep -o 'succeeded in .*' "$WORK/caravan.log" | tail -1
git -C "$WORK/author" pull -q origin master
echo "* one more keyword" >> "$WORK/author/Section A (examples)/Curated example 0, variant (0)/README.md"
git -C "$WORK/author" -c user.name=b -c user.email=b@x commit -qam "edit one README" && git -C "$WORK/author" push -q origin master
webhook
wait_for_sync 3
echo "webhook sync, one README changed:"; grep -o 'succeeded in .*' "$WORK/caravan.log" | tail -1
