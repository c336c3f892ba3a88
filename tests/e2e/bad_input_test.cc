// Bad input gets a clear error (what, where, what to do), the documented exit code, and
// leaves the database unchanged (issue 3's list, SPEC 7.1).

#include <unistd.h>

#include <doctest/doctest.h>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

namespace {

const char* kUsers = R"yaml(operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: name, type: text}
        - {name: total, type: integer}
)yaml";

// A project with 0001 applied and two rows in users.
void Applied(Project& p) {
  p.Write("0001_users.yaml", kUsers);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  Db db(p.db_path());
  db.Must("INSERT INTO users (name, total) VALUES ('ann', 1), ('bob', NULL)");
}

}  // namespace

TEST_CASE("bad input: malformed YAML names file:line:column and changes nothing") {
  Project p;
  Applied(p);
  Table before = Observable(p);
  p.Write("0002_bad.yaml",
          "operations:\n  - add_column:\n      table: users\n     column: [oops\n");
  Run r = p.Bellows("apply");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "0002_bad.yaml:4:"));
  CHECK(Has(r.err, "malformed YAML"));
  CHECK(Observable(p) == before);
}

TEST_CASE("bad input: unknown operation and unknown field name the valid ones") {
  Project p;
  p.Write("0001_x.yaml", "operations:\n  - add_colum: {table: t}\n");
  Run r = p.Bellows("validate --dialect sqlite");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "unknown operation \"add_colum\""));
  CHECK(Has(r.err, "add_column, drop_column"));
  CHECK(Has(r.err, "0001_x.yaml:2:"));

  p.Write("0001_x.yaml", "operations:\n  - drop_table: {table: t, cascade: true}\n");
  r = p.Bellows("validate --dialect sqlite");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "unknown field \"cascade\""));
  CHECK(Has(r.err, "valid fields: table"));
}

TEST_CASE("bad input: a missing required field is named") {
  Project p;
  p.Write("0001_x.yaml", "operations:\n  - rename_table: {from: a}\n");
  Run r = p.Bellows("validate --dialect sqlite");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "missing required field \"to\""));
}

TEST_CASE("bad input: two files with one version name both files") {
  Project p;
  p.Write("0001_a.yaml", kUsers);
  p.Write("1_b.sql", "SELECT 1;");
  Run r = p.Bellows("validate --dialect sqlite");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "0001_a.yaml"));
  CHECK(Has(r.err, "1_b.sql"));
}

TEST_CASE("bad input: a pending file below the highest applied version is out of order") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  p.Write("0003_later.sql", "CREATE TABLE later (id INTEGER PRIMARY KEY);");
  REQUIRE(p.Bellows("apply").exit_code == 0);
  p.Write("0002_between.sql", "CREATE TABLE between_them (id INTEGER PRIMARY KEY);");
  Table before = Observable(p);
  Run r = p.Bellows("apply");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "out of order"));
  CHECK(Has(r.err, "--allow-out-of-order"));
  CHECK(Observable(p) == before);
  CHECK(p.Bellows("apply --allow-out-of-order").exit_code == 0);
  Db db(p.db_path());
  CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'between_them'").size() == 1);
}

TEST_CASE("bad input: an unknown table or column is caught offline") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  p.Write("0002_x.yaml",
          "operations:\n  - alter_column: {table: users, column: emial, nullable: false, up: x}\n");
  Run r = p.Bellows("plan --offline --dialect sqlite", {}, false);
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "column \"users.emial\" does not exist"));
  CHECK(Has(r.err, "columns of users: id, name, total"));
  CHECK(Has(r.err, "0002_x.yaml:2:"));

  p.Write("0002_x.yaml", "operations:\n  - drop_table: {table: user}\n");
  r = p.Bellows("plan --offline --dialect sqlite");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "table \"user\" does not exist"));

  p.Write("0002_x.yaml",
          "operations:\n  - add_column: {table: users, column: {name: c, type: text}, up: "
          "upper(nmae)}\n");
  r = p.Bellows("plan --offline --dialect sqlite");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "unknown column \"nmae\""));
}

