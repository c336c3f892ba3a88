// Drift, baseline and repair on PostgreSQL (the cases are shared: tests/e2e/drift_cases.h).

#include <memory>

#include <doctest/doctest.h>

#include "tests/e2e/drift_cases.h"
#include "tests/pg/pg_harness.h"

namespace bellows::pgtest {

namespace {

struct PgTarget {
  PgProject pg;
  std::unique_ptr<PgConn> conn = std::make_unique<PgConn>(pg.db.url());
  e2e::DriftTarget t;
  PgTarget() {
    t.project = &pg.project;
    t.must = [this](const std::string& sql) { conn->Must(sql); };
    t.query = [this](const std::string& sql) { return conn->Query(sql); };
    t.history = "bellows.history";
  }
};

}  // namespace

TEST_CASE("drift (postgres): a clean run and a batch in flight show no drift") {
  PgTarget s;
  e2e::CleanRunShowsNoDrift(s.t);
}

TEST_CASE("drift (postgres): out-of-band changes are reported and stop runs until repaired") {
  PgTarget s;
  s.t.changes = {
      {"CREATE INDEX customers_name_idx ON customers (name)",
       "+ index customers_name_idx on customers(name)"},
      {"ALTER TABLE products DROP CONSTRAINT products_price_positive",
       "- constraint products_price_positive on products: check (price_cents >= 0)"},
      // The live version's view of orders names the column: a DBA drops it first.
      {"DROP VIEW public_13.orders; ALTER TABLE orders ALTER COLUMN status TYPE varchar(40)",
       "~ column orders.status: character varying(20) -> character varying(40)"},
      {"ALTER TABLE customers ALTER COLUMN nickname SET DEFAULT 'x'",
       "~ column customers.nickname: default NULL -> 'x'::character varying"},
      {"ALTER TABLE customers ALTER COLUMN nickname DROP NOT NULL",
       "~ column customers.nickname: not null -> null"},
      {"ALTER TABLE orders DROP CONSTRAINT orders_customer_fkey",
       "- constraint orders_customer_fkey on orders: foreign key (customer_id) references "
       "customers(id)"},
      {"DROP VIEW order_summary", "- view order_summary"},
      {"CREATE TABLE audit (id integer PRIMARY KEY)", "+ table audit"},
      {"CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$; "
       "CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION "
       "touch()",
       "+ trigger orders_touch on orders"},
      {"CREATE SEQUENCE invoice_seq", "+ sequence invoice_seq"},
  };
  s.t.orphan_sql = "CREATE SCHEMA public_99";
  s.t.orphan_line = "+ orphan schema public_99";
  s.t.remove_owned_sql = "DROP SCHEMA public_14 CASCADE";
  s.t.remove_owned_line = "- bellows object schema public_14";
  e2e::OutOfBandChangesAreReported(s.t);
}

TEST_CASE("drift (postgres): baseline adopts a database built by plain SQL") {
  PgTarget s;
  e2e::BaselineAdoptsDatabase(s.t, {"CREATE TABLE users (id integer PRIMARY KEY, name "
                                    "varchar(100))"});
}

TEST_CASE("drift (postgres): the fingerprint does not depend on creation order") {
  PgTarget a, b;
  e2e::FingerprintIgnoresCreationOrder(
      a.t,
      {"CREATE TABLE t1 (id integer PRIMARY KEY, v text CONSTRAINT t1_v_check CHECK (v <> ''))",
       "ALTER TABLE t1 ADD CONSTRAINT t1_v_len CHECK (length(v) < 100)",
       "CREATE TABLE t2 (id integer PRIMARY KEY, t1_id integer CONSTRAINT t2_t1_fkey REFERENCES "
       "t1(id) ON DELETE CASCADE)",
       "CREATE INDEX t2_t1_idx ON t2 (t1_id)",
       "CREATE INDEX t1_v_idx ON t1 (v) WHERE v IS NOT NULL",
       "CREATE VIEW v1 AS SELECT id FROM t1"},
      b.t,
      {"CREATE TABLE t1 (id integer PRIMARY KEY, v text CONSTRAINT t1_v_len CHECK (length(v) < "
       "100))",
       "CREATE INDEX t1_v_idx ON t1 (v) WHERE v IS NOT NULL", "CREATE VIEW v1 AS SELECT id FROM t1",
       "ALTER TABLE t1 ADD CONSTRAINT t1_v_check CHECK (v <> '')",
       "CREATE TABLE t2 (id integer PRIMARY KEY, t1_id integer)",
       "CREATE INDEX t2_t1_idx ON t2 (t1_id)",
       "ALTER TABLE t2 ADD CONSTRAINT t2_t1_fkey FOREIGN KEY (t1_id) REFERENCES t1(id) ON DELETE "
       "CASCADE"});
}

}  // namespace bellows::pgtest
