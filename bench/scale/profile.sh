#!/usr/bin/env bash
# Profiles of bellows for issue 10 (report only): where validate / offline plan of a large
# directory and apply of many trivial migrations spend their time.
#
#   bench/scale/profile.sh [--files N] [--big-files N] [--big-seconds S] [--migrations N]
#                          [--bin PATH] [--out DIR]
#
# perf record (cpu-clock, 499 Hz, DWARF call graphs) of, each a new process:
#   validate-N   bellows validate --dialect sqlite       on bench/scale/gen.sh's N files (1000)
#   plan-N       bellows plan --offline --dialect sqlite on the same directory
#   plan-BIG     the same on --big-files (10000), stopped after --big-seconds (30) by timeout:
#                the profile of the first seconds of a run that does not finish
#   apply-sqlite bellows apply of --migrations (1000) trivial SQL migrations (the
#                migrations of bench/apply_compare.sh) on a new SQLite file
#   apply-postgres  the same on a throwaway PostgreSQL (scripts/servers.sh, port
#                $BELLOWS_PG_PORT, default 55441)
# Not profiled, counted: the system calls (fsyncs) of one more SQLite apply by bellows and by
# dbmate (strace -c -f), and the statements each sends to PostgreSQL (log_statement = all)
# and MariaDB (general log, port $BELLOWS_MYSQL_PORT, default 53321) for the same migrations.
# The servers are stopped (data removed) at exit.
# Per profile it writes <name>.self.txt (self cost by symbol) and <name>.children.txt
# (inclusive cost, bellows:: symbols only) in --out (default /tmp/bellows-bench-out/profile-<time>).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
files=1000
big_files=10000
big_seconds=30
migrations=1000
bin="$root/build/bellows"
out=""
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files="$2"; shift 2 ;;
    --big-files) big_files="$2"; shift 2 ;;
    --big-seconds) big_seconds="$2"; shift 2 ;;
    --migrations) migrations="$2"; shift 2 ;;
    --bin) bin="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "no bellows binary at $bin" >&2; exit 2; }
