#!/usr/bin/env bash
# Throwaway database servers for the tests, the demo and the benchmarks, on 127.0.0.1 with
# fixed high ports and their own data directories.
#   scripts/servers.sh start postgres|mariadb   prints the URL to export
#   scripts/servers.sh stop  postgres|mariadb   stops it and removes its data directory
#   scripts/servers.sh restart postgres|mariadb stops it and starts it again on the same data
#                                               (the tests' server-restart case)
#   scripts/servers.sh start|stop postgres-standby  a streaming standby of the postgres one
#                                               (pg_basebackup), for the replica-lag test
#   scripts/servers.sh start|stop mariadb-replication  a MariaDB primary (binary log) and a
#                                               replica of it (ports 61326, 61327);
#                                               prints both URLs, for the replica-lag test
# Data directories live under ${BELLOWS_SERVERS_DIR:-/tmp/bellows-servers}.
set -euo pipefail

base="${BELLOWS_SERVERS_DIR:-/tmp/bellows-servers}"
pg_port="${BELLOWS_PG_PORT:-55432}"
my_port="${BELLOWS_MYSQL_PORT:-53306}"
# The extra servers the replica-lag tests start while other tests connect: their ports lie above
# Linux's ephemeral range (32768-60999), so that no client connection holds them already.
pg_standby_port="${BELLOWS_PG_STANDBY_PORT:-61442}"
my_primary_port="${BELLOWS_MYSQL_PRIMARY_PORT:-61326}"
my_replica_port="${BELLOWS_MYSQL_REPLICA_PORT:-61327}"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local dir="$base/postgres-$pg_port"
  if [ -f "$dir/postmaster.pid" ] && as_postgres "$pg_bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    echo "postgres://postgres@127.0.0.1:$pg_port/postgres"
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$base" "$dir"; chmod 755 "$base"; fi
  as_postgres "$pg_bin/initdb" -D "$dir" -A trust -U postgres >"$base/postgres-init.log" 2>&1
  as_postgres "$pg_bin/pg_ctl" -D "$dir" -l "$dir/server.log" \
    -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" -w start >/dev/null
  echo "postgres://postgres@127.0.0.1:$pg_port/postgres"
}

restart_postgres() {
  # pg_ctl restart starts the server with the options of the previous start (postmaster.opts).
  as_postgres "$pg_bin/pg_ctl" -D "$base/postgres-$pg_port" -m fast -w restart >/dev/null
}

