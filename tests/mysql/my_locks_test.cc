// Locks on MariaDB: a DDL statement that cannot get its metadata lock within --lock-timeout
// (lock_wait_timeout) is retried and then fails, leaving the database as it was; a second
// runner waits for the first (GET_LOCK on a dedicated connection) and names it.

#include <chrono>
#include <regex>
#include <thread>

#include <doctest/doctest.h>

#include "tests/mysql/my_harness.h"

namespace bellows::mytest {

using e2e::Has;
using e2e::Project;
using e2e::Run;

namespace {

const char* kBase = R"yaml(operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}
        - {name: name, type: text, nullable: false}
)yaml";

void Seed(MyProject& my, int rows) {
  my.project.Write("0001_base.yaml", kBase);
  Run r = my.project.Bellows("apply");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  MyConn c(my.db.url());
  c.Must("INSERT INTO users (name) SELECT CONCAT('u', seq) FROM seq_1_to_" + std::to_string(rows));
}

Table EmailColumn(MyConn& c, const std::string& db) {
  return c.Query("SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + db +
                 "' AND TABLE_NAME = 'users' AND COLUMN_NAME = 'email'");
}

}  // namespace

TEST_CASE("mysql: a lock held by the application makes bellows retry, then fail") {
  MyProject my;
  Seed(my, 10);
  const std::string& db = my.db.name();
  MyConn c(my.db.url());
  Table before = Observable(c, db);
  my.project.Write("0002_add.yaml", R"yaml(operations:
  - add_column:
      table: users
      column: {name: email, type: text}
)yaml");
  // an open transaction that read the table holds its metadata lock until it ends: every ALTER
  // of the table waits for it
  MyConn holder(my.db.url());
  holder.Must("BEGIN");
  CHECK(holder.Query("SELECT count(*) FROM users FOR UPDATE") == Table{{"10"}});

  auto begun = std::chrono::steady_clock::now();
  Run r = my.project.Bellows("apply --lock-timeout 1s --lock-retries 2");
  auto waited = std::chrono::steady_clock::now() - begun;
  INFO(r.out, r.err);
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "lock"));
  // three attempts of at least a second each
  CHECK(waited >= std::chrono::seconds(3));
  // the application kept its transaction: it was never killed
  CHECK(holder.Query("SELECT count(*) FROM users") == Table{{"10"}});
  holder.Must("COMMIT");

  CHECK(EmailColumn(c, db) == Table{{"0"}});
  CHECK(Observable(c, db) == before);
  CHECK(c.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '" +
                db + "\\_%'") == Table{{db + "_1"}});
  Run again = my.project.Bellows("apply");
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(EmailColumn(c, db) == Table{{"1"}});
}

// A version's views go out on several sessions (MysqlConnection::ExecuteUnordered); one that
// times out on whichever session sent it runs again on bellows' own, and the step is retried.
TEST_CASE("mysql: a version's view that waits for an application's table lock gets it later") {
  MyProject my;
  Project& p = my.project;
  const std::string& db = my.db.name();
  std::string up, down;
  for (int i = 1; i <= 30; ++i) {
    up += "CREATE TABLE t" + std::to_string(i) + " (id integer PRIMARY KEY);\n";
    down += "DROP TABLE t" + std::to_string(i) + ";\n";
  }
  p.Write("0001_tables.sql", "-- bellows:up\n" + up + "-- bellows:down\n" + down);
  p.Write("0002_extra.sql",
          "-- bellows:up\nCREATE TABLE extra (id integer PRIMARY KEY);\n"
          "-- bellows:down\nDROP TABLE extra;\n");
  MustRun(p, "apply --to 1");
  // LOCK TABLES ... WRITE keeps every other session from opening t12, which a view of it must
  MyConn holder(my.db.url());
  holder.Must("LOCK TABLES t12 WRITE");
  auto begun = std::chrono::steady_clock::now();
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    holder.Must("UNLOCK TABLES");
  });
  Run r = p.Bellows("apply --lock-timeout 1s --lock-retries 6");
  auto took = std::chrono::steady_clock::now() - begun;
  release.join();
  INFO(r.out, r.err);
  CHECK(r.exit_code == 0);
  CHECK(took >= std::chrono::milliseconds(2000));  // it did wait for the lock
  MyConn c(my.db.url());
  CHECK(c.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '" +
                db + "\\_%'") == Table{{db + "_2"}});
  CHECK(c.Query("SELECT count(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = '" + db +
                "_2'") == Table{{"31"}});
  CHECK(c.Query("SELECT count(*) FROM `" + db + "_2`.t12") == Table{{"0"}});
}

