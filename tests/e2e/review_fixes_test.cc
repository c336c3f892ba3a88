// Regression tests for the problems found in the first review of the SQLite release (each
// failed before its fix).

#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

namespace {

const char* kUsers = R"yaml(operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: name, type: text, nullable: false}
        - {name: country, type: text}
)yaml";

void Applied(Project& p) {
  p.Write("0001_users.yaml", kUsers);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  Db db(p.db_path());
  db.Must("INSERT INTO users (name, country) VALUES ('ann', 'fr'), ('bob', 'de')");
}

}  // namespace

TEST_CASE("review: apply --plan and plan --out refuse while a batch is in flight") {
  Project p;
  Applied(p);
  p.Write("0002_a.yaml",
          "operations:\n  - add_column: {table: users, column: {name: a, type: text}}\n");
  REQUIRE(p.Bellows("plan --out plan.json").exit_code == 0);
  REQUIRE(p.Bellows("start").exit_code == 0);
  CHECK(p.Bellows("apply --plan plan.json").exit_code == 7);
  CHECK(p.Bellows("plan --out again.json").exit_code == 7);
}

TEST_CASE("review: a column named w does not collide with the helper view's triggers") {
  Project p;
  p.Write("0001_a.yaml",
          "operations:\n  - create_table: {table: a, columns: [{name: id, type: integer, "
          "primary_key: true}, "
          "{name: w, type: integer}]}\n");
  REQUIRE(p.Bellows("apply").exit_code == 0);
  p.Write("0002_w.yaml",
          "operations:\n  - alter_column: {table: a, column: w, type: bigint, up: w}\n");
  Run r = p.Bellows("start");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(p.Bellows("complete").exit_code == 0);
}

TEST_CASE("review: an up query reads the row's column, not a same-named column of its own table") {
  Project p;
  Applied(p);
  {
    Db db(p.db_path());
    db.Must("CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT)");
    db.Must("INSERT INTO countries VALUES ('fr', 'France'), ('de', 'Germany')");
  }
  REQUIRE(p.Bellows("repair --accept-drift").exit_code == 0);  // made by hand, reviewed
  p.Write("0002_country_name.yaml", R"yaml(operations:
  - add_column:
      table: users
      column: {name: country_name, type: text}
      up: "(SELECT c.name FROM countries c WHERE c.code = users.country)"
)yaml");
  REQUIRE(p.Bellows("start").exit_code == 0);
  {
    Db db(p.db_path());
    db.Must("INSERT INTO users (name, country) VALUES ('old', 'de')");
    db.Must("UPDATE users SET country = 'de' WHERE name = 'ann'");  // old version: recomputed
  }
  REQUIRE(p.Bellows("complete").exit_code == 0);
  Db db(p.db_path());
  CHECK(db.Query("SELECT name, country_name FROM users ORDER BY id") ==
        Table{{"ann", "Germany"}, {"bob", "Germany"}, {"old", "Germany"}});
}

TEST_CASE("review: alter_column then rename_column of one column in one batch") {
  Project p;
  Applied(p);
  p.Write("0002_x.yaml", R"yaml(operations:
  - alter_column: {table: users, column: country, type: varchar(2), up: upper(country), down: lower(country)}
  - rename_column: {table: users, from: country, to: country_code}
)yaml");
  Run start = p.Bellows("start");
  INFO(start.err);
  REQUIRE(start.exit_code == 0);
  Run latest = p.Bellows("latest sql");
  {
    Db app(p.db_path());
    app.Must(latest.out);
    app.Must("INSERT INTO users (name, country_code) VALUES ('new', 'IT')");
    CHECK(app.Query("SELECT country_code FROM users WHERE name = 'ann'") == Table{{"FR"}});
  }
  {
    Db old(p.db_path());
    CHECK(old.Query("SELECT country FROM users WHERE name = 'new'") == Table{{"it"}});
  }
  REQUIRE(p.Bellows("complete").exit_code == 0);
  Db db(p.db_path());
  CHECK(db.Query("SELECT name, country_code FROM users ORDER BY id") ==
        Table{{"ann", "FR"}, {"bob", "DE"}, {"new", "IT"}});
}

TEST_CASE("review: a new nullable column without default is renamed at contract, not rebuilt") {
  Project p;
  Applied(p);
  p.Write("0002_a.yaml",
          "operations:\n  - add_column: {table: users, column: {name: nick, type: text}}\n");
  Run plan = p.Bellows("plan");
  CHECK(Has(plan.out, "ALTER TABLE \"users\" RENAME COLUMN \"_bellows_new_nick\" TO \"nick\""));
  CHECK_FALSE(Has(plan.out, "_bellows_rebuild_users"));
  CHECK(p.Bellows("apply").exit_code == 0);
}

