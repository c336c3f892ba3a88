// Reliability on PostgreSQL (issue 7): concurrent runners serialize on the advisory lock, a
// killed runner's lock dies with its session, a connection lost mid-backfill fails with a clear
// error and resumes from the checkpoint, and passwords never reach output or the state tables.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/e2e/hostile_cases.h"
#include "tests/e2e/kill_cases.h"
#include "tests/pg/pg_harness.h"

namespace bellows::pgtest {

using e2e::Has;
using e2e::Project;
using e2e::Run;

namespace {

const char* kReliabilityUsers = R"yaml(operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}
        - {name: name, type: text, nullable: false}
)yaml";

// Several expand steps and a backfill: shadow column, triggers, NOT NULL check, batches.
const char* kReliabilityUpper = R"yaml(operations:
  - add_column:
      table: users
      column: {name: upper_name, type: text, nullable: false, default: "''"}
      up: upper(name)
)yaml";

const char* kReliabilityLabel = R"yaml(operations:
  - add_column:
      table: users
      column: {name: label, type: text, nullable: false, default: "''"}
      up: upper(name) || '!'
)yaml";

const char* kSecret = "Sup3r-S3cret-pw";

// Applies the users table and fills it with `rows` rows.
void SeedReliabilityUsers(PgProject& pg, int rows) {
  pg.project.Write("0001_users.yaml", kReliabilityUsers);
  MustRun(pg.project, "apply");
  PgConn c(pg.db.url());
  c.Must("INSERT INTO users (name) SELECT 'u' || g FROM generate_series(1, " +
         std::to_string(rows) + ") g");
}

// Joins a runner thread when the test leaves its scope, also when a REQUIRE throws.
struct JoinOnExit {
  std::thread& runner;
  ~JoinOnExit() {
    if (runner.joinable()) runner.join();
  }
};

// Waits (up to ~4 s) until the backfill of a batch in state `starting` has committed a
// checkpoint, so the next kill lands mid-backfill. Returns whether it did.
bool WaitForBackfillCheckpoint(PgConn& c) {
  for (int i = 0; i < 400; ++i) {
    Table t = c.Query(
        "SELECT count(*) FROM bellows.steps s JOIN bellows.batches b ON b.id = s.batch_id "
        "WHERE b.state = 'starting' AND s.kind = 'backfill' AND s.status <> 'done' AND "
        "coalesce(s.checkpoint, '') NOT IN ('', '[]')");
    if (t != Table{{"0"}}) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// bellows' sessions on this database (SPEC 4.3: application_name bellows/<ver>:<host>:<pid>);
// with `keep_lock`, not the one holding the runner's advisory lock.
std::string BellowsSessions(bool keep_lock) {
  return "FROM pg_stat_activity a WHERE a.datname = current_database() AND a.application_name "
         "LIKE 'bellows/%'" +
         std::string(keep_lock ? " AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid "
                                 "AND l.locktype = 'advisory' AND l.granted)"
                               : "");
}

// What a failed run printed from its "error:" line on (its progress lines before it name steps
// too), or "" when it printed no error.
std::string ErrorText(const Run& r) {
  size_t at = r.err.find("error:");
  return at == std::string::npos ? "" : r.err.substr(at);
}

// The first backfill_progress event of a --format json run's stderr (null when there is none).
nlohmann::json FirstBackfillProgress(const std::string& err) {
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_object() && e.value("event", "") == "backfill_progress") return e;
  }
  return nullptr;
}

// The server URL logged in as `user` with `password`, on `database`.
std::string UrlAs(const std::string& user, const std::string& password,
                  const std::string& database) {
  std::string url = WithDatabase(ServerUrl(), database);
  size_t scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t end = url.find_first_of("/?", start);
  size_t at = url.rfind('@', end);
  size_t host = at != std::string::npos && at >= start && at < end ? at + 1 : start;
  return url.substr(0, start) + user + ":" + password + "@" + url.substr(host);
}

