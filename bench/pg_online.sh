#!/usr/bin/env bash
# PostgreSQL online-DDL benchmark: application latency and failed statements while a schema
# change runs, bellows expand/contract against the naive ALTER, and bellows' backfill rate
# against one UPDATE of the whole table. Figures and how to read them: docs/benchmarks.md.
#
#   bench/pg_online.sh [--rows N] [--rate TPS] [--clients C] [--idle-seconds S]
#                      [--warmup S] [--tail S] [--batch-size N] [--batch-pause D] [--nice-ratio R] [--lock-timeout D]
#                      [--protocol simple|extended|prepared] [--phases LIST] [--out DIR]
#
# It starts its own throwaway PostgreSQL (scripts/servers.sh, port $BELLOWS_PG_PORT, default
# 55433, data under $BELLOWS_SERVERS_DIR, default /tmp/bellows-bench) and stops it at the end,
# also on failure. Each phase runs on a fresh copy (CREATE DATABASE ... TEMPLATE) of one
# table of N rows created by bellows, while pgbench sends a fixed-rate mix of point selects
# (60%), updates of the integer column (30%) and inserts (10%):
#   idle            load only, through the old version schema (baseline of the bellows phases)
#   bellows-alter   (a) bellows start + complete: alter_column qty integer -> bigint
#   bellows-add     (b) bellows start + complete: add_column label_len NOT NULL, up length(label)
#   idle-public     load only, through plain public (baseline of the naive phases)
#   naive-alter     (c) ALTER TABLE items ALTER COLUMN qty TYPE bigint
#   naive-add       (d) one transaction: ADD COLUMN label_len integer DEFAULT 0; UPDATE items
#                   SET label_len = length(label); ALTER COLUMN label_len SET NOT NULL
#   naive-add-steps (d') the same three statements, each in its own transaction
#   backfill        without load: bellows start of (b) on a fresh copy, against
#                   ALTER TABLE ADD COLUMN + one UPDATE items SET label_len = length(label)
# The naive phases drop bellows' version schema first (ALTER ... TYPE refuses a column that a
# view uses), so their load goes to the table itself through public.
#
# Results (markdown table, per-phase pgbench logs, bellows JSON events) go to --out, default
# /tmp/bellows-bench-out/<timestamp>; the table is also printed at the end. Exit status: 0
# when every phase ran (whatever the figures), 1 when a phase could not run or bellows failed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
here="$root/bench/pg_online"
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
pgbench="${PGBENCH:-$pgbin/pgbench}"

rows=1000000
rate=300
clients=4
idle_seconds=30
warmup=5
tail_seconds=3
batch_size=1000
batch_pause=0
nice_ratio=0
lock_timeout=""
protocol=extended
phases="idle,bellows-alter,bellows-add,idle-public,naive-alter,naive-add,naive-add-steps,backfill"
out=""

usage() { sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --idle-seconds) idle_seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --tail) tail_seconds="$2"; shift 2 ;;
    --batch-size) batch_size="$2"; shift 2 ;;
    --batch-pause) batch_pause="$2"; shift 2 ;;
    --nice-ratio) nice_ratio="$2"; shift 2 ;;
    --lock-timeout) lock_timeout="$2"; shift 2 ;;
    --protocol) protocol="$2"; shift 2 ;;
    --phases) phases="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$rows" "$rate" "$clients" "$idle_seconds" "$warmup" "$tail_seconds" "$batch_size"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a whole number: $n" >&2; exit 2; }
done
case "$protocol" in simple|extended|prepared) ;; *) echo "--protocol: simple, extended or prepared" >&2; exit 2 ;; esac
[ -x "$pgbench" ] || { echo "pgbench not found ($pgbench); apt-get install postgresql-15" >&2; exit 2; }

