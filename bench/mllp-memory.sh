#!/usr/bin/env bash
# Memory under large pipelined frames: Caravan (packaged jar, -Xmx768m as the Kubernetes manifest's 1 GiB
# limit gives with MaxRAMPercentage=75) on PostgreSQL and RabbitMQ, N connections each pipelining M
# frames of S bytes without waiting. Prints the load result and the process's peak RSS (VmHWM).
#
#   mvn -q package -DskipTests && bench/mllp-memory.sh [connections] [frames] [bytes] [max-frame-bytes]
#
# Defaults: 6 connections x 20 frames of 9.9 MB, frame limit raised to 10 MB for the run (the default
# limit, 1 MB, would refuse such frames). Uses a database of its own, dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${1:-6}
FRAMES=${2:-20}
BYTES=${3:-9900000}
MAX_FRAME=${4:-10485760}
PORT=${BENCH_MLLP_PORT:-12585}
DB=caravan_bench_$$
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB"
CARAVAN_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" CARAVAN_DB_USER=postgres CARAVAN_MLLP_PORT=$PORT \
  CARAVAN_RABBITMQ_URL=${CARAVAN_RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672} CARAVAN_PUBLISH_EXCHANGE=caravan-bench-$$ \
  CARAVAN_HTTP_PORT=${BENCH_HTTP_PORT:-18085} CARAVAN_MLLP_MAX_FRAME_BYTES=$MAX_FRAME \
  CARAVAN_MRN_TYPES=MRN CARAVAN_NHS_TYPES=NHSNBR \
  CARAVAN_JWT_HS_KEY=bench-only-key-0123456789abcdef-0123456789abcdef-0123456789abcdef \
  java ${CARAVAN_JAVA_OPTS:--Xmx768m} -jar target/caravan.jar > target/bench-memory.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
for _ in $(seq 1 120); do
  (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break
  sleep 0.5
done
echo "before load: RSS $(awk '/VmRSS/ {print $2/1024 " MB"}' /proc/$PID/status)"
java bench/BigFrames.java 127.0.0.1 "$PORT" "$CONNECTIONS" "$FRAMES" "$BYTES"
echo "peak RSS (VmHWM): $(awk '/VmHWM/ {print $2/1024 " MB"}' /proc/$PID/status)"
echo "rows stored: $(psql -h 127.0.0.1 -U postgres -d $DB -tAc 'SELECT count(*) FROM hl7_message')"
