#!/usr/bin/env bash
# Runs the benchmarks of issue 10 with one command: bench/scale.sh (directories of 1k and 10k
# migration files: validate, offline plan, apply, status) and bench/apply_compare.sh (1,000
# trivial migrations applied by bellows, dbmate and sqitch on SQLite, PostgreSQL and
# MariaDB; status overhead). Figures and how to read them: docs/benchmarks.md.
#
#   bench/run.sh [--quick] [--bin PATH] [--out DIR] [--no-install] [--with-drift]
#
#   --quick        trial sizes: 100 and 1,000 files, 100 migrations, 1 run, 5 status runs
#   --bin PATH     bellows binary (default build/bellows); it is copied first, so a rebuild
#                  during the run does not change what is measured
#   --out DIR      results directory (default /tmp/bellows-bench-out/run-<UTC time>), with
#                  scale/ and apply/ below it
#   --no-install   do not install missing tools (otherwise, as root: apt-get install -y
#                  sqitch and its DBD drivers, time; npm install -g dbmate)
#   --with-drift   also run bench/drift.sh (issue 6: bellows drift on 1,000 tables)
#
# The other benchmarks of bench/ (drift.sh, pg_online.sh, my_online.sh) belong to earlier
# issues and run on their own. Servers: apply_compare.sh (and drift.sh) start PostgreSQL and
# MariaDB on ports $BELLOWS_PG_PORT / $BELLOWS_MYSQL_PORT (here 55441 / 53321 unless set) and
# stop them.
# Expect about an hour for the full run on 2 cores (sqitch alone takes 20-25 minutes of
# apply_compare.sh); the 10k-file validate and offline plan are
# stopped by scale.sh's caps (--mem-cap-mb 8192, --timeout 900) if they grow as in
# docs/benchmarks.md.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
quick=0
bin="$root/build/bellows"
out=""
install=1
drift=0
usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --bin) bin="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-install) install=0; shift ;;
    --with-drift) drift=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "no bellows binary at $bin: build first (scripts/build.sh)" >&2; exit 2; }

# ---- tools ----------------------------------------------------------------------------------
missing_apt=()
command -v sqitch >/dev/null || missing_apt+=(sqitch)
[ -x /usr/bin/time ] || missing_apt+=(time)
for m in DBD::SQLite=libdbd-sqlite3-perl DBD::Pg=libdbd-pg-perl DBD::mysql=libdbd-mysql-perl; do
  perl -M"${m%%=*}" -e 1 2>/dev/null || missing_apt+=("${m#*=}")
done
need_dbmate=0; command -v dbmate >/dev/null || need_dbmate=1
if [ "${#missing_apt[@]}" -gt 0 ] || [ "$need_dbmate" -eq 1 ]; then
  if [ "$install" -eq 1 ] && [ "$(id -u)" -eq 0 ]; then
    if [ "${#missing_apt[@]}" -gt 0 ]; then
      echo "installing: ${missing_apt[*]}" >&2
      apt-get install -y "${missing_apt[@]}" >/dev/null ||
        { apt-get update >/dev/null && apt-get install -y "${missing_apt[@]}" >/dev/null; }
    fi
    if [ "$need_dbmate" -eq 1 ]; then
      echo "installing: dbmate (npm install -g dbmate)" >&2
      npm install -g dbmate >/dev/null
    fi
  else
    echo "missing tools; install them (as root) with:" >&2
    [ "${#missing_apt[@]}" -gt 0 ] && echo "  apt-get install -y ${missing_apt[*]}" >&2
    [ "$need_dbmate" -eq 1 ] && echo "  npm install -g dbmate" >&2
    echo "apply_compare.sh skips a tool that is missing" >&2
  fi
fi

# ---- runs -------------------------------------------------------------------------------------
# the same throwaway servers for apply_compare.sh and drift.sh (not drift.sh's own defaults)
export BELLOWS_PG_PORT="${BELLOWS_PG_PORT:-55441}"
export BELLOWS_MYSQL_PORT="${BELLOWS_MYSQL_PORT:-53321}"
export BELLOWS_SERVERS_DIR="${BELLOWS_SERVERS_DIR:-/tmp/bellows-bench-scale}"
out="${out:-/tmp/bellows-bench-out/run-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out/bin"
out="$(cd "$out" && pwd)"
cp "$bin" "$out/bin/bellows"
bin="$out/bin/bellows"
echo "bellows: $bin (copied from the build), $("$bin" --version 2>&1 | head -1)"
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$quick" -eq 1 ]; then
  scale_args=(--files "100 1000" --runs 1)
  apply_args=(--migrations 100 --runs 1 --status-runs 5)
else
  scale_args=(--files "1000 10000" --runs 3)
  apply_args=(--migrations 1000 --runs 3 --status-runs 11)
fi
status=0
"$root/bench/scale.sh" "${scale_args[@]}" --bin "$bin" --out "$out/scale" || status=1
"$root/bench/apply_compare.sh" "${apply_args[@]}" --bin "$bin" --out "$out/apply" || status=1
if [ "$drift" -eq 1 ]; then
  "$root/bench/drift.sh" --bin "$bin" >"$out/drift.md" || status=1
  cat "$out/drift.md"
fi
rm -f "$bin"
echo
echo "results: $out/scale/results.md, $out/apply/results.md$([ "$drift" -eq 1 ] && echo ", $out/drift.md")"
exit "$status"