// A superuser login role with a password, for one test; dropped with what it owns in the test
// database at the end (the database itself is dropped after it).
class SecretRole {
 public:
  SecretRole(const std::string& database_url, std::string name)
      : url_(database_url), name_(std::move(name)) {
    PgConn admin(url_);
    admin.Must("CREATE ROLE " + name_ + " LOGIN SUPERUSER PASSWORD '" + kSecret + "'");
  }
  ~SecretRole() {
    try {
      PgConn admin(url_);
      admin.Exec("DROP OWNED BY " + name_);
      admin.Exec("DROP ROLE IF EXISTS " + name_);
    } catch (const std::exception&) {
      // the server went away; scripts/test.sh removes its data directory
    }
  }
  SecretRole(const SecretRole&) = delete;
  SecretRole& operator=(const SecretRole&) = delete;
  const std::string& name() const { return name_; }

 private:
  std::string url_;
  std::string name_;
};

}  // namespace

TEST_CASE("postgres: eight runners at once apply each migration exactly once") {
  PgProject pg;
  Project& p = pg.project;
  p.Write("0001_users.yaml", kReliabilityUsers);
  for (int i = 2; i <= 6; ++i) {
    p.Write("000" + std::to_string(i) + "_t.sql",
            "CREATE TABLE t" + std::to_string(i) + " (id bigint PRIMARY KEY);\n");
  }
  std::string cmd =
      "cd " + e2e::ShellQuote(p.dir()) + " && for i in 1 2 3 4 5 6 7 8; do (" +
      e2e::ShellQuote(BELLOWS_BIN) + " --dir migrations --url " + e2e::ShellQuote(p.url()) +
      " apply -q --lock-wait 60s > run$i.out 2>&1; echo $? > run$i.code) & done; wait";
  REQUIRE(std::system(cmd.c_str()) == 0);
  int ok = 0;
  for (int i = 1; i <= 8; ++i) {
    std::string n = std::to_string(i);
    std::ifstream code_file(p.dir() + "/run" + n + ".code");
    int code = -1;
    code_file >> code;
    std::string out = e2e::ReadAll(p.dir() + "/run" + n + ".out");
    INFO("runner ", n, " exit ", code, ":\n", out);
    CHECK(code == 0);
    CHECK_FALSE(Has(out, "error"));
    if (code == 0) ++ok;
  }
  CHECK(ok == 8);
  PgConn c(pg.db.url());
  CHECK(c.Query("SELECT count(*), count(DISTINCT version), count(*) FILTER (WHERE state = "
                "'completed') FROM bellows.history") == Table{{"6", "6", "6"}});
  CHECK(c.Query("SELECT count(*) FROM bellows.batches WHERE state <> 'completed'") == Table{{"0"}});
  CHECK(c.Query("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' "
                "AND table_name IN ('users', 't2', 't3', 't4', 't5', 't6')") == Table{{"6"}});
  Run status = p.Bellows("status");
  INFO(status.out, status.err);
  CHECK(status.exit_code == 0);
  CHECK(Has(status.out, "pending: none"));
}

TEST_CASE("postgres: a runner killed while holding the lock does not block the next one") {
  PgProject clean;
  SeedReliabilityUsers(clean, 500);
  clean.project.Write("0002_upper.yaml", kReliabilityUpper);
  MustRun(clean.project, "apply");
  PgConn clean_conn(clean.db.url());
  const Table expected = Observable(clean_conn);

  PgProject pg;
  Project& p = pg.project;
  SeedReliabilityUsers(pg, 500);
  p.Write("0002_upper.yaml", kReliabilityUpper);
  // Killed (SIGKILL) after its third state record: mid-expand, with the lock held.
  Run killed = p.Bellows("apply", {{"BELLOWS_FAULT_AFTER_STEP", "3"}});
  INFO(killed.out, killed.err);
  REQUIRE(killed.exit_code == 128 + 9);
  Run status = p.Bellows("status");
  INFO(status.out, status.err);
  CHECK(status.exit_code == 0);
  CHECK(Has(status.out, "in flight: batch"));
  CHECK(Has(status.out, "is starting"));

  // The session-level advisory lock died with the killed runner's connection: the next runner
  // gets it at once instead of waiting out --lock-wait (exit 5).
  auto t0 = std::chrono::steady_clock::now();
  Run next = p.Bellows("apply --lock-wait 5s");
  auto waited = std::chrono::steady_clock::now() - t0;
  INFO(next.out, next.err);
  CHECK(next.exit_code == 0);
  CHECK(waited < std::chrono::seconds(5));
  CHECK(Has(next.out, "resuming batch"));

  PgConn c(pg.db.url());
  CHECK(Observable(c) == expected);
  CHECK(c.Query("SELECT count(*), count(*) FILTER (WHERE upper_name = upper(name)) FROM users") ==
        Table{{"500", "500"}});
  CHECK(c.Query("SELECT version, state FROM bellows.history ORDER BY id") ==
        Table{{"1", "completed"}, {"2", "completed"}});
  CHECK(c.Query("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE "
                "l.locktype = 'advisory' AND d.datname = current_database()") == Table{{"0"}});
}

