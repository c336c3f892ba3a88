// Drift, baseline and repair on SQLite (the cases are shared: drift_cases.h).

#include <doctest/doctest.h>

#include "tests/e2e/drift_cases.h"

namespace bellows::e2e {

namespace {

struct SqliteTarget {
  Project project;
  DriftTarget t;
  SqliteTarget() {
    t.project = &project;
    t.must = [this](const std::string& sql) {
      Db db(project.db_path());
      db.Must(sql);
    };
    t.query = [this](const std::string& sql) {
      Db db(project.db_path());
      return db.Query(sql);
    };
  }
};

}  // namespace

TEST_CASE("drift (sqlite): a clean run and a batch in flight show no drift") {
  SqliteTarget s;
  CleanRunShowsNoDrift(s.t);
}

TEST_CASE("drift (sqlite): out-of-band changes are reported and stop runs until repaired") {
  SqliteTarget s;
  s.t.changes = {
      {"CREATE INDEX customers_name_idx ON customers (name)",
       "+ index customers_name_idx on customers(name)"},
      {"DROP INDEX orders_customer_created_idx", "- index orders_customer_created_idx on orders("},
      {"ALTER TABLE customers ADD COLUMN note2 TEXT DEFAULT 'x'",
       "+ column customers.note2: text default 'x'"},
      {"DROP VIEW order_summary", "- view order_summary"},
      {"CREATE VIEW big_orders AS SELECT id FROM orders WHERE total_cents > 100",
       "+ view big_orders"},
      {"CREATE TRIGGER orders_touch AFTER UPDATE ON orders BEGIN SELECT 1; END",
       "+ trigger orders_touch on orders"},
      {"CREATE TABLE audit (id INTEGER PRIMARY KEY)", "+ table audit"},
  };
  s.t.orphan_sql = "CREATE TRIGGER _bellows_junk AFTER INSERT ON orders BEGIN SELECT 1; END";
  s.t.orphan_line = "+ orphan trigger _bellows_junk on orders";
  OutOfBandChangesAreReported(s.t);
}

TEST_CASE("drift (sqlite): baseline adopts a database built by plain SQL") {
  SqliteTarget s;
  BaselineAdoptsDatabase(s.t, {"CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(100))"});
}

TEST_CASE("drift (sqlite): the fingerprint does not depend on creation order") {
  SqliteTarget a, b;
  FingerprintIgnoresCreationOrder(
      a.t,
      {"CREATE TABLE t1 (id INTEGER PRIMARY KEY, v TEXT CHECK (v <> ''))",
       "CREATE TABLE t2 (id INTEGER PRIMARY KEY, t1_id INTEGER REFERENCES t1(id))",
       "CREATE INDEX t2_t1_idx ON t2 (t1_id)", "CREATE INDEX t1_v_idx ON t1 (v)",
       "CREATE VIEW v1 AS SELECT id FROM t1"},
      b.t,
      {"CREATE TABLE t2 (id INTEGER PRIMARY KEY, t1_id INTEGER REFERENCES t1(id))",
       "CREATE VIEW v1 AS SELECT id FROM t1", "CREATE INDEX t2_t1_idx ON t2 (t1_id)",
       "CREATE TABLE t1 (id INTEGER PRIMARY KEY, v TEXT CHECK (v <> ''))",
       "CREATE INDEX t1_v_idx ON t1 (v)"});
}

}  // namespace bellows::e2e
