#!/usr/bin/env bash
# Runs Relay through its Aspire AppHost: PostgreSQL, Redis and RabbitMQ (containers where a container runtime answers,
# otherwise the operating system's packages, installed on first use), the five services and the Aspire dashboard.
# Waits until the gateway is healthy, then prints where everything is.
#   ./run.sh            run in the foreground; Ctrl-C stops everything it started
#   ./run.sh --detach   return once healthy and leave it running
#   ./run.sh stop       stop what a detached run started
# Relay__* variables in the caller's environment reach every service (Relay__Delivery__RetryBaseDelayMs=200 ./run.sh);
# Relay__Infrastructure=local|containers overrides the choice of backing servers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd -P)
RUN_DIR="$ROOT/.run"
LOG="$RUN_DIR/apphost.log"
PID_FILE="$RUN_DIR/apphost.pid"
GATEWAY_URL=http://127.0.0.1:8080
export RELAY_MANAGEMENT_API_KEY=${RELAY_MANAGEMENT_API_KEY:-local-dev-management-key}

log() { printf '[run] %s\n' "$*" >&2; }

apphost_pid() { [[ -f $PID_FILE ]] && kill -0 "$(<"$PID_FILE")" 2>/dev/null && cat "$PID_FILE"; }
gateway_healthy() { curl -fs -o /dev/null --max-time 3 "$GATEWAY_URL/api/v1/health"; }

stop_apphost() {
  local pid apphost; pid=$(apphost_pid) || { rm -f "$PID_FILE"; return 0; }
  log "stopping the AppHost (pid $pid) and everything it started"
  # SIGTERM to the AppHost itself (the child of dotnet run): it stops its resources, then exits, and dotnet run with it.
  apphost=$(pgrep -P "$pid" | head -n 1 || true)
  kill -TERM "${apphost:-$pid}" 2>/dev/null || true
  for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  # The orchestrator (dcp) outlives the AppHost by a few seconds while it stops the last resources.
  for _ in $(seq 1 120); do pgrep -f "dcp.*--monitor ${apphost:-$pid}" >/dev/null || break; sleep 0.5; done
  rm -f "$PID_FILE"
  log "stopped"
}

print_info() {
  local dashboard
  dashboard=$(grep -o 'http://localhost:[0-9]*/login?t=[0-9a-f]*' "$LOG" 2>/dev/null | tail -n 1 || true)
  cat <<TXT

Relay is running.
  Gateway (the only public entry point)  $GATEWAY_URL
  Health                                 $GATEWAY_URL/api/v1/health
  Webhooks                               POST $GATEWAY_URL/api/v1/webhooks/{acme|globex}
  Publish API (API key, write scope)     POST $GATEWAY_URL/api/v1/events
  Management API (x-internal-api-key)    $GATEWAY_URL/api/v1/events
  Management key                         $RELAY_MANAGEMENT_API_KEY
  Operator console (sign in with a key)  $GATEWAY_URL/console/
  API reference                          $GATEWAY_URL/docs
  Aspire dashboard                       ${dashboard:-see $LOG}
  RabbitMQ management (local servers)    http://127.0.0.1:55673 (relay / relay)
  AppHost log                            $LOG
TXT
}

case "${1:-}" in
  stop) stop_apphost; exit 0 ;;
  --detach) DETACH=1 ;;
  "") DETACH=0 ;;
  *) echo "usage: ./run.sh [--detach | stop]" >&2; exit 2 ;;
esac

mkdir -p "$RUN_DIR"
if pid=$(apphost_pid); then
  if gateway_healthy; then
    log "Relay is already running (pid $pid); ./run.sh stop stops it."
    print_info
    exit 0
  fi
  log "a previous run (pid $pid) is alive but the gateway is not healthy: restarting it"
  stop_apphost
fi
if curl -s -o /dev/null --max-time 2 "$GATEWAY_URL" 2>/dev/null; then
  log "something else already answers on $GATEWAY_URL; stop it first"
  exit 1
fi

# Installs PostgreSQL, Redis and RabbitMQ from the distribution's packages when missing (a no-op when present), so
# the AppHost's first start does not wait on apt.
[[ $(id -u) == 0 ]] && scripts/infra.sh install

log "building the AppHost and the five services"
dotnet build AppHost/AppHost.csproj --nologo -v q -clp:ErrorsOnly >/dev/null \
  || { dotnet build AppHost/AppHost.csproj --nologo -v q -clp:ErrorsOnly; exit 1; }

log "starting the AppHost (log: $LOG)"
# Own process group (setsid), so stop reaches dotnet run, the AppHost and nothing else.
env "Parameters__management-api-key=$RELAY_MANAGEMENT_API_KEY" \
  setsid dotnet run --project AppHost/AppHost.csproj --no-build --launch-profile http </dev/null >"$LOG" 2>&1 &
echo $! >"$PID_FILE"

deadline=$((SECONDS + 600))
until gateway_healthy; do
  if ! apphost_pid >/dev/null; then
    log "the AppHost exited; last lines of $LOG:"; tail -n 30 "$LOG" >&2; rm -f "$PID_FILE"; exit 1
  fi
  if ((SECONDS > deadline)); then
    log "the gateway did not become healthy within 600 s; the dashboard shows why. Last lines of $LOG:"
    tail -n 30 "$LOG" >&2; stop_apphost; exit 1
  fi
  sleep 1
done
print_info

if [[ $DETACH == 1 ]]; then
  echo "Detached: ./run.sh stop stops it."
  exit 0
fi
trap 'stop_apphost; exit 0' INT TERM
echo "Ctrl-C stops everything."
while apphost_pid >/dev/null; do sleep 2; done
log "the AppHost exited; see $LOG"
exit 1
