// Crash and resume (SPEC 4.0): bellows is killed with SIGKILL right after each state record
// it commits (BELLOWS_FAULT_AFTER_STEP=N); status must say where it stopped, and the next
// run must resume (or roll back) to exactly the state of a run that never crashed.

#include <functional>

#include <doctest/doctest.h>

#include "tests/e2e/harness.h"
#include "tests/e2e/kill_cases.h"

namespace bellows::e2e {

namespace {

const char* kBase = R"yaml(operations:
  - create_table:
      table: accounts
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: owner, type: text, nullable: false}
        - {name: balance, type: integer}
        - {name: legacy, type: text}
  - create_index: {name: accounts_owner_idx, table: accounts, columns: [owner]}
)yaml";

const char* kChange = R"yaml(description: several expand/contract operations on one table
operations:
  - alter_column:
      table: accounts
      column: balance
      type: bigint
      nullable: false
      up: COALESCE(balance, 0)
      down: balance
  - add_column:
      table: accounts
      column: {name: currency, type: varchar(3), nullable: false, default: "'EUR'"}
      up: "'EUR'"
  - rename_column: {table: accounts, from: owner, to: holder}
  - drop_column: {table: accounts, column: legacy}
  - create_index: {name: accounts_currency_idx, table: accounts, columns: [currency]}
)yaml";

const int kKilled = 128 + 9;

void Setup(Project& p) {
  p.Write("0001_accounts.yaml", kBase);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  Db db(p.db_path());
  for (int i = 1; i <= 10; ++i) {
    db.Must("INSERT INTO accounts (owner, balance, legacy) VALUES ('o" + std::to_string(i) + "', " +
            (i % 3 == 0 ? std::string("NULL") : std::to_string(i * 100)) + ", 'x')");
  }
  p.Write("0002_change.yaml", kChange);
}

std::map<std::string, std::string> Fault(int n) {
  return {{"BELLOWS_FAULT_AFTER_STEP", std::to_string(n)}};
}

}  // namespace

TEST_CASE("crash: start killed after every record resumes to the clean result") {
  Project clean;
  Setup(clean);
  REQUIRE(clean.Bellows("start --batch-size 3").exit_code == 0);
  REQUIRE(clean.Bellows("complete").exit_code == 0);
  const Table expected = Observable(clean);

  int crashes = 0;
  for (int n = 1; n < 100; ++n) {
    CAPTURE(n);
    Project p;
    Setup(p);
    Run r = p.Bellows("start --batch-size 3", Fault(n));
    if (r.exit_code == 0) break;
    REQUIRE(r.exit_code == kKilled);
    ++crashes;
    Run status = p.Bellows("status");
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("in flight: batch") != std::string::npos);
    // Killed after the last record, the batch is already expanded; before it, start resumes.
    if (status.out.find("is expanded") == std::string::npos) {
      CHECK(status.out.find("is starting") != std::string::npos);
      Run resumed = p.Bellows("start --batch-size 3");
      INFO(resumed.err);
      REQUIRE(resumed.exit_code == 0);
    } else {
      CHECK(p.Bellows("start").exit_code == 7);  // refuses an expanded batch
    }
    REQUIRE(p.Bellows("complete").exit_code == 0);
    CHECK(Observable(p) == expected);
  }
  CHECK(crashes >= 8);  // every expand step and every backfill batch was a crash point
}

// Kills `command` after each record n = 1, 2, ... of a project that `prepare` sets up; status
// must name the state the batch is left in (`interrupted_state`), and the same command run
// again must finish it to `expected`. Returns how many runs were killed.
int KillEverywhere(const std::function<void(Project&)>& prepare, const std::string& command,
                   const std::string& interrupted_state, const Table& expected) {
  int crashes = 0;
  for (int n = 1; n < 100; ++n) {
    CAPTURE(n);
    Project p;
    prepare(p);
    Run r = p.Bellows(command, Fault(n));
    if (r.exit_code == 0) break;
    REQUIRE(r.exit_code == kKilled);
    ++crashes;
    Run status = p.Bellows("status");
    CHECK(status.exit_code == 0);
    // Killed after its last record, the command had finished; before it, it resumes.
    if (status.out.find("in flight: none") == std::string::npos) {
      CHECK(status.out.find("is " + interrupted_state) != std::string::npos);
      Run resumed = p.Bellows(command);
      INFO(resumed.err);
      REQUIRE(resumed.exit_code == 0);
    }
    CHECK(Observable(p) == expected);
  }
  return crashes;
}

TEST_CASE("crash: complete killed after every record resumes to the clean result") {
  Project clean;
  Setup(clean);
  REQUIRE(clean.Bellows("start").exit_code == 0);
  REQUIRE(clean.Bellows("complete").exit_code == 0);
  auto started = [](Project& p) {
    Setup(p);
    REQUIRE(p.Bellows("start").exit_code == 0);
  };
  CHECK(KillEverywhere(started, "complete", "completing", Observable(clean)) >= 5);
}

TEST_CASE("crash: rollback killed after every record rolls back to the state before start") {
  Project before;
  Setup(before);
  auto started = [](Project& p) {
    Setup(p);
    REQUIRE(p.Bellows("start").exit_code == 0);
  };
  CHECK(KillEverywhere(started, "rollback", "rolling_back", Observable(before)) >= 5);
}