command -v perf >/dev/null || { echo "needs perf (apt-get install -y linux-perf)" >&2; exit 2; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
out="${out:-/tmp/bellows-bench-out/profile-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out"; out="$(cd "$out" && pwd)"
export BELLOWS_SERVERS_DIR="${BELLOWS_SERVERS_DIR:-/tmp/bellows-bench-scale}"
export BELLOWS_PG_PORT="${BELLOWS_PG_PORT:-55441}"
export BELLOWS_MYSQL_PORT="${BELLOWS_MYSQL_PORT:-53321}"
work="$(mktemp -d /tmp/bellows-profile.XXXXXX)"
started=0
started_my=0
servers_dir_was_there=0; [ -d "$BELLOWS_SERVERS_DIR" ] && servers_dir_was_there=1
cleanup() {
  [ "$started" -eq 0 ] || "$root/scripts/servers.sh" stop postgres >/dev/null 2>&1 || true
  [ "$started_my" -eq 0 ] || "$root/scripts/servers.sh" stop mariadb >/dev/null 2>&1 || true
  [ "$servers_dir_was_there" -eq 1 ] || rm -rf "$BELLOWS_SERVERS_DIR"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# prof NAME DIR -- ARGS...: perf record of bellows ARGS run in DIR, then the two reports.
prof() {
  local name="$1" dir="$2"; shift 3
  echo "== $name" >&2
  (cd "$dir" && ulimit -v $((8192 * 1024)) &&
    perf record -q -e cpu-clock -F 499 --call-graph dwarf,32768 -o "$work/$name.data" -- "$@" \
      >"$out/$name.out" 2>"$out/$name.err") || echo "$name: exit $? (see $out/$name.err)" >&2
  perf report -i "$work/$name.data" --no-children --sort sym --stdio -g none --percent-limit 0.5 \
    2>/dev/null | grep -v '^#' | grep -v '^$' | cut -c1-220 >"$out/$name.self.txt" || true
  perf report -i "$work/$name.data" --children --sort sym --stdio -g none \
    2>/dev/null | grep -v '^#' | grep 'bellows::' | head -80 | cut -c1-260 >"$out/$name.children.txt" || true
  perf report -i "$work/$name.data" --children --sort sym --stdio -g caller,0.5,callee --percent-limit 5 \
    2>/dev/null | grep -v '^$' | head -400 | cut -c1-260 >"$out/$name.callers.txt" || true
  rm -f "$work/$name.data"
}

mkdir -p "$work/scale" "$work/big"
"$root/bench/scale/gen.sh" "$work/scale/migrations" "$files"
"$bin" --dir "$work/scale/migrations" hash -q >/dev/null
prof "validate-$files" "$work/scale" -- "$bin" --dir migrations validate --dialect sqlite -q
prof "plan-$files" "$work/scale" -- "$bin" --dir migrations plan --offline --dialect sqlite -q
"$root/bench/scale/gen.sh" "$work/big/migrations" "$big_files"
"$bin" --dir "$work/big/migrations" hash -q >/dev/null
prof "plan-$big_files-first-${big_seconds}s" "$work/big" -- timeout "$big_seconds" "$bin" --dir migrations plan --offline --dialect sqlite -q
rm -rf "$work/scale" "$work/big"

# the trivial migrations of bench/apply_compare.sh, in bellows' format
mkdir -p "$work/apply/migrations"
w=4; [ "${#migrations}" -gt 4 ] && w="${#migrations}"
for ((i = 1; i <= migrations; i++)); do
  k=$(((i + 1) / 2)); v="$(printf "%0${w}d" "$i")"
  if [ $((i % 2)) -eq 1 ]; then
    printf -- '-- bellows:up\nCREATE TABLE t_%d (id integer PRIMARY KEY, name varchar(100));\n-- bellows:down\nDROP TABLE t_%d;\n' "$k" "$k" >"$work/apply/migrations/${v}_create_t_$k.sql"
  else
    printf -- '-- bellows:up\nALTER TABLE t_%d ADD COLUMN c integer;\n-- bellows:down\nALTER TABLE t_%d DROP COLUMN c;\n' "$k" "$k" >"$work/apply/migrations/${v}_add_t_${k}_c.sql"
  fi
done
"$bin" --dir "$work/apply/migrations" hash -q >/dev/null
# the same migrations for dbmate, to compare system calls and statements sent
mkdir -p "$work/apply/db/migrations"
for f in "$work"/apply/migrations/*.sql; do
  b="$(basename "$f" .sql)"; v="${b%%_*}"
  sed -e 's/^-- bellows:up$/-- migrate:up/' -e 's/^-- bellows:down$/-- migrate:down/' "$f" \
    >"$work/apply/db/migrations/$(printf '%014d' "$((10#$v))")_${b#*_}.sql"
done
have_dbmate=0; command -v dbmate >/dev/null && have_dbmate=1
dbmate_cmd() { dbmate --url "$1" --migrations-dir "$work/apply/db/migrations" --no-dump-schema migrate; }

prof apply-sqlite "$work/apply" -- "$bin" --url "sqlite:$work/apply/a.db" --dir migrations apply -q
# system calls of one more run of each tool (fsyncs: the cost that the disk decides)
if command -v strace >/dev/null; then
  (cd "$work/apply" && strace -c -f -o "$out/apply-sqlite.strace.bellows.txt" \
    "$bin" --url "sqlite:$work/apply/b.db" --dir migrations apply -q >/dev/null 2>&1) || true
  [ "$have_dbmate" -eq 0 ] || (cd "$work/apply" && strace -c -f -o "$out/apply-sqlite.strace.dbmate.txt" \
    dbmate --url "sqlite:$work/apply/c.db" --migrations-dir db/migrations --no-dump-schema migrate >/dev/null 2>&1) || true
fi

# statements sent: PostgreSQL log_statement = all, MariaDB general log
count_pg() {  # LOGFILE FROM_LINE OUTFILE
  tail -n +"$2" "$1" | grep -E 'LOG:  (statement|execute)' | sed -E 's/.*LOG:  (statement|execute[^:]*): //' |
    sed -E 's/[0-9]+/N/g' | cut -c1-120 | sort | uniq -c | sort -rn | head -40 >"$3"
  echo "statements logged: $(tail -n +"$2" "$1" | grep -cE 'LOG:  (statement|execute)')" >>"$3"
}
"$root/scripts/servers.sh" start postgres >/dev/null; started=1
pg() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -h 127.0.0.1 -p "$BELLOWS_PG_PORT" -U postgres -d postgres "$@"; }
for db in bab_profile bab_profile_dbmate; do
  pg -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" \
    -c "ALTER DATABASE $db SET log_statement = 'all'"
done
log="$BELLOWS_SERVERS_DIR/postgres-$BELLOWS_PG_PORT/server.log"
before="$(($(wc -l <"$log") + 1))"
prof apply-postgres "$work/apply" -- "$bin" --url "postgres://postgres@127.0.0.1:$BELLOWS_PG_PORT/bab_profile" --dir migrations apply -q
count_pg "$log" "$before" "$out/apply-postgres.statements.bellows.txt"
if [ "$have_dbmate" -eq 1 ]; then
  before="$(($(wc -l <"$log") + 1))"
  dbmate_cmd "postgres://postgres@127.0.0.1:$BELLOWS_PG_PORT/bab_profile_dbmate?sslmode=disable" >/dev/null
  count_pg "$log" "$before" "$out/apply-postgres.statements.dbmate.txt"
fi
"$root/scripts/servers.sh" stop postgres >/dev/null; started=0

"$root/scripts/servers.sh" start mariadb >/dev/null; started_my=1
my() { mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$BELLOWS_MYSQL_PORT" -u root "$@"; }
glog="$work/general.log"
my -e "CREATE DATABASE bab_profile; CREATE DATABASE bab_profile_dbmate;
       SET GLOBAL general_log_file = '$glog'; SET GLOBAL general_log = 1"
count_my() {  # FROM_LINE OUTFILE
  tail -n +"$1" "$glog" | grep -E '^\s*([0-9]+ [0-9:]+\s+)?[0-9]+ (Query|Execute)' |
    sed -E 's/^.*(Query|Execute)\s+//' | sed -E 's/[0-9]+/N/g' | cut -c1-120 | sort | uniq -c | sort -rn | head -40 >"$2"
  echo "statements logged: $(tail -n +"$1" "$glog" | grep -cE '^\s*([0-9]+ [0-9:]+\s+)?[0-9]+ (Query|Execute)')" >>"$2"
}
before="$(($(wc -l <"$glog") + 1))"
(cd "$work/apply" && "$bin" --url "mysql://root@127.0.0.1:$BELLOWS_MYSQL_PORT/bab_profile" --dir migrations apply -q >/dev/null)
count_my "$before" "$out/apply-mysql.statements.bellows.txt"
if [ "$have_dbmate" -eq 1 ]; then
  before="$(($(wc -l <"$glog") + 1))"
  dbmate_cmd "mysql://root@127.0.0.1:$BELLOWS_MYSQL_PORT/bab_profile_dbmate" >/dev/null
  count_my "$before" "$out/apply-mysql.statements.dbmate.txt"
fi
my -e "SET GLOBAL general_log = 0"
"$root/scripts/servers.sh" stop mariadb >/dev/null; started_my=0
echo "kept in $out"
