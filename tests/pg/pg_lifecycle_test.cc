// The shop example and the expand/contract lifecycle on a real PostgreSQL server: both
// application versions read and write through their version schemas while bellows expands,
// backfills and contracts.

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <doctest/doctest.h>

#include "tests/pg/pg_harness.h"

namespace bellows::pgtest {

using e2e::Has;
using e2e::Project;
using e2e::Run;

namespace {

// (table, column) pairs of the user tables, as both dialects name them.
std::set<std::pair<std::string, std::string>> PgColumns(PgConn& c) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& r : c.Query("SELECT table_name, column_name FROM information_schema.columns "
                               "WHERE table_schema = 'public'"))
    out.insert({r[0], r[1]});
  return out;
}

}  // namespace

TEST_CASE("postgres: the shop example applies unchanged, with the same tables as on SQLite") {
  PgProject pg;
  pg.project.CopyMigrations(e2e::ExamplesDir() + "/shop/migrations");
  MustRun(pg.project, "apply");
  Run status = pg.project.Bellows("status");
  CHECK(status.exit_code == 0);
  CHECK(Has(status.out, "pending: none"));

  Project lite;
  lite.CopyMigrations(e2e::ExamplesDir() + "/shop/migrations");
  MustRun(lite, "apply");
  e2e::Db db(lite.db_path());
  std::set<std::pair<std::string, std::string>> sqlite_columns;
  for (const auto& r : db.Query("SELECT m.name, p.name FROM sqlite_schema m, "
                                "pragma_table_info(m.name) p WHERE m.type IN ('table', 'view') "
                                "AND m.name NOT LIKE 'bellows_%' AND m.name NOT LIKE 'sqlite_%'"))
    sqlite_columns.insert({r[0], r[1]});

  PgConn app(pg.db.url());
  CHECK(PgColumns(app) == sqlite_columns);
  CHECK(app.Query("SELECT name, nickname FROM customers ORDER BY id") ==
        db.Query("SELECT name, nickname FROM customers ORDER BY id"));
  CHECK(app.Query("SELECT * FROM order_summary ORDER BY email") ==
        db.Query("SELECT * FROM order_summary ORDER BY email"));
  CHECK(app.Query("SELECT data_type FROM information_schema.columns WHERE table_schema = 'public' "
                  "AND table_name = 'orders' AND column_name = 'total_cents'") ==
        Table{{"bigint"}});
  // bellows' state lives in its own schema, and only one version schema is left
  CHECK(app.Query("SELECT count(*) FROM bellows.history") != Table{{"0"}});
  CHECK(app.Query("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'public\\_%' ORDER BY 1") ==
        Table{{"public_13"}});
}

