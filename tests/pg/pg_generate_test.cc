// bellows diff on PostgreSQL (the cases are shared: tests/e2e/generate_cases.h).

#include <memory>

#include <doctest/doctest.h>

#include "tests/e2e/generate_cases.h"
#include "tests/pg/pg_harness.h"

namespace bellows::pgtest {

namespace {

struct PgGenerate {
  PgProject pg;
  PgDb desired;
  std::unique_ptr<PgConn> desired_conn = std::make_unique<PgConn>(desired.url());
  std::unique_ptr<PgConn> conn = std::make_unique<PgConn>(pg.db.url());
  e2e::GenerateTarget t;
  PgGenerate() {
    t.project = &pg.project;
    t.desired_url = desired.url();
    t.desired_sql = {
        "CREATE TABLE users (id integer PRIMARY KEY, full_name varchar(100), age bigint NOT NULL "
        "DEFAULT 0, email text, CONSTRAINT users_age_check CHECK (age >= 0))",
        "CREATE INDEX users_email_idx ON users (email)",
        "CREATE TABLE events (id integer PRIMARY KEY, msg text)",
        "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer CONSTRAINT orders_user_fkey "
        "REFERENCES users(id) ON DELETE CASCADE, total integer NOT NULL, CONSTRAINT "
        "orders_total_key UNIQUE (total))",
        "CREATE VIEW big AS SELECT id FROM orders WHERE total > 100",
    };
    t.desired_must = [this](const std::string& sql) { desired_conn->Must(sql); };
    t.must = [this](const std::string& sql) { conn->Must(sql); };
    t.query_old = [this](const std::string& sql) { return conn->Query(sql); };
    t.query_new = [this](const std::string& sql) {
      PgConn c(pg.db.url(), Latest(pg.project));
      return c.Query(sql);
    };
  }
};

}  // namespace

TEST_CASE("diff (postgres): a generated migration round-trips through start and complete") {
  PgGenerate s;
  e2e::GeneratedMigrationRoundTrips(s.t);
}

TEST_CASE("diff (postgres): --from and --to compare two databases") {
  PgGenerate a, b;
  e2e::TwoDatabasesCompare(a.t, b.t);
}

}  // namespace bellows::pgtest
