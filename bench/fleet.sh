#!/usr/bin/env bash
# Fleet benchmark: `bellows fleet apply` on N SQLite tenant databases against a dbmate loop
# over the same databases. Targets: bellows at least 2x faster than the plain (one process at
# a time) dbmate loop, peak memory bounded, time linear in the number of targets. Figures and
# how to read them: docs/benchmarks.md.
#
#   bench/fleet.sh [--bin PATH] [--targets N] [--parallel P] [--runs R]
#                  [--sizes "100 250 500 1000"] [--idle-wait S] [--retries K] [--out DIR]
#                  [--no-install]
#
#   --bin PATH     bellows binary (default build/bellows); copied to a temporary directory
#                  first, so a rebuild during the run does not change what is measured
#   --targets N    tenant databases of the main comparison (default 1000)
#   --parallel P   bellows fleet --parallel, and xargs -P of the parallel dbmate loop (default 2)
#   --runs R       runs of each of the three commands of the main comparison (default 3);
#                  the order rotates from run to run; the median is reported
#   --sizes "..."  target counts of the linearity series, bellows only, one run each
#                  (default "100 250 500 1000"; "" skips it)
#   --idle-wait S  before each measurement, wait up to S seconds for 5 s in which other
#                  processes used under a tenth of a CPU (default 0: do not wait)
#   --retries K    run a disturbed measurement (below) again, up to K times; the first
#                  undisturbed attempt is used, else the least disturbed one (default 0).
#                  Every attempt is kept in raw.tsv and in the every-attempt table
#   --out DIR      results directory (default /tmp/bellows-bench-out/fleet-<UTC time>)
#   --no-install   do not install missing tools (otherwise: npm install -g dbmate,
#                  apt-get install -y time sqlite3)
#
# One migration directory in dbmate's format serves both tools (bellows reads it with
# --dir-format dbmate): db/migrations/2026010100000k_<name>.sql, -- migrate:up / -- migrate:down,
#   1 CREATE TABLE accounts (id integer PRIMARY KEY, name varchar(100))
#   2 ALTER TABLE accounts ADD COLUMN email varchar(200)
#   3 CREATE TABLE invoices (id integer PRIMARY KEY, account_id integer, total integer)
#   4 ALTER TABLE invoices ADD COLUMN paid integer
#   5 CREATE TABLE notes (id integer PRIMARY KEY, body text)
# No bellows.sum is written (the directory stays a plain dbmate directory; bellows warns).
# Every measurement runs in a new directory with an empty tenants/ (the databases do not
# exist yet; both tools create them), with SQLite URLs relative to it (sqlite:tenants/t00001.db):
#   bellows        bellows --dir DIR --dir-format dbmate fleet apply --parallel P -q
#                          --targets bellows.fleet.yaml
#                  (N lines `- {id: t00001, url: "sqlite:tenants/t00001.db"}` under `targets:`)
#   dbmate loop    while read url; do dbmate --url $url --migrations-dir DIR --no-dump-schema up; done
#   dbmate xargs   xargs -P P -I{} dbmate --url {} --migrations-dir DIR --no-dump-schema up
# Each command is timed whole: wall clock from bash EPOCHREALTIME, peak RSS ("Maximum
# resident set size": the largest single process) and CPU from /usr/bin/time -v. Other
# processes' CPU during the run (/proc/stat busy time minus the command's own) is recorded: a
# run in which others used more than a quarter of a CPU on average (and over 1 CPU s) is
# flagged as disturbed.
# Checks: exit 0, bellows' report says N ok, N database files, and on a sample of 20
# databases (first, last, evenly spaced) 5 migrations recorded (bellows_history state
# 'completed'; dbmate schema_migrations), the 3 tables and the 2 added columns.
# Output: $out/summary.md (printed at the end), raw.tsv, meta.txt and logs/. Exit 1 when a
# command failed or a check did not hold.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/build/bellows"
targets=1000
parallel=2
runs=3
sizes="100 250 500 1000"
out=""
install=1
idle_wait=0
retries=0
usage() { sed -n '2,52p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --idle-wait) idle_wait="$2"; shift 2 ;;
    --retries) retries="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-install) install=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$targets" "$parallel" "$runs" $sizes; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "not a positive whole number: $n" >&2; exit 2; }
