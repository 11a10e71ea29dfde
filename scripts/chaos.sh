#!/usr/bin/env bash
# The fault run: a bounded stream of signed webhooks through the gateway into a counting sink while RabbitMQ
# and PostgreSQL are restarted, Delivery.Worker and Ingress.Api are SIGKILLed and restarted, and the sink fails
# for a while; prints a ledger and fails if anything accepted is lost or stuck. Loopback only, bounded.
#   scripts/chaos.sh           full run (a few minutes)
#   scripts/chaos.sh --short   the short form ./test.sh runs
# It restarts the shared PostgreSQL and RabbitMQ from scripts/infra.sh: don't run it beside other tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode=full
[[ ${1:-} == --short ]] && mode=short

scripts/infra.sh up
eval "$(scripts/infra.sh env)"
dotnet build tests/Relay.IntegrationTests --nologo -v q -clp:ErrorsOnly

mkdir -p TestResults
export RELAY_CHAOS_MODE=$mode
export RELAY_CHAOS_LEDGER="$PWD/TestResults/chaos-ledger.txt"
rm -f "$RELAY_CHAOS_LEDGER"
status=0
dotnet test tests/Relay.IntegrationTests --no-build --nologo --filter "Category=Chaos" \
  --blame-hang-timeout 15m || status=$?
if [[ -f $RELAY_CHAOS_LEDGER ]]; then
  cat "$RELAY_CHAOS_LEDGER"; echo
else
  echo "chaos: no ledger was written (the run failed before settling; see the test output above)"
  status=1
fi
exit $status
