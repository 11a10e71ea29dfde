#!/usr/bin/env bash
# Builds Relay, starts PostgreSQL, Redis and RabbitMQ (scripts/infra.sh) and the five services with the same
# configuration keys the AppHost injects, and waits until the gateway is healthy.
#   ./run.sh            run in the foreground; Ctrl-C stops everything it started
#   ./run.sh --detach   return once healthy and leave it running
#   ./run.sh stop       stop what a detached run started
# Any Relay__* (or other) variable in the caller's environment reaches the services.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd -P)
RUN_DIR="$ROOT/.run"
LOG_DIR="$RUN_DIR/logs"
CONFIGURATION=${RELAY_CONFIGURATION:-Release}
GATEWAY_URL=http://127.0.0.1:8080

# name:port, in start order (Ingress applies the database migrations first).
SERVICES=(Ingress.Api:5101 Management.Api:5102 Delivery.Worker:5103 Replay.Worker:5104 Gateway:8080)

log() { printf '[run] %s\n' "$*" >&2; }

stop_services() {
  local pids=() name pid
  for entry in "${SERVICES[@]}"; do
    name=${entry%%:*}
    [[ -f $RUN_DIR/$name.pid ]] || continue
    pid=$(<"$RUN_DIR/$name.pid")
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); fi
    rm -f "$RUN_DIR/$name.pid"
  done
  # Graceful shutdown lets in-flight deliveries finish; give it the same 30 s the services allow themselves.
  for _ in $(seq 1 60); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [[ -f $RUN_DIR/infra-started ]]; then
    rm -f "$RUN_DIR/infra-started"
    scripts/infra.sh down
  fi
  log "stopped"
}

case "${1:-}" in
  stop) stop_services; exit 0 ;;
  --detach) DETACH=1 ;;
  "") DETACH=0 ;;
  *) echo "usage: ./run.sh [--detach | stop]" >&2; exit 2 ;;
esac

mkdir -p "$LOG_DIR"
for entry in "${SERVICES[@]}"; do
  name=${entry%%:*}
  if [[ -f $RUN_DIR/$name.pid ]] && kill -0 "$(<"$RUN_DIR/$name.pid")" 2>/dev/null; then
    echo "Relay is already running (./run.sh stop to stop it)." >&2
    exit 1
  fi
done

infra_was_up=1
scripts/infra.sh status 2>/dev/null | grep -E '^(postgres|redis|rabbitmq) ' | grep -qv ' running ' && infra_was_up=0
scripts/infra.sh up
[[ $infra_was_up == 0 ]] && touch "$RUN_DIR/infra-started"
eval "$(scripts/infra.sh env)"

log "building ($CONFIGURATION)"
for entry in "${SERVICES[@]}"; do
  dotnet build "${entry%%:*}/${entry%%:*}.csproj" -c "$CONFIGURATION" --nologo -v q -clp:ErrorsOnly >/dev/null \
    || { dotnet build "${entry%%:*}/${entry%%:*}.csproj" -c "$CONFIGURATION" --nologo -v q -clp:ErrorsOnly; exit 1; }
done

export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export DOTNET_ENVIRONMENT=$ASPNETCORE_ENVIRONMENT
export RELAY_MANAGEMENT_API_KEY=${RELAY_MANAGEMENT_API_KEY:-local-dev-management-key}
export Relay__ManagementApiKey=$RELAY_MANAGEMENT_API_KEY
export Relay__Seed__CallbackBaseUrl=${Relay__Seed__CallbackBaseUrl:-$GATEWAY_URL}
# Deliveries to loopback/private addresses are refused (SSRF); the local sink is on loopback. Production allows none.
if [[ $ASPNETCORE_ENVIRONMENT != Production ]]; then export Relay__Outbound__AllowedHosts__0=${Relay__Outbound__AllowedHosts__0:-127.0.0.1}; fi
export ReverseProxy__Clusters__ingress__Destinations__d1__Address=http://127.0.0.1:5101
export ReverseProxy__Clusters__management__Destinations__d1__Address=http://127.0.0.1:5102

start_service() {
  local name=$1 port=$2
  # From its output folder, so the service finds its appsettings.json as it would in a container.
  (cd "$ROOT/$name/bin/$CONFIGURATION/net10.0" && exec nohup dotnet "$name.dll" --urls "http://127.0.0.1:$port" \
    >"$LOG_DIR/$name.log" 2>&1) &
  echo $! >"$RUN_DIR/$name.pid"
}

wait_healthy() {
  local name=$1 url=$2 deadline=$((SECONDS + 120))
  until curl -fs -o /dev/null --max-time 3 "$url"; do
    if ! kill -0 "$(<"$RUN_DIR/$name.pid")" 2>/dev/null || ((SECONDS > deadline)); then
      log "$name did not become healthy; last log lines:"; tail -n 30 "$LOG_DIR/$name.log" >&2
      stop_services; exit 1
    fi
    sleep 0.5
  done
}

first=${SERVICES[0]}
start_service "${first%%:*}" "${first##*:}"
wait_healthy "${first%%:*}" "http://127.0.0.1:${first##*:}/health"
for entry in "${SERVICES[@]:1}"; do start_service "${entry%%:*}" "${entry##*:}"; done
for entry in "${SERVICES[@]:1}"; do wait_healthy "${entry%%:*}" "http://127.0.0.1:${entry##*:}/health"; done
wait_healthy Gateway "$GATEWAY_URL/api/v1/health"

cat <<TXT

Relay is running ($ASPNETCORE_ENVIRONMENT).
  Gateway (the only public entry point)  $GATEWAY_URL
  Health                                 $GATEWAY_URL/api/v1/health
  Webhooks                               POST $GATEWAY_URL/api/v1/webhooks/{acme|globex}
  Management API (x-internal-api-key)    $GATEWAY_URL/api/v1/events
  Management key                         $RELAY_MANAGEMENT_API_KEY
  RabbitMQ management                    http://127.0.0.1:55673 (relay / relay)
  Logs                                   $LOG_DIR
TXT

if [[ $DETACH == 1 ]]; then
  echo "Detached: ./run.sh stop stops it."
  exit 0
fi
trap 'stop_services; exit 0' INT TERM
echo "Ctrl-C stops everything."
while sleep 2; do
  for entry in "${SERVICES[@]}"; do
    name=${entry%%:*}
    kill -0 "$(<"$RUN_DIR/$name.pid")" 2>/dev/null || { log "$name exited; see $LOG_DIR/$name.log"; stop_services; exit 1; }
  done
done