done
for n in "$idle_wait" "$retries"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a whole number: $n" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "no bellows binary at $bin: build first (cmake --build build)" >&2; exit 2; }

need() {  # need COMMAND INSTALL...: installs when missing (unless --no-install)
  local c="$1"; shift
  [ -x "$c" ] || command -v "$c" >/dev/null 2>&1 && return 0
  if [ "$install" -eq 1 ]; then
    echo "installing: $*" >&2
    "$@" >&2
  fi
  [ -x "$c" ] || command -v "$c" >/dev/null 2>&1 || { echo "needs $c ($*)" >&2; exit 2; }
}
apt_install() { apt-get update -qq && apt-get install -y "$@"; }
need /usr/bin/time apt_install time
need sqlite3 apt_install sqlite3
need dbmate npm install -g dbmate

work="$(mktemp -d /tmp/bellows-fleet-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cp "$bin" "$work/bellows"
src_bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
bin="$work/bellows"

out="${out:-/tmp/bellows-bench-out/fleet-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out/logs"
out="$(cd "$out" && pwd)"

hz="$(getconf CLK_TCK)"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "bellows: $("$bin" --version 2>&1 | head -1) (copy of $src_bin, modified $(date -u -r "$src_bin" +%Y-%m-%dT%H:%M:%SZ))"
  echo "dbmate: $(dbmate --version 2>&1 | head -1)"
  echo "sqlite3 CLI (checks only): $(sqlite3 --version | cut -d' ' -f1)"
  echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/^Mem:/ {print $2}') GiB memory, $(findmnt -n -o FSTYPE -T "$work") on $(findmnt -n -o SOURCE -T "$work")"
  echo "targets: $targets; parallel: $parallel; runs: $runs; linearity sizes: ${sizes:-none}; idle wait: ${idle_wait} s; retries: $retries"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/meta.txt"

# ---- the migrations ---------------------------------------------------------------------------
mig="$work/project/db/migrations"
mkdir -p "$mig"
while IFS='|' read -r v name up down; do
  printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$up" "$down" >"$mig/${v}_$name.sql"
done <<'EOF'
20260101000001|create_accounts|CREATE TABLE accounts (id integer PRIMARY KEY, name varchar(100));|DROP TABLE accounts;
20260101000002|add_accounts_email|ALTER TABLE accounts ADD COLUMN email varchar(200);|ALTER TABLE accounts DROP COLUMN email;
20260101000003|create_invoices|CREATE TABLE invoices (id integer PRIMARY KEY, account_id integer, total integer);|DROP TABLE invoices;
20260101000004|add_invoices_paid|ALTER TABLE invoices ADD COLUMN paid integer;|ALTER TABLE invoices DROP COLUMN paid;
20260101000005|create_notes|CREATE TABLE notes (id integer PRIMARY KEY, body text);|DROP TABLE notes;
EOF
want="5 3 2"  # migrations recorded, tables, added columns

# ---- one measurement ----------------------------------------------------------------------
cpu_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
# wait_idle: waits (up to --idle-wait seconds) for 5 s in which the machine's busy CPU time
# stayed under 0.5 s
wait_idle() {
  [ "$idle_wait" -gt 0 ] || return 0
  local start="$SECONDS" b0 b1
  while [ $((SECONDS - start)) -lt "$idle_wait" ]; do
    b0="$(cpu_busy)"; sleep 5; b1="$(cpu_busy)"
    awk -v a="$b0" -v b="$b1" -v hz="$hz" 'BEGIN {exit !((b - a) / hz < 0.5)}' && return 0
  done
  echo "   (the machine was not idle within ${idle_wait} s: measuring anyway)" >&2
}
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR + 1) / 2)]}'; }