TEST_CASE("postgres: a lost connection mid-backfill is reconnected and the batch redone") {
  PgProject pg;
  Project& p = pg.project;
  SeedReliabilityUsers(pg, 20000);
  p.Write("0002_label.yaml", kReliabilityLabel);
  PgConn c(pg.db.url());

  Run start;
  std::thread runner([&] { start = p.Bellows("start --batch-size 200 --batch-pause 20ms"); });
  JoinOnExit join_runner{runner};
  bool backfilling = WaitForBackfillCheckpoint(c);
  CHECK(backfilling);
  // The session doing the work goes away (a network cut, a DBA, a failover); the lock's session
  // stays, so bellows may carry on: it opens a new session and redoes the batch that was lost.
  Table terminated = c.Query("SELECT count(pg_terminate_backend(a.pid)) " + BellowsSessions(true));
  runner.join();
  CHECK(terminated == Table{{"1"}});
  INFO("start:\n", start.out, start.err);
  CHECK(start.exit_code == 0);
  CHECK(Has(start.err, "connection lost ("));
  CHECK(Has(start.err, "reconnected, retrying the batch (attempt 1 of 3)"));
  // The new session is set up as the first: it names itself, so the lock holder report and
  // pg_stat_activity still show bellows.
  Run status = p.Bellows("status");
  CHECK(Has(status.out, "is expanded"));

  Run complete = p.Bellows("complete");
  INFO("complete:\n", complete.out, complete.err);
  CHECK(complete.exit_code == 0);
  CHECK(c.Query("SELECT count(*), count(*) FILTER (WHERE label = upper(name) || '!') FROM users") ==
        Table{{"20000", "20000"}});
  CHECK(c.Query("SELECT version, state FROM bellows.history ORDER BY id") ==
        Table{{"1", "completed"}, {"2", "completed"}});
}

