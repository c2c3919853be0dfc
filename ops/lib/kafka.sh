#!/usr/bin/env bash
# A single-node KRaft Kafka broker (broker + controller in one process) run from the jars that
# `mvn package` copies to ops/target/kafka-lib. Everything lives in one data directory:
#   server.properties  written at every start (ports may change between starts)
#   log/               Kafka's log.dirs, formatted once; kept across restarts
#   broker.log         the broker's own log (WARN and up, see ops/kafka/log4j2.xml)
#   kafka.out          the JVM's stdout/stderr of the latest start
#   kafka.pid          pid of the running broker
#
# Sourced:  herald_kafka_launch DIR PORT CONTROLLER_PORT; herald_kafka_wait DIR PORT; herald_kafka_stop DIR
# Run:      ops/lib/kafka.sh start DIR [PORT [CONTROLLER_PORT]] | stop DIR | status DIR
# Env:      HERALD_KAFKA_LIB (jar dir), HERALD_KAFKA_HEAP_OPTS, HERALD_KAFKA_START_TIMEOUT (s, default 90)

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

herald_kafka_lib() { echo "${HERALD_KAFKA_LIB:-$HERALD_OPS/target/kafka-lib}"; }

herald_kafka_check_lib() {
  local lib
  lib="$(herald_kafka_lib)"
  if ! ls "$lib"/kafka_2.13-*.jar >/dev/null 2>&1; then
    herald_die "no Kafka jars in $lib; build them with: mvn -q -B -DskipTests -pl ops -am package"
  fi
}

# Kafka wants 16 random bytes in URL-safe base64 without padding, not starting with '-'.
herald_kafka_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    case "$id" in -*) ;; *) echo "$id"; return ;; esac
  done
}