stop_postgres() {
  local dir="$base/postgres-$pg_port"
  if [ -d "$dir" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
}

start_postgres_standby() {
  local dir="$base/postgres-standby-$pg_standby_port"
  stop_postgres_standby
  cd /  # the postgres user may not be allowed into the caller's directory
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  # -R writes primary_conninfo and standby.signal. The standby replies every second, so that
  # the primary's replay_lag follows it closely.
  as_postgres "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$pg_port" -U postgres -D "$dir" -R \
    -X stream -c fast >"$base/postgres-standby-init.log" 2>&1
  # -t 180: under the sanitizer build's load, recovery to a consistent state can be slow.
  if ! as_postgres "$pg_bin/pg_ctl" -D "$dir" -l "$dir/server.log" -t 180 \
    -o "-p $pg_standby_port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c wal_receiver_status_interval=1" \
    -w start >/dev/null; then
    echo "the postgres standby did not start; the end of $dir/server.log:" >&2
    tail -30 "$dir/server.log" >&2 || true
    exit 1
  fi
  echo "postgres://postgres@127.0.0.1:$pg_standby_port/postgres"
}

stop_postgres_standby() {
  local dir="$base/postgres-standby-$pg_standby_port"
  if [ -d "$dir" ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
}

start_mariadb() {
  local dir="$base/mariadb-$my_port"
  if [ -S "$dir/sock" ] && mariadb-admin --no-defaults -uroot --socket="$dir/sock" ping >/dev/null 2>&1; then
    echo "mysql://root@127.0.0.1:$my_port/mysql"
    return
  fi
  init_mariadb_at "$dir" "$base/mariadb-init.log"
  launch_mariadb
}

# Starts mariadbd on the data directory that start_mariadb made, and waits until it answers.
launch_mariadb() {
  launch_mariadb_at "$base/mariadb-$my_port" "$my_port" --max-connections=300
  echo "mysql://root@127.0.0.1:$my_port/mysql"
}

# A new, empty data directory $1/data (an old $1 is removed first); $2: mariadb-install-db's log.
init_mariadb_at() {
  rm -rf "$1"
  mkdir -p "$1/data"
  mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$1/data" \
    --auth-root-authentication-method=normal >"$2" 2>&1
}

# Starts mariadbd on $1/data, listening on port $2 and on $1/sock, with the options after them;
# waits until it answers over TCP (up to 120 s), or fails with the end of its error log.
launch_mariadb_at() {
  local dir="$1" port="$2"
  shift 2
  mariadbd --no-defaults --user="$(id -un)" --datadir="$dir/data" --socket="$dir/sock" --port="$port" \
    --bind-address=127.0.0.1 --pid-file="$dir/mariadb.pid" --log-error="$dir/error.log" \
    --innodb-flush-log-at-trx-commit=0 "$@" >/dev/null 2>&1 &
  for _ in $(seq 1 240); do
    mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -e 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "mariadb on port $port did not answer within 120 s; the end of $dir/error.log:" >&2
  tail -20 "$dir/error.log" >&2 || true
  exit 1
}

# Shuts down the mariadbd of $1 (when it runs) and waits until its socket is gone.
shutdown_mariadb_at() {
  mariadb-admin --no-defaults -uroot --socket="$1/sock" shutdown >/dev/null 2>&1 || true
  for _ in $(seq 1 40); do [ -S "$1/sock" ] || break; sleep 0.25; done
}

restart_mariadb() {
  shutdown_mariadb_at "$base/mariadb-$my_port"
  launch_mariadb >/dev/null
}

stop_mariadb() {
  local dir="$base/mariadb-$my_port"
  if [ -d "$dir" ]; then
    shutdown_mariadb_at "$dir"
    rm -rf "$dir"
  fi
}

# The replication pair's directories.
replication_dir() {
  if [ "$1" = primary ]; then echo "$base/mariadb-primary-$my_primary_port"; else echo "$base/mariadb-replica-$my_replica_port"; fi
}

# A primary with a binary log and a replica that reports its host, both new and empty.
start_mariadb_replication() {
  local primary_port=$my_primary_port replica_port=$my_replica_port
  stop_mariadb_replication
  init_mariadb_at "$(replication_dir primary)" "$base/mariadb-primary-init.log"
  init_mariadb_at "$(replication_dir replica)" "$base/mariadb-replica-init.log"
  launch_mariadb_at "$(replication_dir primary)" "$primary_port" --server-id=1 \
    --log-bin=mariadb-bin --binlog-format=ROW
  launch_mariadb_at "$(replication_dir replica)" "$replica_port" --server-id=2 \
    --report-host=127.0.0.1 --report-port="$replica_port" --read-only
  mariadb --no-defaults -uroot --socket="$(replication_dir replica)/sock" -e \
    "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$primary_port, MASTER_USER='root', MASTER_USE_GTID=current_pos; START SLAVE"
  echo "mysql://root@127.0.0.1:$primary_port/mysql"
  echo "mysql://root@127.0.0.1:$replica_port/mysql"
}

stop_mariadb_replication() {
  local role dir
  for role in replica primary; do
    dir="$(replication_dir $role)"
    if [ -d "$dir" ]; then
      shutdown_mariadb_at "$dir"
      rm -rf "$dir"
    fi
  done
}

case "${1:-} ${2:-}" in
  "start postgres") start_postgres ;;
  "stop postgres") stop_postgres_standby; stop_postgres ;;
  "start postgres-standby") start_postgres_standby ;;
  "stop postgres-standby") stop_postgres_standby ;;
  "start mariadb-replication") start_mariadb_replication ;;
  "stop mariadb-replication") stop_mariadb_replication ;;
  "start mariadb") start_mariadb ;;
  "stop mariadb") stop_mariadb_replication; stop_mariadb ;;
  "restart postgres") restart_postgres ;;
  "restart mariadb") restart_mariadb ;;
  *) echo "usage: $0 start|stop|restart postgres|mariadb, or start|stop postgres-standby|mariadb-replication" >&2; exit 2 ;;
esac
