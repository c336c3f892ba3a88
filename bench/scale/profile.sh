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
#                $BELLOWS_PG_PORT, default 55441), with log_statement = all on the database
#                to count the statements bellows sends; stopped at exit
# For the SQLite apply, strace -c -f counts the system calls (fsyncs) of a second run.
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
usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }
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
servers_dir_was_there=0; [ -d "$BELLOWS_SERVERS_DIR" ] && servers_dir_was_there=1
cleanup() {
  [ "$started" -eq 0 ] || "$root/scripts/servers.sh" stop postgres >/dev/null 2>&1 || true
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
prof apply-sqlite "$work/apply" -- "$bin" --url "sqlite:$work/apply/a.db" --dir migrations apply -q
if command -v strace >/dev/null; then
  (cd "$work/apply" && strace -c -f -o "$out/apply-sqlite.strace.txt" "$bin" --url "sqlite:$work/apply/b.db" --dir migrations apply -q >/dev/null 2>&1) || true
fi
"$root/scripts/servers.sh" start postgres >/dev/null; started=1
psql -X -q -h 127.0.0.1 -p "$BELLOWS_PG_PORT" -U postgres -d postgres \
  -c "DROP DATABASE IF EXISTS bab_profile WITH (FORCE)" -c "CREATE DATABASE bab_profile" \
  -c "ALTER DATABASE bab_profile SET log_statement = 'all'"
log="$BELLOWS_SERVERS_DIR/postgres-$BELLOWS_PG_PORT/server.log"
before="$(wc -l <"$log")"
prof apply-postgres "$work/apply" -- "$bin" --url "postgres://postgres@127.0.0.1:$BELLOWS_PG_PORT/bab_profile" --dir migrations apply -q
tail -n +"$((before + 1))" "$log" | grep -E 'LOG:  (statement|execute)' | sed -E 's/.*LOG:  (statement|execute[^:]*): //' |
  sed -E 's/[0-9]+/N/g' | cut -c1-120 | sort | uniq -c | sort -rn | head -40 >"$out/apply-postgres.statements.txt"
echo "statements logged: $(tail -n +"$((before + 1))" "$log" | grep -cE 'LOG:  (statement|execute)')" >>"$out/apply-postgres.statements.txt"
echo "kept in $out"
