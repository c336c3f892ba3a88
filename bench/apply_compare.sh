#!/usr/bin/env bash
# Apply-throughput benchmark (issue 10): N trivial migrations applied from scratch by bellows,
# dbmate and sqitch, side by side, on SQLite, PostgreSQL 15 and MariaDB 10.11; then the
# per-invocation cost of `status` on the up-to-date database. Target: bellows faster than both
# on every dialect. Figures and how to read them: docs/benchmarks.md.
#
#   bench/apply_compare.sh [--migrations N] [--runs R] [--status-runs S]
#                          [--dialects "sqlite postgres mysql"] [--tools "bellows dbmate sqitch"]
#                          [--bin PATH] [--out DIR]
#
# The same N migrations for every tool: migration 2k-1 is
#   CREATE TABLE t_k (id integer PRIMARY KEY, name varchar(100));   down: DROP TABLE t_k;
# and migration 2k is
#   ALTER TABLE t_k ADD COLUMN c integer;                           down: ALTER TABLE t_k DROP COLUMN c;
# written in each tool's own directory format:
#   bellows  NNNN_<name>.sql with -- bellows:up / -- bellows:down, and bellows.sum (bellows hash)
#   dbmate   db/migrations/<14-digit version>_<name>.sql with -- migrate:up / -- migrate:down
#   sqitch   sqitch.plan, deploy/ revert/ verify/<name>.sql; deploy and revert wrapped in
#            BEGIN; ... COMMIT; as sqitch's own templates write them (sqitch adds no transaction)
# Commands timed (wall clock from bash EPOCHREALTIME, peak RSS from /usr/bin/time), each on
# a new, empty database:
#   bellows --url URL --dir DIR apply -q
#   dbmate --url URL --migrations-dir DIR --no-dump-schema migrate
#   sqitch deploy db:ENGINE:URL        (registry: sqitch.db beside the SQLite file, schema
#                                       sqitch in the PostgreSQL database, database sqitch on MariaDB)
# After each apply the script checks that the database has N/2 tables t_k and N/2 columns c.
# The order of the tools rotates from run to run; R runs (default 3), median. After each apply
# the tool applies one more migration to its up-to-date database (ALTER TABLE t_1 ADD COLUMN
# extra integer): what a deploy that brings one migration costs once the history is long. After
# the last run, `bellows status`, `dbmate status` and `sqitch status` run S times each (default
# 11) on their up-to-date databases; the median is reported.
#
# Servers: scripts/servers.sh on ports $BELLOWS_PG_PORT (default 55441) and
# $BELLOWS_MYSQL_PORT (default 53321), data under $BELLOWS_SERVERS_DIR (default
# /tmp/bellows-bench-scale), started here and stopped (data removed) at exit, also on failure.
# A tool that is not installed is skipped and said so (bench/run.sh installs them).
# Output: markdown tables printed at the end and kept with raw timings and logs in --out
# (default /tmp/bellows-bench-out/apply-<UTC time>). Exit 1 when a tool failed or a check
# did not hold.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
migrations=1000
runs=3
status_runs=11
dialects="sqlite postgres mysql"
tools="bellows dbmate sqitch"
bin="$root/build/bellows"
out=""
usage() { sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --migrations) migrations="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --status-runs) status_runs="$2"; shift 2 ;;
    --dialects) dialects="$2"; shift 2 ;;
    --tools) tools="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$migrations" "$runs" "$status_runs"; do
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "not a positive whole number: $n" >&2; exit 2; }
done
for d in $dialects; do case "$d" in sqlite|postgres|mysql) ;; *) echo "unknown dialect $d" >&2; exit 2 ;; esac; done
for t in $tools; do case "$t" in bellows|dbmate|sqitch) ;; *) echo "unknown tool $t" >&2; exit 2 ;; esac; done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }
notes=()
have=""
for t in $tools; do
  case "$t" in
    bellows)
      [ -x "$bin" ] || { echo "no bellows binary at $bin: build first (cmake --build build)" >&2; exit 2; }
      bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"; have+=" bellows" ;;
    dbmate)
      if command -v dbmate >/dev/null; then have+=" dbmate"
      else notes+=("- dbmate is not installed (npm install -g dbmate): skipped"); fi ;;
    sqitch)
      if command -v sqitch >/dev/null; then have+=" sqitch"
      else notes+=("- sqitch is not installed (apt-get install -y sqitch libdbd-sqlite3-perl libdbd-pg-perl libdbd-mysql-perl): skipped"); fi ;;
  esac