stamp="$(date -u +%Y%m%d-%H%M%S)"
out="${out:-/tmp/bellows-bench-out/$stamp}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export BELLOWS_PG_PORT="${BELLOWS_PG_PORT:-55433}"
export BELLOWS_SERVERS_DIR="${BELLOWS_SERVERS_DIR:-/tmp/bellows-bench}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now_us() { local t="$EPOCHREALTIME"; echo "${t/./}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# --- bellows: a private copy, because build/ may be rebuilt while this runs -----------------
bindir="$(mktemp -d /tmp/bellows-bench-bin.XXXXXX)"
load_pid=""
load_died=0
server_started=0
cleanup() {
  local rc=$?
  if [ -n "$load_pid" ] && kill -0 "$load_pid" 2>/dev/null; then
    kill -TERM "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
  fi
  if [ "$server_started" = 1 ]; then
    cp "$BELLOWS_SERVERS_DIR/postgres-$BELLOWS_PG_PORT/server.log" "$out/server.log" 2>/dev/null || true
    "$root/scripts/servers.sh" stop postgres || true
  fi
  rm -rf "$bindir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x "$root/build/bellows" ]; then
  log "build/bellows is missing: running scripts/build.sh"
  "$root/scripts/build.sh"
fi
cp -p "$root/build/bellows" "$bindir/bellows"
bellows="$bindir/bellows"
bellows_version="$("$bellows" --version)"
bellows_commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
bellows_built="$(date -u -r "$bindir/bellows" '+%Y-%m-%d %H:%M UTC')"

# --- the server ----------------------------------------------------------------------------
server_started=1
base_url="$("$root/scripts/servers.sh" start postgres)"
url_of() { echo "${base_url%/*}/$1"; }
# psql without notices; bellows and pgbench connect with their own settings
sql() { PGOPTIONS='-c client_min_messages=warning' psql -X -q "$@"; }
admin() { sql "$base_url" -v ON_ERROR_STOP=1 "$@"; }
# diagnostics only: lock waits longer than deadlock_timeout (1s) and autovacuum runs go to
# server.log, which is copied to the results at the end
admin -c "ALTER SYSTEM SET log_lock_waits = on" -c "ALTER SYSTEM SET log_autovacuum_min_duration = 0" \
      -c "SELECT pg_reload_conf()" >/dev/null
pg_version="$(admin -At -c 'SHOW server_version')"
pg_settings="$(admin -At -F= -c "SELECT name, current_setting(name) FROM pg_settings WHERE name IN ('shared_buffers', 'fsync', 'synchronous_commit', 'max_wal_size', 'work_mem') ORDER BY 1" | paste -sd' ')"
log "PostgreSQL $pg_version at $base_url ($pg_settings); results in $out"

# --- the table: created by bellows, N rows loaded with generate_series ----------------------
mkdir -p "$out/migrations-base"
cp "$here/migrations/0001_items.yaml" "$out/migrations-base/"
"$bellows" --dir "$out/migrations-base" -q hash >/dev/null
admin -c "DROP DATABASE IF EXISTS bench_tpl WITH (FORCE)" -c "CREATE DATABASE bench_tpl"
tpl_url="$(url_of bench_tpl)"
"$bellows" --dir "$out/migrations-base" --url "$tpl_url" -q apply >/dev/null
log "loading $rows rows"
t_load=$(now_us)
sql "$tpl_url" -v ON_ERROR_STOP=1 \
  -c "INSERT INTO items (qty, label) SELECT (g % 100000)::int, left(md5(g::text), 8 + (g % 25)::int) FROM generate_series(1, $rows) g" \
  -c "VACUUM ANALYZE items"
table_size="$(sql "$tpl_url" -At -c "SELECT pg_size_pretty(pg_total_relation_size('public.items'))")"
old_setup="$("$bellows" --dir "$out/migrations-base" --url "$tpl_url" -q latest sql)"
old_search_path="$(echo "$old_setup" | sed -E 's/^SET search_path TO //; s/;[[:space:]]*$//; s/"//g; s/[[:space:]]//g')"
log "loaded in $(secs "$t_load" "$(now_us)") s, table and index $table_size; old version: $old_search_path"

fresh_db() {  # a fresh copy of the loaded table, named $1
  admin -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" \
        -c "CREATE DATABASE $1 TEMPLATE bench_tpl STRATEGY file_copy" -c "CHECKPOINT"
}
drop_db() { admin -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)"; }

# --- the load --------------------------------------------------------------------------------
start_load() {  # url search_path dir
  local dir="$3"
  mkdir -p "$dir"
  PGOPTIONS="-c search_path=$2" "$pgbench" -n -M "$protocol" -c "$clients" -j 1 -R "$rate" \
    -T 86400 -P 1 -D nrows="$rows" -f "$here/select.sql@6" -f "$here/update.sql@3" -f "$here/insert.sql@1" \
    --log --log-prefix="$dir/pgbench_log" "$1" >"$dir/pgbench.out" \
    2> >(while IFS= read -r line; do printf '%s %s\n' "${EPOCHREALTIME/./}" "$line"; done >"$dir/pgbench.err") &
  load_pid=$!
  sleep "$warmup"
}
stop_load() {  # dir; sets load_died when pgbench ended before it was stopped (all clients aborted)
  local dir="$1" op_end last ts lag deadline
  load_died=0
  op_end=$(now_us)
  sleep "$tail_seconds"
  # Transactions that queued behind a lock start late; let pgbench catch up on them before it
  # is stopped, or they would be missing from the figures: wait until a progress line (-P 1)
  # written after the tail began reports a schedule lag under 20 ms, for at most 180 s.
  deadline=$(( op_end + 180000000 ))
  while kill -0 "$load_pid" 2>/dev/null && [ "$(now_us)" -lt "$deadline" ]; do
    last="$(grep 'progress:.*lag' "$dir/pgbench.err" | tail -1 || true)"
    ts="${last%% *}"; lag="$(echo "$last" | sed -nE 's/.*lag ([0-9.]+) ms.*/\1/p')"
    if [ -n "$lag" ] && [ "$ts" -gt "$op_end" ] && awk -v l="$lag" 'BEGIN { exit !(l < 20) }'; then break; fi
    sleep 0.5
  done
  if kill -0 "$load_pid" 2>/dev/null; then
    kill -TERM "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
  else
    load_died=1
    wait "$load_pid" 2>/dev/null || true
  fi
  load_pid=""
  sleep 0.3  # the stderr time-stamper drains
}

# --- figures -----------------------------------------------------------------------------------
pct() {  # file quantile -> value (nearest rank), or - when the file is empty
  sort -n "$1" | awk -v q="$2" '{ a[NR] = $1 } END {
    if (NR == 0) { print "-"; exit }
    i = int(q * NR); if (i < q * NR) i++; if (i < 1) i = 1; printf "%.1f", a[i] }'
}
# phase_stats dir from_us to_us [fail_from_us fail_to_us]
#   -> "txns tps p50 p99 max write_max failed"
# Latencies: transactions scheduled in [from, to]. failed: client aborts (time-stamped pgbench
# errors) and failed transactions in [fail_from, fail_to], by default the whole load run.
phase_stats() {
  local dir="$1" from="$2" to="$3" ffrom="${4:-0}" fto="${5:-99999999999999999}" counts aborted failed n tps died=0
  counts="$(cat "$dir"/pgbench_log* 2>/dev/null | awk -v from="$from" -v to="$to" -v ffrom="$ffrom" \
    -v fto="$fto" -v all_out="$dir/lat_all.$from" -v write_out="$dir/lat_write.$from" \
    -f "$here/window_stats.awk")"
  touch "$dir/lat_all.$from" "$dir/lat_write.$from"
  failed="$counts"
  aborted="$(awk -v a="$ffrom" -v b="$fto" '/aborted in command/ && $1 >= a && $1 <= b { n++ } END { print n + 0 }' "$dir/pgbench.err")"
  # pgbench ended by itself without a client abort (it could not connect, say): one failure
  if [ "$load_died" = 1 ] && [ "$fto" = 99999999999999999 ] && ! grep -q 'aborted in command' "$dir/pgbench.err"; then
    died=1
  fi
  n="$(wc -l <"$dir/lat_all.$from")"
  tps="$(awk -v n="$n" -v a="$from" -v b="$to" 'BEGIN { d = (b - a) / 1e6; printf "%.0f", (d > 0 ? n / d : 0) }')"
  echo "$n $tps $(pct "$dir/lat_all.$from" 0.5) $(pct "$dir/lat_all.$from" 0.99) $(pct "$dir/lat_all.$from" 1)" \
       "$(pct "$dir/lat_write.$from" 1) $((failed + aborted + died))"
}