# check TOOL DIR N: "ok" or what is wrong with the databases in DIR/tenants
check() {
  local tool="$1" dir="$2" n="$3" files k i f got q bad=""
  files="$(find "$dir/tenants" -maxdepth 1 -name 't*.db' | wc -l)"
  [ "$files" -eq "$n" ] || bad+="$files database files, expected $n; "
  case "$tool" in
    bellows) q="SELECT count(*) FROM bellows_history WHERE state = 'completed'" ;;
    *) q="SELECT count(*) FROM schema_migrations" ;;
  esac
  local s=20; [ "$n" -lt "$s" ] && s="$n"
  for ((k = 0; k < s; k++)); do
    if [ "$s" -eq 1 ]; then i=1; else i=$((1 + k * (n - 1) / (s - 1))); fi
    f="$dir/tenants/$(printf 't%05d' "$i").db"
    got="$(sqlite3 "$f" "$q; SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('accounts', 'invoices', 'notes');
      SELECT (SELECT count(*) FROM pragma_table_info('accounts') WHERE name = 'email') + (SELECT count(*) FROM pragma_table_info('invoices') WHERE name = 'paid');" 2>&1 | tr '\n' ' ' | sed 's/ $//')" || true
    [ "$got" = "$want" ] || bad+="$(basename "$f"): ($got), expected ($want); "
  done
  echo "${bad:-ok}"
}

raw="$out/raw.tsv"
printf 'phase\ttool\ttargets\trun\torder\texit\tseconds\tpeak_rss_kb\tcpu_s\tother_cpu_s\tload1_before\tcheck\tattempt\tdisturbed\tused\n' >"$raw"
failed=0
notes=()

# measure PHASE TOOL N RUN ORDER: runs TOOL on N new databases (again while disturbed, up to
# --retries times), appends a line per attempt to raw.tsv
measure() {
  local a use=""
  for ((a = 1; a <= retries + 1; a++)); do
    wait_idle
    if attempt "$@" "$a"; then use="$a"; break; fi
  done
  if [ -z "$use" ]; then  # every attempt disturbed: the least disturbed one
    use="$(awk -F'\t' -v p="$1" -v t="$2" -v n="$3" -v r="$4" \
      'NR > 1 && $1 == p && $2 == t && $3 == n && $4 == r {d = $10 / $7; if (u == "" || d < best) {best = d; u = $13}}
       END {print u}' "$raw")"
    awk -F'\t' -v p="$1" -v t="$2" -v n="$3" -v r="$4" -v u="$use" 'BEGIN {OFS = FS}
      NR > 1 && $1 == p && $2 == t && $3 == n && $4 == r && $13 == u {
        print "- " p ", " t ", " n " targets, run " r ": every attempt disturbed; attempt " u " used: other processes used " $10 " CPU s during its " $7 " s (load before " $11 ")" >"/dev/stderr"}' \
      "$raw" 2>>"$work/notes"
  fi
  awk -F'\t' -v p="$1" -v t="$2" -v n="$3" -v r="$4" -v u="$use" 'BEGIN {OFS = FS}
    NR > 1 && $1 == p && $2 == t && $3 == n && $4 == r {$15 = ($13 == u ? "yes" : "no")} {print}' \
    "$raw" >"$raw.tmp" && mv "$raw.tmp" "$raw"
}
# attempt PHASE TOOL N RUN ORDER A: one attempt, appended to raw.tsv; status 1 when it was
# disturbed (and did not fail)
attempt() {
  local phase="$1" tool="$2" n="$3" r="$4" order="$5" a="$6"
  local dir="$work/run/$tool-$n-$r" log="$out/logs/$phase.$tool.$n.$r.$a" i
  rm -rf "$dir"; mkdir -p "$dir/tenants"
  for ((i = 1; i <= n; i++)); do printf 'sqlite:tenants/t%05d.db\n' "$i"; done >"$dir/urls.txt"
  local -a cmd
  case "$tool" in
    bellows)
      awk 'BEGIN {print "targets:"} {id = $0; sub(/^sqlite:tenants\//, "", id); sub(/\.db$/, "", id);
             printf "  - {id: %s, url: \"%s\"}\n", id, $0}' "$dir/urls.txt" >"$dir/bellows.fleet.yaml"
      cmd=("$bin" --dir "$mig" --dir-format dbmate fleet apply --parallel "$parallel" -q
           --targets bellows.fleet.yaml) ;;
    dbmate-loop)
      cmd=(bash -c 'set -e; while read -r url; do
                      dbmate --url "$url" --migrations-dir "$1" --no-dump-schema up
                    done <urls.txt' loop "$mig") ;;
    dbmate-xargs)
      cmd=(xargs -a urls.txt -P "$parallel" -I{} dbmate --url {} --migrations-dir "$mig" --no-dump-schema up) ;;
  esac
  printf '%q ' "${cmd[@]}" >"$log.cmd"; echo >>"$log.cmd"
  local load1 b0 b1 t0 t1 code=0
  load1="$(cut -d' ' -f1 /proc/loadavg)"
  b0="$(cpu_busy)"; t0="$EPOCHREALTIME"
  (cd "$dir" && exec /usr/bin/time -v -o "$log.time" "${cmd[@]}") >"$log.out" 2>"$log.err" || code=$?
  t1="$EPOCHREALTIME"; b1="$(cpu_busy)"
  local secs rss cpu other
  secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')"
  rss="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log.time")"
  cpu="$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$log.time")"
  other="$(awk -v b0="$b0" -v b1="$b1" -v hz="$hz" -v c="$cpu" 'BEGIN {o = (b1 - b0) / hz - c; if (o < 0) o = 0; printf "%.2f", o}')"
  local result disturbed=no
  if awk -v o="$other" -v s="$secs" 'BEGIN {exit !(o > 0.25 * s && o > 1)}'; then disturbed=yes; fi
  if [ "$code" -ne 0 ]; then
    result="exit $code"
    notes+=("- $phase, $tool, $n targets, run $r: exit $code (see $log.err): $(grep -v '^warning' "$log.err" | head -1 | cut -c1-300)")
    failed=1
  else
    result="$(check "$tool" "$dir" "$n")"
    if [ "$tool" = bellows ] && ! grep -q "^$n targets: $n ok, 0 failed, 0 not started" "$log.out"; then
      result="report: $(tail -1 "$log.out"); $result"
    fi
    if [ "$result" != ok ]; then
      notes+=("- $phase, $tool, $n targets, run $r: check failed: ${result:0:400}"); failed=1
    fi
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$phase" "$tool" "$n" "$r" "$order" "$code" \
    "$secs" "${rss:--}" "$cpu" "$other" "$load1" "$result" "$a" "$disturbed" "-" >>"$raw"
  echo "   $tool (attempt $a): $secs s, peak RSS ${rss:--} KB, CPU $cpu s, others $other CPU s, exit $code, check: ${result:0:120}, disturbed: $disturbed" >&2
  rm -rf "$dir"
  [ "$disturbed" = no ] || [ "$code" -ne 0 ]
}