done
tools="${have# }"
[ -n "$tools" ] || { echo "no tool to run" >&2; exit 2; }

out="${out:-/tmp/bellows-bench-out/apply-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out/logs"
out="$(cd "$out" && pwd)"
export BELLOWS_SERVERS_DIR="${BELLOWS_SERVERS_DIR:-/tmp/bellows-bench-scale}"
export BELLOWS_PG_PORT="${BELLOWS_PG_PORT:-55441}"
export BELLOWS_MYSQL_PORT="${BELLOWS_MYSQL_PORT:-53321}"
work="$(mktemp -d /tmp/bellows-apply-bench.XXXXXX)"
started=""
servers_dir_was_there=0; [ -d "$BELLOWS_SERVERS_DIR" ] && servers_dir_was_there=1
cleanup() {
  for s in $started; do "$root/scripts/servers.sh" stop "$s" >/dev/null 2>&1 || true; done
  # scripts/servers.sh leaves its init logs in the servers directory: remove it if it is ours
  [ "$servers_dir_was_there" -eq 1 ] || rm -rf "$BELLOWS_SERVERS_DIR"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "bellows: $bin ($("$bin" --version 2>&1 | head -1))"
  case " $tools " in *" dbmate "*) echo "dbmate: $(dbmate --version 2>&1 | head -1)" ;; esac
  case " $tools " in *" sqitch "*) echo "sqitch: $(sqitch --version 2>&1 | head -1)" ;; esac
  echo "migrations: $migrations; runs: $runs; status runs: $status_runs; dialects: $dialects; tools: $tools"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/meta.txt"

# ---- the migrations, one directory per tool -------------------------------------------------
width=4; [ "${#migrations}" -gt 4 ] && width="${#migrations}"
stmts="$work/stmts.tsv"   # i, name, up, down
for ((i = 1; i <= migrations; i++)); do
  k=$(((i + 1) / 2))
  if [ $((i % 2)) -eq 1 ]; then
    printf '%d\tcreate_t_%d\tCREATE TABLE t_%d (id integer PRIMARY KEY, name varchar(100));\tDROP TABLE t_%d;\n' "$i" "$k" "$k" "$k"
  else
    printf '%d\tadd_t_%d_c\tALTER TABLE t_%d ADD COLUMN c integer;\tALTER TABLE t_%d DROP COLUMN c;\n' "$i" "$k" "$k" "$k"
  fi
done >"$stmts"
want_tables=$(((migrations + 1) / 2))
want_columns=$((migrations / 2))

