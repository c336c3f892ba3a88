// Reliability on SQLite (issue 7): a runner killed while it holds the lock, an application
// writing while bellows is killed and resumed, kills at random moments (fixed seeds, printed
// on failure), a full disk and a read-only database file. Nothing may be lost or half-written.

#include <atomic>
#include <chrono>
#include <random>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <doctest/doctest.h>

#include "tests/e2e/format_cases.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/hostile_cases.h"
#include "tests/e2e/kill_cases.h"

namespace bellows::e2e {

namespace {

const int kKilled = 128 + 9;

const char* kAccounts = R"yaml(operations:
  - create_table:
      table: accounts
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: owner, type: text, nullable: false}
        - {name: balance, type: integer}
)yaml";

const char* kWiden = R"yaml(description: balance becomes a NOT NULL bigint, currency is added
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
)yaml";

// accounts with `rows` rows (every third balance NULL) and the change pending.
void Seed(Project& p, int rows) {
  p.Write("0001_accounts.yaml", kAccounts);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  Db db(p.db_path());
  db.Must("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
          std::to_string(rows) +
          ") INSERT INTO accounts (owner, balance) SELECT 'o' || i, CASE WHEN i % 3 = 0 THEN NULL "
          "ELSE i * 100 END FROM n");
  p.Write("0002_widen.yaml", kWiden);
}

}  // namespace

TEST_CASE("reliability (sqlite): a runner killed while holding the lock does not block the next") {
  Project p;
  Seed(p, 20);
  Run killed = p.Bellows("apply --batch-size 5", {{"BELLOWS_FAULT_AFTER_STEP", "2"}});
  REQUIRE(killed.exit_code == kKilled);
  Db db(p.db_path());
  CHECK(db.Query("SELECT holder IS NOT NULL FROM bellows_lock") == Table{{"1"}});

  // The holder ran on this host and its process is gone: the lock is taken over at once,
  // long before --lock-stale (default 1 minute).
  auto began = std::chrono::steady_clock::now();
  Run next = p.Bellows("apply --lock-wait 10s");
  auto waited = std::chrono::steady_clock::now() - began;
  INFO(next.out, next.err);
  CHECK(next.exit_code == 0);
  CHECK(waited < std::chrono::seconds(10));
  CHECK(db.Query("SELECT count(*) FROM accounts WHERE balance IS NULL OR currency <> 'EUR'") ==
        Table{{"0"}});
  CHECK(db.Query("SELECT holder FROM bellows_lock") == Table{{"NULL"}});
}

TEST_CASE("reliability (sqlite): no write of the application is lost while bellows is killed") {
  Project clean;
  Seed(clean, 30);
  REQUIRE(clean.Bellows("start --batch-size 4").exit_code == 0);
  REQUIRE(clean.Bellows("complete").exit_code == 0);
  Db clean_db(clean.db_path());
  const Table seeded = Rows(clean_db, "accounts", "id, owner, balance, currency");

  for (int n : {1, 3, 5, 8}) {
    CAPTURE(n);
    Project p;
    Seed(p, 30);
    // The application (old version: the tables themselves) inserts and updates all along,
    // retrying while bellows holds SQLite's write lock.
    std::atomic<bool> stop{false};
    std::vector<int> written;
    int failed = 0;
    std::thread app([&] {
      Db conn(p.db_path());
      conn.Must("PRAGMA busy_timeout = 2000");
      for (int i = 1; !stop; ++i) {
        std::string sql = "INSERT INTO accounts (owner, balance) VALUES ('w" + std::to_string(i) +
                          "', " + std::to_string(i) + "); " +
                          "UPDATE accounts SET balance = " + std::to_string(i) + " WHERE id = 1";
        std::string error = conn.Exec(sql);
        if (error.empty()) {
          written.push_back(i);
        } else {
          ++failed;  // the statement failed as a whole: the application would retry
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(3));
      }
    });
    Run killed = p.Bellows("start --batch-size 4 --batch-pause 5ms",
                           {{"BELLOWS_FAULT_AFTER_STEP", std::to_string(n)}});
    Run resumed = p.Bellows("start --batch-size 4");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
    app.join();
    INFO(killed.err, resumed.err);
    CHECK(killed.exit_code == kKilled);
    REQUIRE(resumed.exit_code == 0);
    REQUIRE(p.Bellows("complete").exit_code == 0);

    Db db(p.db_path());
    CHECK(failed == 0);
    REQUIRE_FALSE(written.empty());
    // Every write the application saw succeed is there, converted by the change.
    Table expected;
    for (int i : written) expected.push_back({"w" + std::to_string(i), std::to_string(i), "EUR"});
    CHECK(db.Query("SELECT owner, balance, currency FROM accounts WHERE owner LIKE 'w%' ORDER BY "
                   "id") == expected);
    CHECK(db.Query("SELECT balance FROM accounts WHERE id = 1") ==
          Table{{std::to_string(written.back())}});
    // The seeded rows other than the updated one are as a run that never crashed leaves them.
    Table rows = Rows(db, "accounts", "id, owner, balance, currency");
    rows.resize(seeded.size());
    CHECK(Table(rows.begin() + 1, rows.end()) == Table(seeded.begin() + 1, seeded.end()));
  }
}

