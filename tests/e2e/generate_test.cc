// bellows diff on SQLite (the cases are shared: generate_cases.h).

#include <fstream>

#include <doctest/doctest.h>

#include "tests/e2e/generate_cases.h"

namespace bellows::e2e {

namespace {

const std::vector<std::string> kDesired = {
    "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name VARCHAR(100), age BIGINT NOT NULL "
    "DEFAULT 0, email TEXT, CONSTRAINT users_age_check CHECK (age >= 0))",
    "CREATE INDEX users_email_idx ON users (email)",
    "CREATE TABLE events (id INTEGER PRIMARY KEY, msg TEXT)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, total INTEGER NOT NULL, "
    "CONSTRAINT orders_user_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE)",
    "CREATE UNIQUE INDEX orders_total_key ON orders (total)",
    "CREATE VIEW big AS SELECT id FROM orders WHERE total > 100",
};

struct SqliteGenerate {
  Project project;
  GenerateTarget t;
  explicit SqliteGenerate(const std::string& desired_file = "dev.db") {
    const std::string desired = project.dir() + "/" + desired_file;
    t.project = &project;
    t.desired_url = "sqlite:" + desired;
    t.desired_sql = kDesired;
    t.desired_must = [desired](const std::string& sql) {
      Db db(desired);
      db.Must(sql);
    };
    t.must = [this](const std::string& sql) {
      Db db(project.db_path());
      db.Must(sql);
    };
    t.query_old = [this](const std::string& sql) {
      Db db(project.db_path());
      return db.Query(sql);
    };
    t.query_new = [this](const std::string& sql) {
      Run latest = project.Bellows("latest sql");
      REQUIRE(latest.exit_code == 0);
      Db db(project.db_path());
      db.Must(latest.out);
      return db.Query(sql);
    };
  }
};

}  // namespace

TEST_CASE("diff (sqlite): a generated migration round-trips through start and complete") {
  SqliteGenerate s;
  GeneratedMigrationRoundTrips(s.t);
}

TEST_CASE("diff (sqlite): --from and --to compare two databases") {
  SqliteGenerate a("a.db"), b("b.db");
  TwoDatabasesCompare(a.t, b.t);
}

TEST_CASE("diff (sqlite): a schema file is loaded into a scratch database") {
  Project p;
  p.Write("0001_base.yaml",
          "operations:\n  - create_table: {table: t, columns: [{name: id, type: integer, "
          "primary_key: true}]}\n");
  {
    std::ofstream out(p.dir() + "/schema.sql");
    out << "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT);\n"
           "CREATE INDEX t_note_idx ON t (note);\n";
  }
  Run r = p.Bellows("diff --to schema.sql --dry-run");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(Has(r.out, "add_column"));
  CHECK(Has(r.out, "t_note_idx"));
  {
    std::ofstream out(p.dir() + "/bad.sql");
    out << "CREATE TABLE t (id INTEGER PRIMARY KEY);\nCREATE TABLE oops (;\n";
  }
  Run bad = p.Bellows("diff --to bad.sql --dry-run");
  CHECK(bad.exit_code == 4);
  CHECK(Has(bad.err, "bad.sql:2:1"));
}

}  // namespace bellows::e2e