TEST_CASE("postgres: old and new versions read and write side by side; complete keeps both") {
  PgProject pg;
  Project& p = pg.project;
  p.CopyMigrations(e2e::ExamplesDir() + "/shop/migrations");
  MustRun(p, "apply --to 7");
  std::string old_setup = Latest(p);
  MustRun(p, "start");
  std::string new_setup = Latest(p);
  CHECK(old_setup != new_setup);

  PgConn old_app(pg.db.url(), old_setup);
  PgConn new_app(pg.db.url(), new_setup);
  PgConn plain(pg.db.url());  // an application that never chose a version writes as the old one
  old_app.Must(
      "INSERT INTO products (sku, title, price_cents, legacy_code) "
      "VALUES ('OLD-1', 'Old title', 100, 'L1')");
  new_app.Must("INSERT INTO products (sku, name, price_cents) VALUES ('NEW-1', 'New name', 200)");
  plain.Must("INSERT INTO customers (email, name) VALUES ('plain@x', 'Plain')");
  new_app.Must(
      "INSERT INTO orders (customer_id, total_cents, currency) "
      "SELECT id, 2000000000, 'USD' FROM customers WHERE email = 'bob@example.com'");
  // a value the old version cannot hold is refused while it is live (docs/postgres.md)
  CHECK(Has(new_app.Exec("UPDATE orders SET total_cents = 5000000000 WHERE currency = 'USD'"),
            "out of range"));
  old_app.Must(
      "INSERT INTO orders (customer_id, total_cents, status) "
      "SELECT id, 7, 'paid' FROM customers WHERE email = 'plain@x'");
  old_app.Must("UPDATE products SET title = 'Mug!' WHERE sku = 'MUG-1'");

  CHECK(new_app.Query("SELECT name FROM products ORDER BY sku") ==
        Table{{"Mug!"}, {"New name"}, {"Old title"}, {"Green tea"}});
  CHECK(old_app.Query("SELECT title FROM products ORDER BY sku") ==
        new_app.Query("SELECT name FROM products ORDER BY sku"));
  CHECK(new_app.Query("SELECT nickname FROM customers ORDER BY email") ==
        Table{{"Ann Archer"}, {"bobby"}, {"Plain"}});
  CHECK(new_app.Query("SELECT currency FROM orders ORDER BY id") ==
        Table{{"EUR"}, {"USD"}, {"EUR"}});
  // the new version no longer sees what it dropped; the old one still does
  CHECK(Has(new_app.Exec("SELECT legacy_code FROM products"), "legacy_code"));
  CHECK(old_app.Query("SELECT legacy_code FROM products WHERE sku = 'OLD-1'") == Table{{"L1"}});
  CHECK(old_app.Query("SELECT count(*) FROM coupons") == Table{{"1"}});

  MustRun(p, "complete");
  PgConn after(pg.db.url(), Latest(p));
  CHECK(after.Query("SELECT sku, name FROM products ORDER BY sku") ==
        Table{{"MUG-1", "Mug!"},
              {"NEW-1", "New name"},
              {"OLD-1", "Old title"},
              {"TEA-2", "Green tea"}});
  CHECK(after.Query("SELECT total_cents FROM orders ORDER BY id") ==
        Table{{"1850"}, {"2000000000"}, {"7"}});
  CHECK(after.Query("SELECT * FROM order_summary ORDER BY email") ==
        Table{{"ann@example.com", "1", "1850"},
              {"bob@example.com", "1", "2000000000"},
              {"plain@x", "1", "7"}});
  CHECK(after.Query("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'public\\_%'") ==
        Table{{"1"}});
  CHECK(after.Query("SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace") ==
        Table{{"0"}});
}

TEST_CASE(
    "postgres: rollback of an in-flight batch keeps every row written through either version") {
  PgProject pg;
  Project& p = pg.project;
  p.CopyMigrations(e2e::ExamplesDir() + "/shop/migrations");
  MustRun(p, "apply --to 7");
  std::string old_setup = Latest(p);
  MustRun(p, "start");
  {
    PgConn new_app(pg.db.url(), Latest(p));
    new_app.Must("INSERT INTO products (sku, name, price_cents) VALUES ('NEW-1', 'New', 1)");
    new_app.Must("UPDATE customers SET nickname = 'annie' WHERE email = 'ann@example.com'");
    PgConn old_app(pg.db.url(), old_setup);
    old_app.Must("INSERT INTO products (sku, title, price_cents) VALUES ('OLD-1', 'Old', 2)");
  }
  MustRun(p, "rollback");
  PgConn app(pg.db.url(), old_setup);
  CHECK(app.Query("SELECT sku, title FROM products ORDER BY sku") ==
        Table{{"MUG-1", "Coffee mug"}, {"NEW-1", "New"}, {"OLD-1", "Old"}, {"TEA-2", "Green tea"}});
  CHECK(app.Query("SELECT nickname FROM customers ORDER BY email") == Table{{"annie"}, {"bobby"}});
  CHECK(app.Query("SELECT data_type FROM information_schema.columns WHERE table_schema = 'public' "
                  "AND table_name = 'orders' AND column_name = 'total_cents'") ==
        Table{{"integer"}});
  CHECK(app.Query("SELECT count(*) FROM information_schema.columns WHERE column_name LIKE "
                  "'\\_bellows%'") == Table{{"0"}});
  Run status = p.Bellows("status");
  CHECK(Has(status.out, "pending: 6\n"));
}