rows_md=()      # table rows
notes=()        # notes printed under the table
status=0
idle_p99=""; idle_public_p99=""
declare -A phase_op

add_row() {  # phase operation op_seconds stats baseline_p99
  local n tps p50 p99 max wmax failed ratio
  read -r n tps p50 p99 max wmax failed <<<"$4"
  ratio="-"
  if [ -n "$5" ] && [ "$p99" != "-" ]; then
    ratio="$(awk -v a="$p99" -v b="$5" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }')"
  fi
  rows_md+=("| $1 | $2 | $3 | $n ($tps/s) | $p50 | $p99 | $max | $wmax | $failed | $ratio |")
}
failures_note() {  # phase dir
  local aborted failed_tx
  aborted="$(grep -c 'aborted in command' "$2/pgbench.err" || true)"
  failed_tx="$(cat "$2"/pgbench_log* 2>/dev/null | awk '$3 == "failed" { n++ } END { print n + 0 }')"
  if [ "$failed_tx" != 0 ]; then
    notes+=("$1: $failed_tx transaction(s) failed with a deadlock or serialization error (pgbench logs them as failed and goes on); server.log names them")
  fi
  if [ "$aborted" != 0 ] || [ "$load_died" = 1 ]; then
    notes+=("$1: $aborted client(s) aborted$([ "$load_died" = 1 ] && echo ', pgbench ended before the phase did'); first: \`$(grep -m1 -e 'aborted in command' -e 'error' "$2/pgbench.err" | cut -d' ' -f2- | sed 's/`//g')\`")
  fi
}

