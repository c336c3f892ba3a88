#!/usr/bin/env bash
# Directory-scale benchmark (issue 10): time and peak memory of bellows on generated
# migration directories of N files (odd versions YAML, even versions SQL; create_table,
# ADD COLUMN / add_column, create_index / CREATE INDEX on tables created earlier in the
# directory; see bench/scale/gen.sh). Targets: 10k files planned in under 1 s, peak memory
# under 200 MB. Figures and how to read them: docs/benchmarks.md.
#
#   bench/scale.sh [--files "1000 10000"] [--runs R] [--bin PATH] [--out DIR]
#                  [--mem-cap-mb MB] [--timeout S] [--repeat-under S] [--no-apply]
#
# For each size N, on a new directory (bellows.sum written by `bellows hash`, timed once):
#   validate  `bellows validate --dialect sqlite`            (no database)
#   plan      `bellows plan --offline --dialect sqlite`      (no database)
#   apply     `bellows apply` on a new SQLite file, once     (skipped with --no-apply)
#   status    `bellows status` on that up-to-date database
# validate, plan and status run R times (default 3); a command whose first run took longer
# than --repeat-under seconds (default 30) is not repeated. Every run is a new process; wall
# time and peak RSS come from /usr/bin/time -f "%e %M". Each run is capped so that a runaway
# cannot take the shared machine down: `ulimit -v` of --mem-cap-mb (default 8192; address
# space, not RSS) and `timeout` of --timeout seconds (default 900). A run that hits a cap is
# reported as such (and not repeated), never as a figure.
#
# Output: a markdown table (median and max seconds, peak RSS, seconds per 1,000 files) and
# a growth table (time at the largest size over time at the smallest), printed at the end
# and kept with the raw timings and each command's output in --out (default
# /tmp/bellows-bench-out/scale-<UTC time>). Generated directories and databases live in a
# temporary directory removed at exit. No server is started. Exit 0 when every command ran
# or hit a cap (caps are results), 1 when bellows failed otherwise.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
files="1000 10000"
runs=3
bin="$root/build/bellows"
out=""
mem_cap_mb=8192
timeout_s=900
repeat_under=30
do_apply=1
usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --mem-cap-mb) mem_cap_mb="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --repeat-under) repeat_under="$2"; shift 2 ;;
    --no-apply) do_apply=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in $files "$runs" "$mem_cap_mb" "$timeout_s" "$repeat_under"; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "not a positive whole number: $n" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "no bellows binary at $bin: build first (cmake --build build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }
command -v timeout >/dev/null || { echo "needs timeout (coreutils)" >&2; exit 2; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"

out="${out:-/tmp/bellows-bench-out/scale-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out/logs"
out="$(cd "$out" && pwd)"
work="$(mktemp -d /tmp/bellows-scale-bench.XXXXXX)"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

raw="$out/raw.tsv"
printf 'files\tcommand\trun\texit\tseconds\tpeak_rss_kb\n' >"$raw"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "bin: $bin ($("$bin" --version 2>&1 | head -1))"
  echo "files: $files; runs: $runs; caps: ${mem_cap_mb} MB address space, ${timeout_s} s"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/meta.txt"

# timed FILES NAME RUN -- ARGS...: one capped run of bellows in $work/N; prints
# "exit seconds rss_kb"; exit 124 = timeout, 134/137 or bad_alloc in the log = memory cap.
timed() {
  local n="$1" name="$2" run="$3"; shift 4
  local log="$out/logs/$n.$name.$run"
  set +e
  (
    cd "$work/$n"
    ulimit -v $((mem_cap_mb * 1024))
    exec /usr/bin/time -f "%e %M" -o "$work/time" timeout "$timeout_s" "$bin" "$@"
  ) >"$log.out" 2>"$log.err"
  local code=$?
  set -e
  local secs rss
  secs="$(grep -E '^[0-9.]+ [0-9]+$' "$work/time" | tail -1 | cut -d' ' -f1)"
  rss="$(grep -E '^[0-9.]+ [0-9]+$' "$work/time" | tail -1 | cut -d' ' -f2)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$name" "$run" "$code" "${secs:--}" "${rss:--}" >>"$raw"
  echo "$code ${secs:--} ${rss:--}"
}

# cap_note CODE N NAME: empty when the run succeeded, else what stopped it.
cap_note() {
  local code="$1" log="$out/logs/$2.$3"
  case "$code" in
    0) echo "" ;;
    124) echo "timeout: stopped after ${timeout_s} s" ;;
    *) if grep -qiE 'bad_alloc|cannot allocate|out of memory' "$log".*.err 2>/dev/null || [ "$code" -eq 134 ]; then
         echo "memory cap: ran out of its ${mem_cap_mb} MB address space (exit $code)"
       else
         echo "failed: exit $code (see $log.*.err)"
       fi ;;
  esac
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR + 1) / 2)]}'; }
maxof() { sort -n | tail -1; }

