// Locks on PostgreSQL: a statement that cannot get its lock within --lock-timeout is retried and
// then fails naming the blocking session, leaving the database as it was; CREATE INDEX
// CONCURRENTLY waits for older transactions without blocking anyone and rebuilds an INVALID
// index a failed attempt left; a second runner waits for the first and names it.

#include <chrono>
#include <thread>

#include <doctest/doctest.h>

#include "tests/pg/pg_harness.h"

namespace bellows::pgtest {

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

void Seed(PgProject& pg, int rows) {
  pg.project.Write("0001_base.yaml", kBase);
  Run r = pg.project.Bellows("apply");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  PgConn c(pg.db.url());
  c.Must("INSERT INTO users (name) SELECT 'u' || g FROM generate_series(1, " +
         std::to_string(rows) + ") g");
}

}  // namespace

TEST_CASE("postgres: a lock held by the application makes bellows retry, then fail naming it") {
  PgProject pg;
  Seed(pg, 10);
  pg.project.Write("0002_add.yaml", R"yaml(operations:
  - add_column:
      table: users
      column: {name: email, type: text}
)yaml");
  PgConn holder(pg.db.url());
  holder.Must("SET application_name = 'report-job'");
  holder.Must("BEGIN");
  holder.Must("LOCK TABLE users IN ACCESS SHARE MODE");

  Run r = pg.project.Bellows("apply --lock-timeout 100ms --lock-retries 2");
  INFO(r.out, r.err);
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "lock"));
  CHECK(Has(r.err, "pid " + std::to_string(holder.Pid()) + " report-job"));
  CHECK(Has(r.err, "AccessShareLock on users"));
  holder.Must("COMMIT");

  PgConn c(pg.db.url());
  CHECK(c.Query("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name = 'users' AND column_name = 'email'") == Table{{"0"}});
  Run again = pg.project.Bellows("apply");
  INFO(again.err);
  CHECK(again.exit_code == 0);
  CHECK(c.Query("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name = 'users' AND column_name = 'email'") == Table{{"1"}});
}

TEST_CASE(
    "postgres: CREATE INDEX CONCURRENTLY outlives an old transaction and rebuilds an "
    "INVALID index") {
  PgProject pg;
  Seed(pg, 1000);
  pg.project.Write("0002_index.yaml", R"yaml(operations:
  - create_index: {name: users_name_idx, table: users, columns: [name]}
)yaml");
  // An open transaction with a snapshot: CONCURRENTLY must wait for it.
  PgConn holder(pg.db.url());
  holder.Must("BEGIN ISOLATION LEVEL REPEATABLE READ");
  holder.Query("SELECT count(*) FROM users");

  Run r;
  std::thread runner([&] {
    r = pg.project.Bellows("apply --concurrent-wait 300ms --lock-retries 20 --format json");
  });
  PgConn c(pg.db.url());
  // wait until the build is seen waiting, then long enough for its 300 ms wait to run out
  bool seen = false;
  for (int i = 0; i < 300 && !seen; ++i) {
    seen = c.Query(
               "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX "
               "CONCURRENTLY%' AND datname = current_database()") == Table{{"1"}};
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(seen);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  // the application keeps writing while the index waits
  CHECK(c.Exec("INSERT INTO users (name) VALUES ('during')") == "");
  holder.Must("COMMIT");
  runner.join();
  INFO(r.out, r.err);
  CHECK(r.exit_code == 0);
  CHECK(Has(r.err, "\"retry\""));  // at least one attempt timed out and was retried
  CHECK(c.Query("SELECT i.indisvalid FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid "
                "WHERE x.relname = 'users_name_idx'") == Table{{"t"}});
  CHECK(c.Query("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND tablename = "
                "'users'") == Table{{"2"}});
}

TEST_CASE("postgres: a second runner waits for the first, then reports it by name") {
  PgProject pg;
  Seed(pg, 3000);
  pg.project.Write("0002_slow.yaml", R"yaml(operations:
  - add_column:
      table: users
      column: {name: upper_name, type: text, nullable: false, default: "''"}
      up: upper(name)
)yaml");
  Project second;
  second.SetUrl(pg.db.url());
  second.Write("0001_base.yaml", kBase);
  second.Write("0002_slow.yaml", R"yaml(operations:
  - add_column:
      table: users
      column: {name: upper_name, type: text, nullable: false, default: "''"}
      up: upper(name)
)yaml");

  Run first;
  std::thread runner(
      [&] { first = pg.project.Bellows("apply --batch-size 100 --batch-pause 100ms"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  Run waiting = second.Bellows("apply --lock-wait 500ms");
  runner.join();
  INFO(first.err, waiting.err);
  CHECK(first.exit_code == 0);
  CHECK(waiting.exit_code == 5);
  CHECK(Has(waiting.err, "bellows/"));
  Run after = second.Bellows("apply");
  CHECK(after.exit_code == 0);
  PgConn c(pg.db.url());
  CHECK(c.Query("SELECT count(*) FROM bellows.history WHERE version = '2'") == Table{{"1"}});
}

}  // namespace bellows::pgtest

namespace bellows::pgtest {

TEST_CASE("postgres: an identity column on an existing table needs allow_copy: true") {
  PgProject pg;
  pg.project.Write("0001_things.yaml", R"yaml(operations:
  - create_table:
      table: things
      columns:
        - {name: code, type: varchar(10), primary_key: true}
        - {name: qty, type: integer}
)yaml");
  MustRun(pg.project, "apply");
  PgConn conn(pg.db.url());
  conn.Must("INSERT INTO things VALUES ('a', 5), ('b', 7)");
  const std::string op =
      "operations:\n  - add_column: {table: things, column: {name: serial, type: bigint, "
      "identity: true, unique: true}";
  pg.project.Write("0002_serial.yaml", op + "}\n");
  e2e::Run refused = pg.project.Bellows("start");
  CHECK(refused.exit_code == 4);
  CHECK(e2e::Has(refused.err, "rewrites the table"));
  CHECK(e2e::Has(refused.err, "allow_copy: true"));
  CHECK(conn.Query("SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                   "'public' AND table_name = 'things'") == Table{{"2"}});

  pg.project.Write("0002_serial.yaml", op + ", allow_copy: true}\n");
  e2e::Run plan = pg.project.Bellows("plan");
  REQUIRE(plan.exit_code == 0);
  CHECK(e2e::Has(plan.out, "ACCESS EXCLUSIVE for O(rows)"));
  MustRun(pg.project, "start");
  // The old version does not name the column; its inserts are numbered too.
  conn.Must("INSERT INTO things (code, qty) VALUES ('c', 9)");
  PgConn next(pg.db.url(), Latest(pg.project));
  CHECK(next.Query("SELECT code, serial FROM things ORDER BY serial") ==
        Table{{"a", "1"}, {"b", "2"}, {"c", "3"}});
  MustRun(pg.project, "complete");
  CHECK(conn.Query("SELECT code, serial FROM things ORDER BY code") ==
        Table{{"a", "1"}, {"b", "2"}, {"c", "3"}});
}

}  // namespace bellows::pgtest