mkdir -p "$work/src/bellows" "$work/src/dbmate/db/migrations" "$work/src/sqitch/deploy" \
  "$work/src/sqitch/revert" "$work/src/sqitch/verify"
{
  printf '%%syntax-version=1.0.0\n%%project=bench\n\n'
  while IFS=$'\t' read -r i name up down; do
    printf -- '-- bellows:up\n%s\n-- bellows:down\n%s\n' "$up" "$down" \
      >"$work/src/bellows/$(printf "%0${width}d" "$i")_$name.sql"
    printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$up" "$down" \
      >"$work/src/dbmate/db/migrations/$(printf '%014d' "$i")_$name.sql"
    printf 'BEGIN;\n%s\nCOMMIT;\n' "$up" >"$work/src/sqitch/deploy/m${i}_$name.sql"
    printf 'BEGIN;\n%s\nCOMMIT;\n' "$down" >"$work/src/sqitch/revert/m${i}_$name.sql"
    printf 'SELECT 1;\n' >"$work/src/sqitch/verify/m${i}_$name.sql"
    printf 'm%d_%s 2026-01-01T00:00:00Z Bench <bench@example.invalid> # %s\n' "$i" "$name" "$up"
  done <"$stmts"
} >"$work/src/sqitch/sqitch.plan"
"$bin" --dir "$work/src/bellows" hash -q >/dev/null
# The one more migration, added to each tool's directory after its apply.
next=$((migrations + 1))
extra_up="ALTER TABLE t_1 ADD COLUMN extra integer;"
extra_down="ALTER TABLE t_1 DROP COLUMN extra;"
mkdir -p "$work/extra/bellows" "$work/extra/dbmate/db/migrations" "$work/extra/sqitch/deploy" \
  "$work/extra/sqitch/revert" "$work/extra/sqitch/verify"
printf -- '-- bellows:up\n%s\n-- bellows:down\n%s\n' "$extra_up" "$extra_down" \
  >"$work/extra/bellows/$(printf "%0${width}d" "$next")_extra.sql"
printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$extra_up" "$extra_down" \
  >"$work/extra/dbmate/db/migrations/$(printf '%014d' "$next")_extra.sql"
printf 'BEGIN;\n%s\nCOMMIT;\n' "$extra_up" >"$work/extra/sqitch/deploy/m${next}_extra.sql"
printf 'BEGIN;\n%s\nCOMMIT;\n' "$extra_down" >"$work/extra/sqitch/revert/m${next}_extra.sql"
printf 'SELECT 1;\n' >"$work/extra/sqitch/verify/m${next}_extra.sql"
# add_extra TOOL: puts the one more migration into the tool's run directory (not timed)
add_extra() {
  local tool="$1" dir="$work/run/$1"
  cp -r "$work/extra/$tool/." "$dir/"
  case "$tool" in
    bellows) "$bin" --dir "$dir" hash -q >/dev/null ;;
    sqitch) printf 'm%d_extra 2026-01-01T00:00:00Z Bench <bench@example.invalid> # %s\n' "$next" \
      "$extra_up" >>"$dir/sqitch.plan" ;;
  esac
}
printf '[user]\n\tname = Bench\n\temail = bench@example.invalid\n' >"$work/sqitch-user.conf"
export SQITCH_USER_CONFIG="$work/sqitch-user.conf"

# ---- databases --------------------------------------------------------------------------------
psql_q() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$BELLOWS_PG_PORT" -U postgres "$@"; }
my_q() { mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$BELLOWS_MYSQL_PORT" -u root -N -B "$@"; }

# new_db DIALECT NAME: an empty database (SQLite: a new directory); sets url_* for every tool.
new_db() {
  local d="$1" name="$2"
  case "$d" in
    sqlite)
      rm -rf "$work/db/$name"; mkdir -p "$work/db/$name"
      local f="$work/db/$name/app.db"
      url_bellows="sqlite:$f"; url_dbmate="sqlite:$f"; url_sqitch="db:sqlite:$f" ;;
    postgres)
      psql_q -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"
      url_bellows="postgres://postgres@127.0.0.1:$BELLOWS_PG_PORT/$name"
      url_dbmate="$url_bellows?sslmode=disable"
      url_sqitch="db:pg://postgres@127.0.0.1:$BELLOWS_PG_PORT/$name" ;;
    mysql)
      my_q -e "DROP DATABASE IF EXISTS $name; DROP DATABASE IF EXISTS sqitch; CREATE DATABASE $name"
      url_bellows="mysql://root@127.0.0.1:$BELLOWS_MYSQL_PORT/$name"
      url_dbmate="$url_bellows"
      url_sqitch="db:mysql://root@127.0.0.1:$BELLOWS_MYSQL_PORT/$name" ;;
  esac
}