bellows_json_error() { sed -n 's/.*"message": "\(.*\)",$/\1/p' "$1" | head -1; }
event_ms() {  # events_file kind -> duration_ms of the first step of that kind
  local seq
  seq="$(grep "\"kind\":\"$2\"" "$1" | grep '"step_started"' | head -1 | sed -E 's/.*"seq":([0-9]+).*/\1/')"
  [ -n "$seq" ] || { echo ""; return; }
  grep '"step_finished"' "$1" | grep "\"seq\":$seq," | head -1 | sed -E 's/.*"duration_ms":([0-9]+).*/\1/'
}
last_rows_done() { grep '"backfill_progress"' "$1" | tail -1 | sed -E 's/.*"rows_done":([0-9]+).*/\1/'; }

wanted() { [[ ",$phases," == *",$1,"* ]]; }

# --- phases ------------------------------------------------------------------------------------
idle_stats=""
run_idle() {  # name search_path drop_version; sets idle_stats
  local name="$1" dir="$out/$1" db="b_${1//-/_}" from to
  fresh_db "$db"
  if [ "$3" = 1 ]; then
    sql "$(url_of "$db")" -c "DROP SCHEMA IF EXISTS ${old_search_path%%,*} CASCADE"
  fi
  log "$name: load only for ${idle_seconds}s through search_path $2"
  start_load "$(url_of "$db")" "$2" "$dir"
  from=$(now_us); sleep "$idle_seconds"; to=$(now_us)
  stop_load "$dir"
  idle_stats="$(phase_stats "$dir" "$from" "$to")"
  failures_note "$name" "$dir"
  drop_db "$db"
}

run_bellows() {  # name migration_file label
  local name="$1" dir="$out/$1" db="b_${1//-/_}" url t0 t1 t2 rc_s=0 rc_c=0 s c bf rowsdone
  mkdir -p "$dir/migrations"
  cp "$here/migrations/0001_items.yaml" "$here/migrations/$2" "$dir/migrations/"
  "$bellows" --dir "$dir/migrations" -q hash >/dev/null
  fresh_db "$db"; url="$(url_of "$db")"
  local b=("$bellows" --dir "$dir/migrations" --url "$url" --format json --batch-size "$batch_size" --batch-pause "$batch_pause" --nice-ratio "$nice_ratio")
  if [ -n "$lock_timeout" ]; then b+=(--lock-timeout "$lock_timeout"); fi
  log "$name: bellows start + complete ($3) under load through search_path $old_search_path"
  start_load "$url" "$old_search_path" "$dir"
  t0=$(now_us)
  "${b[@]}" start >"$dir/start.json" 2>"$dir/start.events" || rc_s=$?
  t1=$(now_us)
  if [ "$rc_s" = 0 ]; then
    "${b[@]}" complete >"$dir/complete.json" 2>"$dir/complete.events" || rc_c=$?
  fi
  t2=$(now_us)
  stop_load "$dir"
  s="$(secs "$t0" "$t1")"; c="$(secs "$t1" "$t2")"
  bf="$(event_ms "$dir/start.events" backfill)"; rowsdone="$(last_rows_done "$dir/start.events")"
  if [ "$rc_s" != 0 ] || [ "$rc_c" != 0 ]; then
    status=1
    notes+=("$name: bellows failed (start exit $rc_s, complete exit $rc_c): $(bellows_json_error "$dir/start.json") $( [ -f "$dir/complete.json" ] && bellows_json_error "$dir/complete.json")")
  fi
  add_row "$name" "$3: start + complete" "$(secs "$t0" "$t2")" "$(phase_stats "$dir" "$t0" "$t2")" "$idle_p99"
  add_row "$name · start" "expand, backfill ${bf:-?} ms" "$s" "$(phase_stats "$dir" "$t0" "$t1" "$t0" "$t1")" "$idle_p99"
  add_row "$name · complete" "contract (failed: to the end of the load)" "$c" "$(phase_stats "$dir" "$t1" "$t2" "$t1")" "$idle_p99"
  failures_note "$name" "$dir"
  if [ -n "$bf" ] && [ -n "$rowsdone" ] && [ "$bf" -gt 0 ]; then
    phase_op["$name.backfill"]="$rowsdone $bf"
  fi
  drop_db "$db"
}

