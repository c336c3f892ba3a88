// Reliability on MariaDB (issue 7): eight runners at once apply each migration once, a runner
// killed while it holds the lock leaves nothing that blocks the next one, a connection lost in
// the middle of a backfill gives a clear error and the batch resumes, and a password never shows
// in any output or state row.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "tests/e2e/hostile_cases.h"
#include "tests/e2e/kill_cases.h"
#include "tests/mysql/my_harness.h"

namespace bellows::mytest {

using e2e::Has;
using e2e::Project;
using e2e::Run;
using e2e::ShellQuote;

namespace {

const int kKilled = 128 + 9;
const char* kPassword = "Sup3r-S3cret-pw";

const char* kUsers = R"yaml(operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}
        - {name: name, type: text, nullable: false}
)yaml";

// Several steps: a shadow column and its triggers (MariaDB DDL, each statement committed on its
// own), a batched backfill, the new version's views, then the swap at contract.
const char* kNameLen = R"yaml(description: users.name_len, filled from name
operations:
  - add_column:
      table: users
      column: {name: name_len, type: integer, nullable: false}
      up: CHAR_LENGTH(name) + 1000
)yaml";

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// Applies 0001 (users) and inserts `rows` users, as an application would.
void SeedUsers(MyProject& my, int rows) {
  my.project.Write("0001_users.yaml", kUsers);
  MustRun(my.project, "apply");
  MyConn c(my.db.url());
  c.Must("INSERT INTO users (name) SELECT CONCAT('u', seq) FROM seq_1_to_" + std::to_string(rows));
}

// Name, nullability and type of the columns of users, in order.
Table UserColumns(MyConn& c, const std::string& db) {
  return c.Query(
      "SELECT COLUMN_NAME, IS_NULLABLE, DATA_TYPE FROM information_schema.COLUMNS WHERE "
      "TABLE_SCHEMA = " +
      Quote(db) + " AND TABLE_NAME = 'users' ORDER BY ORDINAL_POSITION");
}

// The version databases of `db`, without its name: comparable between databases.
Table VersionSuffixes(MyConn& c, const std::string& db) {
  Table out =
      c.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE " +
              Quote(db + "\\_%") + " ORDER BY 1");
  for (auto& r : out) r[0] = r[0].substr(db.size());
  return out;
}

