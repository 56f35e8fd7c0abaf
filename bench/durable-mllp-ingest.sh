#!/usr/bin/env bash
# Durable MLLP ingest benchmark: Caravan (packaged jar) storing every message in PostgreSQL before it
# acknowledges, driven by the shared MLLP load generator at 1, 4 and 16 connections.
#
#   mvn -q package -DskipTests && bench/durable-mllp-ingest.sh [messages] [warmup]
#
# Accepted messages are also published (outbox → the local RabbitMQ), as in production.
# Needs PostgreSQL on 127.0.0.1:5432 (trust auth; a database of its own is created and dropped), RabbitMQ on 5672, and ../shared/tools/MllpLoad.java
# (or MLLP_LOAD=/path/to/MllpLoad.java). Its US template uses identifier types MR/SS, mapped here
# with CARAVAN_MRN_TYPES / CARAVAN_NHS_TYPES. Prints one result line per connection count.
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-20000}
WARMUP=${2:-2000}
read -r -a CONNECTION_COUNTS <<< "${BENCH_CONNECTIONS:-1 4 16}"
LOAD=${MLLP_LOAD:-../shared/tools/MllpLoad.java}
TEMPLATE=${MLLP_TEMPLATE:-$(dirname "$LOAD")/adt_a01.hl7}
PORT=${BENCH_MLLP_PORT:-12575}
# a database of its own (never the shared test database), dropped at the end
DB=caravan_bench_$$
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
DB_URL=${CARAVAN_DB_URL:-jdbc:postgresql://127.0.0.1:5432/$DB?reWriteBatchedInserts=true}
DB_USER=${CARAVAN_DB_USER:-postgres}


CARAVAN_DB_URL="$DB_URL" CARAVAN_DB_USER="$DB_USER" CARAVAN_MLLP_PORT=$PORT \
  CARAVAN_RABBITMQ_URL=${CARAVAN_RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672} CARAVAN_HTTP_PORT=${BENCH_HTTP_PORT:-18080} \
  CARAVAN_MRN_TYPES=${CARAVAN_MRN_TYPES:-MR} CARAVAN_NHS_TYPES=${CARAVAN_NHS_TYPES:-SS} \
  CARAVAN_JWT_HS_KEY=bench-only-key-0123456789abcdef-0123456789abcdef-0123456789abcdef \
  java ${CARAVAN_JAVA_OPTS:--Xmx1g} -jar target/caravan.jar > target/bench-caravan.log 2>&1 &
PID=$!
trap 'kill $PID ${CONSUMER:-} 2>/dev/null; wait $PID 2>/dev/null || true; psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
for _ in $(seq 1 60); do
  (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break
  sleep 0.5
done

# a consumer bound to the routing key drains the publications (publishing is mandatory: with nothing
# bound the broker would return them and they would stay in the outbox)
java -cp target/caravan.jar bench/PublishLatency.java "${CARAVAN_RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}" \
  $(( (MESSAGES + WARMUP) * ${#CONNECTION_COUNTS[@]} )) 900 > /dev/null 2>&1 &
CONSUMER=$!
sleep 3
for c in "${CONNECTION_COUNTS[@]}"; do
  printf 'connections=%s ' "$c"
  java "$LOAD" --host 127.0.0.1 --port "$PORT" --connections "$c" --messages "$MESSAGES" --warmup "$WARMUP" \
    --template "$TEMPLATE" --server-pid "$PID"
done
echo "rows stored: $(psql -h 127.0.0.1 -U "$DB_USER" -d $DB -tAc 'SELECT count(*) FROM hl7_message')"
