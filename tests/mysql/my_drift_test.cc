// Drift, baseline and repair on MariaDB (the cases are shared: tests/e2e/drift_cases.h).

#include <memory>

#include <doctest/doctest.h>

#include "tests/e2e/drift_cases.h"
#include "tests/mysql/my_harness.h"

namespace bellows::mytest {

namespace {

struct MyTarget {
  MyProject my;
  std::unique_ptr<MyConn> conn = std::make_unique<MyConn>(my.db.url());
  e2e::DriftTarget t;
  MyTarget() {
    t.project = &my.project;
    t.must = [this](const std::string& sql) { conn->Must(sql); };
    t.query = [this](const std::string& sql) { return conn->Query(sql); };
  }
};

}  // namespace

TEST_CASE("drift (mysql): a clean run and a batch in flight show no drift") {
  MyTarget s;
  e2e::CleanRunShowsNoDrift(s.t);
}

TEST_CASE("drift (mysql): out-of-band changes are reported and stop runs until repaired") {
  MyTarget s;
  const std::string db = s.my.db.name();
  s.t.changes = {
      {"CREATE INDEX customers_name_idx ON customers (name)",
       "+ index customers_name_idx on customers(name)"},
      {"ALTER TABLE products DROP CONSTRAINT products_price_positive",
       "- constraint products_price_positive on products: check ("},
      {"ALTER TABLE orders MODIFY status varchar(40) NOT NULL DEFAULT 'new'",
       "~ column orders.status: varchar(20) -> varchar(40)"},
      {"ALTER TABLE customers ALTER COLUMN nickname SET DEFAULT 'x'",
       "~ column customers.nickname: default NULL -> 'x'"},
      {"ALTER TABLE orders DROP FOREIGN KEY orders_customer_fkey",
       "- constraint orders_customer_fkey on orders: foreign key (customer_id) references "
       "customers(id)"},
      {"DROP VIEW order_summary", "- view order_summary"},
      {"CREATE TABLE audit (id int PRIMARY KEY)", "+ table audit"},
      {"CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.status = "
       "NEW.status",
       "+ trigger orders_touch on orders"},
  };
  s.t.orphan_sql = "CREATE DATABASE `" + db + "_99`";
  s.t.orphan_line = "+ orphan database " + db + "_99";
  s.t.remove_owned_sql = "DROP DATABASE `" + db + "_14`";
  s.t.remove_owned_line = "- bellows object database " + db + "_14";
  e2e::OutOfBandChangesAreReported(s.t);
}

TEST_CASE("drift (mysql): baseline adopts a database built by plain SQL") {
  MyTarget s;
  e2e::BaselineAdoptsDatabase(s.t, {"CREATE TABLE users (id int PRIMARY KEY, name varchar(100))"});
}

TEST_CASE("drift (mysql): the fingerprint does not depend on creation order") {
  MyTarget a, b;
  e2e::FingerprintIgnoresCreationOrder(
      a.t,
      {"CREATE TABLE t1 (id int PRIMARY KEY, v varchar(50), CONSTRAINT t1_v_check CHECK (v <> "
       "''))",
       "ALTER TABLE t1 ADD CONSTRAINT t1_v_len CHECK (length(v) < 100)",
       "CREATE TABLE t2 (id int PRIMARY KEY, t1_id int, CONSTRAINT t2_t1_fkey FOREIGN KEY (t1_id) "
       "REFERENCES t1(id) ON DELETE CASCADE)",
       "CREATE INDEX t1_v_idx ON t1 (v)", "CREATE VIEW v1 AS SELECT id FROM t1"},
      b.t,
      {"CREATE TABLE t1 (id int PRIMARY KEY, v varchar(50), CONSTRAINT t1_v_len CHECK (length(v) "
       "< 100))",
       "CREATE VIEW v1 AS SELECT id FROM t1", "CREATE INDEX t1_v_idx ON t1 (v)",
       "ALTER TABLE t1 ADD CONSTRAINT t1_v_check CHECK (v <> '')",
       "CREATE TABLE t2 (id int PRIMARY KEY, t1_id int)",
       "ALTER TABLE t2 ADD CONSTRAINT t2_t1_fkey FOREIGN KEY (t1_id) REFERENCES t1(id) ON DELETE "
       "CASCADE"});
}

}  // namespace bellows::mytest