TEST_CASE(
    "postgres: losing every bellows connection mid-backfill never exits 5 and leaves the batch "
    "resumable") {
  PgProject pg;
  Project& p = pg.project;
  SeedReliabilityUsers(pg, 3000);
  p.Write("0002_label.yaml", kReliabilityLabel);
  PgConn c(pg.db.url());
  // Which bellows session notices first (the worker or the runner lock's) depends on timing, so
  // the kill is repeated at different moments of the batch loop.
  for (int round = 0; round < 10; ++round) {
    CAPTURE(round);
    Run killed;
    std::thread runner([&] { killed = p.Bellows("start --batch-size 100 --batch-pause 20ms"); });
    JoinOnExit join_runner{runner};
    bool backfilling = WaitForBackfillCheckpoint(c);
    std::this_thread::sleep_for(std::chrono::milliseconds(round * 7 % 30));
    Table terminated =
        c.Query("SELECT count(pg_terminate_backend(a.pid)) " + BellowsSessions(false));
    runner.join();
    INFO("start:\n", killed.out, killed.err);
    REQUIRE(backfilling);
    CHECK(terminated == Table{{"2"}});
    // 6: failed and not restored, whether bellows noticed the lost work session or the lost lock
    // first. Never 5, which means the lock was not acquired within --lock-wait.
    CHECK(killed.exit_code == 6);
    const std::string error_text = ErrorText(killed);
    CHECK((Has(error_text, "connection") || Has(error_text, "runner lock")));

    Run status = p.Bellows("status");
    INFO("status:\n", status.out, status.err);
    CHECK(status.exit_code == 0);
    CHECK(Has(status.out, "is starting"));
    if (!Has(status.out, "in flight: batch")) break;
    if (round == 0) {
      // start resumes from the committed checkpoint: its backfill counts only the rows left.
      std::string next_step =
          status.out.substr(std::min(status.out.find("next step:"), status.out.size()));
      CHECK(Has(next_step.substr(0, next_step.find('\n')), "backfill"));
      Run resumed = p.Bellows("start --format json");
      INFO("resumed start:\n", resumed.out, resumed.err);
      REQUIRE(resumed.exit_code == 0);
      nlohmann::json progress = FirstBackfillProgress(resumed.err);
      REQUIRE(progress.is_object());
      long long rows_left = progress.value("rows_total", -1LL);
      CHECK(rows_left > 0);
      CHECK(rows_left < 3000);
    }
    Run undo = p.Bellows("rollback");
    INFO("rollback:\n", undo.out, undo.err);
    REQUIRE(undo.exit_code == 0);
  }
  MustRun(p, "apply");
  CHECK(c.Query("SELECT count(*), count(*) FILTER (WHERE label = upper(name) || '!') FROM users") ==
        Table{{"3000", "3000"}});
}

TEST_CASE("postgres: passwords never appear in any output or state row") {
  PgProject pg;
  Project& p = pg.project;
  SecretRole role(pg.db.url(), "bellows_secret_" + pg.db.name());
  const std::string url = UrlAs(role.name(), kSecret, pg.db.name());
  p.SetUrl(url);
  p.Write("0001_users.yaml", kReliabilityUsers);
  p.Write("0002_audit.sql", "CREATE TABLE audit (id bigint PRIMARY KEY);\n");

  auto check = [&](const std::string& what, const Run& r, int exit_code) {
    INFO(what, " (exit ", r.exit_code, "):\n", r.out, r.err);
    CHECK(r.exit_code == exit_code);
    CHECK_FALSE(Has(r.out, "Sup3r"));
    CHECK_FALSE(Has(r.err, "Sup3r"));
  };
  check("plan", p.Bellows("plan"), 0);
  check("apply", p.Bellows("apply"), 0);
  check("status", p.Bellows("status"), 0);
  check("history", p.Bellows("history"), 0);
  check("plan, nothing pending", p.Bellows("plan"), 0);
  check("json status", p.Bellows("--format json status"), 0);
  check("json history", p.Bellows("history --format json"), 0);
  check("latest env", p.Bellows("latest env"), 0);
  check("latest sql", p.Bellows("latest sql"), 0);
  check("drift", p.Bellows("drift"), 0);
  check("verbose status", p.Bellows("-v status"), 0);
  check("DATABASE_URL status", p.Bellows("--dir migrations status", {{"DATABASE_URL", url}}, true),
        0);

  // A SQL error mid-migration: undone and recorded (exit 1), the error kept in the state tables.
  p.Write("0003_fails.sql",
          "-- bellows:up\nCREATE TABLE scratch (id bigint PRIMARY KEY);\n"
          "INSERT INTO no_such_table VALUES (1);\n-- bellows:down\nDROP TABLE scratch;\n");
  Run failed = p.Bellows("apply");
  check("failing apply", failed, 1);
  CHECK(Has(failed.err, "no_such_table"));
  check("failing apply, verbose json", p.Bellows("-v --format json apply"), 1);
  check("status after the failure", p.Bellows("status"), 0);
  p.Remove("0003_fails.sql");

  // Connections that fail: a missing database, a closed port, an unknown user, a bad parameter.
  auto plain = [&](const std::string& bad_url, const std::string& args) {
    return p.Bellows("--dir migrations --url " + e2e::ShellQuote(bad_url) + " " + args, {}, true);
  };
  const std::string missing_db = UrlAs(role.name(), kSecret, pg.db.name() + "_missing");
  check("missing database", plain(missing_db, "status"), 2);
  check("missing database, json", plain(missing_db, "status --format json"), 2);
  check("missing database, apply", plain(missing_db, "apply -v"), 2);
  check("closed port",
        plain(std::string("postgres://") + role.name() + ":" + kSecret + "@127.0.0.1:1/" +
                  pg.db.name(),
              "status"),
        2);
  check("unknown user", plain(UrlAs(role.name() + "_nobody", kSecret, pg.db.name()), "status"), 2);
  check("bad sslmode", plain(url + (Has(url, "?") ? "&" : "?") + "sslmode=bogus", "status"), 2);
  check("password parameter, missing database",
        plain(WithDatabase(ServerUrl(), pg.db.name() + "_missing") +
                  (Has(ServerUrl(), "?") ? "&" : "?") + "user=" + role.name() +
                  "&password=" + kSecret,
              "status --format json"),
        2);
  check("DATABASE_URL, missing database",
        p.Bellows("--dir migrations status", {{"DATABASE_URL", missing_db}}, true), 2);

  // No state row holds it either (SPEC 7: "Passwords never appear in ... history rows").
  PgConn admin(pg.db.url());
  CHECK(admin.Query("SELECT count(*) > 0 FROM bellows.history WHERE error <> ''") == Table{{"t"}});
  std::set<std::string> tables;
  for (const auto& t : admin.Query("SELECT table_name FROM information_schema.tables WHERE "
                                   "table_schema = 'bellows' ORDER BY 1")) {
    tables.insert(t[0]);
    INFO("bellows.", t[0]);
    std::string rows = "bellows.\"" + t[0] + "\" x";
    CHECK(admin.Query("SELECT count(*) FROM " + rows + " WHERE x::text LIKE '%Sup3r%'") ==
          Table{{"0"}});
  }
  for (const char* t : {"meta", "batches", "history", "steps", "snapshots", "repairs"}) {
    INFO("state table ", t);
    CHECK(tables.count(t) == 1);
  }
}

}  // namespace bellows::pgtest

