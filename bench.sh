#!/usr/bin/env bash
# Relay's benchmark: starts PostgreSQL, Redis and RabbitMQ (scripts/infra.sh), builds the five services and the
# load generator in Release, and runs bench/Relay.Bench, which
#   - starts the services over a database, RabbitMQ vhost and Redis key prefix of its own (removed afterwards),
#     with the seeded acme integration delivering to the bench's own sink,
#   - measures the machine's ceilings (an endpoint that only reads the body; PostgreSQL single-row inserts),
#   - measures what the services cost while nothing is sent (CPU, context switches),
#   - sends unique, signed acme webhooks through the gateway at a fixed rate (open loop), at maximum, and at
#     twice what the maximum accepted (how Relay sheds load beyond capacity),
#   - prints the table and the targets met or missed (also written to bench/results/latest.md).
# Everything stays on 127.0.0.1, is bounded in time and stops by itself.
#   ./bench.sh                       ceilings, idle 20 s, 1,000/s for 60 s, max for 60 s, then 2 × max for 60 s
#   ./bench.sh --max --overload --duration 30 --idle 10
#   ./bench.sh --prefill 1000000     the same over a database that already holds a million delivered events
#   ./bench.sh --rate 500 --duration 10
#   ./bench.sh --max --duration 30 --concurrency 64
#   ./bench.sh --help                every option
#   BENCH_NO_BUILD=1 ./bench.sh ...  skip the build (binaries already in bin/Release)
# Relay__* variables in the environment reach the services (e.g. Relay__Outbox__BatchSize=200).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd -P)

log() { printf '[bench] %s\n' "$*" >&2; }

for arg in "$@"; do
  if [[ $arg == -h || $arg == --help ]]; then
    exec dotnet run --project bench/Relay.Bench -c Release -- --help
  fi
done

scripts/infra.sh up
eval "$(scripts/infra.sh env)"

if [[ -z ${BENCH_NO_BUILD:-} ]]; then
  log "building (Release)"
  for project in Ingress.Api Management.Api Delivery.Worker Replay.Worker Gateway bench/Relay.Bench; do
    csproj="$project/$(basename "$project").csproj"
    dotnet build "$csproj" -c Release --nologo -v q -clp:ErrorsOnly >/dev/null \
      || { dotnet build "$csproj" -c Release --nologo -v q -clp:ErrorsOnly; log "build of $project failed"; exit 1; }
  done
fi

mkdir -p bench/results
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]] && commit="$commit+changes"
export BENCH_GIT_COMMIT=$commit RELAY_ROOT=$ROOT
# Run the bench from the repository root so relative paths in its messages are short.
exec dotnet "bench/Relay.Bench/bin/Release/net10.0/Relay.Bench.dll" "$@"