rows=()
notes=()
failed=0
declare -A med
# measure N NAME REPEAT -- ARGS...: runs the command (REPEAT times at most), adds a row.
measure() {
  local n="$1" name="$2" repeat="$3"; shift 4
  local secs="" rss="" done_runs=0 note="" code s m
  for ((r = 1; r <= repeat; r++)); do
    read -r code s m <<<"$(timed "$n" "$name" "$r" -- "$@")"
    if [ "$code" -ne 0 ]; then
      note="$(cap_note "$code" "$n" "$name")"
      case "$note" in failed:*) failed=1 ;; esac
      break
    fi
    secs+="$s"$'\n'; rss+="$m"$'\n'; done_runs=$r
    awk -v s="$s" -v lim="$repeat_under" 'BEGIN {exit !(s > lim)}' && break
  done
  if [ "$done_runs" -eq 0 ]; then
    rows+=("| $n | $name | 0 | - | - | - | - |")
    notes+=("- $n files, $name: $note; stopped at ${s} s, peak RSS $(awk -v k="$m" 'BEGIN {printf "%.0f", k / 1024}') MB")
    return
  fi
  local md mx rmb per1k
  md="$(printf '%s' "$secs" | median)"; mx="$(printf '%s' "$secs" | maxof)"
  rmb="$(printf '%s' "$rss" | maxof | awk '{printf "%.0f", $1 / 1024}')"
  per1k="$(awk -v s="$md" -v n="$n" 'BEGIN {printf "%.3f", s * 1000 / n}')"
  med["$n/$name"]="$md"
  rows+=("| $n | $name | $done_runs | $md | $mx | $rmb | $per1k |")
  [ -n "$note" ] && notes+=("- $n files, $name: run $((done_runs + 1)) $note")
  return 0
}

for n in $files; do
  echo "== $n files" >&2
  mkdir -p "$work/$n"
  "$root/bench/scale/gen.sh" "$work/$n/migrations" "$n"
  measure "$n" hash 1 -- --dir migrations hash -q
  measure "$n" validate "$runs" -- --dir migrations validate --dialect sqlite -q
  measure "$n" plan "$runs" -- --dir migrations plan --offline --dialect sqlite -q
  if [ "$do_apply" -eq 1 ]; then
    rm -f "$work/$n/app.db"
    measure "$n" apply 1 -- --url "sqlite:$work/$n/app.db" --dir migrations apply -q
    if [ -n "${med[$n/apply]:-}" ]; then
      applied="$(sqlite3 "$work/$n/app.db" "SELECT count(*) FROM bellows_history WHERE state = 'completed'" 2>/dev/null || echo "?")"
      [ "$applied" = "$n" ] || { notes+=("- $n files: bellows_history has $applied completed rows after apply, expected $n"); failed=1; }
      measure "$n" status "$runs" -- --url "sqlite:$work/$n/app.db" --dir migrations status -q
      grep -q '^pending: none' "$out/logs/$n.status.1.out" ||
        { notes+=("- $n files: status did not say 'pending: none' (see logs/$n.status.1.out)"); failed=1; }
    fi
  fi
  rm -rf "${work:?}/$n"
done

{
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$out/meta.txt"

first="${files%% *}"; last="${files##* }"
{
  echo
  echo "bellows on generated directories (half YAML, half SQL), SQLite; $runs runs, median"
  echo
  echo "| files | command | runs | median s | max s | peak RSS MB | s per 1k files |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  if [ "${#notes[@]}" -gt 0 ]; then echo; printf '%s\n' "${notes[@]}"; fi
  if [ "$first" != "$last" ]; then
    echo
    echo "| command | s at $first files | s at $last files | time ratio | files ratio |"
    echo "|---|---|---|---|---|"
    for c in hash validate plan apply status; do
      a="${med[$first/$c]:-}"; b="${med[$last/$c]:-}"
      [ -n "$a" ] || continue
      if [ -n "$b" ]; then
        ratio="$(awk -v a="$a" -v b="$b" 'BEGIN {if (a > 0) printf "%.1fx", b / a; else print "-"}')"
      else
        b="did not finish"; ratio="-"
      fi
      echo "| $c | $a | $b | $ratio | $(awk -v a="$first" -v b="$last" 'BEGIN {printf "%gx", b / a}') |"
    done
  fi
} | tee "$out/results.md"
echo
echo "kept in $out (results.md, raw.tsv, meta.txt, logs/)"
exit "$failed"