drop_db() {
  local d="$1" name="$2"
  case "$d" in
    sqlite) rm -rf "${work:?}/db/$name" ;;
    postgres) psql_q -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" ;;
    mysql)
      # bellows' version databases (<name>_N) go too
      for db in $(my_q -e "SELECT schema_name FROM information_schema.schemata WHERE schema_name = '$name' OR schema_name LIKE '${name}\\_%' OR schema_name = 'sqitch'"); do
        my_q -e "DROP DATABASE \`$db\`"
      done ;;
  esac
}

# counts DIALECT NAME: "tables columns" of the benchmark's tables t_k and their columns c.
counts() {
  local d="$1" name="$2"
  case "$d" in
    sqlite)
      sqlite3 "$work/db/$name/app.db" \
        "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name GLOB 't_[0-9]*'),
                (SELECT count(*) FROM sqlite_master m, pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name GLOB 't_[0-9]*' AND p.name = 'c')" | tr '|' ' ' ;;
    postgres)
      psql_q -d "$name" -F ' ' -c "SELECT (SELECT count(*) FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name ~ '^t_[0-9]+\$'),
        (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public'
          AND table_name ~ '^t_[0-9]+\$' AND column_name = 'c')" ;;
    mysql)
      my_q -e "SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = '$name'
          AND table_type = 'BASE TABLE' AND table_name REGEXP '^t_[0-9]+\$'),
        (SELECT count(*) FROM information_schema.columns WHERE table_schema = '$name'
          AND table_name REGEXP '^t_[0-9]+\$' AND column_name = 'c')" | tr '\t' ' ' ;;
  esac
}

# has_extra DIALECT NAME: 1 when t_1 has the column the one more migration adds
has_extra() {
  local d="$1" name="$2"
  case "$d" in
    sqlite) sqlite3 "$work/db/$name/app.db" "SELECT count(*) FROM pragma_table_info('t_1') WHERE name = 'extra'" ;;
    postgres) psql_q -d "$name" -c "SELECT count(*) FROM information_schema.columns WHERE
        table_schema = 'public' AND table_name = 't_1' AND column_name = 'extra'" ;;
    mysql) my_q -e "SELECT count(*) FROM information_schema.columns WHERE table_schema = '$name'
        AND table_name = 't_1' AND column_name = 'extra'" ;;
  esac
}

# run_tool TOOL apply|status LOG: runs the tool on the url_* of the current database, timed
# into $work/time; returns its exit status.
run_tool() {
  local tool="$1" what="$2" log="$3" dir="$work/run/$1"
  local -a cmd
  case "$tool/$what" in
    bellows/apply) cmd=("$bin" --url "$url_bellows" --dir "$dir" apply -q) ;;
    bellows/status) cmd=("$bin" --url "$url_bellows" --dir "$dir" status -q) ;;
    dbmate/apply) cmd=(dbmate --url "$url_dbmate" --migrations-dir "$dir/db/migrations" --no-dump-schema migrate) ;;
    dbmate/status) cmd=(dbmate --url "$url_dbmate" --migrations-dir "$dir/db/migrations" status) ;;
    sqitch/apply) cmd=(sqitch deploy "$url_sqitch") ;;
    sqitch/status) cmd=(sqitch status "$url_sqitch") ;;
  esac
  local t0="$EPOCHREALTIME" code=0
  (cd "$dir" && exec /usr/bin/time -f "%e %M" -o "$work/time" "${cmd[@]}") >"$log.out" 2>"$log.err" || code=$?
  awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f\n", b - a}' >"$work/wall"
  return "$code"
}
# time_of: "wall_seconds peak_rss_kb" of the last run_tool (wall from bash's EPOCHREALTIME,
# to the ms; RSS from /usr/bin/time)
time_of() { echo "$(cat "$work/wall") $(grep -E '^[0-9.]+ [0-9]+$' "$work/time" | tail -1 | cut -d' ' -f2)"; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR + 1) / 2)]}'; }