TEST_CASE("postgres: writers on both versions during start, backfill and complete never fail") {
  PgProject pg;
  Project& p = pg.project;
  p.Write("0001_base.yaml", R"yaml(operations:
  - create_table:
      table: accounts
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}
        - {name: balance, type: integer, nullable: false, default: "0"}
        - {name: owner, type: text}
)yaml");
  MustRun(p, "apply");
  std::string old_setup = Latest(p);
  {
    PgConn seed(pg.db.url());
    seed.Must(
        "INSERT INTO accounts (balance, owner) SELECT g, 'o' || g FROM "
        "generate_series(1, 20000) g");
  }
  p.Write("0002_change.yaml", R"yaml(operations:
  - alter_column:
      table: accounts
      column: balance
      type: bigint
      up: balance
      down: balance
  - add_column:
      table: accounts
      column: {name: owner_upper, type: text, nullable: false, default: "''"}
      up: upper(coalesce(owner, ''))
)yaml");

  // the old version writes during start and the backfill, the new one from start until after
  // complete (old applications are gone before complete drops their version schema)
  std::atomic<bool> stop_old{false}, stop_new{false};
  std::atomic<int> old_ok{0}, new_ok{0};
  std::vector<std::string> errors;
  std::mutex errors_mutex;
  auto writer = [&](const std::string& setup, const std::string& prefix, std::atomic<bool>& stop,
                    std::atomic<int>& ok) {
    PgConn c(pg.db.url(), setup);
    for (int i = 1; !stop; ++i) {
      std::string tag = prefix + std::to_string(i);
      std::string e = c.Exec("INSERT INTO accounts (balance, owner) VALUES (" + std::to_string(i) +
                             ", '" + tag + "')");
      if (e.empty())
        e = c.Exec(std::string("UPDATE accounts SET balance = balance + 1") +
                   (prefix == "o" ? ", owner = owner || '+'" : "") +
                   " WHERE id = " + std::to_string(1 + (i * 7919) % 20000));
      if (e.empty()) {
        ++ok;
      } else {
        std::lock_guard<std::mutex> lock(errors_mutex);
        errors.push_back(tag + ": " + e);
      }
    }
  };
  std::thread old_writer(writer, old_setup, "o", std::ref(stop_old), std::ref(old_ok));
  Run start = p.Bellows("start --batch-size 500");
  INFO(start.err);
  std::thread new_writer(writer, start.exit_code == 0 ? Latest(p) : old_setup, "n",
                         std::ref(stop_new), std::ref(new_ok));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop_old = true;
  old_writer.join();
  Run complete = p.Bellows("complete");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  stop_new = true;
  new_writer.join();
  REQUIRE(start.exit_code == 0);
  INFO(complete.out, complete.err);
  CHECK(complete.exit_code == 0);
  CHECK(errors.empty());
  if (!errors.empty()) MESSAGE(errors.front());
  CHECK(old_ok > 0);
  CHECK(new_ok > 0);

  PgConn after(pg.db.url(), Latest(p));
  // rows the old version wrote got the `up` value; the new version's own inserts the default
  CHECK(after.Query("SELECT count(*) FROM accounts WHERE owner NOT LIKE 'n%' AND "
                    "owner_upper <> upper(owner)") == Table{{"0"}});
  CHECK(after.Query("SELECT count(*) FROM accounts WHERE owner LIKE 'n%' AND owner_upper <> ''") ==
        Table{{"0"}});
  CHECK(after.Query("SELECT count(*) FROM accounts") ==
        Table{{std::to_string(20000 + old_ok + new_ok)}});
  CHECK(after.Query("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                    "'public' AND table_name = 'accounts' AND column_name = 'balance'") ==
        Table{{"bigint"}});
}

}  // namespace bellows::pgtest
