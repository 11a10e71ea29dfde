#!/usr/bin/env bash
# What Relay costs while nobody uses it: CPU (% of one core), context switches per second and RSS of each service,
# from /proc, over a window of idle time.
#   scripts/idle-cost.sh                     start the five services from their Release output (as ./bench.sh does:
#                                            a database, RabbitMQ vhost and Redis key prefix of the run's own, removed
#                                            afterwards), let them settle, sample, stop them
#   scripts/idle-cost.sh --pids Name=PID...  only sample processes that are already running
# Options: --seconds N (sampling window, default 30), --settle N (idle time before sampling, default 20),
# --keep (leave the started services running until Ctrl-C). DOTNET_* and Relay__* settings in the environment reach
# the services, so a setting can be compared without a rebuild. BUILD=1 builds the services in Release first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd -P)

SECONDS_TO_SAMPLE=30
SETTLE=20
KEEP=0
declare -a GIVEN=()
while (($#)); do
  case $1 in
    --seconds) SECONDS_TO_SAMPLE=$2; shift 2 ;;
    --settle) SETTLE=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --pids) shift; while (($#)) && [[ $1 == *=* ]]; do GIVEN+=("$1"); shift; done ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

log() { printf '[idle] %s\n' "$*" >&2; }
TICKS=$(getconf CLK_TCK)

# utime + stime (fields 14 and 15 of /proc/<pid>/stat; the command name in field 2 may hold spaces, hence the cut at ')').
cpu_ticks() { local rest; rest=$(<"/proc/$1/stat"); rest=${rest##*) }; set -- $rest; echo $((${12} + ${13})); }
# Voluntary + involuntary context switches of every thread (the process's own status line counts only the main thread).
context_switches() {
  local total=0 v
  for v in $(cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^(voluntary|nonvoluntary)_ctxt_switches/ {print $2}'); do total=$((total + v)); done
  echo "$total"
}
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
threads() { awk '/^Threads/ {print $2}' "/proc/$1/status"; }

sample() {  # Name=PID ...
  local -A cpu0 cs0
  local entry name pid start end
  for entry in "$@"; do pid=${entry#*=}; cpu0[$pid]=$(cpu_ticks "$pid"); cs0[$pid]=$(context_switches "$pid"); done
  start=$(date +%s.%N)
  sleep "$SECONDS_TO_SAMPLE"
  end=$(date +%s.%N)
  local elapsed; elapsed=$(echo "$end - $start" | bc -l)
  printf '%-16s %8s %10s %8s %8s\n' service 'cpu %' 'ctxsw/s' 'rss MiB' threads
  local total_cpu=0 total_cs=0 total_rss=0 cpu cs rss
  for entry in "$@"; do
    name=${entry%%=*}; pid=${entry#*=}
    cpu=$(echo "($(cpu_ticks "$pid") - ${cpu0[$pid]}) * 100 / $TICKS / $elapsed" | bc -l)
    cs=$(echo "($(context_switches "$pid") - ${cs0[$pid]}) / $elapsed" | bc -l)
    rss=$(rss_mib "$pid")
    printf '%-16s %8.2f %10.1f %8d %8d\n' "$name" "$cpu" "$cs" "$rss" "$(threads "$pid")"
    total_cpu=$(echo "$total_cpu + $cpu" | bc -l); total_cs=$(echo "$total_cs + $cs" | bc -l); total_rss=$((total_rss + rss))
  done
  printf '%-16s %8.2f %10.1f %8d\n' total "$total_cpu" "$total_cs" "$total_rss"
  log "window ${elapsed%.*} s"
}

if ((${#GIVEN[@]})); then
  sample "${GIVEN[@]}"
  exit 0
fi

eval "$(scripts/infra.sh env)"
SERVICES=(Ingress.Api Management.Api Delivery.Worker Replay.Worker Gateway)
if [[ -n ${BUILD:-} ]]; then
  for s in "${SERVICES[@]}"; do dotnet build "$s/$s.csproj" -c Release --nologo -v q -clp:ErrorsOnly; done
fi
for s in "${SERVICES[@]}"; do
  [[ -f $s/bin/Release/net10.0/$s.dll ]] || { echo "$s is not built in Release (BUILD=1 $0)" >&2; exit 1; }
done

RUN=relay-idle-$$-$(date +%s)
DB=${RUN//-/_}
LOGS=$ROOT/.run/$RUN
mkdir -p "$LOGS"
MGMT=${RELAY_RABBITMQ_MANAGEMENT_URL:-http://127.0.0.1:55673}
RABBIT=${ConnectionStrings__rabbitmq%/}
RABBIT_USER=$(sed -E 's#amqps?://([^:]+):.*#\1#' <<<"$RABBIT")
PG_ADMIN_URL=postgresql://relay:relay@127.0.0.1:55432/postgres

declare -a STARTED=()
cleanup() {
  local entry pid
  for entry in "${STARTED[@]}"; do pid=${entry#*=}; kill -TERM "$pid" 2>/dev/null || true; done
  for entry in "${STARTED[@]}"; do pid=${entry#*=}; for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done; kill -KILL "$pid" 2>/dev/null || true; done
  psql -q "$PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
  curl -fsS -o /dev/null -u relay:relay -X DELETE "$MGMT/api/vhosts/$RUN" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql -q "$PG_ADMIN_URL" -c "CREATE DATABASE \"$DB\"" >/dev/null
curl -fsS -o /dev/null -u relay:relay -X PUT "$MGMT/api/vhosts/$RUN"
curl -fsS -o /dev/null -u relay:relay -X PUT -H 'content-type: application/json' \
  -d '{"configure":".*","write":".*","read":".*"}' "$MGMT/api/permissions/$RUN/$RABBIT_USER"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A PORT
for s in "${SERVICES[@]}"; do PORT[$s]=$(free_port); done

start() {  # the same settings BenchCluster gives the services
  local s=$1 dir=$ROOT/$1/bin/Release/net10.0
  (
    cd "$dir"
    export ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development \
      ConnectionStrings__relaydb="Host=127.0.0.1;Port=55432;Username=relay;Password=relay;Database=$DB;Application Name=$s" \
      ConnectionStrings__rabbitmq="$RABBIT/$RUN" \
      Relay__Redis__KeyPrefix="$RUN:" Relay__ManagementApiKey="idle-management-key-$RUN" \
      Relay__Seed__CallbackBaseUrl="http://127.0.0.1:${PORT[Ingress.Api]}" \
      ReverseProxy__Clusters__ingress__Destinations__d1__Address="http://127.0.0.1:${PORT[Ingress.Api]}" \
      ReverseProxy__Clusters__management__Destinations__d1__Address="http://127.0.0.1:${PORT[Management.Api]}" \
      Logging__LogLevel__Default=Warning Logging__Console__FormatterName=simple
    exec dotnet "$s.dll" --urls "http://127.0.0.1:${PORT[$s]}" >>"$LOGS/$s.log" 2>&1
  ) &
  STARTED+=("$s=$!")
}
wait_healthy() {
  local url=$1
  for _ in $(seq 1 240); do curl -fs -o /dev/null --max-time 3 "$url" && return 0; sleep 0.5; done
  echo "not healthy: $url (logs in $LOGS)" >&2; return 1
}

# Ingress applies the migrations and seeds before the others start, as in the bench.
start Ingress.Api
wait_healthy "http://127.0.0.1:${PORT[Ingress.Api]}/health"
for s in Management.Api Delivery.Worker Replay.Worker Gateway; do start "$s"; done
for s in Management.Api Delivery.Worker Replay.Worker Gateway; do wait_healthy "http://127.0.0.1:${PORT[$s]}/health"; done
log "up: ${STARTED[*]}; settling ${SETTLE} s, then sampling ${SECONDS_TO_SAMPLE} s"
sleep "$SETTLE"
sample "${STARTED[@]}"
if ((KEEP)); then
  log "services kept running (gateway http://127.0.0.1:${PORT[Gateway]}); Ctrl-C stops them"
  wait
fi