run_naive() {  # name label sql...
  local name="$1" label="$2" dir="$out/$1" db="b_${1//-/_}" url t0 t1 rc=0
  shift 2
  fresh_db "$db"; url="$(url_of "$db")"
  sql "$url" -c "DROP SCHEMA IF EXISTS ${old_search_path%%,*} CASCADE"
  log "$name: $label under load through search_path public"
  start_load "$url" public "$dir"
  local args=()
  for sql in "$@"; do args+=(-c "$sql"); done
  t0=$(now_us)
  sql "$url" -v ON_ERROR_STOP=1 "${args[@]}" >"$dir/ddl.out" 2>&1 || rc=$?
  t1=$(now_us)
  stop_load "$dir"
  if [ "$rc" != 0 ]; then
    status=1
    notes+=("$name: the DDL failed: $(head -1 "$dir/ddl.out")")
  fi
  add_row "$name" "$label" "$(secs "$t0" "$t1")" "$(phase_stats "$dir" "$t0" "$t1")" "$idle_public_p99"
  failures_note "$name" "$dir"
  drop_db "$db"
}

backfill_md=()
run_backfill() {
  local dir="$out/backfill" db="b_backfill" url t0 t1 rc=0 bf upd
  mkdir -p "$dir/migrations"
  cp "$here/migrations/0001_items.yaml" "$here/migrations/0002_label_len.yaml" "$dir/migrations/"
  "$bellows" --dir "$dir/migrations" -q hash >/dev/null
  fresh_db "$db"; url="$(url_of "$db")"
  log "backfill: bellows start of (b) without load"
  t0=$(now_us)
  "$bellows" --dir "$dir/migrations" --url "$url" --format json --batch-size "$batch_size" \
    --batch-pause "$batch_pause" --nice-ratio "$nice_ratio" start >"$dir/start.json" 2>"$dir/start.events" || rc=$?
  t1=$(now_us)
  [ "$rc" = 0 ] || { status=1; notes+=("backfill: bellows start failed (exit $rc): $(bellows_json_error "$dir/start.json")"); }
  bf="$(event_ms "$dir/start.events" backfill)"
  local start_s; start_s="$(secs "$t0" "$t1")"
  drop_db "$db"

  fresh_db "$db"; url="$(url_of "$db")"
  log "backfill: ADD COLUMN + one UPDATE of the whole table without load"
  sql "$url" -c "ALTER TABLE items ADD COLUMN label_len integer"
  t0=$(now_us)
  sql "$url" -v ON_ERROR_STOP=1 -c "UPDATE items SET label_len = length(label)" >"$dir/update.out" 2>&1 || rc=$?
  t1=$(now_us)
  upd=$(( (t1 - t0) / 1000 ))
  drop_db "$db"

  local upd_rate bf_rate
  upd_rate="$(awk -v r="$rows" -v ms="$upd" 'BEGIN { printf "%.0f", (ms > 0 ? r / (ms / 1000) : 0) }')"
  backfill_md+=("| single \`UPDATE items SET label_len = length(label)\`, no load | $rows | $(awk -v ms="$upd" 'BEGIN { printf "%.1f", ms / 1000 }') | $upd_rate | 1.00x |")
  if [ -n "$bf" ]; then
    bf_rate="$(awk -v r="$rows" -v ms="$bf" 'BEGIN { printf "%.0f", (ms > 0 ? r / (ms / 1000) : 0) }')"
    backfill_md+=("| bellows backfill of (b), no load (batch $batch_size; whole \`start\` ${start_s} s) | $rows | $(awk -v ms="$bf" 'BEGIN { printf "%.1f", ms / 1000 }') | $bf_rate | $(awk -v a="$bf_rate" -v b="$upd_rate" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }') |")
  fi
  if [ -n "${phase_op[bellows-add.backfill]:-}" ]; then
    local r ms
    read -r r ms <<<"${phase_op[bellows-add.backfill]}"
    bf_rate="$(awk -v r="$r" -v ms="$ms" 'BEGIN { printf "%.0f", r / (ms / 1000) }')"
    backfill_md+=("| bellows backfill of (b) under the load (phase bellows-add) | $r | $(awk -v ms="$ms" 'BEGIN { printf "%.1f", ms / 1000 }') | $bf_rate | $(awk -v a="$bf_rate" -v b="$upd_rate" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }') |")
  fi
}