herald_kafka_write_config() { # dir port controller-port
  cat >"$1/server.properties" <<EOF
# Written by ops/lib/kafka.sh at every start; edits are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$3
listeners=PLAINTEXT://127.0.0.1:$2,CONTROLLER://127.0.0.1:$3
advertised.listeners=PLAINTEXT://127.0.0.1:$2
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$1/log
num.partitions=1
# Topics are created by Herald's catalog with the partitions and retention asked there, never by a client's metadata request.
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

# Sets the array HERALD_KAFKA_JVM: java and its options for a Kafka process logging into dir.
herald_kafka_jvm() { # dir
  # shellcheck disable=SC2206 # HERALD_KAFKA_HEAP_OPTS is a list of JVM options
  HERALD_KAFKA_JVM=("$(herald_java)" ${HERALD_KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$HERALD_OPS/kafka/log4j2.xml" "-Dherald.kafka.log.dir=$1"
    -cp "$(herald_kafka_lib)/*")
}

# Starts the broker in the background unless this data dir's broker is already running.
# Sets HERALD_KAFKA_REUSED=1 when it found one running.
herald_kafka_launch() { # dir port controller-port
  local dir port="$2" cport="$3" pid
  dir="$(herald_abspath "$1")"
  HERALD_KAFKA_REUSED=0
  if pid="$(herald_pid_of "$dir/kafka.pid")" && herald_pid_matches "$pid" "kafka.Kafka $dir/server.properties"; then
    if grep -q "^listeners=PLAINTEXT://127.0.0.1:$port," "$dir/server.properties" 2>/dev/null; then
      HERALD_KAFKA_REUSED=1
      return 0
    fi
    herald_die "the Kafka broker of $dir already runs (pid $pid) on other ports; stop it with: ops/lib/kafka.sh stop $dir"
  fi
  herald_kafka_check_lib
  herald_kafka_jvm "$dir"
  herald_require_free_port "$port" "Kafka broker"
  herald_require_free_port "$cport" "Kafka controller"
  mkdir -p "$dir/log"
  herald_kafka_write_config "$dir" "$port" "$cport"
  if [ ! -f "$dir/log/meta.properties" ]; then
    [ -s "$dir/cluster.id" ] || herald_kafka_cluster_id >"$dir/cluster.id"
    if ! "${HERALD_KAFKA_JVM[@]}" kafka.tools.StorageTool format \
      -t "$(cat "$dir/cluster.id")" -c "$dir/server.properties" >"$dir/format.out" 2>&1; then
      herald_tail_log "$dir/format.out"
      herald_die "formatting the Kafka data dir $dir failed"
    fi
  fi
  herald_file_size "$dir/broker.log" >"$dir/.broker.log.offset"
  "${HERALD_KAFKA_JVM[@]}" kafka.Kafka "$dir/server.properties" >"$dir/kafka.out" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
}

# Waits until the broker answers and has logged that it started (the port opens before the
# broker serves requests, e.g. during log recovery after a crash).
herald_kafka_wait() { # dir port
  local dir port="$2" pid deadline offset
  dir="$(herald_abspath "$1")"
  pid="$(cat "$dir/kafka.pid" 2>/dev/null || true)"
  deadline=$(($(herald_now_ms) + ${HERALD_KAFKA_START_TIMEOUT:-90} * 1000))
  offset="$(cat "$dir/.broker.log.offset" 2>/dev/null || echo 0)"
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      herald_tail_log "$dir/kafka.out"
      herald_tail_log "$dir/broker.log"
      herald_die "the Kafka broker exited during start-up (logs: $dir)"
    fi
    if herald_port_answers "$port"; then
      if [ ! -f "$dir/.broker.log.offset" ] || tail -c +"$((offset + 1))" "$dir/broker.log" 2>/dev/null | grep -q "Kafka Server started"; then
        rm -f "$dir/.broker.log.offset"
        return 0
      fi
    fi
    if [ "$(herald_now_ms)" -ge "$deadline" ]; then
      herald_tail_log "$dir/broker.log"
      herald_die "the Kafka broker did not become ready on port $port within ${HERALD_KAFKA_START_TIMEOUT:-90} s (logs: $dir)"
    fi
    sleep 0.1
  done
}

herald_kafka_start() { # dir port controller-port
  herald_kafka_launch "$@"
  herald_kafka_wait "$1" "$2"
}

herald_kafka_stop() { # dir
  local dir pid port
  dir="$(herald_abspath "$1")"
  pid="$(herald_pid_of "$dir/kafka.pid")" || { rm -f "$dir/kafka.pid"; return 0; }
  if ! herald_pid_matches "$pid" "kafka.Kafka $dir/server.properties"; then
    rm -f "$dir/kafka.pid"
    return 0
  fi
  port="$(sed -n 's/^listeners=PLAINTEXT:\/\/127.0.0.1:\([0-9]*\),.*/\1/p' "$dir/server.properties" 2>/dev/null || true)"
  # a clean stop takes about 3 s; give a busy broker more before killing it
  herald_stop_pid "$pid" 30 "Kafka broker"
  rm -f "$dir/kafka.pid"
  if [ -n "$port" ]; then herald_wait_port_free "$port" 10 || true; fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  # shellcheck disable=SC2034 # read by common.sh
  HERALD_TAG=kafka
  cmd="${1:-}"
  dir="${2:-}"
  if [ -z "$cmd" ] || [ -z "$dir" ]; then
    echo "usage: $0 start DIR [PORT [CONTROLLER_PORT]] | stop DIR | status DIR" >&2
    exit 2
  fi
  case "$cmd" in
    start)
      port="${3:-19092}"
      t0="$(herald_now_ms)"
      herald_kafka_start "$dir" "$port" "${4:-$((port + 1))}"
      if [ "$HERALD_KAFKA_REUSED" = 1 ]; then
        herald_say "already running: 127.0.0.1:$port"
      else
        herald_say "ready: 127.0.0.1:$port in $(herald_secs $(($(herald_now_ms) - t0))) (logs: $dir/broker.log)"
      fi
      ;;
    stop) herald_kafka_stop "$dir" ;;
    status)
      if pid="$(herald_pid_of "$dir/kafka.pid")"; then echo "running (pid $pid)"; else echo "stopped"; exit 3; fi
      ;;
    *) echo "unknown command: $cmd" >&2; exit 2 ;;
  esac
fi