// The first line of `text` that contains `part` ("" when none does).
std::string LineWith(const std::string& text, const std::string& part) {
  size_t at = text.find(part);
  if (at == std::string::npos) return "";
  size_t begin = text.rfind('\n', at);
  begin = begin == std::string::npos ? 0 : begin + 1;
  size_t end = text.find('\n', at);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

// `url` with `user` and `password` (none when empty) as its credentials.
std::string WithAccount(const std::string& url, const std::string& user,
                        const std::string& password) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t end = url.find_first_of("/?", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  size_t at = authority.rfind('@');
  std::string host = at == std::string::npos ? authority : authority.substr(at + 1);
  return url.substr(0, start) + user + (password.empty() ? "" : ":" + password) + "@" + host +
         (end == std::string::npos ? "" : url.substr(end));
}

// `url` with the query parameter `param` ("name=value") added.
std::string WithParam(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

// Runs `work` on a thread that is joined before the test's locals go away, even when a REQUIRE
// ends the test early.
class Background {
 public:
  explicit Background(std::function<void()> work) : thread_(std::move(work)) {}
  ~Background() { Join(); }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

// A MariaDB account with a password and every privilege (bellows creates the version
// databases), for TCP and socket connections alike; dropped when the test ends.
class Account {
 public:
  Account(const std::string& user, const std::string& password) : admin_(ServerUrl()) {
    for (const char* host : {"127.0.0.1", "localhost"}) {
      std::string account = Quote(user) + "@" + Quote(host);
      accounts_.push_back(account);
      admin_.Must("DROP USER IF EXISTS " + account);
      admin_.Must("CREATE USER " + account + " IDENTIFIED BY " + Quote(password));
      admin_.Must("GRANT ALL PRIVILEGES ON *.* TO " + account);
    }
  }
  ~Account() {
    for (const std::string& account : accounts_) {
      std::string ignored = admin_.Exec("DROP USER IF EXISTS " + account);
      (void)ignored;
    }
  }
  Account(const Account&) = delete;
  Account& operator=(const Account&) = delete;

 private:
  MyConn admin_;
  std::vector<std::string> accounts_;
};

}  // namespace

TEST_CASE("mysql: eight runners at once apply each migration exactly once") {
  MyProject my;
  Project& p = my.project;
  const std::string& db = my.db.name();
  p.Write("0001_users.yaml", kUsers);
  p.Write("0002_log.sql",
          "-- bellows:up\nCREATE TABLE applied_log (id INTEGER AUTO_INCREMENT PRIMARY KEY, version "
          "INTEGER NOT NULL);\n-- bellows:down\nDROP TABLE applied_log;\n");
  // each later migration leaves a row in applied_log: a migration run twice leaves two
  for (int i = 3; i <= 6; ++i) {
    std::string n = std::to_string(i);
    p.Write("000" + n + "_t" + n + ".sql",
            "-- bellows:up\nCREATE TABLE t" + n + " (id INTEGER PRIMARY KEY);\n" +
                "INSERT INTO applied_log (version) VALUES (" + n + ");\n-- bellows:down\n" +
                "DROP TABLE t" + n + ";\nDELETE FROM applied_log WHERE version = " + n + ";\n");
  }
  std::string runner = ShellQuote(BELLOWS_BIN) + " --dir migrations --url " + ShellQuote(p.url()) +
                       " apply -q --lock-wait 60s";
  std::string script = "for i in 1 2 3 4 5 6 7 8; do (" + runner +
                       " > run$i.out 2>&1; echo $? > run$i.code) & done; wait";
  Run all = e2e::Shell(p.dir(), "sh -c " + ShellQuote(script));
  INFO(all.out, all.err);
  REQUIRE(all.exit_code == 0);

  int succeeded = 0, applied = 0, idle = 0;
  for (int i = 1; i <= 8; ++i) {
    std::string base = p.dir() + "/run" + std::to_string(i);
    std::string code = e2e::ReadAll(base + ".code");
    std::string out = e2e::ReadAll(base + ".out");
    INFO("runner ", i, " exited ", code, " with: ", out);
    CHECK(code == "0\n");
    CHECK_FALSE(Has(out, "error"));
    if (code == "0\n") ++succeeded;
    if (Has(out, "applied: 1, 2, 3, 4, 5, 6")) ++applied;
    if (Has(out, "nothing to do")) ++idle;
  }
  CHECK(succeeded == 8);
  // the first runner to get the lock applied everything; the others found nothing left
  CHECK(applied == 1);
  CHECK(idle == 7);

  MyConn c(my.db.url());
  CHECK(c.Query("SELECT version, count(*) FROM bellows_history GROUP BY version "
                "ORDER BY CAST(version AS UNSIGNED)") ==
        Table{{"1", "1"}, {"2", "1"}, {"3", "1"}, {"4", "1"}, {"5", "1"}, {"6", "1"}});
  CHECK(c.Query("SELECT count(*) FROM bellows_history WHERE state <> 'completed'") == Table{{"0"}});
  CHECK(c.Query("SELECT version, count(*) FROM applied_log GROUP BY version ORDER BY version") ==
        Table{{"3", "1"}, {"4", "1"}, {"5", "1"}, {"6", "1"}});
  CHECK(
      c.Query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + Quote(db) +
              " AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT LIKE 'bellows\\_%' ORDER BY 1") ==
      Table{{"applied_log"}, {"t3"}, {"t4"}, {"t5"}, {"t6"}, {"users"}});
  Run status = p.Bellows("status");
  INFO(status.out, status.err);
  CHECK(status.exit_code == 0);
  CHECK(Has(status.out, "in flight: none"));
  CHECK(Has(status.out, "pending: none"));
}

TEST_CASE("mysql: a runner killed while holding the lock does not block the next one") {
  const std::string apply = "apply --batch-size 300";
  Table expected, expected_versions;
  {
    MyProject clean;
    SeedUsers(clean, 1000);
    clean.project.Write("0002_name_len.yaml", kNameLen);
    MustRun(clean.project, apply);
    MyConn c(clean.db.url());
    expected = Observable(c, clean.db.name());
    expected_versions = VersionSuffixes(c, clean.db.name());
  }
  REQUIRE(expected_versions == Table{{"_2"}});

  // Killed right after the batch was recorded (1), after the shadow column's ALTER was recorded
  // as running (2: a DDL statement is not transactional, so the next run must probe it), and
  // between two backfill batches (6).
  for (int n : {1, 2, 6}) {
    CAPTURE(n);
    MyProject my;
    const std::string& db = my.db.name();
    SeedUsers(my, 1000);
    my.project.Write("0002_name_len.yaml", kNameLen);
    Run killed = my.project.Bellows(apply, {{"BELLOWS_FAULT_AFTER_STEP", std::to_string(n)}});
    INFO(killed.out, killed.err);
    REQUIRE(killed.exit_code == kKilled);

    Run status = my.project.Bellows("status");
    INFO(status.out, status.err);
    CHECK(status.exit_code == 0);
    CHECK(Has(status.out, "in flight: batch"));
    CHECK(Has(status.out, "is starting"));
    if (n == 2) CHECK(Has(LineWith(status.out, "next step:"), "(interrupted while running)"));
    if (n == 6) CHECK(Has(LineWith(status.out, "next step:"), "backfill"));

    // the killed runner's lock went with its session: the next runner gets it at once
    Run next = my.project.Bellows("apply --lock-wait 5s");
    INFO(next.out, next.err);
    CHECK(next.exit_code == 0);
    CHECK_FALSE(Has(next.err, "waiting for the runner lock"));

    MyConn c(my.db.url());
    CHECK(UserColumns(c, db) ==
          Table{{"id", "NO", "bigint"}, {"name", "NO", "longtext"}, {"name_len", "NO", "int"}});
    CHECK(c.Query("SELECT count(*) FROM users") == Table{{"1000"}});
    CHECK(c.Query("SELECT count(*) FROM users WHERE name_len = CHAR_LENGTH(name) + 1000") ==
          Table{{"1000"}});
    CHECK(c.Query("SELECT state, count(*) FROM bellows_history WHERE version = '2' GROUP BY "
                  "state") == Table{{"completed", "1"}});
    CHECK(c.Query("SELECT count(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " +
                  Quote(db)) == Table{{"0"}});
    CHECK(Observable(c, db) == expected);
    CHECK(VersionSuffixes(c, db) == expected_versions);
    Run after = my.project.Bellows("status");
    CHECK(Has(after.out, "in flight: none"));
  }
}

namespace {

// Starts a backfill of kRows rows, and once its first batch committed, kills bellows' sessions
// on the database: the work session, and the runner lock's too when `with_lock`.
Run KillMidBackfill(MyProject& my, int rows, bool with_lock) {
  Project& p = my.project;
  const std::string& db = my.db.name();
  SeedUsers(my, rows);
  p.Write("0002_name_len.yaml", kNameLen);
  MyConn c(my.db.url());
  Run start;
  Background runner([&] { start = p.Bellows("start --batch-size 200 --batch-pause 20ms"); });
  // the backfill has begun once its first batch committed a checkpoint
  bool backfilling = false;
  for (int i = 0; i < 1000 && !backfilling; ++i) {
    backfilling = c.Query(
                      "SELECT count(*) FROM bellows_steps WHERE kind = 'backfill' AND "
                      "status <> 'done' AND checkpoint <> ''") == Table{{"1"}};
    if (!backfilling) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // As a network failure or a server restart would end them (bellows_lock names the lock's).
  std::vector<std::string> killed;
  if (backfilling) {
    Table lock = c.Query("SELECT connection_id FROM bellows_lock WHERE name = 'runner'");
    std::string lock_id = lock.empty() || with_lock ? "0" : lock[0][0];
    for (const auto& id : c.Query("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = " +
                                  Quote(db) + " AND ID <> CONNECTION_ID() AND ID <> " + lock_id)) {
      if (c.Exec("KILL CONNECTION " + id[0]).empty()) killed.push_back(id[0]);
    }
  }
  runner.Join();
  REQUIRE(backfilling);
  CHECK_FALSE(killed.empty());
  return start;
}

// After the run: every row filled, the column final, the migration completed, no trigger left.
void CheckNameLen(MyProject& my, int rows) {
  MyConn c(my.db.url());
  const std::string& db = my.db.name();
  CHECK(c.Query("SELECT count(*) FROM users") == Table{{std::to_string(rows)}});
  CHECK(c.Query("SELECT count(*) FROM users WHERE name_len = CHAR_LENGTH(name) + 1000") ==
        Table{{std::to_string(rows)}});
  CHECK(UserColumns(c, db) ==
        Table{{"id", "NO", "bigint"}, {"name", "NO", "longtext"}, {"name_len", "NO", "int"}});
  CHECK(c.Query("SELECT state, count(*) FROM bellows_history WHERE version = '2' GROUP BY "
                "state") == Table{{"completed", "1"}});
  CHECK(c.Query("SELECT count(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " +
                Quote(db)) == Table{{"0"}});
}

}  // namespace

TEST_CASE("mysql: a lost connection mid-backfill is reconnected and the batch redone") {
  MyProject my;
  Run start = KillMidBackfill(my, 20000, false);
  INFO(start.out, start.err);
  CHECK(start.exit_code == 0);
  CHECK(Has(start.err, "connection lost ("));
  CHECK(Has(start.err, "reconnected, retrying the batch (attempt 1 of 3)"));
  Run complete = my.project.Bellows("complete");
  INFO(complete.out, complete.err);
  REQUIRE(complete.exit_code == 0);
  CheckNameLen(my, 20000);
}

TEST_CASE("mysql: losing the work and lock sessions mid-backfill exits 6 and resumes") {
  MyProject my;
  Project& p = my.project;
  Run start = KillMidBackfill(my, 20000, true);
  INFO(start.out, start.err);
  // SPEC 7.1: failed and not restored (the batch is half expanded); status says what is left.
  CHECK(start.exit_code == 6);
  CHECK(Has(start.err, "error: "));
  CHECK(Has(start.err, "0002"));  // the migration it stopped in
  CHECK(Has(start.err, "run the same command again to resume"));

  Run status = p.Bellows("status");
  INFO(status.out, status.err);
  CHECK(status.exit_code == 0);
  CHECK(Has(status.out, "in flight: batch"));
  CHECK(Has(status.out, "is starting"));
  CHECK(Has(LineWith(status.out, "next step:"), "backfill"));
  CHECK(Has(status.out, "run start to resume"));

  Run resumed = p.Bellows("start --batch-size 2000 --lock-wait 5s");
  INFO(resumed.out, resumed.err);
  CHECK(resumed.exit_code == 0);
  CHECK(Has(resumed.out + resumed.err, "resuming batch"));
  Run complete = p.Bellows("complete");
  INFO(complete.out, complete.err);
  REQUIRE(complete.exit_code == 0);
  CheckNameLen(my, 20000);
}

TEST_CASE("mysql: passwords never appear in any output or state row") {
  MyProject my;
  Project& p = my.project;
  const std::string& db = my.db.name();
  // unique per test run: the database is bellows_t_<pid>_<n>
  const std::string user = "bsecret" + db.substr(std::string("bellows_t").size());
  Account account(user, kPassword);
  const std::string url = WithAccount(my.db.url(), user, kPassword);
  p.SetUrl(url);

  // Every run: the expected exit code, and the password in neither stdout nor stderr.
  auto run = [&](const std::string& args, int code,
                 const std::map<std::string, std::string>& env = {}, bool plain = false) {
    Run r = p.Bellows(args, env, plain);
    INFO(args, "\n", r.out, r.err);
    CHECK(r.exit_code == code);
    CHECK_FALSE(Has(r.out, kPassword));
    CHECK_FALSE(Has(r.err, kPassword));
    return r;
  };
  auto with_url = [](const std::string& u, const std::string& args) {
    return "--dir migrations --url " + ShellQuote(u) + " " + args;
  };

  p.Write("0001_users.yaml", kUsers);
  run("apply", 0);
  {
    MyConn app(my.db.url());
    app.Must("INSERT INTO users (name) VALUES ('ann'), ('bob'), ('cy')");
  }
  p.Write("0002_name_len.yaml", kNameLen);
  run("plan", 0);
  run("start", 0);
  Run status = run("status", 0);
  CHECK(Has(status.out, user + ":***@"));
  CHECK(Has(status.out, "in flight: batch"));
  nlohmann::json j = e2e::JsonOf(run("--format json status", 0));
  CHECK(Has(j.value("database", std::string()), user + ":***@"));
  run("latest env", 0);
  run("latest sql", 0);
  run("drift", 0);
  run("complete", 0);
  run("status", 0);
  run("history", 0);
  run("history --format json", 0);
  run("plan", 0);
  run("--dir migrations status", 0, {{"BELLOWS_URL", url}}, true);
  run("--dir migrations status", 0, {{"DATABASE_URL", url}}, true);
  const std::string in_query =
      WithParam(WithAccount(my.db.url(), user, ""), std::string("password=") + kPassword);
  run(with_url(in_query, "status"), 0, {}, true);

  // failures: a migration with an SQL error, recorded in the state tables
  p.Write("0003_fails.sql",
          "-- bellows:up\nCREATE TABLE audit (id INTEGER PRIMARY KEY);\n"
          "INSERT INTO no_such_table VALUES (1);\n-- bellows:down\nDROP TABLE audit;\n");
  Run failed = run("apply", 1);
  CHECK(Has(failed.err, "no_such_table"));
  run("--format json apply", 1);
  run("-v apply", 1);
  Run failed_status = run("status", 0);
  CHECK(Has(failed_status.out, "failed: 3"));
  run("history --format json", 0);
  run("plan --format json", 0);
  // a wrong password, a database that does not exist, a port nobody listens on, a bad parameter
  const std::string wrong = WithAccount(my.db.url(), user, std::string(kPassword) + "-WRONG");
  Run denied = run(with_url(wrong, "status"), 2, {}, true);
  CHECK(Has(denied.err, "Access denied"));
  run(with_url(wrong, "--format json apply"), 2, {}, true);
  const std::string no_db = WithDatabase(url, db + "_nosuch");
  Run unknown = run(with_url(no_db, "status"), 2, {}, true);
  CHECK(Has(unknown.err, "Unknown database"));
  run(with_url(no_db, "--format json apply"), 2, {}, true);
  const std::string closed = "mysql://" + user + ":" + kPassword + "@127.0.0.1:1/" + db;
  run(with_url(closed, "status"), 2, {}, true);
  run(with_url(WithParam(url, "no-such-parameter=1"), "status"), 2, {}, true);
  run(with_url(WithParam(url, "ssl-mode=sometimes"), "--format json status"), 2, {}, true);

  // No row of any state table holds it, the failed migration's error included.
  MyConn c(my.db.url());
  Table tables = c.Query(
      "SELECT TABLE_NAME, GROUP_CONCAT(CONCAT('`', COLUMN_NAME, '`') ORDER BY ORDINAL_POSITION) "
      "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
      Quote(db) + " AND TABLE_NAME LIKE 'bellows\\_%' GROUP BY TABLE_NAME ORDER BY TABLE_NAME");
  std::set<std::string> names;
  for (const auto& t : tables) {
    names.insert(t[0]);
    INFO(t[0], " (", t[1], ")");
    CHECK(c.Query("SELECT count(*) FROM `" + db + "`.`" + t[0] + "` WHERE CONCAT_WS('|', " + t[1] +
                  ") LIKE " + Quote(std::string("%") + kPassword + "%")) == Table{{"0"}});
  }
  for (const char* t : {"bellows_batches", "bellows_history", "bellows_lock", "bellows_steps"})
    CHECK(names.count(t) == 1);
  CHECK(c.Query("SELECT count(*) FROM bellows_history WHERE state = 'failed' AND error LIKE "
                "'%no_such_table%'") != Table{{"0"}});
}

TEST_CASE("mysql: a mistyped URL does not show its password either") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  // an unescaped '@' or '/' in the password, a scheme without "//" or ':', a bad port, a bad
  // %-escape, no database: each is refused (exit 2) without the password
  for (const std::string url :
       {"mysql://app:Sup3r@S3cret@127.0.0.1:1/app", "mysql://app:Sup3r/S3cret@127.0.0.1:1/app",
        "mysql:app:Sup3r-S3cret-pw@127.0.0.1:1/app", "mysql//app:Sup3r-S3cret-pw@127.0.0.1:1/app",
        "mysql://app:Sup3r-S3cret-pw@127.0.0.1:port/app",
        "mysql://app:Sup3r%zzS3cret@127.0.0.1:1/app", "mysql://app:Sup3r-S3cret-pw@127.0.0.1:1"}) {
    for (const char* args : {"status", "--format json apply"}) {
      Run r = p.Bellows("--dir migrations --url " + ShellQuote(url) + " " + args, {}, true);
      INFO(url, " ", args, "\n", r.out, r.err);
      CHECK(r.exit_code == 2);
      CHECK_FALSE(Has(r.out + r.err, "S3cret"));
    }
  }
}

}  // namespace bellows::mytest