TEST_CASE("mysql: a second runner waits for the first, then reports it by name") {
  MyProject my;
  Seed(my, 2000);
  const char* slow = R"yaml(operations:
  - add_column:
      table: users
      column: {name: upper_name, type: text, nullable: false, default: "''"}
      up: upper(name)
)yaml";
  my.project.Write("0002_slow.yaml", slow);
  Project second;
  second.SetUrl(my.db.url());
  second.Write("0001_base.yaml", kBase);
  second.Write("0002_slow.yaml", slow);

  Run first;
  std::thread runner(
      [&] { first = my.project.Bellows("apply --batch-size 100 --batch-pause 100ms"); });
  // the first runner's connections, seen while it works: one of them holds the lock
  MyConn c(my.db.url());
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  Table runner_connections = c.Query("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '" +
                                     my.db.name() + "' AND ID <> CONNECTION_ID()");
  Run waiting = second.Bellows("apply --lock-wait 500ms");
  runner.join();
  INFO(first.err, waiting.err);
  CHECK(first.exit_code == 0);
  CHECK(waiting.exit_code == 5);
  // the holder is named: by the program name bellows gives itself, or by its connection id
  bool named = Has(waiting.err, "bellows/");
  for (const auto& id : runner_connections)
    named =
        named || std::regex_search(waiting.err, std::regex("(^|[^0-9])" + id[0] + "($|[^0-9])"));
  CHECK(named);
  Run after = second.Bellows("apply");
  CHECK(after.exit_code == 0);
  CHECK(c.Query("SELECT count(*) FROM bellows_history WHERE version = '2'") == Table{{"1"}});
  CHECK(c.Query("SELECT count(*) FROM users WHERE BINARY upper_name = BINARY upper(name)") ==
        Table{{"2000"}});
}

}  // namespace bellows::mytest

namespace bellows::mytest {

TEST_CASE("mysql: a step that copies an existing table needs allow_copy: true") {
  MyProject my;
  my.project.Write("0001_things.yaml", R"yaml(operations:
  - create_table:
      table: things
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: qty, type: integer}
)yaml");
  MustRun(my.project, "apply");
  MyConn conn(my.db.url());
  conn.Must("INSERT INTO things VALUES (1, 5), (2, 7)");
  my.project.Write("0002_check.yaml",
                   "operations:\n  - create_constraint: {table: things, name: qty_positive, "
                   "type: check, check: qty > 0}\n");
  e2e::Run refused = my.project.Bellows("apply");
  CHECK(refused.exit_code == 4);
  CHECK(e2e::Has(refused.err, "0002_check.yaml:2:"));
  CHECK(e2e::Has(refused.err, "would copy table things"));
  CHECK(e2e::Has(refused.err, "allow_copy: true"));
  CHECK(conn.Query("SELECT COUNT(*) FROM information_schema.CHECK_CONSTRAINTS WHERE "
                   "CONSTRAINT_SCHEMA = DATABASE()") == Table{{"0"}});
  // The plan says it copies; with consent it runs.
  my.project.Write("0002_check.yaml",
                   "operations:\n  - create_constraint: {table: things, name: qty_positive, "
                   "type: check, check: qty > 0, allow_copy: true}\n");
  e2e::Run plan = my.project.Bellows("plan");
  REQUIRE(plan.exit_code == 0);
  CHECK(e2e::Has(plan.out, "copy"));
  CHECK(e2e::Has(plan.out, "/*bellows:copy*/ ALTER TABLE"));
  MustRun(my.project, "apply");
  CHECK(!conn.Exec("INSERT INTO things VALUES (3, -1)").empty());
  // An identity column cannot be added to an existing table on MySQL/MariaDB yet: refused
  // before anything runs.
  my.project.Write("0003_serial.yaml",
                   "operations:\n  - add_column: {table: things, column: {name: serial, type: "
                   "bigint, identity: true, unique: true}, allow_copy: true}\n");
  e2e::Run identity = my.project.Bellows("apply");
  CHECK(identity.exit_code == 4);
  CHECK(e2e::Has(identity.err, "cannot add an AUTO_INCREMENT column to an existing table"));
  CHECK(conn.Query("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                   "DATABASE() AND TABLE_NAME = 'things'") == Table{{"2"}});
}

}  // namespace bellows::mytest
