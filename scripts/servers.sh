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
#                                               replica of it, on the next ports (+20, +21);
#                                               prints both URLs, for the replica-lag test
# Data directories live under ${BELLOWS_SERVERS_DIR:-/tmp/bellows-servers}.
set -euo pipefail

base="${BELLOWS_SERVERS_DIR:-/tmp/bellows-servers}"
pg_port="${BELLOWS_PG_PORT:-55432}"
my_port="${BELLOWS_MYSQL_PORT:-53306}"
pg_standby_port="${BELLOWS_PG_STANDBY_PORT:-$((pg_port + 10))}"
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
  as_postgres "$pg_bin/pg_ctl" -D "$dir" -l "$dir/server.log" \
    -o "-p $pg_standby_port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c wal_receiver_status_interval=1" \
    -w start >/dev/null
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
  local user; user="$(id -un)"
  if [ -S "$dir/sock" ] && mariadb-admin --no-defaults -uroot --socket="$dir/sock" ping >/dev/null 2>&1; then
    echo "mysql://root@127.0.0.1:$my_port/mysql"
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir/data"
  mariadb-install-db --no-defaults --user="$user" --datadir="$dir/data" \
    --auth-root-authentication-method=normal >"$base/mariadb-init.log" 2>&1
  launch_mariadb
}

# Starts mariadbd on the data directory that start_mariadb made, and waits until it answers.
launch_mariadb() {
  local dir="$base/mariadb-$my_port"
  local user; user="$(id -un)"
  mariadbd --no-defaults --user="$user" --datadir="$dir/data" --socket="$dir/sock" --port="$my_port" \
    --bind-address=127.0.0.1 --pid-file="$dir/mariadb.pid" --log-error="$dir/error.log" \
    --innodb-flush-log-at-trx-commit=0 --max-connections=300 >/dev/null 2>&1 &
  for _ in $(seq 1 60); do
    if mariadb-admin --no-defaults -uroot --socket="$dir/sock" ping >/dev/null 2>&1; then
      echo "mysql://root@127.0.0.1:$my_port/mysql"
      return
    fi
    sleep 0.5
  done
  echo "mariadb did not start; see $dir/error.log" >&2
  exit 1
}

restart_mariadb() {
  local dir="$base/mariadb-$my_port"
  mariadb-admin --no-defaults -uroot --socket="$dir/sock" shutdown >/dev/null 2>&1 || true
  for _ in $(seq 1 40); do [ -S "$dir/sock" ] || break; sleep 0.25; done
  launch_mariadb >/dev/null
}

stop_mariadb() {
  local dir="$base/mariadb-$my_port"
  if [ -d "$dir" ]; then
    mariadb-admin --no-defaults -uroot --socket="$dir/sock" shutdown >/dev/null 2>&1 || true
    for _ in $(seq 1 40); do [ -S "$dir/sock" ] || break; sleep 0.25; done
    rm -rf "$dir"
  fi
}

# A primary with a binary log and a replica that reports its host, both new and empty.
start_mariadb_replication() {
  local user; user="$(id -un)"
  local primary_port=$((my_port + 20)) replica_port=$((my_port + 21))
  stop_mariadb_replication
  local role port id extra
  for role in primary replica; do
    if [ "$role" = primary ]; then port=$primary_port; id=1; extra="--log-bin=mariadb-bin --binlog-format=ROW"
    else port=$replica_port; id=2; extra="--report-host=127.0.0.1 --report-port=$replica_port --read-only"; fi
    local dir="$base/mariadb-$role-$port"
    mkdir -p "$dir/data"
    mariadb-install-db --no-defaults --user="$user" --datadir="$dir/data" \
      --auth-root-authentication-method=normal >"$base/mariadb-$role-init.log" 2>&1
    # shellcheck disable=SC2086
    mariadbd --no-defaults --user="$user" --datadir="$dir/data" --socket="$dir/sock" --port="$port" \
      --bind-address=127.0.0.1 --pid-file="$dir/mariadb.pid" --log-error="$dir/error.log" \
      --server-id=$id --innodb-flush-log-at-trx-commit=0 $extra >/dev/null 2>&1 &
  done
  for role in primary replica; do
    port=$([ $role = primary ] && echo $primary_port || echo $replica_port)
    local up=no
    for _ in $(seq 1 240); do
      if mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" -e 'SELECT 1' >/dev/null 2>&1; then
        up=yes
        break
      fi
      sleep 0.5
    done
    if [ $up = no ]; then
      echo "mariadb $role on port $port did not answer within 120 s:" >&2
      tail -20 "$base/mariadb-$role-$port/error.log" >&2 || true
      return 1
    fi
  done
  mariadb --no-defaults -uroot --socket="$base/mariadb-replica-$replica_port/sock" -e \
    "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$primary_port, MASTER_USER='root', MASTER_USE_GTID=current_pos; START SLAVE"
  echo "mysql://root@127.0.0.1:$primary_port/mysql"
  echo "mysql://root@127.0.0.1:$replica_port/mysql"
}

stop_mariadb_replication() {
  local role port
  for role in replica primary; do
    port=$([ $role = primary ] && echo $((my_port + 20)) || echo $((my_port + 21)))
    local dir="$base/mariadb-$role-$port"
    if [ -d "$dir" ]; then
      mariadb-admin --no-defaults -uroot --socket="$dir/sock" shutdown >/dev/null 2>&1 || true
      for _ in $(seq 1 40); do [ -S "$dir/sock" ] || break; sleep 0.25; done
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
