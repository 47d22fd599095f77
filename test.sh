#!/usr/bin/env bash
# Builds and runs all tests (unit, database and browser tests) against the local
# PostgreSQL, then prints as the very last line:  N passed, N failed, N skipped
# Extra arguments go to `dotnet test`, e.g.  ./test.sh --filter "FullyQualifiedName~Billing"
set -euo pipefail
# shellcheck source=db/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/db/lib.sh"
LOG_PREFIX="test"
cd "$REPO_ROOT"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
RESULTS_DIR="TestResults"

# Whatever happens before the test run, the last line is still a summary line.
SUMMARY_PRINTED=0
print_summary() {
  SUMMARY_PRINTED=1
  printf '%d passed, %d failed, %d skipped\n' "$1" "$2" "$3"
}
on_exit() {
  local rc=$?
  if [[ "$SUMMARY_PRINTED" -eq 0 ]]; then
    printf '[test] ERROR: stopped before any test ran (exit code %d)\n' "$rc" >&2
    print_summary 0 0 0
  fi
}
trap on_exit EXIT

rm -rf "$RESULTS_DIR"

ensure_dotnet
"$REPO_ROOT/db/up.sh"

CHROMIUM="${PORTAL_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  if [[ "$CHROMIUM" != /usr/bin/chromium ]]; then
    die "PORTAL_CHROMIUM=$CHROMIUM does not exist or is not executable"
  fi
  if ! is_root; then
    die "Chromium is needed for the browser tests and /usr/bin/chromium is missing. Install it: sudo apt-get update && sudo apt-get install -y chromium fonts-noto-core"
  fi
  log "Installing Chromium for the browser tests"
  apt_install chromium fonts-noto-core
  [[ -x "$CHROMIUM" ]] || die "Installed chromium but $CHROMIUM is still missing"
fi
export PORTAL_CHROMIUM="$CHROMIUM"

SOLUTION="Portal.sln"
[[ -f "$SOLUTION" || ! -f Portal.slnx ]] || SOLUTION="Portal.slnx"
[[ -f "$SOLUTION" ]] || die "Solution file Portal.sln not found in $REPO_ROOT"

log "dotnet build $SOLUTION -c Release"
dotnet build "$SOLUTION" -c Release || die "Build failed (see the errors above)"

log "dotnet test $SOLUTION -c Release $*"
set +e
dotnet test "$SOLUTION" -c Release --no-build \
  --logger "trx;LogFileName=results.trx" --results-directory "$RESULTS_DIR" "$@"
test_rc=$?
set -e

# Sum the <Counters .../> of every TRX file this run produced.
counter() { # counter NAME "<Counters ... />"
  local v
  v="$(printf '%s\n' "$2" | sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p")"
  printf '%s' "${v:-0}"
}
trx_count=0 total=0 passed=0 failed=0
while IFS= read -r -d '' trx; do
  counters="$(tr '\r\n' '  ' <"$trx" | grep -o '<Counters[^>]*>' | head -n 1 || true)"
  [[ -n "$counters" ]] || { warn "No <Counters> in $trx"; continue; }
  trx_count=$((trx_count + 1))
  total=$((total + $(counter total "$counters")))
  passed=$((passed + $(counter passed "$counters")))
  failed=$((failed + $(counter failed "$counters") + $(counter error "$counters") \
    + $(counter timeout "$counters") + $(counter aborted "$counters")))
done < <(find "$RESULTS_DIR" -type f -name '*.trx' -print0 2>/dev/null)

skipped=$((total - passed - failed))
((skipped >= 0)) || skipped=0

status=0
if ((trx_count == 0)); then
  printf '[test] ERROR: dotnet test produced no TRX results (exit code %d)\n' "$test_rc" >&2
  status=1
else
  if ((test_rc != 0)); then
    printf '[test] ERROR: dotnet test exited with code %d\n' "$test_rc" >&2
    status=1
  fi
  if ((failed > 0)); then
    printf '[test] %d test(s) failed; details in %s/\n' "$failed" "$RESULTS_DIR" >&2
    status=1
  fi
  if ((total == 0)); then
    printf '[test] ERROR: no tests were run\n' >&2
    status=1
  fi
fi
print_summary "$passed" "$failed" "$skipped"
exit "$status"
