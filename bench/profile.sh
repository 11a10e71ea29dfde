#!/usr/bin/env bash
# CPU profile of a bench run: perf samples every process on the machine (call stacks, 499 Hz) for a window in
# the middle of the Relay load phase. .NET frames are named through the runtime's perf maps: the services run
# with DOTNET_PerfMapEnabled=1, DOTNET_EnableWriteXorExecute=0 (else JIT code sits in a memfd perf cannot map)
# and DOTNET_ReadyToRun=0 (so framework code is jitted and named too; steady-state speed is about the same).
#   bench/profile.sh --rate 1000 --duration 30            profile the 1,000/s phase
#   bench/profile.sh --max --duration 30 --window 10      profile the max phase for 10 s
# Writes bench/results/profile.md (CPU by process, then the hottest functions of each service and of PostgreSQL).
# Needs perf (apt-get install linux-perf) and root or perf_event_paranoid <= 1 for system-wide sampling.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 1; }

WINDOW=15
DURATION=30
args=()
while (($#)); do
  case $1 in
    --window) WINDOW=$2; shift 2 ;;
    --duration) DURATION=$2; args+=("$1" "$2"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ " ${args[*]} " == *" --duration "* ]] || args+=(--duration "$DURATION")
((WINDOW < DURATION)) || WINDOW=$((DURATION * 2 / 3))

OUT=bench/results
mkdir -p "$OUT"
LOG=$OUT/profile-run.log
DATA=$OUT/perf.data
REPORT=$OUT/profile.md

DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 \
  ./bench.sh --no-ceilings --warmup 10 "${args[@]}" >"$LOG" 2>&1 &
bench=$!
trap 'kill -TERM $bench 2>/dev/null || true' INT TERM

# Start sampling a quarter into the first Relay phase, once the load has settled.
until grep -q "Relay, " "$LOG" 2>/dev/null; do
  kill -0 $bench 2>/dev/null || { cat "$LOG" >&2; echo "bench ended before the load phase" >&2; exit 1; }
  sleep 0.5
done
sleep $((DURATION / 4))
# Who is who, while they all still run.
declare -A group=()
for pid in $(pgrep -x postgres); do group[$pid]=PostgreSQL; done
for pid in $(pgrep -x beam.smp); do group[$pid]=RabbitMQ; done
for pid in $(pgrep -x redis-server); do group[$pid]=Redis; done
for pid in $(pgrep -f Relay.Bench.dll); do group[$pid]="Relay.Bench (load + sink)"; done
echo "[profile] sampling every process for $WINDOW s" >&2
perf record -F 499 -a -g -o "$DATA" -- sleep "$WINDOW" 2>/dev/null
wait $bench || true
trap - INT TERM
set +o pipefail   # head closes pipes early below

services=$(grep -o "services up: .*" "$LOG" | sed 's/services up: //')
pid_of() { grep -o "$1 pid [0-9]*" <<<"$services" | awk '{print $3}'; }
for name in Gateway Ingress.Api Management.Api Delivery.Worker Replay.Worker; do
  pid=$(pid_of "$name"); [[ -n $pid ]] && group[$pid]=$name
done
groups=$(for pid in "${!group[@]}"; do printf '%s\t%s\n' "$pid" "${group[$pid]}"; done)
{
  echo "# CPU profile (perf, $WINDOW s window, all processes)"
  echo
  echo "Run: \`./bench.sh --no-ceilings ${args[*]}\` with DOTNET_PerfMapEnabled=1. Services: $services."
  echo
  echo "## Samples by process"
  echo
  echo '```'
  perf script -i "$DATA" -F pid,comm 2>/dev/null | awk -v groups="$groups" '
    BEGIN { n = split(groups, lines, "\n"); for (i = 1; i <= n; i++) { split(lines[i], f, "\t"); name[f[1]] = f[2] } }
    { pid = $NF; c = $0; sub(/[ ]+[0-9]+[ ]*$/, "", c); gsub(/^ +/, "", c)
      if (c ~ /^(\.NET|dotnet)/) c = "other .NET processes (builds, tests)"
      g = (pid in name) ? name[pid] : "other: " c; count[g]++; total++ }
    END { for (g in count) printf "%6.1f%%  %s\n", 100 * count[g] / total, g }' | sort -rn | head -25
  echo '```'
  for name in Gateway Ingress.Api Delivery.Worker; do
    pid=$(pid_of "$name")
    [[ -n $pid ]] || continue
    echo
    echo "## $name (pid $pid): hottest functions, self time"
    echo
    echo '```'
    perf report -i "$DATA" --no-children --percentage relative --pid "$pid" --sort dso,sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
    echo '```'
  done
  echo
  echo "## PostgreSQL: hottest functions, self time"
  echo
  echo '```'
  perf report -i "$DATA" --no-children --percentage relative --comm postgres --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
  echo '```'
  echo
  echo "## Bench results of the profiled run"
  echo
  sed -n '/^| measurement/,/^$/p' "$LOG"
} >"$REPORT"
echo "[profile] written to $REPORT (raw samples: $DATA; perf report -i $DATA)" >&2
