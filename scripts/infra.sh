#!/usr/bin/env bash
# Relay development/CI infrastructure without Docker.
#
# Runs PostgreSQL 15, Redis 7 and RabbitMQ 3.10 from Debian packages as plain
# processes bound to loopback, with all state (data, pid files, logs) in one
# data folder:
#   $RELAY_INFRA_DIR            when set, else
#   <repo>/.data                when the postgres/rabbitmq users can reach it, else
#   /var/lib/relay-dev/<hash>   (e.g. a clone under /root, which is 0700)
#
# Usage: scripts/infra.sh up | down | status | env | install
#        scripts/infra.sh start|stop|restart|kill <postgres|redis|rabbitmq>
#        scripts/infra.sh serve <postgres|redis|rabbitmq>   (foreground, for the Aspire AppHost)
#        scripts/infra.sh rabbitmqctl <args...>   (runs with the server's env/cookie)
#        scripts/infra.sh datadir
#
# Must run as root (it installs packages and switches to the service users).
set -euo pipefail

# ---------------------------------------------------------------- settings ---
readonly PG_PORT=55432
readonly REDIS_PORT=56379
readonly AMQP_PORT=55672
readonly MGMT_PORT=55673
readonly DIST_PORT=55674
readonly CTL_DIST_MIN=55675 CTL_DIST_MAX=55685   # rabbitmqctl's own Erlang node
readonly HOST=127.0.0.1
readonly RMQ_NODE=relay@localhost
readonly PG_BIN=/usr/lib/postgresql/15/bin
readonly RMQ_BIN=/usr/lib/rabbitmq/bin
readonly PACKAGES=(postgresql redis-server rabbitmq-server)
TIMEOUT=${RELAY_INFRA_TIMEOUT:-90}          # seconds to wait for each service
readonly APT_WAIT=${RELAY_INFRA_APT_WAIT:-1200}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly REPO

# ------------------------------------------------------------------ output ---
log()  { printf '[infra] %s\n' "$*" >&2; }
die()  { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }
# die_log FILE MESSAGE: fail and show the end of a log file.
die_log() {
  local file=$1; shift
  printf '[infra] ERROR: %s\n' "$*" >&2
  if [[ -f $file ]]; then
    printf '[infra] --- last lines of %s ---\n' "$file" >&2
    tail -n 40 "$file" >&2 || true
    printf '[infra] ---\n' >&2
  fi
  exit 1
}

# ----------------------------------------------------------------- helpers ---
now() { printf '%(%s)T' -1; }

# pid_alive PID [COMM_PREFIX]: process exists (and its name starts with prefix).
pid_alive() {
  local pid=$1 want=${2:-} comm
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -d /proc/$pid ]] || return 1
  # a zombie is not alive
  [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
  if [[ -n $want ]]; then
    comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
    [[ $comm == "$want"* ]] || return 1
  fi
  return 0
}

read_pid() { [[ -f $1 ]] && head -n1 "$1" 2>/dev/null | tr -dc '0-9' || true; }

pgid_of() { awk '{print $5}' "/proc/$1/stat" 2>/dev/null || true; }

# wait_pid_gone PID SECONDS: wait until the process has fully disappeared.
# Killed daemons are orphans that PID 1 reaps (here only about once a second);
# until then they are zombies whose pid still "exists" (postgres checks its old
# postmaster.pid that way). A zombie left at the deadline counts as gone.
wait_pid_gone() {
  local pid=$1 deadline=$(( $(now) + $2 ))
  while [[ -d /proc/$pid ]]; do
    if (( $(now) >= deadline )); then
      [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]] && return 0
      [[ -d /proc/$pid ]] || return 0
      return 1
    fi
    sleep 0.1
  done
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# as USER CMD...: run as a service user from a directory it can enter.
as() {
  local user=$1; shift
  (cd / && runuser -u "$user" -- "$@" 9>&-)   # fd 9: our lock, keep it out of daemons
}

# Another Relay infra instance (e.g. a developer's checkout, while CI runs in a
# fresh clone) may already serve the fixed ports. If it accepts the relay
# logins we use it instead of failing; `down` leaves it alone (not ours).
declare -A FOREIGN=()
foreign_ok() {  # COMPONENT NAME ADDR: port busy: reuse a compatible server or fail
  local c=$1 name=$2 addr=$3
  if "${c}_compatible"; then
    log "$name: $addr is already served by another Relay infra instance (not $DATA); using it"
    FOREIGN[$c]=1
    return 0
  fi
  die "$name: $addr is already in use by another process (not a Relay infra instance accepting the relay login)"
}