TEST_CASE("bad input: a type change without up is refused") {
  Project p;
  Applied(p);
  Table before = Observable(p);
  p.Write("0002_x.yaml",
          "operations:\n  - alter_column: {table: users, column: total, type: bigint}\n");
  Run r = p.Bellows("start");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "without \"up\""));
  CHECK(Observable(p) == before);
}

TEST_CASE("bad input: NOT NULL without default or up on a non-empty table") {
  Project p;
  Applied(p);
  Table before = Observable(p);
  p.Write("0002_x.yaml",
          "operations:\n  - add_column: {table: users, column: {name: code, type: text, nullable: "
          "false}}\n");
  Run r = p.Bellows("apply");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "NOT NULL without a default or up"));
  CHECK(Has(r.err, "row with key 1"));
  CHECK(Observable(p) == before);

  SUBCASE("making an existing column NOT NULL names the offending row") {
    p.Write("0002_x.yaml",
            "operations:\n  - alter_column: {table: users, column: total, nullable: false}\n");
    r = p.Bellows("apply");
    CHECK(r.exit_code == 4);
    CHECK(Has(r.err, "row with key 2"));
    CHECK(Observable(p) == before);
  }
  SUBCASE("an empty table accepts it") {
    Db db(p.db_path());
    db.Must("DELETE FROM users");
    db.Must("DELETE FROM users");
    CHECK(p.Bellows("apply").exit_code == 0);
  }
}

TEST_CASE("bad input: an applied file that was edited is named") {
  Project p;
  Applied(p);
  p.Write("0001_users.yaml", std::string(kUsers) + "# edited\n");
  Run r = p.Bellows("apply");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "0001_users.yaml was edited after it was applied"));
  CHECK(p.Bellows("validate --dialect sqlite").exit_code == 4);
  Run status = p.Bellows("status");
  CHECK(status.exit_code == 0);
  CHECK(Has(status.out, "problem: applied migration 0001_users.yaml was edited"));
}

TEST_CASE("bad input: an out-of-date bellows.sum is refused") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  REQUIRE(p.Bellows("hash").exit_code == 0);
  p.Write("0002_more.sql", "CREATE TABLE more (id INTEGER PRIMARY KEY);");
  Run r = p.Bellows("apply");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "0002_more.sql is not in bellows.sum"));
  CHECK(Has(r.err, "bellows hash"));
  REQUIRE(p.Bellows("hash").exit_code == 0);
  p.Write("0002_more.sql", "CREATE TABLE more (id INTEGER PRIMARY KEY, x TEXT);");
  r = p.Bellows("validate --dialect sqlite");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "0002_more.sql was edited after bellows.sum was written"));
  p.Write("0002_more.sql", "CREATE TABLE more (id INTEGER PRIMARY KEY);\r\n");
  REQUIRE(p.Bellows("hash").exit_code == 0);
  p.Write("0002_more.sql", "CREATE TABLE more (id INTEGER PRIMARY KEY);\n");
  r = p.Bellows("validate --dialect sqlite");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "only in its line endings"));
  p.Remove("bellows.sum");
  CHECK(p.Bellows("validate --dialect sqlite").exit_code == 0);
  CHECK(p.Bellows("validate --dialect sqlite --require-sum").exit_code == 4);
}

TEST_CASE("bad input: an unterminated quote in SQL is reported at file:line:column") {
  Project p;
  p.Write("0001_x.sql",
          "-- bellows:up\nCREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES ('oops);\n");
  Run r = p.Bellows("apply");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "0001_x.sql:3:23: up section: unterminated string"));
  Db db(p.db_path());
  CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'a'").empty());
}

