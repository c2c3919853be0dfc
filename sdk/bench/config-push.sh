#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Runs ConfigPushBenchmark against real Herald servers on this machine: builds the server jar and the
# benchmark, starts a throwaway Kafka broker, creates a fresh database in the PostgreSQL at
# 127.0.0.1:5432 (HERALD_TEST_DB_USER, default postgres), starts SERVERS server processes sharing it,
# runs INSTANCES SDK instances spread over them (the change is made through the last one), and stops
# everything it started on exit.
#
#   sdk/bench/config-push.sh [INSTANCES [SERVERS [CHANGES]]]     defaults: 1000 1 10
#   e.g. sdk/bench/config-push.sh 10000 1 10 ; sdk/bench/config-push.sh 10000 2 10
# Env: HERALD_BENCH_SERVER_OPTS (server JVM options, default -Xmx1g), HERALD_BENCH_CLIENT_OPTS,
#      HERALD_BENCH_SKIP_BUILD=1, HERALD_BENCH_HEARTBEAT_MS (default 10000)
set -euo pipefail

INSTANCES="${1:-1000}"
SERVERS="${2:-1}"
CHANGES="${3:-10}"
HERALD_ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck disable=SC2034 # read by the ops/lib functions
HERALD_TAG="config-push"
# shellcheck source=../../ops/lib/common.sh
. "$HERALD_ROOT/ops/lib/common.sh"
# shellcheck source=../../ops/lib/kafka.sh
. "$HERALD_ROOT/ops/lib/kafka.sh"

DB_USER="${HERALD_TEST_DB_USER:-postgres}"
DB="herald_cpb_$(date +%s)_$$"
TOKEN="config-push-bench-token"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/herald-config-push.XXXXXX")"
SERVER_PIDS=()
KAFKA_STARTED=0

cleanup() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${SERVER_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  [ "$KAFKA_STARTED" = 1 ] && herald_kafka_stop "$WORK/kafka"
  psql -q -h 127.0.0.1 -U "$DB_USER" -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$HERALD_ROOT"
if [ "${HERALD_BENCH_SKIP_BUILD:-0}" != 1 ]; then
  herald_say "building the server jar, the Kafka launcher and the benchmark..."
  mvn -q -B -DskipTests -pl server,ops -am package
  mvn -q -B -DskipTests -pl sdk/bench -am package
fi

KAFKA_PORT="$(herald_free_port)"
KAFKA_CONTROLLER_PORT="$(herald_free_port "" "$KAFKA_PORT")"
export HERALD_KAFKA_LIB="$HERALD_ROOT/ops/target/kafka-lib"
herald_kafka_launch "$WORK/kafka" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"
KAFKA_STARTED=1
psql -q -h 127.0.0.1 -U "$DB_USER" -d postgres -c "CREATE DATABASE $DB" >/dev/null
herald_kafka_wait "$WORK/kafka" "$KAFKA_PORT"

URLS=""
PIDS=""
for i in $(seq 1 "$SERVERS"); do
  port="$(herald_free_port)"
  # shellcheck disable=SC2086 # HERALD_BENCH_SERVER_OPTS is a list of JVM options
  "$(herald_java)" ${HERALD_BENCH_SERVER_OPTS:--Xmx1g} -jar "$HERALD_ROOT/server/target/herald-server.jar" \
    --server.port="$port" --herald.grpc.port=0 \
    --spring.datasource.url="jdbc:postgresql://127.0.0.1:5432/$DB" --spring.datasource.username="$DB_USER" \
    --spring.datasource.password="${HERALD_TEST_DB_PASSWORD:-}" \
    --herald.kafka.bootstrap="127.0.0.1:$KAFKA_PORT" --herald.security.admin-token="$TOKEN" \
    --herald.tx.enabled=false --herald.dispatch.enabled=false --herald.schedule.enabled=false \
    --logging.level.root=WARN >"$WORK/server-$i.log" 2>&1 </dev/null &
  SERVER_PIDS+=($!)
  URLS="${URLS:+$URLS,}http://127.0.0.1:$port"
  PIDS="${PIDS:+$PIDS,}$!"
  # one at a time: both would run the migrations otherwise
  deadline=$(($(herald_now_ms) + 600000))
  until curl -fsS "http://127.0.0.1:$port/actuator/health/liveness" >/dev/null 2>&1; do
    kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || { tail -50 "$WORK/server-$i.log"; herald_die "server $i exited"; }
    [ "$(herald_now_ms)" -lt "$deadline" ] || { tail -50 "$WORK/server-$i.log"; herald_die "server $i did not start"; }
    sleep 0.5
  done
  herald_say "server $i: http://127.0.0.1:$port (pid ${SERVER_PIDS[-1]})"
done

# the working tree's SDK classes first: ~/.m2 may hold another build of herald-sdk
# shellcheck disable=SC2086 # HERALD_BENCH_CLIENT_OPTS is a list of JVM options
"$(herald_java)" ${HERALD_BENCH_CLIENT_OPTS:--Xss256k -Xmx3g} \
  -cp "$HERALD_ROOT/sdk/core/target/classes:$HERALD_ROOT/sdk/bench/target/classes:$HERALD_ROOT/sdk/bench/target/lib/*" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  io.herald.sdk.bench.ConfigPushBenchmark --instances "$INSTANCES" --changes "$CHANGES" \
  --control-plane "$URLS" --server-pids "$PIDS" --admin-token "$TOKEN" \
  --heartbeat-ms "${HERALD_BENCH_HEARTBEAT_MS:-10000}"
for i in $(seq 1 "$SERVERS"); do
  if grep -q "ERROR" "$WORK/server-$i.log"; then
    herald_say "server $i logged errors:"
    grep -m 20 "ERROR" "$WORK/server-$i.log" >&2
  fi
done
