// bellows diff on MariaDB (the cases are shared: tests/e2e/generate_cases.h).

#include <memory>

#include <doctest/doctest.h>

#include "tests/e2e/generate_cases.h"
#include "tests/mysql/my_harness.h"

namespace bellows::mytest {

namespace {

struct MyGenerate {
  MyProject my;
  MyDb desired;
  std::unique_ptr<MyConn> desired_conn = std::make_unique<MyConn>(desired.url());
  std::unique_ptr<MyConn> conn = std::make_unique<MyConn>(my.db.url());
  e2e::GenerateTarget t;
  MyGenerate() {
    t.project = &my.project;
    t.desired_url = desired.url();
    t.desired_sql = {
        "CREATE TABLE users (id int PRIMARY KEY, full_name varchar(100), age bigint NOT NULL "
        "DEFAULT 0, email varchar(255), CONSTRAINT users_age_check CHECK (age >= 0))",
        "CREATE INDEX users_email_idx ON users (email)",
        "CREATE TABLE events (id int PRIMARY KEY, msg longtext)",
        "CREATE TABLE orders (id int PRIMARY KEY, user_id int, total int NOT NULL, CONSTRAINT "
        "orders_user_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE, UNIQUE "
        "KEY orders_total_key (total))",
        "CREATE VIEW big AS SELECT id FROM orders WHERE total > 100",
    };
    t.desired_must = [this](const std::string& sql) { desired_conn->Must(sql); };
    t.must = [this](const std::string& sql) { conn->Must(sql); };
    t.query_old = [this](const std::string& sql) { return conn->Query(sql); };
    t.query_new = [this](const std::string& sql) {
      MyConn c(my.db.url(), Latest(my.project));
      return c.Query(sql);
    };
  }
};

}  // namespace

TEST_CASE("diff (mysql): a generated migration round-trips through start and complete") {
  MyGenerate s;
  e2e::GeneratedMigrationRoundTrips(s.t);
}

TEST_CASE("diff (mysql): --from and --to compare two databases") {
  MyGenerate a, b;
  e2e::TwoDatabasesCompare(a.t, b.t);
}

}  // namespace bellows::mytest
