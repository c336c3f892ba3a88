#!/usr/bin/env bash
# The demo: installs what is missing, builds bellows, and walks the shop example on a SQLite
# file through plan, start (old and new application versions both reading and writing),
# status, complete, history and rollback, printing each command before it runs it.
#   ./scripts/demo.sh              on a SQLite file
#   ./scripts/demo.sh --postgres   on a throwaway PostgreSQL server (scripts/servers.sh)
#   ./scripts/demo.sh --mysql      on a throwaway MariaDB server (scripts/servers.sh)
set -euo pipefail
mode="${1:-sqlite}"
case "$mode" in sqlite|--postgres|--mysql) ;; *) echo "usage: $0 [--postgres|--mysql]" >&2; exit 2 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./scripts/install-deps.sh
./scripts/build.sh build RelWithDebInfo ""

work="$(mktemp -d /tmp/bellows-demo-XXXXXX)"
cp -r migrations-examples/shop/. "$work/"
rm -f "$work/shop.db"
cd "$work"
export PATH="$root/build:$PATH"
step() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
run() { printf '\033[36m$ %s\033[0m\n' "$*"; "$@"; }
big=5000000000  # fits the new bigint column; SQLite's old version stores it too
if [ "$mode" = "--postgres" ]; then
  server="$("$root/scripts/servers.sh" start postgres)"
  trap '"$root/scripts/servers.sh" stop postgres' EXIT
  psql -q "$server" -c "DROP DATABASE IF EXISTS shop_demo" -c "CREATE DATABASE shop_demo"
  export BELLOWS_URL="${server%/*}/shop_demo"
  # The old version keeps search_path = public; the new one runs `bellows latest sql` first.
  sql() { printf '\033[36m$ psql (old version) %s\033[0m\n' "$*"; local a=(); for q in "$@"; do a+=(-c "$q"); done; psql -q "$BELLOWS_URL" "${a[@]}"; }
  new_sql() { printf '\033[36m$ psql (new version: bellows latest sql) %s\033[0m\n' "$*"; local a=(-c "$(bellows latest sql)"); for q in "$@"; do a+=(-c "$q"); done; psql -q "$BELLOWS_URL" "${a[@]}"; }
  big=2000000000  # the old version's integer column must hold it while both versions are live
elif [ "$mode" = "--mysql" ]; then
  server="$("$root/scripts/servers.sh" start mariadb)"
  trap '"$root/scripts/servers.sh" stop mariadb' EXIT
  port="${server##*:}"; port="${port%%/*}"
  my() { mariadb --no-defaults -uroot -h127.0.0.1 -P"$port" --table "$@"; }
  my -e "DROP DATABASE IF EXISTS shop_demo; CREATE DATABASE shop_demo CHARACTER SET utf8mb4"
  export BELLOWS_URL="${server%/*}/shop_demo"
  # The old version uses the base database (then its version database); the new one runs
  # `bellows latest sql` first: USE shop_demo_<version>; SET @bellows_version = ...
  sql() { printf '\033[36m$ mariadb shop_demo (old version) %s\033[0m\n' "$*"; local q; q="$(printf '%s ' "$@")"; my shop_demo -e "$q"; }
  new_sql() { printf '\033[36m$ mariadb (new version: bellows latest sql) %s\033[0m\n' "$*"; local q; q="$(bellows latest sql) $(printf '%s ' "$@")"; my -e "$q"; }
  big=2000000000  # the old version's int column must hold it while both versions are live
else
  export BELLOWS_URL="sqlite:$work/shop.db"
  sql() { printf '\033[36m$ sqlite3 shop.db %s\033[0m\n' "$*"; sqlite3 -header -column shop.db "$@"; }
  new_sql() { bellows latest sql > new-version.sql; sql ".read new-version.sql" "$@"; }
fi

step "The shop example: 13 migrations, checked against bellows.sum, valid for every dialect bellows has"
run bellows validate
step "Deploy 1: the first 7 migrations, start + complete in one go"
run bellows apply --to 7
step "The next deploy, reviewed as a dry run: steps, SQL, locks and undo"
run bellows plan --to 12
step "Expand: old and new application versions work side by side"
run bellows start --to 12
run bellows latest sql
step "The old application version writes the base tables as always"
sql "INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'old app', 2500);"
sql "INSERT INTO products (sku, title, price_cents, legacy_code) VALUES ('OLD-1', 'Teapot', 3000, 'L9');"
step "The new application version runs 'bellows latest sql' on connect and sees the new shape"
new_sql "INSERT INTO orders (customer_id, status, total_cents, currency) VALUES (2, 'new app', $big, 'USD');" \
    "INSERT INTO products (sku, name, price_cents) VALUES ('NEW-1', 'Kettle', 4500);" \
    "SELECT id, status, total_cents, currency FROM orders;" \
    "SELECT id, sku, name FROM products;"
step "The old version sees the new version's rows in its own shape"
sql "SELECT id, status, total_cents FROM orders;" "SELECT id, sku, title, legacy_code FROM products;"
run bellows status
step "Contract, once every application runs the new version"
run bellows complete
sql "SELECT id, status, total_cents, currency FROM orders;"
step "The last migration, then the history"
run bellows apply
run bellows history
step "Roll back the newest migration (its down section)"
run bellows rollback --steps 1
run bellows status
if [ "$mode" != "sqlite" ]; then
  printf '\nThe demo ran on %s (removed with its server now)\n' "$BELLOWS_URL"
else
  printf '\nThe demo database is %s/shop.db\n' "$work"
fi
