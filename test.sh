#!/usr/bin/env bash
# Brings the infrastructure up (scripts/infra.sh), builds everything and runs the whole test suite against
# real PostgreSQL, Redis and RabbitMQ. Ends with one line: "N passed, N failed".
#   ./test.sh                     everything
#   ./test.sh --filter EXPR       only tests matching a dotnet test filter (skips the fault run)
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT=$(pwd -P)
RESULTS="$ROOT/TestResults"
FILTER=""
[[ ${1:-} == --filter ]] && FILTER=${2:-}

log() { printf '[test] %s\n' "$*" >&2; }

scripts/infra.sh up || { log "infrastructure failed to start"; echo "0 passed, 1 failed"; exit 1; }
eval "$(scripts/infra.sh env)"

# Node packages the tests drive, installed from their package-lock.json on every run: the providers' own webhook
# signers (stripe, @octokit/webhooks-methods, standardwebhooks, @shopify/shopify-api) for the inbound scheme tests, and
# playwright-core, which drives Debian's chromium through the operator console's browser scenarios.
# Without them only those tests fail, and they say why.
install_test_tools() {
  local packages=()
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
  [[ -x /usr/bin/chromium ]] || packages+=(chromium)
  if [[ ${#packages[@]} -gt 0 ]]; then
    log "installing ${packages[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}" >/dev/null || return 1
  fi
  local folder
  for folder in tests/webhook-signers tests/console-browser; do
    npm ci --prefix "$folder" --no-audit --no-fund --loglevel=error >/dev/null || { log "npm ci in $folder failed"; return 1; }
  done
}
install_test_tools || log "the test tools (node packages, chromium) failed to install; the tests that use them will fail"

log "building Relay.sln"
if ! dotnet build Relay.sln --nologo -v q -clp:ErrorsOnly; then
  log "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

rm -rf "$RESULTS"
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  log "running $name"
  args=(test "$project" --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS"
        --blame-hang-timeout 10m)
  # The fault run restarts shared infrastructure, so it runs on its own below.
  if [[ -n $FILTER ]]; then args+=(--filter "($FILTER)&Category!=Chaos"); else args+=(--filter "Category!=Chaos"); fi
  dotnet "${args[@]}" || status=1
done

passed=0; failed=0; skipped=0
for trx in "$RESULTS"/*.trx; do
  [[ -f $trx ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  total=$(value total); executed=$(value executed); p=$(value passed); f=$(value failed)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  skipped=$((skipped + ${total:-0} - ${executed:-0}))
done

# The fault run restarts the shared infrastructure, so it runs alone, after the suite.
if [[ -z $FILTER && -x scripts/chaos.sh ]]; then
  log "running the fault tests (scripts/chaos.sh --short)"
  if scripts/chaos.sh --short; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
fi

[[ $failed -gt 0 ]] && status=1
[[ $passed -eq 0 ]] && status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