# Data folder of the instance that answers on our ports (empty if unknown).
pg_owner() {
  local d
  d=$(PGPASSWORD=relay PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -h "$HOST" -p "$PG_PORT" -U relay -d relaydb \
        -tAc 'show data_directory' 2>/dev/null) || return 0
  [[ $d == */postgres/data ]] && echo "${d%/postgres/data}"
  return 0
}
redis_owner() {
  local d
  d=$(redis-cli -h "$HOST" -p "$REDIS_PORT" config get dir 2>/dev/null | sed -n 2p) || return 0
  [[ $d == */redis/data ]] && echo "${d%/redis/data}"
  return 0
}
rmq_owner() {
  local d
  d=$(curl -fsS --max-time 5 -u relay:relay "http://$HOST:$MGMT_PORT/api/nodes/$RMQ_NODE" 2>/dev/null \
        | grep -o '"config_files":\["[^"]*' | sed 's/.*\["//') || return 0
  [[ $d == */rabbitmq/rabbitmq.conf ]] && echo "${d%/rabbitmq/rabbitmq.conf}"
  return 0
}

# After `up` found all three served by one other instance, this checkout
# "adopts" it: start/stop/restart/kill/status then act on that instance (so
# fault tests work from a CI clone while a developer's instance holds the
# ports); `down` only drops the adoption and leaves it running.
maybe_adopt() {
  local d
  if [[ -n ${FOREIGN[pg]:-} && -n ${FOREIGN[redis]:-} && -n ${FOREIGN[rmq]:-} ]]; then
    d=$(pg_owner)
    if [[ -n $d && $d != "$DATA" && -d $d && $(redis_owner) == "$d" && $(rmq_owner) == "$d" ]]; then
      printf '%s\n' "$d" >"$DATA/adopted"
      log "using the instance of $d; start/stop/restart/kill from here act on it, 'down' leaves it running"
      return
    fi
  fi
  if ((${#FOREIGN[@]})); then
    log "WARNING: ${!FOREIGN[*]} served by another instance; stop/restart/kill from this checkout will not affect it"
  fi
}

apply_adoption() {
  [[ -f $DATA/adopted ]] || return 0
  local d; d=$(head -n1 "$DATA/adopted")
  [[ -n $d && -d $d ]] || return 0
  DATA_WHY="instance of $d, adopted by 'up' from $DATA"
  DATA=$d
  set_paths
}

require_root() { [[ $(id -u) == 0 ]] || die "must run as root (uses apt-get and runuser)"; }

# ------------------------------------------------------------- data folder ---
users_can_reach() {  # DIR: can the postgres and rabbitmq users traverse DIR?
  local u
  for u in postgres rabbitmq; do
    id -u "$u" >/dev/null 2>&1 || continue   # not installed yet: decided after install
    runuser -u "$u" -- test -x "$1" 2>/dev/null || return 1
  done
}

# The socket path postgres creates must fit in sun_path (108 bytes).
path_short_enough() { local sock="$1/postgres/run/.s.PGSQL.$PG_PORT.lock"; (( ${#sock} < 100 )); }

resolve_data_dir() {
  if [[ -n ${RELAY_INFRA_DIR:-} ]]; then
    DATA=$(realpath -m -- "$RELAY_INFRA_DIR")
    DATA_WHY="RELAY_INFRA_DIR"
    return
  fi
  local cand=$REPO/.data probe
  probe=$cand; [[ -d $probe ]] || probe=$REPO
  DATA=/var/lib/relay-dev/$(printf '%s' "$REPO" | sha256sum | cut -c1-12)
  if ! users_can_reach "$probe"; then
    DATA_WHY="fallback: the postgres/rabbitmq users cannot enter $REPO"
  elif ! path_short_enough "$cand"; then
    DATA_WHY="fallback: $cand is too long a path for PostgreSQL's unix socket"
  else
    DATA=$cand
    DATA_WHY="repository"
  fi
}

set_paths() {
  PG_DIR=$DATA/postgres
  PGDATA=$PG_DIR/data
  PG_SOCK=$PG_DIR/run
  PG_LOG=$PG_DIR/postgres.log

  REDIS_DIR=$DATA/redis
  REDIS_CONF=$REDIS_DIR/redis.conf
  REDIS_PID=$REDIS_DIR/redis.pid
  REDIS_LOG=$REDIS_DIR/redis.log

  RMQ_DIR=$DATA/rabbitmq
  RMQ_HOME=$RMQ_DIR/home
  RMQ_PID=$RMQ_DIR/rabbitmq.pid
  RMQ_LOG_BASE=$RMQ_DIR/log
  RMQ_STARTUP_LOG=$RMQ_LOG_BASE/startup.log
  RMQ_NODE_LOG=$RMQ_LOG_BASE/$RMQ_NODE.log
  EPMD_MARK=$RMQ_DIR/epmd.started-by-infra
}

init_data_dir() {
  mkdir -p "$DATA"
  chmod 755 "$DATA"
  users_can_reach "$DATA" || die "data folder $DATA is not reachable by the postgres/rabbitmq users; set RELAY_INFRA_DIR to a folder they can enter"
  path_short_enough "$DATA" || die "data folder path $DATA is too long for PostgreSQL's unix socket; set RELAY_INFRA_DIR to a shorter path"
}

# Serialize commands that change state (parallel test processes, two `up`s).
lock_data_dir() {
  exec 9>>"$DATA/.infra.lock"
  flock -w $(( TIMEOUT * 3 )) 9 || die "another scripts/infra.sh holds $DATA/.infra.lock"
}

# ---------------------------------------------------------------- packages ---
pkg_installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

apt_busy() {  # is any apt/dpkg process running (e.g. a background install)?
  local f comm
  for f in /proc/[0-9]*/comm; do
    comm=$(cat "$f" 2>/dev/null) || continue
    case $comm in apt|apt-get|aptitude|dpkg|unattended-upgr) return 0 ;; esac
  done
  return 1
}

wait_for_apt() {
  apt_busy || return 0
  log "another apt/dpkg run is in progress; waiting for it (max ${APT_WAIT}s)..."
  local deadline=$(( $(now) + APT_WAIT ))
  while apt_busy; do
    (( $(now) < deadline )) || die "apt/dpkg still busy after ${APT_WAIT}s"
    sleep 1
  done
}

ensure_packages() {
  wait_for_apt
  local missing=() p
  for p in "${PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  ((${#missing[@]})) || return 0

  log "installing: ${missing[*]}"
  # Keep package maintainer scripts from starting the system-wide services
  # (default ports, epmd on all interfaces) on machines without such a policy.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; added_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  local aptopts=(-o DPkg::Lock::Timeout="$APT_WAIT" -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  export DEBIAN_FRONTEND=noninteractive
  apt-get "${aptopts[@]}" update -qq || die "apt-get update failed"
  if ! apt-get "${aptopts[@]}" install -y -q "${missing[@]}"; then
    log "apt-get install failed; trying 'dpkg --configure -a' and once more"
    dpkg --configure -a || true
    apt-get "${aptopts[@]}" install -y -q "${missing[@]}" || die "apt-get install ${missing[*]} failed"
  fi
  if ((added_policy)); then rm -f "$policy"; trap - EXIT; fi
  for p in "${PACKAGES[@]}"; do pkg_installed "$p" || die "package $p is still not installed"; done
}

# ---------------------------------------------------------------- postgres ---
pg_pid() { read_pid "$PGDATA/postmaster.pid"; }
pg_running() { local p; p=$(pg_pid); pid_alive "$p" postgres; }
# (as an existing role: probing as a missing one logs a FATAL line each time)
pg_ready() { "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -U relay -d relaydb -t 2 >/dev/null 2>&1; }

pg_compatible() {
  PGPASSWORD=relay PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -h "$HOST" -p "$PG_PORT" -U relay -d relaydb \
    -tAc 'select 1' >/dev/null 2>&1
}

pg_write_conf() {
  # Rewritten on every start so settings (and the data folder path) stay current.
  cat >"$PGDATA/relay.conf" <<EOF
# Written by scripts/infra.sh on every start; edit the script, not this file.
listen_addresses = '$HOST'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
max_connections = 300
shared_buffers = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
password_encryption = 'scram-sha-256'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
timezone = 'UTC'
EOF
  chown postgres:postgres "$PGDATA/relay.conf"
}

pg_init() {
  mkdir -p "$PG_DIR" "$PG_SOCK"
  chown postgres:postgres "$PG_DIR" "$PG_SOCK"
  chmod 700 "$PG_DIR"; chmod 755 "$PG_SOCK"
  # PG_DIR is 0700 postgres, so other users can't reach the socket; that's fine:
  # clients use TCP with a password, the script uses the socket as postgres.
  if [[ ! -s $PGDATA/PG_VERSION ]]; then
    log "postgres: initdb in $PGDATA"
    rm -rf "$PGDATA"
    as postgres "$PG_BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
      || die_log "$PG_DIR/initdb.log" "postgres initdb failed"
    printf "\n# Relay settings (scripts/infra.sh)\ninclude_if_exists = 'relay.conf'\n" >>"$PGDATA/postgresql.conf"
  fi
}

pg_start() {
  if pg_running; then return 0; fi
  # a postmaster that was just killed may linger as a zombie for a moment
  local old; old=$(pg_pid)
  [[ -n $old ]] && wait_pid_gone "$old" 5 || true
  pg_init
  pg_write_conf
  touch "$PG_LOG"; chown postgres:postgres "$PG_LOG"
  if port_open "$PG_PORT"; then foreign_ok pg postgres "$HOST:$PG_PORT"; return 0; fi
  log "postgres: starting on $HOST:$PG_PORT"
  as postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_LOG" -w -t "$TIMEOUT" start >/dev/null 2>>"$PG_LOG" \
    || die_log "$PG_LOG" "postgres failed to start (or did not answer within ${TIMEOUT}s)"
}

pg_wait() {
  local deadline=$(( $(now) + TIMEOUT ))
  until pg_ready; do
    pg_running || [[ -n ${FOREIGN[pg]:-} ]] || die_log "$PG_LOG" "postgres is not running"
    (( $(now) < deadline )) || die_log "$PG_LOG" "postgres did not answer on $HOST:$PG_PORT within ${TIMEOUT}s"
    sleep 0.2
  done
}

pg_provision() {
  pg_compatible && return 0    # fast path: the relay login already works
  log "postgres: creating role relay and database relaydb"
  as postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres <<'SQL' \
    || die_log "$PG_LOG" "postgres provisioning failed"
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'relay') THEN
    CREATE ROLE relay LOGIN SUPERUSER PASSWORD 'relay';
  ELSE
    ALTER ROLE relay LOGIN SUPERUSER PASSWORD 'relay';
  END IF;
END
$$;
SELECT 'CREATE DATABASE relaydb OWNER relay'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'relaydb') \gexec
SQL
}

pg_stop() {
  pg_running || return 0
  log "postgres: stopping"
  as postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t "$TIMEOUT" stop >/dev/null \
    || die_log "$PG_LOG" "postgres did not stop within ${TIMEOUT}s"
}

pg_kill() {
  local pid; pid=$(pg_pid)
  pid_alive "$pid" postgres || return 0
  # Each postgres child runs in its own process group, so collect the
  # postmaster's children and kill them together with it (a hard crash).
  local kids=() f
  for f in /proc/[0-9]*/stat; do
    [[ $(awk '{print $4}' "$f" 2>/dev/null) == "$pid" ]] && kids+=("$(awk '{print $1}' "$f")")
  done
  log "postgres: SIGKILL (postmaster $pid and ${#kids[@]} children)"
  kill -KILL "$pid" "${kids[@]}" 2>/dev/null || true
  wait_pid_gone "$pid" 10 || die "postgres pid $pid survived SIGKILL"
  for f in "${kids[@]}"; do wait_pid_gone "$f" 10 || true; done
}

# ------------------------------------------------------------------- redis ---
redis_pid() { read_pid "$REDIS_PID"; }
redis_running() { local p; p=$(redis_pid); pid_alive "$p" redis-server; }
redis_ready() { [[ $(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }

redis_compatible() { redis_ready; }

redis_start() {
  if redis_running; then return 0; fi
  mkdir -p "$REDIS_DIR/data"
  cat >"$REDIS_CONF" <<EOF
# Written by scripts/infra.sh on every start; edit the script, not this file.
bind $HOST
port $REDIS_PORT
protected-mode yes
daemonize yes
supervised no
pidfile $REDIS_PID
logfile $REDIS_LOG
dir $REDIS_DIR/data
appendonly yes
appendfsync everysec
EOF
  rm -f "$REDIS_PID"
  if port_open "$REDIS_PORT"; then foreign_ok redis redis "$HOST:$REDIS_PORT"; return 0; fi
  log "redis: starting on $HOST:$REDIS_PORT"
  redis-server "$REDIS_CONF" >>"$REDIS_LOG" 2>&1 9>&- || die_log "$REDIS_LOG" "redis-server failed to start"
}

redis_wait() {
  local deadline=$(( $(now) + TIMEOUT ))
  until redis_ready; do
    (( $(now) < deadline )) || die_log "$REDIS_LOG" "redis did not answer on $HOST:$REDIS_PORT within ${TIMEOUT}s"
    sleep 0.1
  done
  redis_running || [[ -n ${FOREIGN[redis]:-} ]] || die_log "$REDIS_LOG" "something answers on $HOST:$REDIS_PORT but it is not the redis started from $REDIS_DIR"
}

redis_stop() {
  local pid; pid=$(redis_pid)
  pid_alive "$pid" redis-server || return 0
  log "redis: stopping"
  redis-cli -h "$HOST" -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true
  if ! wait_pid_gone "$pid" "$TIMEOUT"; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_pid_gone "$pid" 10 || die_log "$REDIS_LOG" "redis did not stop"
  fi
  rm -f "$REDIS_PID"
}

redis_kill() {
  local pid; pid=$(redis_pid)
  pid_alive "$pid" redis-server || return 0
  log "redis: SIGKILL (pid $pid)"
  kill -KILL "$pid" 2>/dev/null || true
  wait_pid_gone "$pid" 10 || die "redis pid $pid survived SIGKILL"
  rm -f "$REDIS_PID"
}

# ---------------------------------------------------------------- rabbitmq ---
# Environment shared by the server and every rabbitmqctl call (same node name,
# same HOME so the same Erlang cookie, same config files).
rmq_env() {
  printf '%s\n' \
    "HOME=$RMQ_HOME" \
    "LANG=C.UTF-8" "LC_ALL=C.UTF-8" \
    "PATH=/usr/lib/rabbitmq/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "RABBITMQ_NODENAME=$RMQ_NODE" \
    "RABBITMQ_USE_LONGNAME=false" \
    "RABBITMQ_CONF_ENV_FILE=$RMQ_DIR/rabbitmq-env.conf" \
    "RABBITMQ_CONFIG_FILE=$RMQ_DIR/rabbitmq.conf" \
    "RABBITMQ_ADVANCED_CONFIG_FILE=$RMQ_DIR/advanced.config" \
    "RABBITMQ_ENABLED_PLUGINS_FILE=$RMQ_DIR/enabled_plugins" \
    "RABBITMQ_MNESIA_BASE=$RMQ_DIR/mnesia" \
    "RABBITMQ_LOG_BASE=$RMQ_LOG_BASE" \
    "RABBITMQ_PID_FILE=$RMQ_PID" \
    "RABBITMQ_DIST_PORT=$DIST_PORT" \
    "RABBITMQ_CTL_DIST_PORT_MIN=$CTL_DIST_MIN" \
    "RABBITMQ_CTL_DIST_PORT_MAX=$CTL_DIST_MAX" \
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}" \
    "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}" \
    "ERL_EPMD_ADDRESS=$HOST"
}

# rmqctl ARGS...: rabbitmqctl against our node, as rabbitmq, with the server's env.
rmqctl() {
  local envs; mapfile -t envs < <(rmq_env)
  (cd "$RMQ_DIR" && runuser -u rabbitmq -- env -i "${envs[@]}" "$RMQ_BIN/rabbitmqctl" "$@" 9>&-)
}

rmq_pid() { read_pid "$RMQ_PID"; }
rmq_running() { local p; p=$(rmq_pid); pid_alive "$p" beam; }
rmq_ready() {  # AMQP listener open and the management API answers HTTP at all
  port_open "$AMQP_PORT" || return 1
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$HOST:$MGMT_PORT/api/overview" 2>/dev/null || true)
  [[ $code =~ ^[1-5][0-9][0-9]$ ]]
}

rmq_compatible() {
  port_open "$AMQP_PORT" &&
    curl -fsS -o /dev/null --max-time 5 -u relay:relay "http://$HOST:$MGMT_PORT/api/whoami" 2>/dev/null
}

epmd_running() { epmd -names >/dev/null 2>&1; }

rmq_init() {
  mkdir -p "$RMQ_DIR" "$RMQ_HOME" "$RMQ_DIR/mnesia" "$RMQ_LOG_BASE"
  cat >"$RMQ_DIR/rabbitmq.conf" <<EOF
# Written by scripts/infra.sh on every start; edit the script, not this file.
listeners.tcp.1 = $HOST:$AMQP_PORT
listeners.ssl = none
management.tcp.ip = $HOST
management.tcp.port = $MGMT_PORT
loopback_users.guest = true
log.file.level = info
log.console = false
EOF
  printf '# intentionally empty: keeps /etc/rabbitmq/rabbitmq-env.conf out\n' >"$RMQ_DIR/rabbitmq-env.conf"
  [[ -f $RMQ_DIR/enabled_plugins ]] || printf '[rabbitmq_management].\n' >"$RMQ_DIR/enabled_plugins"
  if [[ ! -s $RMQ_HOME/.erlang.cookie ]]; then
    # created up front so the server and the CLI can never race to make two
    local cookie; cookie=$(head -c 64 /dev/urandom | sha256sum | cut -c1-32)
    printf '%s' "${cookie^^}" >"$RMQ_HOME/.erlang.cookie"
    chmod 400 "$RMQ_HOME/.erlang.cookie"
  fi
  chown -R rabbitmq:rabbitmq "$RMQ_DIR"
  chmod 700 "$RMQ_DIR"
}

rmq_start() {
  if rmq_running; then return 0; fi
  rmq_init
  local p
  for p in "$AMQP_PORT" "$MGMT_PORT" "$DIST_PORT"; do
    if port_open "$p"; then foreign_ok rmq rabbitmq "$HOST:$p"; return 0; fi
  done
  epmd_running || touch "$EPMD_MARK"    # epmd will be started by our node: we own it
  rm -f "$RMQ_PID"
  log "rabbitmq: starting $RMQ_NODE (amqp $HOST:$AMQP_PORT, management $HOST:$MGMT_PORT)"
  local envs; mapfile -t envs < <(rmq_env)
  # own session (setsid), no tie to our stdout, so callers' pipes close when we exit
  (
    cd "$RMQ_DIR"
    exec setsid runuser -u rabbitmq -- env -i "${envs[@]}" "$RMQ_BIN/rabbitmq-server" \
      </dev/null >>"$RMQ_STARTUP_LOG" 2>&1 9>&-
  ) &
  RMQ_LAUNCHER=$!
  disown "$RMQ_LAUNCHER" 2>/dev/null || true
}

rmq_wait() {
  local deadline=$(( $(now) + TIMEOUT ))
  until rmq_ready; do
    if ! rmq_running && ! pid_alive "${RMQ_LAUNCHER:-x}"; then
      # gone (or never wrote its pid file): show why
      local f=$RMQ_NODE_LOG; [[ -s $f ]] || f=$RMQ_STARTUP_LOG
      tail -n 20 "$RMQ_STARTUP_LOG" >&2 2>/dev/null || true
      die_log "$f" "rabbitmq is not running"
    fi
    if (( $(now) >= deadline )); then
      tail -n 20 "$RMQ_STARTUP_LOG" >&2 2>/dev/null || true
      die_log "$RMQ_NODE_LOG" "rabbitmq did not answer on $HOST:$AMQP_PORT / $HOST:$MGMT_PORT within ${TIMEOUT}s"
    fi
    sleep 0.5
  done
  rmq_running || [[ -n ${FOREIGN[rmq]:-} ]] || die "something answers on $HOST:$AMQP_PORT but it is not the rabbitmq started from $RMQ_DIR"
}

rmq_provision() {
  rmq_compatible && return 0   # fast path: the relay login already works
  log "rabbitmq: creating user relay (administrator, full permissions on /)"
  if ! rmqctl -q list_users 2>/dev/null | awk '{print $1}' | grep -qx relay; then
    rmqctl -q add_user relay relay >/dev/null || die_log "$RMQ_NODE_LOG" "rabbitmqctl add_user failed"
  else
    rmqctl -q change_password relay relay >/dev/null || die_log "$RMQ_NODE_LOG" "rabbitmqctl change_password failed"
  fi
  rmqctl -q set_user_tags relay administrator >/dev/null || die_log "$RMQ_NODE_LOG" "rabbitmqctl set_user_tags failed"
  rmqctl -q set_permissions -p / relay '.*' '.*' '.*' >/dev/null || die_log "$RMQ_NODE_LOG" "rabbitmqctl set_permissions failed"
  curl -fsS -o /dev/null --max-time 5 -u relay:relay "http://$HOST:$MGMT_PORT/api/overview" \
    || die "rabbitmq management API does not accept relay:relay"
}

rmq_stop() {
  local pid; pid=$(rmq_pid)
  pid_alive "$pid" beam || return 0
  log "rabbitmq: stopping"
  rmqctl -q shutdown -t "$TIMEOUT" >/dev/null 2>&1 || true
  if ! wait_pid_gone "$pid" 5; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_pid_gone "$pid" "$TIMEOUT" || die_log "$RMQ_NODE_LOG" "rabbitmq did not stop"
  fi
  rm -f "$RMQ_PID"
}

rmq_kill() {
  local pid; pid=$(rmq_pid)
  pid_alive "$pid" beam || return 0
  log "rabbitmq: SIGKILL (pid $pid)"
  local pgid; pgid=$(pgid_of "$pid")
  # the node runs in its own session (setsid): kill beam, its port programs and wrappers
  if [[ -n $pgid && $pgid != "$$" && $pgid != 0 && $pgid != 1 ]]; then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
  kill -KILL "$pid" 2>/dev/null || true
  wait_pid_gone "$pid" 10 || die "rabbitmq pid $pid survived SIGKILL"
  rm -f "$RMQ_PID"
}

epmd_stop_if_ours() {
  [[ -f $EPMD_MARK ]] || return 0
  rm -f "$EPMD_MARK"
  epmd_running || return 0
  # only when no Erlang node (ours or anyone's) is still registered
  if [[ -z $(epmd -names 2>/dev/null | grep '^name ' || true) ]]; then
    log "epmd: stopping (started with our rabbitmq node)"
    epmd -kill >/dev/null 2>&1 || true
  fi
}

# ------------------------------------------------------------- components ---
component_fn() {  # COMPONENT -> function prefix
  case $1 in
    postgres|postgresql|pg) echo pg ;;
    redis) echo redis ;;
    rabbitmq|rabbit|rmq) echo rmq ;;
    *) die "unknown component '$1' (postgres|redis|rabbitmq)" ;;
  esac
}

component_up() {  # start, wait until it answers, make sure the relay login exists
  local c=$1
  "${c}_start"
  "${c}_wait"
  case $c in pg) pg_provision ;; rmq) rmq_provision ;; esac
}

status_line() {
  local name=$1 c=$2 addr=$3 state pid
  pid=$("${c}_pid")
  if "${c}_running"; then
    if "${c}_ready"; then state=running; else state="running (not answering yet)"; fi
    printf '%-9s %-28s %s (pid %s)\n' "$name" "$state" "$addr" "$pid"
  elif "${c}_ready" 2>/dev/null; then
    printf '%-9s %-28s %s (another instance, not from this data folder)\n' "$name" running "$addr"
  else
    printf '%-9s %-28s %s\n' "$name" stopped "$addr"
  fi
}

component_log() {
  case $1 in pg) echo "$PG_LOG" ;; redis) echo "$REDIS_LOG" ;; rmq) echo "$RMQ_NODE_LOG" ;; esac
}

