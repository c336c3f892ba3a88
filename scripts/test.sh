#!/usr/bin/env bash
# Installs what is missing, builds and runs every test with ctest, printing its summary.
#   ./scripts/test.sh              the normal build (build/)
#   ./scripts/test.sh --sanitize   an AddressSanitizer + UBSan build (build-asan/)
# Under CI=true both run, then the fuzz targets (scripts/fuzz.sh, 20 s each). The PostgreSQL and MariaDB tests run against servers this script
# starts (scripts/servers.sh), or the ones BELLOWS_TEST_POSTGRES_URL / BELLOWS_TEST_MYSQL_URL
# name. The server-restart tests run only on servers this script started (they restart them
# with BELLOWS_TEST_POSTGRES_RESTART / BELLOWS_TEST_MYSQL_RESTART) and say so when skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

# Throwaway PostgreSQL and MariaDB servers for their tests, stopped and removed on exit (also
# when a test fails), unless BELLOWS_TEST_POSTGRES_URL / BELLOWS_TEST_MYSQL_URL name servers.
started=()
stop_servers() {
  for s in "${started[@]}"; do ./scripts/servers.sh stop "$s"; done
}
trap stop_servers EXIT
if [ -z "${BELLOWS_TEST_POSTGRES_URL:-}" ]; then
  started+=(postgres)
  BELLOWS_TEST_POSTGRES_URL="$(./scripts/servers.sh start postgres)"
  # The restart case (a server restart between start and complete) may restart this one.
  BELLOWS_TEST_POSTGRES_RESTART="$PWD/scripts/servers.sh restart postgres"
  # The replica-lag case starts and stops a standby of it ("$cmd start|stop postgres-standby").
  BELLOWS_TEST_POSTGRES_STANDBY="$PWD/scripts/servers.sh"
  export BELLOWS_TEST_POSTGRES_URL BELLOWS_TEST_POSTGRES_RESTART BELLOWS_TEST_POSTGRES_STANDBY
  echo "== postgres: $BELLOWS_TEST_POSTGRES_URL"
fi
if [ -z "${BELLOWS_TEST_MYSQL_URL:-}" ]; then
  started+=(mariadb)
  BELLOWS_TEST_MYSQL_URL="$(./scripts/servers.sh start mariadb)"
  BELLOWS_TEST_MYSQL_RESTART="$PWD/scripts/servers.sh restart mariadb"
  # The replica-lag case starts and stops a primary and a replica of its own on the next ports.
  BELLOWS_TEST_MYSQL_REPLICATION="$PWD/scripts/servers.sh"
  export BELLOWS_TEST_MYSQL_URL BELLOWS_TEST_MYSQL_RESTART BELLOWS_TEST_MYSQL_REPLICATION
  echo "== mariadb: $BELLOWS_TEST_MYSQL_URL"
fi

# One more ctest job than cores: the database suites spend much of their time waiting on the
# servers, so three suites side by side finish sooner on a 2-core machine.
run_suite() {
  local dir="$1" type="$2" sanitize="$3" exclude="${4:-}"
  echo "== build: $dir ($type${sanitize:+, sanitizers: $sanitize})"
  ./scripts/build.sh "$dir" "$type" "$sanitize"
  echo "== test: $dir${exclude:+ (without the labels $exclude)}"
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp" \
    ctest --test-dir "$dir" --output-on-failure -j "$(( $(nproc 2>/dev/null || echo 2) + 1 ))" \
    ${exclude:+-LE "$exclude"}
}

case "${1:-}" in
  --sanitize) run_suite build-asan Debug address,undefined ;;
  "")
    run_suite build RelWithDebInfo ""
    # CI runs every suite under the sanitizers too. Unity builds and a position-dependent
    # sanitizer binary (docs/decisions.md 31-32) brought the whole run from 31 to about 15
    # minutes on 2 cores, within CI's 25-minute budget.
    if [ "${CI:-}" = "true" ]; then
      run_suite build-asan Debug address,undefined
      # The libFuzzer targets (tests/fuzz), 20 s each: a crash, leak or sanitizer report fails.
      ./scripts/fuzz.sh --seconds 20
    fi
    ;;
  *) echo "usage: $0 [--sanitize]" >&2; exit 2 ;;
esac
