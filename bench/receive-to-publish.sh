#!/usr/bin/env bash
# Receive → publish latency and sustained throughput to RabbitMQ: Caravan (packaged jar) on PostgreSQL
# and the local RabbitMQ, driven over MLLP by the shared load generator; a consumer measures when each
# publication arrives against the time Caravan received the message.
#
#   mvn -q package -DskipTests && bench/receive-to-publish.sh [connections] [messages]
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${1:-16}
MESSAGES=${2:-20000}
LOAD=${MLLP_LOAD:-../shared/tools/MllpLoad.java}
TEMPLATE=${MLLP_TEMPLATE:-$(dirname "$LOAD")/adt_a01.hl7}
PORT=${BENCH_MLLP_PORT:-12575}
RABBIT=${CARAVAN_RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}

DB=caravan_bench_$$
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
CARAVAN_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB?reWriteBatchedInserts=true" CARAVAN_DB_USER=postgres \
  CARAVAN_RABBITMQ_URL="$RABBIT" CARAVAN_MLLP_PORT=$PORT CARAVAN_HTTP_PORT=${BENCH_HTTP_PORT:-18080} \
  CARAVAN_MRN_TYPES=MR CARAVAN_NHS_TYPES=SS \
  CARAVAN_JWT_HS_KEY=bench-only-key-0123456789abcdef-0123456789abcdef-0123456789abcdef \
  java -Xmx1g ${CARAVAN_JAVA_OPTS:-} -jar target/caravan.jar > target/bench-caravan.log 2>&1 &
PID=$!
trap 'kill $PID ${CONSUMER:-} 2>/dev/null; wait $PID 2>/dev/null || true; psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
for _ in $(seq 1 60); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.5; done

java -cp target/caravan.jar bench/PublishLatency.java "$RABBIT" "$MESSAGES" 180 > target/bench-publish.txt 2>/dev/null &
CONSUMER=$!
sleep 3
java "$LOAD" --port "$PORT" --connections "$CONNECTIONS" --messages "$MESSAGES" --warmup 0 --template "$TEMPLATE" \
  --server-pid "$PID" | grep -o 'msgs_per_s=[0-9.]* p50_ms=[0-9.]* p90_ms=[0-9.]* p99_ms=[0-9.]*' | sed 's/^/ingest /'
wait $CONSUMER
sed 's/^/publish /' target/bench-publish.txt