# serve COMPONENT: start it (unless it runs already), then stay in the foreground printing its log until it
# stops answering or we are told to stop, for a process supervisor such as the Aspire AppHost. On SIGTERM or
# SIGINT it stops the server only if this call started it, so a supervisor that attaches to servers ./test.sh
# or ./run.sh started leaves them running.
serve_component() {
  local c=$1 name=$2 started=0 tail_pid=""
  ensure_packages
  resolve_data_dir; set_paths
  init_data_dir
  lock_data_dir
  "${c}_running" || started=1
  component_up "$c"
  [[ -n ${FOREIGN[$c]:-} ]] && started=0
  exec 9>&-   # let the other components start while this one is served
  log "serving $name (data folder $DATA$( ((started)) || printf ', already running: left running on stop'))"
  on_stop() {
    [[ -n $tail_pid ]] && kill "$tail_pid" 2>/dev/null
    if ((started)); then "${c}_stop"; fi
    exit 0
  }
  trap on_stop TERM INT
  local file; file=$(component_log "$c")
  if [[ -f $file ]]; then tail -n 20 -F "$file" 2>/dev/null & tail_pid=$!; fi
  while "${c}_ready"; do sleep 2 & wait $!; done
  [[ -n $tail_pid ]] && kill "$tail_pid" 2>/dev/null
  die "$name stopped answering"
}