t_all=$(now_us)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
if wanted idle; then
  run_idle idle "$old_search_path" 0
  idle_p99="$(echo "$idle_stats" | awk '{ print $4 }')"
  add_row idle "load only (old version schema)" "$idle_seconds" "$idle_stats" "$idle_p99"
fi
wanted bellows-alter && run_bellows bellows-alter 0002_qty_bigint.yaml "(a) alter_column qty integer→bigint"
wanted bellows-add && run_bellows bellows-add 0002_label_len.yaml "(b) add_column label_len NOT NULL, up length(label)"
if wanted idle-public; then
  run_idle idle-public public 1
  idle_public_p99="$(echo "$idle_stats" | awk '{ print $4 }')"
  add_row idle-public "load only (plain public, no views)" "$idle_seconds" "$idle_stats" "$idle_public_p99"
fi
wanted naive-alter && run_naive naive-alter "(c) ALTER COLUMN qty TYPE bigint" \
  "ALTER TABLE items ALTER COLUMN qty TYPE bigint"
wanted naive-add && run_naive naive-add "(d) one transaction: ADD COLUMN DEFAULT 0, UPDATE all, SET NOT NULL" \
  "BEGIN" "ALTER TABLE items ADD COLUMN label_len integer DEFAULT 0" \
  "UPDATE items SET label_len = length(label)" "ALTER TABLE items ALTER COLUMN label_len SET NOT NULL" "COMMIT"
wanted naive-add-steps && run_naive naive-add-steps "(d') the same three statements, autocommit each" \
  "ALTER TABLE items ADD COLUMN label_len integer DEFAULT 0" \
  "UPDATE items SET label_len = length(label)" "ALTER TABLE items ALTER COLUMN label_len SET NOT NULL"
wanted backfill && run_backfill

# --- report ------------------------------------------------------------------------------------
report="$out/results.md"
{
  echo "## PostgreSQL online DDL: $rows rows"
  echo
  echo "$bellows_version (build/bellows of $bellows_built; HEAD $bellows_commit), PostgreSQL $pg_version ($pg_settings), table $table_size;"
  echo "load: pgbench -M $protocol, $clients clients, -R $rate (60% select by id, 30% update of qty, 10% insert);"
  echo "bellows --batch-size $batch_size --batch-pause $batch_pause --nice-ratio $nice_ratio${lock_timeout:+ --lock-timeout $lock_timeout}; $(nproc) CPUs, $(free -g | awk '/^Mem:/ { print $2 }') GiB memory;"
  echo "load average (1, 5, 15 min) $load_before before the phases, $(cut -d' ' -f1-3 /proc/loadavg) after."
  echo
  echo "Latencies in ms, from each transaction's scheduled start (pgbench --rate), of the transactions"
  echo "scheduled while the operation ran; write max = the slowest update or insert. failed = client"
  echo "aborts and failed transactions over the phase's whole load run (warm-up and tail included)."
  echo
  echo "| phase | operation | op s | txns | p50 | p99 | max | write max | failed | p99 / idle p99 |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows_md[@]}"
  if [ "${#backfill_md[@]}" -gt 0 ]; then
    echo
    echo "| backfill | rows | s | rows/s | vs single UPDATE |"
    echo "|---|---:|---:|---:|---:|"
    printf '%s\n' "${backfill_md[@]}"
  fi
  if [ "${#notes[@]}" -gt 0 ]; then
    echo
    for n in "${notes[@]}"; do echo "- $n"; done
  fi
  echo
  echo "Total run time $(secs "$t_all" "$(now_us)") s; logs in $out."
} >"$report"
echo
cat "$report"
exit "$status"
