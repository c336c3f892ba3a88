#!/usr/bin/env bash
# MariaDB online-DDL benchmark: application latency and failed statements while a schema change
# runs, bellows expand/contract against the naive ALTER TABLE ... MODIFY, and bellows' backfill
# rate against one UPDATE of the whole table. Figures and how to read them: docs/benchmarks.md.
#
#   bench/my_online.sh [--rows N] [--rate TPS] [--clients C] [--idle-seconds S]
#                      [--warmup S] [--tail S] [--batch-size N] [--batch-pause D] [--nice-ratio R]
#                      [--lock-timeout D] [--buffer-pool BYTES] [--phases LIST] [--out DIR]
#
# Needs sysbench 1.0 (Debian: apt-get install -y sysbench) and the MariaDB server and client
# (scripts/install-deps.sh). It starts its own throwaway MariaDB (scripts/servers.sh, port
# $BELLOWS_MYSQL_PORT, default 53318, data under $BELLOWS_SERVERS_DIR, default
# /tmp/bellows-bench-my), sets innodb_buffer_pool_size (--buffer-pool, default 2G, so that a
# 10M-row table and its copies stay in memory) and stops the server at the end, also on
# failure. Each phase runs on its own database holding a copy of one table of N rows created by
# bellows, while a sysbench Lua script (bench/my_online/load.lua) sends a fixed-rate mix of
# point selects (60%), updates of the integer column (30%) and inserts (10%):
#   idle            load only, through the old version database <db>_1 (baseline of the
#                   bellows phases)
#   bellows-alter   (a) bellows start + complete: alter_column qty int -> bigint
#   bellows-add     (b) bellows start + complete: add_column label_len NOT NULL, up length(label)
#   idle-base       load only, on the base database (baseline of the naive phases)
#   naive-alter     (c) ALTER TABLE items MODIFY qty BIGINT NOT NULL DEFAULT 0
#   naive-add       (d) ALTER TABLE items ADD COLUMN label_len INT DEFAULT 0; UPDATE items SET
#                   label_len = LENGTH(label); ALTER TABLE items MODIFY label_len INT NOT NULL
#                   DEFAULT 0 (MariaDB commits each DDL statement: three transactions)
#   backfill        without load: bellows start of (b) on a fresh copy, against
#                   ALTER TABLE ADD COLUMN + one UPDATE items SET label_len = LENGTH(label)
# In the bellows phases the load runs through the old version during `start`; between `start`
# and `complete` every load connection switches to the new version (USE <db>_2 and
# SET @bellows_version, between two transactions: a rolling deploy), because `complete` drops
# the old version's database. The naive phases' load goes to the base tables.
#
# Results (markdown table, per-phase transaction logs, bellows JSON events) go to --out,
# default /tmp/bellows-bench-out/my-<timestamp>; the table is also printed at the end. Exit
# status: 0 when every phase ran (whatever the figures), 1 when a phase could not run or
# bellows failed.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
here="$root/bench/my_online"

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
buffer_pool=2147483648
phases="idle,bellows-alter,bellows-add,idle-base,naive-alter,naive-add,backfill"
out=""

usage() { sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; }
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
    --buffer-pool) buffer_pool="$2"; shift 2 ;;
    --phases) phases="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$rows" "$rate" "$clients" "$idle_seconds" "$warmup" "$tail_seconds" "$batch_size" "$buffer_pool"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "not a whole number: $n" >&2; exit 2; }
done
[ "$clients" -gt 0 ] && [ "$rate" -gt 0 ] || { echo "--rate and --clients must be positive" >&2; exit 2; }
command -v sysbench >/dev/null || { echo "sysbench not found; apt-get install -y sysbench" >&2; exit 2; }
command -v mariadb >/dev/null || { echo "mariadb client not found; scripts/install-deps.sh" >&2; exit 2; }