TEST_CASE("reliability (sqlite): kills at random moments resume to the clean result") {
  Project clean;
  Seed(clean, 200);
  REQUIRE(clean.Bellows("start --batch-size 10").exit_code == 0);
  REQUIRE(clean.Bellows("complete").exit_code == 0);
  const Table expected = Observable(clean);
  // The shared case wants the project as a member, like the server suites' projects.
  struct FileProject {
    Project project;
  };
  CHECK(KillAtRandomMoments<FileProject>(
            6, "--batch-size 10 --batch-pause 2ms", [](FileProject& f) { Seed(f.project, 200); },
            [&expected](FileProject& f) { CHECK(Observable(f.project) == expected); }) >= 3);
}

TEST_CASE("reliability (sqlite): a full disk fails the migration and changes nothing") {
  Project p;
  Seed(p, 10);
  p.Remove("0002_widen.yaml");
  REQUIRE(p.Bellows("apply").exit_code == 0);
  const Table before = Observable(p);
  p.Write("0002_bulk.sql",
          "CREATE TABLE bulk (id INTEGER PRIMARY KEY, payload TEXT);\n"
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)\n"
          "INSERT INTO bulk (payload) SELECT printf('%.200c', 'x') FROM n;\n");
  struct stat st {};
  REQUIRE(stat(p.db_path().c_str(), &st) == 0);
  // A file size limit of the database's size plus 64 KiB stands in for a full disk: writes past
  // it fail with EFBIG (SIGXFSZ ignored), as they would with ENOSPC.
  const long blocks = (static_cast<long>(st.st_size) + 65536) / 1024;  // bash: 1 KiB units
  Run full =
      Shell(p.dir(), "sh -c " + ShellQuote("trap '' XFSZ; ulimit -f " + std::to_string(blocks) +
                                           "; exec " + p.Command("apply")));
  INFO(full.out, full.err);
  CHECK((full.exit_code == 1 || full.exit_code == 2));
  CHECK((Has(full.err, "full") || Has(full.err, "disk I/O") || Has(full.err, "too large")));
  CHECK(Observable(p) == before);
  Db db(p.db_path());
  CHECK(db.Query("SELECT count(*) FROM bellows_history WHERE version = '2' AND state = "
                 "'completed'") == Table{{"0"}});

  Run retried = p.Bellows("apply");
  INFO(retried.err);
  CHECK(retried.exit_code == 0);
  CHECK(db.Query("SELECT count(*) FROM bulk") == Table{{"20000"}});
}

TEST_CASE("reliability (sqlite): a read-only database is refused with a clear error") {
  Project p;
  Seed(p, 5);
  const Table before = Observable(p);
  // As root file modes do not stop writes: the run is made as an unprivileged user then.
  std::string as;
  if (geteuid() == 0) {
    REQUIRE(Shell(p.dir(), "chmod 0755 . migrations && chmod 0644 migrations/*").exit_code == 0);
    as = "runuser -u nobody -- ";
  }
  REQUIRE(chmod(p.db_path().c_str(), 0444) == 0);
  Run r = Shell(p.dir(), as + p.Command("apply"));
  INFO(r.out, r.err);
  CHECK((r.exit_code == 1 || r.exit_code == 2));
  CHECK((Has(r.err, "readonly") || Has(r.err, "read-only") || Has(r.err, "permission")));
  CHECK(Observable(p) == before);

  Run missing =
      p.Bellows("--dir migrations --url sqlite:" + p.dir() + "/no/such/dir/app.db apply", {}, true);
  INFO(missing.err);
  CHECK(missing.exit_code == 2);
  CHECK(Has(missing.err, "does not exist"));
  struct stat st {};
  CHECK(stat((p.dir() + "/no").c_str(), &st) != 0);
}

}  // namespace bellows::e2e

namespace bellows::e2e {

TEST_CASE("reliability (sqlite): hostile identifiers in every kind of operation") {
  Project project;
  FormatTarget t = SqliteTarget(project);
  HostileNamesLifecycle(t, '"');
}

}  // namespace bellows::e2e