TEST_CASE("bad input: rollback past a migration without down is refused and names it") {
  Project p;
  p.Write("0001_x.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);\n");
  REQUIRE(p.Bellows("apply").exit_code == 0);
  Run r = p.Bellows("rollback --steps 1");
  CHECK(r.exit_code == 4);
  CHECK(Has(r.err, "migration 0001_x (0001_x.sql) cannot be rolled back"));
  Db db(p.db_path());
  CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'a'").size() == 1);
}

TEST_CASE("bad input: a second runner waits --lock-wait, then exits 5 naming the holder") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  {
    // This test process plays the other runner: alive, on this host.
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    Db db(p.db_path());
    db.Must("UPDATE bellows_lock SET holder = 'bellows/other:deploy-job', host = '" +
            std::string(host) + "', pid = " + std::to_string(getpid()) + " WHERE id = 1");
  }
  p.Write("0002_more.sql", "CREATE TABLE more (id INTEGER PRIMARY KEY);");
  Run r = p.Bellows("apply --lock-wait 1s");
  CHECK(r.exit_code == 5);
  CHECK(Has(r.err, "bellows/other:deploy-job"));
  Db db(p.db_path());
  CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'more'").empty());
}

TEST_CASE("bad input: unreachable or malformed URLs exit 2 without the password") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  Run r = p.Bellows("--url sqlite:/no/such/dir/app.db status", {}, true);
  CHECK(r.exit_code == 2);
  CHECK(Has(r.err, "does not exist"));
  r = p.Bellows("--dir migrations --url 'oracle://scott:tiger-secret@db/x' status", {}, true);
  CHECK(r.exit_code == 2);
  CHECK(Has(r.err, "oracle://scott:***@db/x"));
  CHECK_FALSE(Has(r.err + r.out, "tiger-secret"));
  r = p.Bellows("--dir migrations status", {{"DATABASE_URL", "mysql://u:hunter2@127.0.0.1:1/x"}},
                true);
  CHECK(r.exit_code == 2);
  CHECK_FALSE(Has(r.err + r.out, "hunter2"));
  r = p.Bellows("--dir migrations status --format json",
                {{"BELLOWS_URL", "nosuch://u:hunter2@h/x"}}, true);
  CHECK(r.exit_code == 2);
  CHECK(Has(r.out, "\"class\": \"usage\""));
  CHECK_FALSE(Has(r.err + r.out, "hunter2"));
}

TEST_CASE("bad input: a SQL error mid-migration undoes that migration and records the error") {
  Project p;
  Applied(p);
  Table before = Observable(p);
  p.Write(
      "0002_fails.sql",
      "-- bellows:up\nCREATE TABLE audit (id INTEGER PRIMARY KEY);\nINSERT INTO audit VALUES (1);\n"
      "INSERT INTO no_such_table VALUES (1);\n-- bellows:down\nDROP TABLE audit;\n");
  Run r = p.Bellows("apply");
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "no such table: no_such_table"));
  CHECK(Observable(p) == before);
  Run status = p.Bellows("status");
  CHECK(status.exit_code == 0);
  CHECK(Has(status.out, "failed: 2 fails"));
  CHECK(Has(status.out, "no such table: no_such_table"));
  Run history = p.Bellows("history --format json");
  CHECK(Has(history.out, "\"state\": \"failed\""));

  SUBCASE("a failing YAML migration with several steps is undone step by step") {
    p.Remove("0002_fails.sql");
    p.Write(
        "0002_alter.yaml",
        "operations:\n  - alter_column: {table: users, column: total, type: bigint, up: total}\n"
        "  - sql: {up: \"INSERT INTO nowhere VALUES (1)\", down: \"SELECT 1\"}\n");
    r = p.Bellows("start");
    CHECK(r.exit_code == 1);
    CHECK(Has(r.err, "no such table: nowhere"));
    CHECK(Observable(p) == before);
  }
}

}  // namespace bellows::e2e