tools=(bellows dbmate-loop dbmate-xargs)
for ((r = 1; r <= runs; r++)); do
  order=""
  for ((j = 0; j < ${#tools[@]}; j++)); do order+="${order:+, }${tools[$(((j + r - 1) % ${#tools[@]}))]}"; done
  echo "== run $r of $runs, $targets targets: $order" >&2
  for ((j = 0; j < ${#tools[@]}; j++)); do
    measure main "${tools[$(((j + r - 1) % ${#tools[@]}))]}" "$targets" "$r" "$order"
  done
done
for n in $sizes; do
  echo "== linearity: bellows, $n targets" >&2
  measure linearity bellows "$n" 1 "-"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/meta.txt"

# ---- summary ----------------------------------------------------------------------------------
col() {  # col PHASE TOOL N COLUMN: the values of a raw.tsv column for successful runs
  awk -F'\t' -v p="$1" -v t="$2" -v n="$3" -v c="$4" \
    'NR > 1 && $1 == p && $2 == t && $3 == n && $6 == 0 && $15 == "yes" {print $c}' "$raw"
}
mb() { awk -v k="${1:-}" 'BEGIN {if (k != "") printf "%.1f", k / 1024; else print "-"}'; }
declare -A med
label_bellows="bellows fleet apply --parallel $parallel"
label_loop="dbmate loop, one process at a time"
label_xargs="dbmate loop, xargs -P $parallel"
{
  echo "# bellows fleet apply against a dbmate loop"
  echo
  sed 's/^/    /' "$out/meta.txt"
  echo
  echo "$targets SQLite tenant databases, 5 trivial migrations each (3 CREATE TABLE, 2 ADD COLUMN),"
  echo "applied from scratch; wall s, median of $runs runs (order rotated)."
  echo
  echo "| command | runs, wall s | median s | ms per target | peak RSS MB | CPU s (median) | time / bellows |"
  echo "|---|---|---|---|---|---|---|"
  for t in bellows dbmate-loop dbmate-xargs; do
    case "$t" in bellows) l="$label_bellows" ;; dbmate-loop) l="$label_loop" ;; *) l="$label_xargs" ;; esac
    all="$(col main "$t" "$targets" 7 | paste -sd, - | sed 's/,/, /g')"
    med[$t]="$(col main "$t" "$targets" 7 | median)"
    peak="$(col main "$t" "$targets" 8 | sort -n | tail -1)"
    cpu="$(col main "$t" "$targets" 9 | median)"
    per="$(awk -v s="${med[$t]}" -v n="$targets" 'BEGIN {if (s != "") printf "%.1f", s * 1000 / n; else print "-"}')"
    ratio="$(awk -v a="${med[$t]}" -v b="${med[bellows]}" 'BEGIN {if (a != "" && b > 0) printf "%.2fx", a / b; else print "-"}')"
    echo "| $l | ${all:--} | ${med[$t]:--} | $per | $(mb "$peak") | ${cpu:--} | $ratio |"
  done
  echo
  echo "Peak RSS: of the bellows process; for the dbmate loops, of the largest single dbmate process."
  awk -v b="${med[bellows]}" -v l="${med[dbmate-loop]}" -v x="${med[dbmate-xargs]}" -v p="$parallel" 'BEGIN {
    if (b > 0 && l != "") printf "bellows against the dbmate loop: %.2fx faster (target at least 2x: %s)\n", l / b, (l / b >= 2 ? "met" : "NOT met");
    if (b > 0 && x != "") printf "bellows against dbmate with xargs -P %s: %.2fx faster\n", p, x / b }'
  if [ -n "$sizes" ]; then
    echo
    echo "Linearity: $label_bellows, one run per size"
    echo
    echo "| targets | wall s | s per 1,000 targets | peak RSS MB |"
    echo "|---|---|---|---|"
    for n in $sizes; do
      s="$(col linearity bellows "$n" 7 | head -1)"; k="$(col linearity bellows "$n" 8 | head -1)"
      per="$(awk -v s="$s" -v n="$n" 'BEGIN {if (s != "") printf "%.3f", s * 1000 / n; else print "-"}')"
      echo "| $n | ${s:--} | $per | $(mb "$k") |"
    done
    echo
    awk -F'\t' 'NR > 1 && $1 == "linearity" && $6 == 0 && $15 == "yes" {n++; x[n] = $3; y[n] = $7}
      END {
        if (n < 2) exit
        for (i = 1; i <= n; i++) {sx += x[i]; sy += y[i]}
        mx = sx / n; my = sy / n
        for (i = 1; i <= n; i++) {sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ^ 2; syy += (y[i] - my) ^ 2}
        b = sxy / sxx; a = my - b * mx; r2 = (syy > 0 ? sxy * sxy / (sxx * syy) : 1)
        lo = hi = y[1] * 1000 / x[1]
        for (i = 2; i <= n; i++) {v = y[i] * 1000 / x[i]; if (v < lo) lo = v; if (v > hi) hi = v}
        printf "Least-squares line: %.3f s + %.3f s per 1,000 targets, R^2 = %.4f; s per 1,000 targets from %.3f to %.3f (max/min %.2f)\n", a, b * 1000, r2, lo, hi, hi / lo
      }' "$raw"
  fi
  echo
  echo "Every attempt (other CPU s: CPU time of other processes during the run, from /proc/stat;"
  echo "disturbed: over 0.25 CPU s per wall s and over 1 s; used: counted above)"
  echo
  echo "| phase | run | order | command | targets | attempt | exit | wall s | peak RSS MB | CPU s | other CPU s | load before | disturbed | used |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' 'NR > 1 {printf "| %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %s | %s | %s | %s | %s |\n", $1, $4, $5, $2, $3, $13, $6, $7, $8 / 1024, $9, $10, $11, $14, $15}' "$raw"
  if [ "${#notes[@]}" -gt 0 ] || [ -s "$work/notes" ]; then
    echo; [ "${#notes[@]}" -eq 0 ] || printf '%s\n' "${notes[@]}"; cat "$work/notes" 2>/dev/null || true
  fi
} >"$out/summary.md"
cat "$out/summary.md"
echo
echo "kept in $out (summary.md, raw.tsv, meta.txt, logs/)"
exit "$failed"
