#!/usr/bin/env bash
# The long hostile-input run: the fuzz test of tests/Relay.IntegrationTests/Hardening/HostileInputTests.cs with many
# more generated requests (default 100,000) through the gateway of its own cluster. Loopback only, 16 at a time,
# bounded in time (default 40 min). Prints the report: status histogram overall and per kind, 5xx count, requests
# not rejected properly, rows written; fails on any 5xx, any unenveloped or accepted answer, or any row written.
#   scripts/hostile.sh                        100,000 requests
#   scripts/hostile.sh --requests 250000 --minutes 90 --seed 7
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
requests=100000
minutes=40
seed=
while (($#)); do
  case $1 in
    --requests) requests=$2; shift 2 ;;
    --minutes) minutes=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "usage: $0 [--requests N] [--minutes M] [--seed S]" >&2; exit 2 ;;
  esac
done

scripts/infra.sh up
eval "$(scripts/infra.sh env)"
dotnet build tests/Relay.IntegrationTests --nologo -v q -clp:ErrorsOnly

mkdir -p TestResults
export RELAY_FUZZ_REQUESTS=$requests RELAY_FUZZ_MINUTES=$minutes
export RELAY_FUZZ_REPORT="$PWD/TestResults/hostile-report.txt"
[[ -n $seed ]] && export RELAY_FUZZ_SEED=$seed
rm -f "$RELAY_FUZZ_REPORT"
status=0
dotnet test tests/Relay.IntegrationTests --no-build --nologo \
  --filter "FullyQualifiedName~Relay.IntegrationTests.Hardening.HostileInputTests" \
  --blame-hang-timeout "$((minutes + 10))m" || status=$?
if [[ -f $RELAY_FUZZ_REPORT ]]; then
  cat "$RELAY_FUZZ_REPORT"
else
  echo "hostile: no report was written (the run failed before it ended; see the test output above)"
  status=1
fi
exit $status
