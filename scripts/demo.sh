#!/usr/bin/env bash
# The demo: installs what is missing, builds bellows, and walks the shop example on a SQLite
# file through plan, start (old and new application versions both reading and writing),
# status, complete, history and rollback, printing each command before it runs it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./scripts/install-deps.sh
./scripts/build.sh build RelWithDebInfo ""

work="$(mktemp -d /tmp/bellows-demo-XXXXXX)"
cp -r migrations-examples/shop/. "$work/"
rm -f "$work/shop.db"
cd "$work"
export PATH="$root/build:$PATH"
export BELLOWS_URL="sqlite:$work/shop.db"

step() { printf '\n\033[1m# %s\033[0m\n' "$*"; }
run() { printf '\033[36m$ %s\033[0m\n' "$*"; "$@"; }
sql() { printf '\033[36m$ sqlite3 shop.db %s\033[0m\n' "$*"; sqlite3 -header -column shop.db "$@"; }

step "The shop example: 13 migrations, checked against bellows.sum, valid for every dialect bellows has"
run bellows validate
step "Deploy 1: the first 7 migrations, start + complete in one go"
run bellows apply --to 7
step "The next deploy, reviewed as a dry run: steps, SQL, locks and undo"
run bellows plan --to 12
step "Expand: old and new application versions work side by side"
run bellows start --to 12
run bellows latest sql
bellows latest sql > new-version.sql
step "The old application version writes the base tables as always"
sql "INSERT INTO orders (customer_id, status, total_cents) VALUES (1, 'old app', 2500);"
sql "INSERT INTO products (sku, title, price_cents, legacy_code) VALUES ('OLD-1', 'Teapot', 3000, 'L9');"
step "The new application version runs 'bellows latest sql' on connect and sees the new shape"
sql ".read new-version.sql" \
    "INSERT INTO orders (customer_id, status, total_cents, currency) VALUES (2, 'new app', 5000000000, 'USD');" \
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
printf '\nThe demo database is %s/shop.db\n' "$work"
