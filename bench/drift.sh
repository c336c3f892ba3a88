#!/usr/bin/env bash
# Drift benchmark (issue 6): how long `bellows drift` takes on a schema of N tables x 10
# columns, each with a secondary index and a foreign key to the table before it, on SQLite,
# PostgreSQL and MariaDB. Targets: under 2 s on PostgreSQL and MariaDB, under 0.5 s on SQLite
# for N = 1000. Figures and how to read them: docs/benchmarks.md.
#
#   bench/drift.sh [--tables N] [--runs R] [--dialects "sqlite postgres mysql"] [--bin PATH]
#
# The schema is built by plain SQL and adopted with `bellows baseline`, so the drift run
# introspects it, loads the recorded snapshot and compares. Each dialect is timed R times
# (wall clock and peak RSS from /usr/bin/time); the median and the maximum are printed as a
# markdown table. A second timing runs after one out-of-band change (an index added), so the
# diff path is measured too (exit 3 expected). It starts its own throwaway servers
# (scripts/servers.sh on ports $BELLOWS_PG_PORT, default 55434, and $BELLOWS_MYSQL_PORT,
# default 53319) and stops them at the end, also on failure.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tables=1000
runs=5
dialects="sqlite postgres mysql"
bin="$root/build/bellows"
while [ $# -gt 0 ]; do
  case "$1" in
    --tables) tables="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --dialects) dialects="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "no bellows binary at $bin: build first (cmake --build build)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }

export BELLOWS_SERVERS_DIR="${BELLOWS_SERVERS_DIR:-/tmp/bellows-bench}"
export BELLOWS_PG_PORT="${BELLOWS_PG_PORT:-55434}"
export BELLOWS_MYSQL_PORT="${BELLOWS_MYSQL_PORT:-53319}"
work="$(mktemp -d /tmp/bellows-drift-bench.XXXXXX)"
started=""
cleanup() {
  for s in $started; do "$root/scripts/servers.sh" stop "$s" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# schema.sql: N tables of 10 columns, an index each, a foreign key to the previous table.
gen_schema() {  # dialect
  local int="integer" text="varchar(100)"
  for ((i = 1; i <= tables; i++)); do
    local fk=""
    [ "$i" -gt 1 ] && fk=", CONSTRAINT t${i}_prev_fkey FOREIGN KEY (prev_id) REFERENCES t$((i - 1))(id)"
    echo "CREATE TABLE t$i (id $int PRIMARY KEY, prev_id $int, name $text NOT NULL, email $text,"
    echo "  qty $int DEFAULT 0, price $int, note $text, code $text, created $text, flag $int${fk});"
    echo "CREATE INDEX t${i}_name_idx ON t$i (name, email);"
  done
}

mkdir -p "$work/migrations"
echo "SELECT 1;" >"$work/migrations/0001_adopted.sql"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
maxof() { sort -n | tail -1; }

# time_drift URL EXPECTED_EXIT: R runs; prints "median_s max_s median_rss_mb"
time_drift() {
  local url="$1" expected="$2" secs="" rss=""
  for ((r = 0; r < runs; r++)); do
    set +e
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin" --url "$url" --dir "$work/migrations" drift \
      >"$work/out" 2>"$work/err"
    local code=$?
    set -e
    if [ "$code" -ne "$expected" ]; then
      echo "bellows drift exited $code, expected $expected:" >&2
      cat "$work/out" "$work/err" >&2
      exit 1
    fi
    secs+="$(tail -1 "$work/time" | cut -d' ' -f1)"$'\n'
    rss+="$(tail -1 "$work/time" | cut -d' ' -f2)"$'\n'
  done
  printf '%s %s %s\n' "$(printf '%s' "$secs" | median)" "$(printf '%s' "$secs" | maxof)" \
    "$(printf '%s' "$rss" | median | awk '{printf "%.0f", $1 / 1024}')"
}

rows=()
for d in $dialects; do
  case "$d" in
    sqlite)
      url="sqlite:$work/app.db"
      gen_schema sqlite | sqlite3 "$work/app.db"
      run_sql() { sqlite3 "$work/app.db" "$1"; }
      ;;
    postgres)
      base="$("$root/scripts/servers.sh" start postgres)"; started+=" postgres"
      psql_base="psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $BELLOWS_PG_PORT -U postgres"
      $psql_base -d postgres -c "DROP DATABASE IF EXISTS drift_bench" -c "CREATE DATABASE drift_bench"
      gen_schema postgres | $psql_base -d drift_bench >/dev/null
      url="${base%/postgres}/drift_bench"
      run_sql() { $psql_base -d drift_bench -c "$1" >/dev/null; }
      ;;
    mysql)
      base="$("$root/scripts/servers.sh" start mariadb)"; started+=" mariadb"
      my="mariadb --protocol=tcp -h 127.0.0.1 -P $BELLOWS_MYSQL_PORT -u root"
      $my -e "DROP DATABASE IF EXISTS drift_bench; CREATE DATABASE drift_bench"
      gen_schema mysql | $my drift_bench
      url="mysql://root@127.0.0.1:$BELLOWS_MYSQL_PORT/drift_bench"
      run_sql() { $my drift_bench -e "$1"; }
      ;;
    *) echo "unknown dialect $d" >&2; exit 2 ;;
  esac
  "$bin" --url "$url" --dir "$work/migrations" baseline 1 -q >/dev/null
  read -r clean_med clean_max clean_rss <<<"$(time_drift "$url" 0)"
  mid="t$(((tables + 1) / 2))"
  run_sql "CREATE INDEX ${mid}_qty_idx ON $mid (qty)"
  read -r drift_med drift_max drift_rss <<<"$(time_drift "$url" 3)"
  grep -q "+ index ${mid}_qty_idx" "$work/out" || { echo "the added index was not reported" >&2; cat "$work/out" >&2; exit 1; }
  rows+=("| $d | $tables | $clean_med | $clean_max | $drift_med | $drift_max | $clean_rss |")
  "$root/scripts/servers.sh" stop "${d/mysql/mariadb}" >/dev/null 2>&1 || true
  [ "$d" = sqlite ] || started="${started/ ${d/mysql/mariadb}/}"
done

echo
echo "bellows drift, $tables tables x 10 columns, an index and a foreign key each; $runs runs"
echo
echo "| dialect | tables | clean: median s | clean: max s | drifted: median s | drifted: max s | peak RSS MB |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