stamp="$(date -u +%Y%m%d-%H%M%S)"
out="${out:-/tmp/bellows-bench-out/my-$stamp}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export BELLOWS_MYSQL_PORT="${BELLOWS_MYSQL_PORT:-53318}"
export BELLOWS_SERVERS_DIR="${BELLOWS_SERVERS_DIR:-/tmp/bellows-bench-my}"
port="$BELLOWS_MYSQL_PORT"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now_us() { local t="$EPOCHREALTIME"; echo "${t/./}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }

# --- bellows: a private copy, because build/ may be rebuilt while this runs -----------------
bindir="$(mktemp -d /tmp/bellows-bench-bin.XXXXXX)"
load_pid=""
load_died=0
server_started=0
monitor_pid=""
cleanup() {
  local rc=$?
  if [ -n "$monitor_pid" ]; then kill "$monitor_pid" 2>/dev/null || true; fi
  if [ -n "$load_pid" ] && kill -0 "$load_pid" 2>/dev/null; then
    kill -TERM "$load_pid" 2>/dev/null || true
    wait "$load_pid" 2>/dev/null || true
  fi
  if [ "$server_started" = 1 ]; then
    cp "$BELLOWS_SERVERS_DIR/mariadb-$port/error.log" "$out/server.log" 2>/dev/null || true
    "$root/scripts/servers.sh" stop mariadb || true
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

# --- other work on the machine: compilers and test suites, sampled every second -----------
others='^(cc1plus|cc1|ninja|make|ld|ctest|bellows_.*)$'
( while :; do echo "$(now_us) $(pgrep -c -x "$others" || true) $(cut -d' ' -f1 /proc/loadavg)"; sleep 1; done ) >"$out/machine.log" 2>/dev/null &
monitor_pid=$!
busy_note() {  # phase from_us to_us: a note when compilers or test suites ran meanwhile
  local b
  b="$(awk -v a="$2" -v z="$3" '$1 >= a && $1 <= z { n++; if ($2 > 0) b++ } END { if (b > 0) printf "%d of %d", b, n }' "$out/machine.log")"
  if [ -n "$b" ]; then notes+=("$1: compilers or test suites were running in $b one-second samples (machine.log)"); fi
}

# --- the server ----------------------------------------------------------------------------
server_started=1
base_url="$("$root/scripts/servers.sh" start mariadb)"
url_of() { echo "${base_url%/*}/$1"; }
sql() { mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" --batch --skip-column-names "$@"; }
sql -e "SET GLOBAL innodb_buffer_pool_size = $buffer_pool"
# the resize runs in the background: wait for it
for _ in $(seq 1 120); do
  [ "$(sql -e 'SELECT @@innodb_buffer_pool_size')" -ge "$buffer_pool" ] && break
  sleep 0.5
done
sleep 1
my_version="$(sql -e 'SELECT VERSION()')"
my_settings="$(sql -e "SELECT CONCAT('innodb_buffer_pool_size=', ROUND(@@innodb_buffer_pool_size / 1048576), 'M innodb_flush_log_at_trx_commit=', @@innodb_flush_log_at_trx_commit, ' innodb_flush_method=', @@innodb_flush_method, ' innodb_log_file_size=', ROUND(@@innodb_log_file_size / 1048576), 'M log_bin=', @@log_bin, ' lock_wait_timeout=', @@lock_wait_timeout, ' innodb_lock_wait_timeout=', @@innodb_lock_wait_timeout)")"
log "MariaDB $my_version at $base_url ($my_settings); results in $out"

# --- the table: created by bellows, N rows generated once, copied into every phase ----------
mkdir -p "$out/migrations-base"
cp "$here/migrations/0001_items.yaml" "$out/migrations-base/"
"$bellows" --dir "$out/migrations-base" -q hash >/dev/null
sql -e "DROP DATABASE IF EXISTS bench_tpl; CREATE DATABASE bench_tpl"
"$bellows" --dir "$out/migrations-base" --url "$(url_of bench_tpl)" -q apply >/dev/null
log "loading $rows rows"
t_load=$(now_us)
sql bench_tpl -e "INSERT INTO items (id, qty, label) SELECT seq, seq % 100000, LEFT(MD5(seq), 8 + seq % 25) FROM seq_1_to_$rows; ANALYZE TABLE items" >/dev/null
table_size="$(sql -e "SELECT CONCAT(ROUND((data_length + index_length) / 1048576), ' MB') FROM information_schema.TABLES WHERE table_schema = 'bench_tpl' AND table_name = 'items'")"
log "loaded in $(secs "$t_load" "$(now_us)") s, table $table_size"

settle() {  # waits (at most 120 s) for InnoDB's purge of the copy's undo log
  local n
  for _ in $(seq 1 240); do
    n="$(sql -e "SELECT count FROM information_schema.INNODB_METRICS WHERE name = 'trx_rseg_history_len'")"
    [ "${n:-0}" -lt 1000 ] && return
    sleep 0.5
  done
}
fresh_db() {  # database $1 with bellows' 0001 applied (version database $1_1) and the N rows
  sql -e "DROP DATABASE IF EXISTS $1; DROP DATABASE IF EXISTS ${1}_1; DROP DATABASE IF EXISTS ${1}_2; CREATE DATABASE $1"
  "$bellows" --dir "$out/migrations-base" --url "$(url_of "$1")" -q apply >/dev/null
  sql "$1" -e "INSERT INTO items SELECT * FROM bench_tpl.items; ANALYZE TABLE items" >/dev/null
  settle
}
drop_db() { sql -e "DROP DATABASE IF EXISTS $1; DROP DATABASE IF EXISTS ${1}_1; DROP DATABASE IF EXISTS ${1}_2"; }
# what `bellows latest sql` prints: USE `db`; SET @bellows_version = 'v';  ->  "db v"
latest_of() {
  "$bellows" --dir "$1" --url "$2" -q latest sql | tr -d '\n' |
    sed -nE "s/^USE \`([^\`]+)\`;[[:space:]]*SET @bellows_version = '([^']+)';.*/\1 \2/p"
}

# --- the load --------------------------------------------------------------------------------
per_thread="$(awk -v r="$rate" -v c="$clients" 'BEGIN { printf "%.6f", r / c }')"
start_load() {  # database version_var dir
  local dir="$3"
  mkdir -p "$dir/load"
  sysbench "$here/load.lua" --threads="$clients" --time=0 --events=0 --rate_per_thread="$per_thread" \
    --nrows="$rows" --ctl="$dir/load" --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=root \
    --mysql-db="$1" --db="$1" --version_var="$2" run >"$dir/sysbench.out" 2>&1 &
  load_pid=$!
  sleep "$warmup"
  kill -0 "$load_pid" 2>/dev/null || log "the load ended during the warm-up: $dir/sysbench.out"
}
switch_load() {  # dir database version: every connection switches, between two transactions
  local dir="$1" n
  echo "$2 $3" >"$dir/load/switch.tmp" && mv "$dir/load/switch.tmp" "$dir/load/switch"
  for _ in $(seq 1 200); do
    n="$(ls "$dir/load" | grep -c '^switched\.' || true)"
    [ "$n" -ge "$clients" ] && break
    sleep 0.05
  done
  [ "$n" -ge "$clients" ] || log "only $n of $clients load connections switched to $2"
  sql -e "SELECT db, COUNT(*) FROM information_schema.PROCESSLIST GROUP BY db" >"$dir/processlist.after-switch" || true
}
stop_load() {  # dir; every transaction scheduled up to now + tail runs (catching up on those
               # that queued behind a lock), at most 180 s; sets load_died when sysbench ended
               # before it was told to
  local dir="$1"
  load_died=0
  sleep "$tail_seconds"
  if ! kill -0 "$load_pid" 2>/dev/null; then load_died=1; fi
  now_us >"$dir/load/stop.tmp" && mv "$dir/load/stop.tmp" "$dir/load/stop"
  for _ in $(seq 1 1800); do
    kill -0 "$load_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$load_pid" 2>/dev/null; then
    log "the load did not catch up within 180 s: stopped"
    kill -TERM "$load_pid" 2>/dev/null || true
  fi
  wait "$load_pid" 2>/dev/null || true
  load_pid=""
}

# --- figures -----------------------------------------------------------------------------------
pct() {  # file quantile -> value (nearest rank), or - when the file is empty
  sort -n "$1" | awk -v q="$2" '{ a[NR] = $1 } END {
    if (NR == 0) { print "-"; exit }
    i = int(q * NR); if (i < q * NR) i++; if (i < 1) i = 1; printf "%.1f", a[i] }'
}
# phase_stats dir from_us to_us [fail_from_us fail_to_us] -> "txns tps p50 p99 max write_max failed"
# Latencies: successful transactions scheduled in [from, to]. failed: failed statements that
# ended in [fail_from, fail_to], by default the whole load run; plus one when the load ended
# by itself.
phase_stats() {
  local dir="$1" from="$2" to="$3" ffrom="${4:-0}" fto="${5:-99999999999999999}" failed n tps died=0
  failed="$(cat "$dir"/load/lat.* 2>/dev/null | awk -v from="$from" -v to="$to" -v ffrom="$ffrom" \
    -v fto="$fto" -v all_out="$dir/lat_all.$from" -v write_out="$dir/lat_write.$from" \
    -f "$here/window_stats.awk")"
  touch "$dir/lat_all.$from" "$dir/lat_write.$from"
  if [ "$load_died" = 1 ] && [ "$fto" = 99999999999999999 ]; then died=1; fi
  n="$(wc -l <"$dir/lat_all.$from")"
  tps="$(awk -v n="$n" -v a="$from" -v b="$to" 'BEGIN { d = (b - a) / 1e6; printf "%.0f", (d > 0 ? n / d : 0) }')"
  echo "$n $tps $(pct "$dir/lat_all.$from" 0.5) $(pct "$dir/lat_all.$from" 0.99) $(pct "$dir/lat_all.$from" 1)" \
       "$(pct "$dir/lat_write.$from" 1) $((failed + died))"
}

rows_md=()      # table rows
notes=()        # notes printed under the table
status=0
idle_p99=""; idle_base_p99=""
declare -A phase_op

add_row() {  # phase operation op_seconds stats baseline_p99
  local n tps p50 p99 max wmax failed ratio
  read -r n tps p50 p99 max wmax failed <<<"$4"
  ratio="-"
  if [ -n "$5" ] && [ "$p99" != "-" ] && [ "$5" != "-" ]; then
    ratio="$(awk -v a="$p99" -v b="$5" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }')"
  fi
  rows_md+=("| $1 | $2 | $3 | $n ($tps/s) | $p50 | $p99 | $max | $wmax | $failed | $ratio |")
}
failures_note() {  # phase dir
  local nerr first
  nerr="$(cat "$2"/load/errors.* 2>/dev/null | wc -l)"
  if [ "$nerr" != 0 ]; then
    first="$(cat "$2"/load/errors.* | sort -n | head -1 | cut -d' ' -f2- | sed 's/`//g')"
    notes+=("$1: $nerr failed statement(s) (all in $2/load/errors.*); first: \`$first\`")
  fi
  if [ "$load_died" = 1 ]; then
    notes+=("$1: the load ended before the phase did: $(grep -m1 -i -e fatal -e error "$2/sysbench.out" | sed 's/`//g')")
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
run_idle() {  # name through_version(0|1); sets idle_stats
  local name="$1" dir="$out/$1" db="b_${1//-/_}" from to target var
  fresh_db "$db"
  if [ "$2" = 1 ]; then
    read -r target var <<<"$(latest_of "$out/migrations-base" "$(url_of "$db")")"
  else
    target="$db"; var=""
  fi
  log "$name: load only for ${idle_seconds}s through database $target"
  start_load "$target" "$var" "$dir"
  from=$(now_us); sleep "$idle_seconds"; to=$(now_us)
  stop_load "$dir"
  busy_note "$name" "$from" "$to"
  idle_stats="$(phase_stats "$dir" "$from" "$to")"
  failures_note "$name" "$dir"
  drop_db "$db"
}

run_bellows() {  # name migration_file label
  local name="$1" dir="$out/$1" db="b_${1//-/_}" url t0 t1 ts t2 rc_s=0 rc_c=0 s c bf rowsdone old_db old_var new_db new_var
  mkdir -p "$dir/migrations"
  cp "$here/migrations/0001_items.yaml" "$here/migrations/$2" "$dir/migrations/"
  "$bellows" --dir "$dir/migrations" -q hash >/dev/null
  fresh_db "$db"; url="$(url_of "$db")"
  read -r old_db old_var <<<"$(latest_of "$dir/migrations" "$url")"
  local b=("$bellows" --dir "$dir/migrations" --url "$url" --format json --batch-size "$batch_size" --batch-pause "$batch_pause" --nice-ratio "$nice_ratio")
  if [ -n "$lock_timeout" ]; then b+=(--lock-timeout "$lock_timeout"); fi
  log "$name: bellows start ($3) under load through database $old_db"
  start_load "$old_db" "$old_var" "$dir"
  t0=$(now_us)
  "${b[@]}" start >"$dir/start.json" 2>"$dir/start.events" || rc_s=$?
  t1=$(now_us)
  if [ "$rc_s" = 0 ]; then
    read -r new_db new_var <<<"$(latest_of "$dir/migrations" "$url")"
    log "$name: the load switches to database $new_db, then bellows complete"
    switch_load "$dir" "$new_db" "$new_var"
    ts=$(now_us)
    "${b[@]}" complete >"$dir/complete.json" 2>"$dir/complete.events" || rc_c=$?
  else
    ts=$(now_us)
  fi
  t2=$(now_us)
  stop_load "$dir"
  busy_note "$name" "$t0" "$t2"
  s="$(secs "$t0" "$t1")"; c="$(secs "$ts" "$t2")"
  bf="$(event_ms "$dir/start.events" backfill)"; rowsdone="$(last_rows_done "$dir/start.events")"
  if [ "$rc_s" != 0 ] || [ "$rc_c" != 0 ]; then
    status=1
    notes+=("$name: bellows failed (start exit $rc_s, complete exit $rc_c): $(bellows_json_error "$dir/start.json") $( [ -f "$dir/complete.json" ] && bellows_json_error "$dir/complete.json")")
  fi
  add_row "$name" "$3: start + switch + complete" "$(secs "$t0" "$t2")" "$(phase_stats "$dir" "$t0" "$t2")" "$idle_p99"
  add_row "$name · start" "expand, backfill ${bf:-?} ms (load on $old_db)" "$s" "$(phase_stats "$dir" "$t0" "$t1" "$t0" "$t1")" "$idle_p99"
  add_row "$name · switch" "load connections move to $new_db" "$(secs "$t1" "$ts")" "$(phase_stats "$dir" "$t1" "$ts" "$t1" "$ts")" "$idle_p99"
  add_row "$name · complete" "contract (failed: to the end of the load)" "$c" "$(phase_stats "$dir" "$ts" "$t2" "$ts")" "$idle_p99"
  failures_note "$name" "$dir"
  if [ -n "$bf" ] && [ -n "$rowsdone" ] && [ "$bf" -gt 0 ]; then
    phase_op["$name.backfill"]="$rowsdone $bf"
  fi
  drop_db "$db"
}

run_naive() {  # name label sql...
  local name="$1" label="$2" dir="$out/$1" db="b_${1//-/_}" t0 t1 rc=0 s
  shift 2
  fresh_db "$db"
  log "$name: $label under load on database $db"
  start_load "$db" "" "$dir"
  t0=$(now_us)
  for s in "$@"; do
    local q0=$(now_us)
    sql "$db" -e "$s" >>"$dir/ddl.out" 2>&1 || rc=$?
    echo "$s: $(secs "$q0" "$(now_us)") s$([ "$rc" = 0 ] || echo ", exit $rc")" >>"$dir/ddl.out"
    [ "$rc" = 0 ] || break
  done
  t1=$(now_us)
  stop_load "$dir"
  busy_note "$name" "$t0" "$t1"
  if [ "$rc" != 0 ]; then
    status=1
    notes+=("$name: the DDL failed: $(grep -m1 ERROR "$dir/ddl.out")")
  fi
  add_row "$name" "$label" "$(secs "$t0" "$t1")" "$(phase_stats "$dir" "$t0" "$t1")" "$idle_base_p99"
  failures_note "$name" "$dir"
  drop_db "$db"
}

backfill_md=()
run_backfill() {
  local dir="$out/backfill" db="b_backfill" url t0 t1 rc=0 bf upd tb0
  tb0=$(now_us)
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

  fresh_db "$db"
  log "backfill: ADD COLUMN + one UPDATE of the whole table without load"
  sql "$db" -e "ALTER TABLE items ADD COLUMN label_len INT"
  t0=$(now_us)
  sql "$db" -e "UPDATE items SET label_len = LENGTH(label)" >"$dir/update.out" 2>&1 || { rc=$?; status=1; notes+=("backfill: the UPDATE failed: $(head -1 "$dir/update.out")"); }
  t1=$(now_us)
  upd=$(( (t1 - t0) / 1000 ))
  drop_db "$db"
  busy_note backfill "$tb0" "$t1"

  local upd_rate bf_rate
  upd_rate="$(awk -v r="$rows" -v ms="$upd" 'BEGIN { printf "%.0f", (ms > 0 ? r / (ms / 1000) : 0) }')"
  backfill_md+=("| single \`UPDATE items SET label_len = LENGTH(label)\`, no load | $rows | $(awk -v ms="$upd" 'BEGIN { printf "%.1f", ms / 1000 }') | $upd_rate | 1.00x |")
  if [ -n "$bf" ]; then
    bf_rate="$(awk -v r="$rows" -v ms="$bf" 'BEGIN { printf "%.0f", (ms > 0 ? r / (ms / 1000) : 0) }')"
    backfill_md+=("| bellows backfill of (b), no load (batch $batch_size; whole \`start\` ${start_s} s) | $rows | $(awk -v ms="$bf" 'BEGIN { printf "%.1f", ms / 1000 }') | $bf_rate | $(awk -v a="$bf_rate" -v b="$upd_rate" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }') |")
  fi
  local k r ms
  for k in bellows-alter bellows-add; do
    if [ -n "${phase_op[$k.backfill]:-}" ]; then
      read -r r ms <<<"${phase_op[$k.backfill]}"
      bf_rate="$(awk -v r="$r" -v ms="$ms" 'BEGIN { printf "%.0f", r / (ms / 1000) }')"
      backfill_md+=("| bellows backfill under the load (phase $k) | $r | $(awk -v ms="$ms" 'BEGIN { printf "%.1f", ms / 1000 }') | $bf_rate | $(awk -v a="$bf_rate" -v b="$upd_rate" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }') |")
    fi
  done
}

t_all=$(now_us)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
if wanted idle; then
  run_idle idle 1
  idle_p99="$(echo "$idle_stats" | awk '{ print $4 }')"
  add_row idle "load only (old version database)" "$idle_seconds" "$idle_stats" "$idle_p99"
fi
wanted bellows-alter && run_bellows bellows-alter 0002_qty_bigint.yaml "(a) alter_column qty int→bigint"
wanted bellows-add && run_bellows bellows-add 0002_label_len.yaml "(b) add_column label_len NOT NULL, up length(label)"
if wanted idle-base; then
  run_idle idle-base 0
  idle_base_p99="$(echo "$idle_stats" | awk '{ print $4 }')"
  add_row idle-base "load only (base database, no views)" "$idle_seconds" "$idle_stats" "$idle_base_p99"
fi
wanted naive-alter && run_naive naive-alter "(c) MODIFY qty BIGINT NOT NULL DEFAULT 0" \
  "ALTER TABLE items MODIFY qty BIGINT NOT NULL DEFAULT 0"
wanted naive-add && run_naive naive-add "(d) ADD COLUMN DEFAULT 0, UPDATE all, MODIFY NOT NULL" \
  "ALTER TABLE items ADD COLUMN label_len INT DEFAULT 0" \
  "UPDATE items SET label_len = LENGTH(label)" \
  "ALTER TABLE items MODIFY label_len INT NOT NULL DEFAULT 0"
wanted backfill && run_backfill

# --- report ------------------------------------------------------------------------------------
report="$out/results.md"
{
  echo "## MariaDB online DDL: $rows rows"
  echo
  echo "$bellows_version (build/bellows of $bellows_built; HEAD $bellows_commit), MariaDB $my_version ($my_settings), table $table_size;"
  echo "load: sysbench $(sysbench --version | awk '{ print $2 }') with bench/my_online/load.lua, $clients connections, $rate/s in all (60% select by id, 30% update of qty, 10% insert);"
  echo "bellows --batch-size $batch_size --batch-pause $batch_pause --nice-ratio $nice_ratio${lock_timeout:+ --lock-timeout $lock_timeout}; $(nproc) CPUs, $(free -g | awk '/^Mem:/ { print $2 }') GiB memory;"
  echo "load average (1, 5, 15 min) $load_before before the phases, $(cut -d' ' -f1-3 /proc/loadavg) after."
  echo
  echo "Latencies in ms, from each transaction's scheduled start, of the transactions scheduled while"
  echo "the operation ran; write max = the slowest update or insert. failed = failed statements over"
  echo "the phase's whole load run (warm-up and tail included)."
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