namespace bellows::pgtest {

TEST_CASE("postgres: hostile identifiers in every kind of operation") {
  PgProject pg;
  PgConn conn(pg.db.url());
  e2e::FormatTarget t = Target(pg, conn);
  e2e::HostileNamesLifecycle(t, '"');
}

// The application keeps inserting and updating through the old version (the base tables) while
// `start` is killed after record n and run again: no statement fails, and after complete every
// write the application saw succeed is there with the new column computed from it.
TEST_CASE("postgres: writers through a crash of start lose nothing") {
  auto prepare = [](PgProject& pg) {
    SeedReliabilityUsers(pg, 40);
    pg.project.Write("0002_upper.yaml", kReliabilityUpper);
  };
  auto verify = [](PgProject& pg, const std::vector<int>& written) {
    PgConn c(pg.db.url());
    Table expected;
    for (int i : written) expected.push_back({"w" + std::to_string(i), "W" + std::to_string(i)});
    CHECK(c.Query("SELECT name, upper_name FROM users WHERE id > 40 ORDER BY id") == expected);
    CHECK(c.Query("SELECT name, upper_name FROM users WHERE id = 1") ==
          Table{{"w" + std::to_string(written.back()), "W" + std::to_string(written.back())}});
    CHECK(c.Query("SELECT count(*) FROM users WHERE upper_name <> upper(name)") == Table{{"0"}});
  };
  e2e::WritersThroughKilledStart<PgProject, PgConn>({1, 3, 6}, "--batch-size 5 --batch-pause 5ms",
                                                    prepare, verify);
}

// SPEC 4 between start and complete: the server restarts (scripts/test.sh gives the command for
// the server it started). Both versions work again afterwards, and complete finishes the batch.
TEST_CASE("postgres: a server restart between start and complete") {
  const std::string restart = e2e::ServerCommand("BELLOWS_TEST_POSTGRES_RESTART");
  if (restart.empty()) return;
  PgProject pg;
  SeedReliabilityUsers(pg, 30);
  pg.project.Write("0002_upper.yaml", kReliabilityUpper);
  MustRun(pg.project, "start --batch-size 7");
  const std::string new_version = Latest(pg.project);
  REQUIRE(std::system(restart.c_str()) == 0);
  {
    PgConn old_app(pg.db.url());
    old_app.Must("INSERT INTO users (name) VALUES ('old-after-restart')");
    PgConn new_app(pg.db.url(), new_version);
    new_app.Must("INSERT INTO users (name, upper_name) VALUES ('new-after-restart', 'NEW!')");
  }
  Run status = pg.project.Bellows("status");
  INFO(status.out, status.err);
  CHECK(Has(status.out, "is expanded"));
  MustRun(pg.project, "complete");
  PgConn c(pg.db.url());
  CHECK(c.Query("SELECT count(*) FROM users") == Table{{"32"}});
  CHECK(c.Query("SELECT upper_name FROM users WHERE name IN ('old-after-restart', "
                "'new-after-restart') ORDER BY id") == Table{{"OLD-AFTER-RESTART"}, {"NEW!"}});
  CHECK(c.Query("SELECT count(*) FROM users WHERE name LIKE 'u%' AND upper_name <> upper(name)") ==
        Table{{"0"}});
}

// SPEC 4.4: with --max-replica-lag the backfill waits while a standby is behind, and goes on
// once it has caught up. A real streaming standby (pg_basebackup) whose replay is paused.
TEST_CASE("postgres: the backfill waits while a standby's replay lag is above --max-replica-lag") {
  const std::string servers = e2e::ServerCommand("BELLOWS_TEST_POSTGRES_STANDBY");
  if (servers.empty()) return;
  PgProject pg;
  SeedReliabilityUsers(pg, 3000);
  Run up = e2e::Shell(pg.project.dir(), servers + " start postgres-standby");
  e2e::RunAtExit stop(servers + " stop postgres-standby >/dev/null 2>&1");
  INFO(up.out, up.err);
  REQUIRE(up.exit_code == 0);
  std::string standby_url = up.out.substr(0, up.out.find_last_not_of("\n ") + 1);
  PgConn standby(WithDatabase(standby_url, pg.db.name()));
  CHECK(standby.Query("SELECT count(*) FROM users") == Table{{"3000"}});
  standby.Must("SELECT pg_wal_replay_pause()");

  pg.project.Write("0002_upper.yaml", kReliabilityUpper);
  // Without the wait, 30 batches end within about 3 s. The standby replays nothing for 14 s.
  Run start = e2e::RunHeldBack(
      pg.project, "start --format json --max-replica-lag 1s --batch-size 100 --batch-pause 50ms",
      14, [&] { standby.Must("SELECT pg_wal_replay_resume()"); });
  INFO(start.err);

  std::vector<nlohmann::json> waits = e2e::EventsOf(start, "replica_lag");
  REQUIRE(waits.size() >= 2);                             // when it began to wait, and 10 s later
  CHECK(waits.front().at("lag_s").get<double>() >= 1.0);  // above 1 s, to the millisecond
  CHECK(waits.back().at("lag_s").get<double>() > 5.0);    // it grew while the standby stood still
  CHECK(waits.front().at("max_s").get<double>() == 1.0);
  CHECK(waits.front().at("table") == "users");
  CHECK(waits.back().at("waited_ms").get<long long>() >= 10000);
  {
    PgConn new_app(pg.db.url(), Latest(pg.project));
    CHECK(new_app.Query("SELECT count(*) FROM users WHERE upper_name IS DISTINCT FROM "
                        "upper(name)") == Table{{"0"}});
  }
  MustRun(pg.project, "complete");
  PgConn c(pg.db.url());
  CHECK(c.Query("SELECT count(*) FROM users WHERE upper_name = upper(name)") == Table{{"3000"}});
}

}  // namespace bellows::pgtest
