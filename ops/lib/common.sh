# shellcheck shell=bash
# Shared helpers for ops/run, ops/test and the other ops/lib scripts. Source it; do not run it.
# Bash 3.2 compatible (macOS /bin/bash): no associative arrays, no wait -n, no ${x,,}.

HERALD_ROOT="${HERALD_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck disable=SC2034 # used by the scripts that source this
HERALD_OPS="$HERALD_ROOT/ops"

herald_say() { printf '%s\n' "${HERALD_TAG:-herald}: $*" >&2; }
herald_die() { herald_say "ERROR: $*"; exit 1; }

# The java to run: a path, so that `"$(herald_java)" ... &` makes $! the JVM's own pid.
herald_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    echo "$JAVA_HOME/bin/java"
  else
    command -v java || herald_die "java not found: install JDK 17+ or set JAVA_HOME"
  fi
}

herald_now_ms() {
  if [ -n "${EPOCHREALTIME:-}" ]; then
    local t="${EPOCHREALTIME/[.,]/}"
    echo $((t / 1000))
  else
    echo $(($(date +%s) * 1000))
  fi
}

# "1234" ms -> "1.2 s"
herald_secs() { printf '%d.%d s' $(($1 / 1000)) $((($1 % 1000) / 100)); }

# Quiet Maven for the build steps; jansi.noreset drops the stray "ESC[0m" Maven 3.8 prints with -q.
herald_mvn_quiet() {
  command -v mvn >/dev/null 2>&1 || herald_die "Maven (mvn) is needed to build Herald"
  (cd "$HERALD_ROOT" && MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -q -B -ntp -DskipTests "$@")
}

herald_is_root() { [ "$(id -u)" = 0 ]; }

herald_port_answers() { # port [host]
  (exec 3<>"/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null
}

herald_require_free_port() { # port what
  if herald_port_answers "$1"; then
    herald_die "port $1 ($2) is already in use on 127.0.0.1; stop whatever listens there or choose another port"
  fi
}

# Prints a port nothing answers on, from a random start in 20000-31999 unless given one: below
# Linux's ephemeral range, so an outgoing connection cannot take it before the broker binds it.
herald_free_port() { # [first-candidate] [port-to-avoid]
  local p="${1:-$((20000 + RANDOM % 12000))}" tries=0
  while herald_port_answers "$p" || [ "$p" = "${2:-}" ]; do
    p=$((p + 1))
    [ "$p" -lt 32000 ] || p=20000
    tries=$((tries + 1))
    [ "$tries" -lt 500 ] || herald_die "no free port found"
  done
  echo "$p"
}

herald_pid_of() { # pidfile -> pid of a live process, or nothing
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1" 2>/dev/null || true)"
  case "$pid" in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# A pid file can outlive its process and the pid be reused: trust it only if the command line matches.
herald_pid_matches() { # pid fixed-string...
  local args s
  args="$(ps -p "$1" -o args= 2>/dev/null)" || return 1
  shift
  for s in "$@"; do
    case "$args" in *"$s"*) ;; *) return 1 ;; esac
  done
}

herald_wait_gone() { # pid timeout-seconds
  local deadline=$(($(herald_now_ms) + $2 * 1000))
  while kill -0 "$1" 2>/dev/null; do
    [ "$(herald_now_ms)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# SIGTERM, then SIGKILL after the timeout.
herald_stop_pid() { # pid timeout-seconds what
  kill -0 "$1" 2>/dev/null || return 0
  kill -TERM "$1" 2>/dev/null || true
  if ! herald_wait_gone "$1" "$2"; then
    herald_say "$3 (pid $1) did not stop within $2 s; killing it"
    kill -KILL "$1" 2>/dev/null || true
    herald_wait_gone "$1" 5 || true
  fi
}

herald_wait_port_free() { # port timeout-seconds
  local deadline=$(($(herald_now_ms) + $2 * 1000))
  while herald_port_answers "$1"; do
    [ "$(herald_now_ms)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

herald_tail_log() { # file [lines]
  if [ -s "$1" ]; then
    herald_say "last lines of $1:"
    tail -n "${2:-20}" "$1" | sed 's/^/    /' >&2
  fi
}

herald_file_size() { if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi; }

# Absolute path without requiring it to exist (realpath -m is not on macOS).
herald_abspath() {
  case "$1" in
    /*) echo "$1" ;;
    *) echo "$(pwd)/$1" ;;
  esac
}