TEST_CASE("review: an identity column cannot be added to an existing table") {
  Project p;
  Applied(p);
  p.Write("0002_a.yaml",
          "operations:\n  - add_column: {table: users, allow_copy: true, column: {name: n, type: "
          "integer, identity: true}}\n");
  Run r = p.Bellows("apply");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "cannot gain an identity column"));
  p.Write("0002_a.yaml",
          "operations:\n  - add_column: {table: users, column: {name: n, type: integer, identity: "
          "true}}\n");
  Run without = p.Bellows("apply");
  CHECK(without.exit_code == 4);
  CHECK(Has(without.err, "rewrites the table"));
  CHECK(Has(without.err, "allow_copy: true"));
}

TEST_CASE("review: a comment-only alter_column changes no data and needs no shadow") {
  Project p;
  Applied(p);
  p.Write(
      "0002_c.yaml",
      "operations:\n  - alter_column: {table: users, column: name, comment: the display name}\n");
  Run plan = p.Bellows("plan");
  CHECK(Has(plan.out, "comment on users.name"));
  CHECK_FALSE(Has(plan.out, "_bellows_new_name"));
  CHECK(p.Bellows("apply").exit_code == 0);
  CHECK(p.Bellows("rollback --steps 1").exit_code == 0);
}

TEST_CASE("review: a type change without down is undone with the column as conversion") {
  Project p;
  Applied(p);
  p.Write("0002_t.yaml",
          "operations:\n  - alter_column: {table: users, column: country, type: varchar(10), up: "
          "country}\n");
  REQUIRE(p.Bellows("apply").exit_code == 0);
  Run r = p.Bellows("rollback --steps 1");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  Db db(p.db_path());
  CHECK(db.Query("SELECT type FROM pragma_table_info('users') WHERE name = 'country'") ==
        Table{{"TEXT"}});
  CHECK(db.Query("SELECT country FROM users ORDER BY id") == Table{{"fr"}, {"de"}});
}

TEST_CASE(
    "review: an interrupted statement outside a transaction is not guessed; rollback undoes") {
  Project p;
  Applied(p);
  p.Write(
      "0002_idx.sql",
      "-- bellows:no-transaction\n-- bellows:up\nCREATE INDEX users_name_idx ON users (name);\n"
      "CREATE INDEX users_country_idx ON users (country);\n-- bellows:down\nDROP INDEX IF EXISTS "
      "users_name_idx;\nDROP INDEX IF EXISTS users_country_idx;\n");
  // Killed right after "step 1 running" was recorded (record 1 is the plan itself).
  Run killed = p.Bellows("start", {{"BELLOWS_FAULT_AFTER_STEP", "2"}});
  REQUIRE(killed.exit_code == 137);
  Run resumed = p.Bellows("start");
  CHECK(resumed.exit_code == 7);
  CHECK(Has(resumed.err, "interrupted while it ran"));
  Run rollback = p.Bellows("rollback");
  INFO(rollback.err);
  CHECK(rollback.exit_code == 0);
  Db db(p.db_path());
  CHECK(db.Query("SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE 'users_%'")
            .empty());
}

TEST_CASE(
    "review: rolling back an in-flight batch that ran SQL without down is refused untouched") {
  Project p;
  Applied(p);
  p.Write("0002_a.yaml",
          "operations:\n  - add_column: {table: users, column: {name: a, type: text}}\n");
  p.Write("0003_b.sql", "CREATE TABLE b (id INTEGER PRIMARY KEY);");
  REQUIRE(p.Bellows("start").exit_code == 0);
  Run r = p.Bellows("rollback");
  CHECK(r.exit_code == 7);
  CHECK(Has(r.err, "has no undo"));
  Run status = p.Bellows("status");
  CHECK(Has(status.out, "is expanded"));
  CHECK(p.Bellows("complete").exit_code == 0);
}