raw="$out/raw.tsv"
printf 'dialect\ttool\tphase\trun\texit\tseconds\tpeak_rss_kb\n' >"$raw"
failed=0
declare -A secs rss stat more
for d in $dialects; do
  case "$d" in
    postgres) "$root/scripts/servers.sh" start postgres >/dev/null; started+=" postgres" ;;
    mysql) "$root/scripts/servers.sh" start mariadb >/dev/null; started+=" mariadb" ;;
  esac
  read -r -a order <<<"$tools"
  for ((r = 1; r <= runs; r++)); do
    for ((j = 0; j < ${#order[@]}; j++)); do
      tool="${order[$(((j + r - 1) % ${#order[@]}))]}"
      name="bab_${tool}"
      echo "== $d run $r: $tool" >&2
      rm -rf "$work/run/$tool"; mkdir -p "$work/run"; cp -r "$work/src/$tool" "$work/run/$tool"
      new_db "$d" "$name"
      log="$out/logs/$d.$tool.apply.$r"
      set +e; run_tool "$tool" apply "$log"; code=$?; set -e
      read -r s m <<<"$(time_of)"
      printf '%s\t%s\tapply\t%s\t%s\t%s\t%s\n' "$d" "$tool" "$r" "$code" "${s:--}" "${m:--}" >>"$raw"
      if [ "$code" -ne 0 ]; then
        notes+=("- $d, $tool, run $r: exit $code (see $log.err): $(tail -1 "$log.err" | cut -c1-200)")
        failed=1; drop_db "$d" "$name"; continue
      fi
      got="$(counts "$d" "$name")"
      if [ "$got" != "$want_tables $want_columns" ]; then
        notes+=("- $d, $tool, run $r: the database has (tables, columns) = ($got), expected ($want_tables $want_columns)")
        failed=1
      fi
      secs["$d/$tool"]+="$s"$'\n'; rss["$d/$tool"]+="$m"$'\n'
      add_extra "$tool"
      log="$out/logs/$d.$tool.one_more.$r"
      set +e; run_tool "$tool" apply "$log"; code=$?; set -e
      read -r s m <<<"$(time_of)"
      printf '%s\t%s\tone_more\t%s\t%s\t%s\t%s\n' "$d" "$tool" "$r" "$code" "${s:--}" "${m:--}" >>"$raw"
      if [ "$code" -ne 0 ] || [ "$(has_extra "$d" "$name")" != 1 ]; then
        notes+=("- $d, $tool, run $r: one more migration: exit $code, t_1.extra present: $(has_extra "$d" "$name") (see $log.err)")
        failed=1
      else
        more["$d/$tool"]+="$s"$'\n'
      fi
      if [ "$r" -eq "$runs" ]; then
        for ((q = 1; q <= status_runs; q++)); do
          slog="$out/logs/$d.$tool.status.$q"
          set +e; run_tool "$tool" status "$slog"; code=$?; set -e
          read -r s m <<<"$(time_of)"
          printf '%s\t%s\tstatus\t%s\t%s\t%s\t%s\n' "$d" "$tool" "$q" "$code" "${s:--}" "${m:--}" >>"$raw"
          if [ "$code" -ne 0 ]; then
            notes+=("- $d, $tool status: exit $code (see $slog.err)"); failed=1; break
          fi
          stat["$d/$tool"]+="$s"$'\n'
        done
      fi
      drop_db "$d" "$name"
    done
  done
  case "$d" in
    postgres) "$root/scripts/servers.sh" stop postgres >/dev/null; started="${started/ postgres/}" ;;
    mysql) "$root/scripts/servers.sh" stop mariadb >/dev/null; started="${started/ mariadb/}" ;;
  esac
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/meta.txt"

med_of() { printf '%s' "${1:-}" | median; }
cell() { [ -n "${1:-}" ] && echo "$1" || echo "-"; }
ratio() { awk -v a="${1:-}" -v b="${2:-}" 'BEGIN {if (a != "" && b != "" && b > 0) printf "%.2fx", a / b; else print "-"}'; }
ms() { awk -v s="${1:-}" 'BEGIN {if (s != "") printf "%.0f", s * 1000; else print "-"}'; }
# ms_table ARRAY HEADINGS: per dialect, the tools' medians of ARRAY (seconds) in ms, and ratios
ms_table() {
  local -n of="$1"
  local d b m q
  echo "| dialect | $2 | bellows/dbmate | bellows/sqitch |"
  echo "|---|---|---|---|---|---|"
  for d in $dialects; do
    b="$(med_of "${of[$d/bellows]:-}")"; m="$(med_of "${of[$d/dbmate]:-}")"; q="$(med_of "${of[$d/sqitch]:-}")"
    echo "| $d | $(ms "$b") | $(ms "$m") | $(ms "$q") | $(ratio "$b" "$m") | $(ratio "$b" "$q") |"
  done
}
{
  echo
  echo "$migrations trivial migrations applied from scratch (median of $runs runs, wall s; fresh database each)"
  echo
  echo "| dialect | bellows s | dbmate s | sqitch s | bellows/dbmate | bellows/sqitch | bellows ms per migration | bellows peak RSS MB |"
  echo "|---|---|---|---|---|---|---|---|"
  for d in $dialects; do
    b="$(med_of "${secs[$d/bellows]:-}")"; m="$(med_of "${secs[$d/dbmate]:-}")"; q="$(med_of "${secs[$d/sqitch]:-}")"
    per="$(awk -v s="$b" -v n="$migrations" 'BEGIN {if (s != "") printf "%.1f", s * 1000 / n; else print "-"}')"
    mb="$(printf '%s' "${rss[$d/bellows]:-}" | sort -n | tail -1 | awk '{printf "%.0f", $1 / 1024}')"
    echo "| $d | $(cell "$b") | $(cell "$m") | $(cell "$q") | $(ratio "$b" "$m") | $(ratio "$b" "$q") | $per | $(cell "$mb") |"
  done
  echo
  echo "every run (wall s; the tools of one run ran one after the other, in the order listed)"
  echo
  echo "| dialect | run | order | bellows s | dbmate s | sqitch s |"
  echo "|---|---|---|---|---|---|"
  for d in $dialects; do
    for ((r = 1; r <= runs; r++)); do
      awk -F'\t' -v d="$d" -v r="$r" '$1 == d && $3 == "apply" && $4 == r {
          v[$2] = ($5 == 0 ? $6 : "exit " $5); o = o (o == "" ? "" : ", ") $2 }
        END { printf "| %s | %s | %s | %s | %s | %s |\n", d, r, o,
              ("bellows" in v ? v["bellows"] : "-"), ("dbmate" in v ? v["dbmate"] : "-"),
              ("sqitch" in v ? v["sqitch"] : "-") }' "$raw"
    done
  done
  echo
  echo "one more migration on the up-to-date database ($migrations applied; ALTER TABLE t_1 ADD COLUMN extra integer; median of $runs runs, ms)"
  echo
  ms_table more "bellows ms | dbmate ms | sqitch ms"
  echo
  echo "status on the up-to-date database ($((migrations + 1)) migrations applied; median of $status_runs runs, ms)"
  echo
  ms_table stat "bellows status ms | dbmate status ms | sqitch status ms"
  if [ "${#notes[@]}" -gt 0 ]; then echo; printf '%s\n' "${notes[@]}"; fi
} | tee "$out/results.md"
echo
echo "kept in $out (results.md, raw.tsv, meta.txt, logs/)"
exit "$failed"
