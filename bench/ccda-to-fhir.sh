#!/usr/bin/env bash
# C-CDA → FHIR R4 document Bundle conversion throughput (JSON serialisation included), single thread, on the
# small (~6 KB), median (~17 KB) and large (~150 KB) test documents.
#
#   mvn -q -DskipTests package && bench/ccda-to-fhir.sh [seconds per document]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_DOC=${1:-10}
for doc in ccd-small.xml ccd-median.xml ccd-large.xml; do
  java -Xmx512m ${CARAVAN_JAVA_OPTS:-} -cp target/caravan.jar bench/CcdaToFhirBench.java \
    "src/test/resources/ccda/$doc" "$SECONDS_PER_DOC" 2>/dev/null
done
