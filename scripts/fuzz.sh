#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang in build-fuzz/ and runs each on a copy of
# its seed corpus, failing on the first crash, leak, timeout or sanitizer report.
#   scripts/fuzz.sh                           every target, 20 s each
#   scripts/fuzz.sh --seconds 300 fuzz_yaml   one target for 5 minutes
#   scripts/fuzz.sh --jobs 1                  build with one job (default: one per core)
#   scripts/fuzz.sh --seed 7                  libFuzzer's random seed (default: a new one each run;
#                                             under CI=true a fixed one, 20261206, so that a CI run
#                                             explores what the last run before the commit did)
# Prints each target's executions. A failing input is kept in build-fuzz/fuzz-artifacts/<target>/
# with the target's log; replay it with build-fuzz/tests/fuzz/<target> <file>. The seed corpora
# in tests/fuzz/corpus/ are only read.
set -euo pipefail
cd "$(dirname "$0")/.."

all=(fuzz_yaml fuzz_sql_splitter fuzz_sum fuzz_config_url)
usage() { echo "usage: $0 [--seconds N] [--jobs N] [${all[*]}]..." >&2; exit 2; }
seconds=20
seed=0  # 0: libFuzzer draws one
[ "${CI:-}" = true ] && seed=20261206
jobs="$(nproc 2>/dev/null || echo 2)"
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) [ $# -ge 2 ] || usage; seconds="$2"; shift 2 ;;
    --jobs) [ $# -ge 2 ] || usage; jobs="$2"; shift 2 ;;
    --seed) [ $# -ge 2 ] || usage; seed="$2"; shift 2 ;;
    fuzz_*) [ -d "tests/fuzz/corpus/$1" ] || usage; targets+=("$1"); shift ;;
    *) usage ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

./scripts/install-deps.sh --fuzz

# Debug: the quickest build, and assertions stay on.
dir=build-fuzz
echo "== build: $dir (clang-14, libFuzzer, address,undefined)"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=Debug -DBELLOWS_FUZZ=ON -DBELLOWS_UNITY_BUILD=ON >/dev/null
cmake --build "$dir" -j "$jobs" --target "${targets[@]}"

work="$(mktemp -d "${TMPDIR:-/tmp}/bellows-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tmp"
# The first line of a crash, leak, sanitizer, timeout or invariant report.
report='^==[0-9]+==|runtime error|^fuzz_[a-z_]+: |ALARM|out-of-memory|deadly signal'
failed=0
summary=()
for t in "${targets[@]}"; do
  corpus="$work/corpus/$t"
  artifacts="$PWD/$dir/fuzz-artifacts/$t"
  log="$PWD/$dir/fuzz-artifacts/$t.log"
  mkdir -p "$corpus" "$artifacts"
  cp tests/fuzz/corpus/"$t"/* "$corpus/"
  echo "== fuzz: $t for ${seconds}s (seed ${seed}; 0 = drawn by libFuzzer, printed in $log)"
  rc=0
  # The targets' scratch files go to $work/tmp, removed on exit.
  TMPDIR="$work/tmp" ASAN_OPTIONS="detect_leaks=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$dir/tests/fuzz/$t" -max_total_time="$seconds" -seed="$seed" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || rc=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  if [ "$rc" -eq 0 ]; then
    summary+=("$t: ok, ${execs:-?} executions")
    continue
  fi
  failed=1
  input="$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)"
  summary+=("$t: FAILED (exit $rc) after ${execs:-?} executions; input: ${input:-none written}")
  echo "-- $t failed; the report (whole log: $log):" >&2
  first="$(grep -n -m1 -E "$report" "$log" | cut -d: -f1 || true)"
  if [ -n "$first" ]; then sed -n "${first},$((first + 79))p" "$log" >&2; else tail -40 "$log" >&2; fi
  echo "-- failing input: ${input:-none written}" >&2
done

echo "== fuzz summary"
printf '%s\n' "${summary[@]}"
exit "$failed"