TEST_CASE("review: command line and settings edge cases") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  CHECK(p.Bellows("apply --batch-size 0").exit_code == 2);
  // init writes a --config file where asked, with the --dir given.
  Run init = p.Bellows("--config conf/bellows.yaml --dir db/migrations --url sqlite:app.db init",
                       {}, true);
  INFO(init.err);
  CHECK(init.exit_code == 0);
  CHECK(std::filesystem::exists(p.dir() + "/db/migrations/bellows.sum"));
  std::ifstream conf(p.dir() + "/conf/bellows.yaml");
  std::string text((std::istreambuf_iterator<char>(conf)), std::istreambuf_iterator<char>());
  CHECK(Has(text, "dir: ../db/migrations"));  // as bellows reads it: relative to the file
  CHECK(p.Bellows("--config conf/bellows.yaml validate --dialect sqlite", {}, true).exit_code == 0);
  // status reports a broken file and exits 0
  REQUIRE(p.Bellows("apply").exit_code == 0);
  p.Write("0002_broken.yaml", "operations: [\n");
  Run status = p.Bellows("status");
  CHECK(status.exit_code == 0);
  CHECK(Has(status.out, "problem:"));
  CHECK(Has(status.out, "current version: 1"));
  // every dialect is built: the project validates for MySQL too
  p.Remove("0002_broken.yaml");
  Run mysql = p.Bellows("validate --dialect mysql");
  INFO(mysql.out, mysql.err);
  CHECK(mysql.exit_code == 0);
}

TEST_CASE(
    "review: complete and rollback run their recorded steps even when an applied file changed") {
  Project p;
  Applied(p);
  p.Write("0002_a.yaml",
          "operations:\n  - add_column: {table: users, column: {name: a, type: text}}\n");
  REQUIRE(p.Bellows("start").exit_code == 0);
  p.Write("0001_users.yaml", std::string(kUsers) + "# edited\n");
  Run r = p.Bellows("complete");
  CHECK(r.exit_code == 0);
  CHECK(Has(r.err, "was edited"));  // reported as a warning
}

TEST_CASE("review: offline validation applies each migration on top of the ones before") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  p.Write("0002_drop.yaml", "operations:\n  - drop_column: {table: users, column: name}\n");
  Run r = p.Bellows("validate --dialect sqlite");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "\"down\""));
}

TEST_CASE("review: Flyway V1 and V1.0 are one version") {
  Project p;
  p.Write("V1__a.sql", "SELECT 1;");
  p.Write("V1.0__b.sql", "SELECT 2;");
  Run r = p.Bellows("validate --dialect sqlite");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "two files have version 1"));
}

}  // namespace bellows::e2e

namespace bellows::e2e {

TEST_CASE("review: a failed undo is resolved by hand with repair --resolve-failed") {
  Project p;
  Applied(p);
  p.Write("0002_a.sql",
          "-- bellows:up\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n-- bellows:down\nDROP TABLE "
          "not_there;\n");
  // no-transaction: 0002 commits before 0003 fails (in one transaction, SQLite would roll
  // both back and there would be nothing to undo).
  p.Write("0003_b.sql",
          "-- bellows:no-transaction\n-- bellows:up\nINSERT INTO nowhere VALUES (1);\n-- "
          "bellows:down\nSELECT 1;\n");
  Run start = p.Bellows("start");
  CHECK(start.exit_code == 6);  // the undo of 0002 failed: not restored
  CHECK(Has(start.err, "no such table: not_there"));
  CHECK(p.Bellows("apply").exit_code == 7);
  CHECK(p.Bellows("rollback").exit_code == 6);
  Run status = p.Bellows("status");
  CHECK(Has(status.out, "is failed"));
  CHECK(Has(status.out, "repair --resolve-failed"));
  // The user puts the database right, then tells bellows.
  {
    Db db(p.db_path());
    db.Must("DROP TABLE a");
  }
  Run repair = p.Bellows("repair --resolve-failed");
  INFO(repair.err);
  CHECK(repair.exit_code == 0);
  Db db(p.db_path());
  CHECK(db.Query("SELECT action FROM bellows_repairs") == Table{{"resolve-failed"}});
  p.Remove("0003_b.sql");
  CHECK(p.Bellows("apply").exit_code == 0);
  CHECK(p.Bellows("repair --resolve-failed").exit_code == 0);  // nothing to resolve
}

TEST_CASE("review: repair --accept-checksums records reviewed edits of applied files") {
  Project p;
  Applied(p);
  p.Write("0001_users.yaml", std::string(kUsers) + "# a comment added after review\n");
  CHECK(p.Bellows("apply").exit_code == 4);
  Run repair = p.Bellows("repair --accept-checksums");
  INFO(repair.err);
  CHECK(repair.exit_code == 0);
  CHECK(Has(repair.out, "accepted the edited 0001_users.yaml"));
  CHECK(p.Bellows("apply").exit_code == 0);
  Db db(p.db_path());
  CHECK(db.Query("SELECT action FROM bellows_repairs") == Table{{"accept-checksums"}});
}

}  // namespace bellows::e2e