TEST_CASE("crash: apply of the shop example killed anywhere is finished by the next apply") {
  Project clean;
  clean.CopyMigrations(ExamplesDir() + "/shop/migrations");
  REQUIRE(clean.Bellows("apply --to 7").exit_code == 0);
  REQUIRE(clean.Bellows("apply").exit_code == 0);
  Db clean_db(clean.db_path());
  const Table expected_schema = SchemaSql(clean_db);
  const Table expected_orders = clean_db.Query(
      "SELECT id, customer_id, status, total_cents, currency FROM orders ORDER BY id");

  int crashes = 0;
  for (int n = 1; n < 200; n += 3) {
    CAPTURE(n);
    Project p;
    p.CopyMigrations(ExamplesDir() + "/shop/migrations");
    REQUIRE(p.Bellows("apply --to 7").exit_code == 0);
    Run r = p.Bellows("apply", Fault(n));
    if (r.exit_code == 0) break;
    REQUIRE(r.exit_code == kKilled);
    ++crashes;
    Run resumed = p.Bellows("apply");
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
    Db db(p.db_path());
    CHECK(SchemaSql(db) == expected_schema);
    CHECK(
        db.Query("SELECT id, customer_id, status, total_cents, currency FROM orders ORDER BY id") ==
        expected_orders);
    CHECK(db.Query("SELECT count(*) FROM bellows_history WHERE state = 'completed'") ==
          Table{{"13"}});
  }
  CHECK(crashes >= 3);
}

}  // namespace bellows::e2e

namespace bellows::e2e {

TEST_CASE(
    "crash: create_constraint, rename_table, drop_table and sql killed after every record "
    "resume") {
  auto setup = [](Project& p) {
    WriteOtherOpsBase(p);
    REQUIRE(p.Bellows("apply").exit_code == 0);
    WriteOtherOps(p);
  };
  auto started = [&](Project& p) {
    setup(p);
    REQUIRE(p.Bellows("start").exit_code == 0);
  };
  Project before, completed;
  setup(before);
  started(completed);
  REQUIRE(completed.Bellows("complete").exit_code == 0);
  REQUIRE(Observable(completed) != Observable(before));
  Project expanded;
  started(expanded);
  int start = 0;
  for (int n = 1; n < 100; ++n) {
    CAPTURE(n);
    Project p;
    setup(p);
    Run r = p.Bellows("start", Fault(n));
    if (r.exit_code == 0) break;
    REQUIRE(r.exit_code == kKilled);
    ++start;
    Run status = p.Bellows("status");
    // Killed before its last record, start resumes; after it, the batch is already expanded.
    if (Has(status.out, "is starting")) REQUIRE(p.Bellows("start").exit_code == 0);
    CHECK(Has(p.Bellows("status").out, "is expanded"));
    CHECK(Observable(p) == Observable(expanded));
  }
  const int complete = KillEverywhere(started, "complete", "completing", Observable(completed));
  const int rollback = KillEverywhere(started, "rollback", "rolling_back", Observable(before));
  MESSAGE("runs killed: start " << start << ", complete " << complete << ", rollback " << rollback);
  CHECK(start >= 2);
  CHECK(complete >= 2);
  CHECK(rollback >= 2);
}

}  // namespace bellows::e2e

namespace bellows::e2e {

TEST_CASE("crash: many small migrations share transactions; a kill leaves whole migrations") {
  // SQLite runs consecutive small steps in one transaction for up to 50 ms: a kill after any
  // commit leaves a prefix of whole migrations, and the next apply does the rest.
  auto setup = [](Project& p) {
    for (int i = 1; i <= 300; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "%04d_t%d.sql", i, i);
      p.Write(name, "-- bellows:up\nCREATE TABLE t" + std::to_string(i) +
                        " (id INTEGER PRIMARY KEY);\nINSERT INTO t" + std::to_string(i) +
                        " VALUES (" + std::to_string(i) + ");\n-- bellows:down\nDROP TABLE t" +
                        std::to_string(i) + ";\n");
    }
  };
  Project clean;
  setup(clean);
  REQUIRE(clean.Bellows("apply").exit_code == 0);
  for (int n : {1, 2, 3}) {
    CAPTURE(n);
    Project p;
    setup(p);
    Run r = p.Bellows("apply", Fault(n));
    if (r.exit_code == 0) break;
    REQUIRE(r.exit_code == kKilled);
    {
      Db db(p.db_path());
      // Each table either exists with its row or not at all.
      for (const auto& t : db.Query("SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                                    "name LIKE 't%'")) {
        CHECK(db.Query("SELECT count(*) FROM " + t[0]) == Table{{"1"}});
      }
    }
    Run resumed = p.Bellows("apply");
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
    CHECK(Observable(p) == Observable(clean));
  }
  // A failure in the middle undoes the whole batch: nothing of it is left.
  Project failing;
  setup(failing);
  failing.Write("0150_t150.sql",
                "-- bellows:up\nINSERT INTO missing VALUES (1);\n-- bellows:down\nSELECT 1;\n");
  Run r = failing.Bellows("apply");
  CHECK(r.exit_code == 1);
  Db db(failing.db_path());
  CHECK(db.Query("SELECT count(*) FROM sqlite_schema WHERE name LIKE 't%'") == Table{{"0"}});
}

}  // namespace bellows::e2e