namespace bellows::mytest {

TEST_CASE("mysql: hostile identifiers in every kind of operation") {
  MyProject my;
  MyConn conn(my.db.url());
  e2e::FormatTarget t = Target(my, conn);
  e2e::HostileNamesLifecycle(t, '`');
}

// The application keeps inserting and updating through the old version (the base tables) while
// `start` is killed after record n and run again: no statement fails, and after complete every
// write the application saw succeed is there with the new column computed from it.
TEST_CASE("mysql: writers through a crash of start lose nothing") {
  auto prepare = [](MyProject& my) {
    SeedUsers(my, 40);
    my.project.Write("0002_name_len.yaml", kNameLen);
  };
  auto verify = [](MyProject& my, const std::vector<int>& written) {
    MyConn c(my.db.url());
    Table expected;
    for (int i : written) {
      std::string w = "w" + std::to_string(i);
      expected.push_back({w, std::to_string(w.size() + 1000)});
    }
    CHECK(c.Query("SELECT name, name_len FROM users WHERE id > 40 ORDER BY id") == expected);
    CHECK(c.Query("SELECT name FROM users WHERE id = 1") ==
          Table{{"w" + std::to_string(written.back())}});
    CHECK(c.Query("SELECT count(*) FROM users WHERE name_len <> CHAR_LENGTH(name) + 1000") ==
          Table{{"0"}});
  };
  e2e::WritersThroughKilledStart<MyProject, MyConn>({1, 3, 6}, "--batch-size 5 --batch-pause 5ms",
                                                    prepare, verify);
}

// SPEC 4 between start and complete: the server restarts (scripts/test.sh gives the command for
// the server it started). Both versions work again afterwards, and complete finishes the batch.
TEST_CASE("mysql: a server restart between start and complete") {
  const std::string restart = e2e::ServerCommand("BELLOWS_TEST_MYSQL_RESTART");
  if (restart.empty()) return;
  MyProject my;
  SeedUsers(my, 30);
  my.project.Write("0002_name_len.yaml", kNameLen);
  MustRun(my.project, "start --batch-size 7");
  const std::string new_version = Latest(my.project);
  REQUIRE(std::system(restart.c_str()) == 0);
  {
    MyConn old_app(my.db.url());
    old_app.Must("INSERT INTO users (name) VALUES ('old-after-restart')");
    MyConn new_app(my.db.url(), new_version);
    new_app.Must("INSERT INTO users (name, name_len) VALUES ('new-after-restart', 7)");
  }
  Run status = my.project.Bellows("status");
  INFO(status.out, status.err);
  CHECK(Has(status.out, "is expanded"));
  MustRun(my.project, "complete");
  MyConn c(my.db.url());
  CHECK(c.Query("SELECT count(*) FROM users") == Table{{"32"}});
  CHECK(c.Query("SELECT name_len FROM users WHERE name IN ('old-after-restart', "
                "'new-after-restart') ORDER BY id") == Table{{"1017"}, {"7"}});
  CHECK(c.Query("SELECT count(*) FROM users WHERE name LIKE 'u%' AND name_len <> "
                "CHAR_LENGTH(name) + 1000") == Table{{"0"}});
}

// SPEC 4.4 on MariaDB: bellows finds the replicas with SHOW SLAVE HOSTS, reads
// Seconds_Behind_Master on each, and waits while one is behind or stopped. A primary with a
// binary log and a real replica of it (scripts/servers.sh start mariadb-replication).
TEST_CASE("mysql: the backfill waits while a replica is stopped or behind --max-replica-lag") {
  const std::string servers = e2e::ServerCommand("BELLOWS_TEST_MYSQL_REPLICATION");
  if (servers.empty()) return;
  e2e::Project project;
  Run up = e2e::Shell(project.dir(), servers + " start mariadb-replication");
  e2e::RunAtExit stop(servers + " stop mariadb-replication >/dev/null 2>&1");
  INFO(up.out, up.err);
  REQUIRE(up.exit_code == 0);
  std::istringstream urls(up.out);
  std::string primary_url, replica_url;
  std::getline(urls, primary_url);
  std::getline(urls, replica_url);
  REQUIRE(!replica_url.empty());
  MyConn(primary_url).Must("CREATE DATABASE app");
  project.SetUrl(WithDatabase(primary_url, "app"));
  project.Write("0001_users.yaml", kUsers);
  MustRun(project, "apply");
  MyConn primary(WithDatabase(primary_url, "app"));
  primary.Must("INSERT INTO users (name) SELECT CONCAT('u', seq) FROM seq_1_to_3000");
  MyConn replica(replica_url);
  REQUIRE(e2e::WaitUntil(
      [&] { return replica.Query("SELECT count(*) FROM app.users") == Table{{"3000"}}; }));
  replica.Must("STOP SLAVE SQL_THREAD");

  project.Write("0002_name_len.yaml", kNameLen);
  // Without the wait, 30 batches end within about 3 s. The replica applies nothing for 6 s.
  Run start = e2e::RunHeldBack(
      project, "start --format json --max-replica-lag 1s --batch-size 100 --batch-pause 50ms", 6,
      [&] { replica.Must("START SLAVE SQL_THREAD"); });
  INFO(start.err);
  std::vector<nlohmann::json> waits = e2e::EventsOf(start, "replica_lag");
  REQUIRE(!waits.empty());
  CHECK(waits.front().at("lag_s").is_null());  // unknown: the replica's SQL thread is stopped
  CHECK(waits.front().at("table") == "users");
  CHECK(e2e::EventsOf(start, "backfill_progress").size() >= 30);
  MustRun(project, "complete");
  CHECK(primary.Query("SELECT count(*) FROM users WHERE name_len = CHAR_LENGTH(name) + 1000") ==
        Table{{"3000"}});
  CHECK(e2e::WaitUntil([&] {
    return replica.Query(
               "SELECT count(*) FROM app.users WHERE name_len = CHAR_LENGTH(name) + "
               "1000") == Table{{"3000"}};
  }));
}

}  // namespace bellows::mytest