print_env() {
  cat <<EOF
export ConnectionStrings__relaydb="Host=$HOST;Port=$PG_PORT;Username=relay;Password=relay;Database=relaydb"
export ConnectionStrings__redis="$HOST:$REDIS_PORT"
export ConnectionStrings__rabbitmq="amqp://relay:relay@$HOST:$AMQP_PORT/"
export RELAY_RABBITMQ_MANAGEMENT_URL="http://$HOST:$MGMT_PORT"
export RELAY_POSTGRES_ADMIN="Host=$HOST;Port=$PG_PORT;Username=relay;Password=relay;Database=postgres"
EOF
}

usage() {  # exit code: $1 (default 2)
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit "${1:-2}"
}

# -------------------------------------------------------------------- main ---
main() {
  local cmd=${1:-}; shift || true
  case $cmd in
    env) print_env; return ;;
    -h|--help|help) usage 0 ;;
    "") usage ;;
  esac
  require_root

  case $cmd in
    up)
      ensure_packages
      resolve_data_dir; set_paths
      log "data folder: $DATA ($DATA_WHY)"
      init_data_dir
      lock_data_dir
      rm -f "$DATA/adopted"
      # start all three first, then wait: they boot in parallel
      local c
      for c in rmq redis pg; do "${c}_start"; done
      for c in pg redis rmq; do "${c}_wait"; done
      pg_provision
      rmq_provision
      maybe_adopt
      log "up: postgres $HOST:$PG_PORT, redis $HOST:$REDIS_PORT, rabbitmq amqp $HOST:$AMQP_PORT mgmt $HOST:$MGMT_PORT"
      ;;
    down)
      resolve_data_dir; set_paths
      [[ -d $DATA ]] || { log "nothing to stop ($DATA does not exist)"; return; }
      lock_data_dir
      if [[ -f $DATA/adopted ]]; then
        log "leaving the instance of $(head -n1 "$DATA/adopted") running (not started from this checkout)"
        rm -f "$DATA/adopted"
      fi
      command -v redis-cli >/dev/null 2>&1 && redis_stop
      [[ -x $PG_BIN/pg_ctl ]] && pg_stop
      [[ -x $RMQ_BIN/rabbitmqctl ]] && { rmq_stop; epmd_stop_if_ours; }
      log "down"
      ;;
    status)
      resolve_data_dir; set_paths; apply_adoption
      echo "data      $DATA ($DATA_WHY)"
      status_line postgres pg "$HOST:$PG_PORT"
      status_line redis redis "$HOST:$REDIS_PORT"
      status_line rabbitmq rmq "amqp $HOST:$AMQP_PORT, management http://$HOST:$MGMT_PORT"
      ;;
    install)
      ensure_packages
      ;;
    start|stop|restart|kill)
      [[ $# -eq 1 ]] || die "usage: $0 $cmd <postgres|redis|rabbitmq>"
      local c; c=$(component_fn "$1")
      [[ $cmd == start || $cmd == restart ]] && ensure_packages
      resolve_data_dir; set_paths; apply_adoption
      [[ $cmd == start || $cmd == restart ]] && init_data_dir
      [[ -d $DATA ]] && lock_data_dir
      case $cmd in
        start)   component_up "$c" ;;
        stop)    "${c}_stop" ;;
        kill)    "${c}_kill" ;;
        restart) "${c}_stop"; component_up "$c" ;;
      esac
      log "$cmd $1: done"
      ;;
    serve)
      [[ $# -eq 1 ]] || die "usage: $0 serve <postgres|redis|rabbitmq>"
      serve_component "$(component_fn "$1")" "$1"
      ;;
    rabbitmqctl)
      resolve_data_dir; set_paths; apply_adoption
      rmqctl "$@"
      ;;
    datadir)
      resolve_data_dir; set_paths; apply_adoption
      echo "$DATA"
      ;;
    *) usage ;;
  esac
}

main "$@"
