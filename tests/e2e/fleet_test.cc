// bellows fleet on SQLite tenant files (issue 11): 200 tenants, waves, a failing canary, the
// failure limit, a killed run resumed, a changed directory refused, fleet-wide
// expand/contract, the health check, and the targets file's errors and secrets.

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

#include "tests/e2e/fleet_cases.h"
#include "tests/e2e/harness.h"

namespace bellows::e2e {

namespace {

namespace fs = std::filesystem;

// n tenants t000.. in tenants/, the first `canaries` labelled tier: canary.
std::vector<FleetEntry> Tenants(const Project& p, int n, int canaries = 0) {
  fs::create_directories(p.dir() + "/tenants");
  std::vector<FleetEntry> out;
  for (int i = 0; i < n; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "t%03d", i);
    out.push_back({id, std::string("sqlite:tenants/") + id + ".db",
                   std::string("tier: ") + (i < canaries ? "canary" : "main"), ""});
  }
  return out;
}

std::string TenantDb(const Project& p, const std::string& id) {
  return p.dir() + "/tenants/" + id + ".db";
}

const char* kWaves = "waves:\n  - {name: canary, select: tier=canary}\n  - {name: rest}\n";

// The tenant's completed versions, as its history table records them.
Table Applied(const Project& p, const std::string& id) {
  Db db(TenantDb(p, id));
  return db.Query("SELECT version FROM bellows_history WHERE state = 'completed' ORDER BY 1");
}

}  // namespace

TEST_CASE("fleet apply migrates 200 SQLite tenants in waves; status and plan report each") {
  Project p;
  WriteFleetProject(p);
  WriteTargets(p, Tenants(p, 200, 5), kWaves);
  Run plan = Fleet(p, "plan --format json");
  REQUIRE_MESSAGE(plan.exit_code == 0, (plan.out + plan.err));
  auto planned = TargetsOf(JsonOf(plan));
  REQUIRE(planned.size() == 200);
  CHECK(planned["t123"]["pending"] == nlohmann::json({"1", "2", "3", "4", "5"}));

  Run apply = Fleet(p, "apply --parallel 2 --format json");
  REQUIRE_MESSAGE(apply.exit_code == 0, (apply.out + apply.err));
  nlohmann::json report = JsonOf(apply);
  CHECK(report["totals"]["ok"] == 200);
  CHECK(report["totals"]["failed"] == 0);
  CHECK(report["waves"] ==
        nlohmann::json::parse(
            R"([{"name": "canary", "targets": 5}, {"name": "rest", "targets": 195}])"));
  CHECK(report["peak_parallel"].get<int>() <= 2);
  auto targets = TargetsOf(report);
  CHECK(targets["t000"]["wave"] == "canary");
  CHECK(targets["t199"]["wave"] == "rest");
  CHECK(targets["t199"]["version_before"].is_null());
  CHECK(targets["t199"]["version_after"] == "5");
  CHECK(targets["t042"]["applied"] == nlohmann::json({"1", "2", "3", "4", "5"}));
  for (const char* id : {"t000", "t077", "t199"}) {
    Db db(TenantDb(p, id));
    CHECK(db.Query("SELECT name, amount FROM items ORDER BY id") ==
          Table{{"apple", "NULL"}, {"pear", "NULL"}});
    CHECK(Applied(p, id) == Table{{"1"}, {"2"}, {"3"}, {"4"}, {"5"}});
  }
  // Canaries ran first: each finished before any target of the rest began.
  std::vector<std::string> order;
  std::istringstream lines(apply.err);
  for (std::string line; std::getline(lines, line);) {
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_object() && e.value("event", "") == "target_finished") order.push_back(e["target"]);
  }
  REQUIRE(order.size() == 200);
  for (int i = 0; i < 5; ++i) CHECK(order[i] < "t005");

  Run status = Fleet(p, "status");
  REQUIRE_MESSAGE(status.exit_code == 0, status.err);
  CHECK(Has(status.out, "200 targets: 200 ok, 0 failed, 0 not started"));
  CHECK(Has(status.out, "t150"));
  Run again = Fleet(p, "apply --format json");
  REQUIRE_MESSAGE(again.exit_code == 0, (again.out + again.err));
  CHECK(TargetsOf(JsonOf(again))["t150"]["applied"].empty());
  CHECK(Applied(p, "t150").size() == 5);
}

TEST_CASE("a failing canary wave stops the rest, which stay untouched") {
  Project p;
  WriteFleetProject(p);
  WriteTargets(p, Tenants(p, 10, 2), kWaves);
  {
    Db db(TenantDb(p, "t001"));
    db.Must("CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT)");  // 0001 is refused here
  }
  Run run = Fleet(p, "apply --format json");
  CHECK(run.exit_code == 4);
  nlohmann::json report = JsonOf(run);
  auto targets = TargetsOf(report);
  CHECK(targets["t000"]["result"] == "ok");
  CHECK(targets["t001"]["result"] == "failed");
  CHECK(targets["t001"]["exit_code"] == 4);
  CHECK(Has(targets["t001"]["error"]["message"].get<std::string>(), "items"));
  CHECK(report["totals"]["not_started"] == 8);
  CHECK(Has(report["error"]["message"].get<std::string>(),
            "1 of 10 targets failed; the worst: t001: "));
  CHECK(Has(report["error"]["message"].get<std::string>(), "; 8 not started ("));
  for (int i = 2; i < 10; ++i) {
    char id[8];
    std::snprintf(id, sizeof id, "t%03d", i);
    CHECK_MESSAGE(!fs::exists(TenantDb(p, id)), id);
  }
  Db db(TenantDb(p, "t001"));
  CHECK(db.Query("SELECT name FROM pragma_table_info('items') ORDER BY cid") ==
        Table{{"id"}, {"label"}});
  // The text report names the failure and the targets left alone.
  Run text = Fleet(p, "apply --max-failures 5");
  CHECK(text.exit_code == 4);
  CHECK(Has(text.err, "wave canary had 1 failed target(s)"));
  CHECK(Has(text.out, "not_started"));
  CHECK(Has(text.err, "t001"));
}

TEST_CASE("--max-failures stops starting new targets") {
  Project p;
  WriteFleetProject(p);
  WriteTargets(p, Tenants(p, 6));
  for (const char* id : {"t000", "t001", "t002"}) {
    Db db(TenantDb(p, id));
    db.Must("CREATE TABLE items (x)");
  }
  Run run = Fleet(p, "apply --parallel 1 --max-failures 2 --format json");
  CHECK(run.exit_code == 4);
  nlohmann::json report = JsonOf(run);
  CHECK(report["totals"]["failed"] == 2);
  CHECK(report["totals"]["not_started"] == 4);
  CHECK(report["stopped"] == "the failure limit (--max-failures 2) was reached");
  CHECK(!fs::exists(TenantDb(p, "t005")));
}

TEST_CASE("a killed fleet run resumes where it stopped; a changed directory is refused") {
  Project p;
  WriteFleetProject(p);
  WriteTargets(p, Tenants(p, 80));
  const std::string run_file = p.dir() + "/bellows.fleet.yaml.run";
  std::string cmd = "cd " + ShellQuote(p.dir()) + " && (" + ShellQuote(BELLOWS_BIN) +
                    " --dir migrations fleet apply --parallel 1 -q >/dev/null 2>&1 & echo $! > " +
                    ShellQuote(p.dir() + "/pid") + ")";
  REQUIRE(std::system(cmd.c_str()) == 0);
  // Kill it once at least 10 targets are recorded as finished.
  auto finished = [&] {
    std::string text = ReadAll(run_file);
    return std::count(text.begin(), text.end(), '\n') - 1;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (finished() < 10 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  pid_t pid = std::stoi(ReadAll(p.dir() + "/pid"));
  REQUIRE(kill(pid, SIGKILL) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  long done = finished();
  REQUIRE(done >= 10);
  REQUIRE_MESSAGE(done < 80, "the run finished before it was killed");

  // A migration added since: the run would end on two plans, so it is refused.
  p.Write("0006_more.yaml",
          "operations:\n  - add_column: {table: items, column: {name: note, type: text}}\n");
  Run refused = Fleet(p, "apply --format json");
  CHECK(refused.exit_code == 7);
  CHECK(Has(JsonOf(refused)["error"]["message"].get<std::string>(), "fingerprint"));
  p.Remove("0006_more.yaml");

  Run resumed = Fleet(p, "apply --format json");
  REQUIRE_MESSAGE(resumed.exit_code == 0, (resumed.out + resumed.err));
  nlohmann::json report = JsonOf(resumed);
  CHECK(report["totals"]["done_earlier"].get<long>() >= done);
  CHECK(report["totals"]["ok"].get<long>() + report["totals"]["done_earlier"].get<long>() == 80);
  CHECK(Has(resumed.err, "resuming fleet apply run"));
  for (const char* id : {"t000", "t040", "t079"})
    CHECK(Applied(p, id) == Table{{"1"}, {"2"}, {"3"}, {"4"}, {"5"}});

  // The run completed: the next one starts afresh and may use a changed directory.
  p.Write("0006_more.yaml",
          "operations:\n  - add_column: {table: items, column: {name: note, type: text}}\n");
  Run next = Fleet(p, "apply --format json");
  REQUIRE_MESSAGE(next.exit_code == 0, (next.out + next.err));
  CHECK(JsonOf(next)["totals"]["ok"] == 80);
  CHECK(Applied(p, "t079").size() == 6);
}

TEST_CASE("an interrupted fleet run finishes its running targets and starts no new one") {
  Project p;
  WriteFleetProject(p);
  WriteTargets(p, Tenants(p, 80));
  std::string inner = ShellQuote(BELLOWS_BIN) +
                      " --dir migrations fleet apply --parallel 1 --format json > out.json "
                      "2>/dev/null & echo $! > pid; wait $!; echo $? > rc";
  std::string cmd = "cd " + ShellQuote(p.dir()) + " && (sh -c " + ShellQuote(inner) + " &)";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  auto lines = [&] {
    std::string text = ReadAll(p.dir() + "/bellows.fleet.yaml.run");
    return std::count(text.begin(), text.end(), '\n');
  };
  while (lines() < 6 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(kill(std::stoi(ReadAll(p.dir() + "/pid")), SIGINT) == 0);
  while (ReadAll(p.dir() + "/rc").empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(std::stoi(ReadAll(p.dir() + "/rc")) == 6);
  nlohmann::json report = nlohmann::json::parse(ReadAll(p.dir() + "/out.json"));
  CHECK(report["stopped"] == "interrupted");
  long ok = report["totals"]["ok"];
  CHECK(ok >= 5);
  CHECK(report["totals"]["failed"] == 0);
  CHECK(ok + report["totals"]["not_started"].get<long>() == 80);
  for (const auto& [id, t] : TargetsOf(report)) {
    if (t["result"] == "ok") CHECK_MESSAGE(Applied(p, id).size() == 5, id);
    if (t["result"] == "not_started") CHECK_MESSAGE(!fs::exists(TenantDb(p, id)), id);
  }
  Run rest = Fleet(p, "apply --format json");
  REQUIRE_MESSAGE(rest.exit_code == 0, (rest.out + rest.err));
  CHECK(JsonOf(rest)["totals"]["done_earlier"] == ok);
}

TEST_CASE("fleet complete is refused until every target is expanded with the same batch") {
  Project p;
  WriteFleetProject(p);
  WriteTargets(p, Tenants(p, 4));
  REQUIRE(Fleet(p, "apply --to 4").exit_code == 0);
  Run start = Fleet(p, "start --select id=t000,t001,t002 --format json");
  REQUIRE_MESSAGE(start.exit_code == 0, (start.out + start.err));
  CHECK(TargetsOf(JsonOf(start))["t001"]["started"] == nlohmann::json({"5"}));

  Run refused = Fleet(p, "complete --format json");
  CHECK(refused.exit_code == 7);
  std::string message = JsonOf(refused)["error"]["message"];
  CHECK(Has(message, "t003: not expanded (5 is pending)"));
  CHECK(!Has(message, "t000"));
  // A refused complete records no run: the run file is still start's.
  CHECK(Has(ReadAll(p.dir() + "/bellows.fleet.yaml.run"), "\"command\":\"start\""));
  auto status = TargetsOf(JsonOf(Fleet(p, "status --format json")));
  CHECK(status["t000"]["in_flight"]["state"] == "expanded");
  CHECK(status["t003"]["in_flight"].is_null());
  {
    Db db(TenantDb(p, "t000"));  // nothing was contracted: the old column is still there
    CHECK(db.Query("SELECT name FROM pragma_table_info('items') WHERE name = 'price'").size() == 1);
  }

  // Rolling back everywhere undoes the expanded targets and leaves the other alone.
  Run back = Fleet(p, "rollback --format json");
  REQUIRE_MESSAGE(back.exit_code == 0, (back.out + back.err));
  CHECK(TargetsOf(JsonOf(back))["t002"]["rolled_back"] == nlohmann::json({"5"}));

  REQUIRE(Fleet(p, "start").exit_code == 0);
  Run complete = Fleet(p, "complete --format json");
  REQUIRE_MESSAGE(complete.exit_code == 0, (complete.out + complete.err));
  auto done = TargetsOf(JsonOf(complete));
  CHECK(done["t003"]["version_before"] == "4");
  CHECK(done["t003"]["version_after"] == "5");
  Db db(TenantDb(p, "t003"));
  CHECK(db.Query("SELECT name, amount FROM items ORDER BY id") ==
        Table{{"apple", "NULL"}, {"pear", "NULL"}});
}

TEST_CASE(
    "the health check between waves gates the rest; --wave and --bake from the command line") {
  Project p;
  WriteFleetProject(p);
  WriteTargets(p, Tenants(p, 5, 1));
  Run stopped = Fleet(p, "apply --wave tier=canary --health-check 'exit 3' --format json");
  CHECK(stopped.exit_code == 6);
  nlohmann::json report = JsonOf(stopped);
  CHECK(Has(report["error"]["message"].get<std::string>(),
            "health check after wave tier=canary exited with 3"));
  CHECK(report["totals"]["ok"] == 1);
  CHECK(report["totals"]["not_started"] == 4);
  Run passed = Fleet(p,
                     "apply --wave tier=canary --bake 200ms --health-check 'test "
                     "\"$BELLOWS_FLEET_WAVE\" = tier=canary'");
  REQUIRE_MESSAGE(passed.exit_code == 0, (passed.out + passed.err));
  CHECK(Has(passed.err, "baking 200ms before wave rest"));
  CHECK(Applied(p, "t004").size() == 5);
}

TEST_CASE("the targets file: errors point at the line, secrets stay out of every output") {
  Project p;
  WriteFleetProject(p);
  Run missing = Fleet(p, "status");
  CHECK(missing.exit_code == 2);
  CHECK(Has(missing.err, "cannot read bellows.fleet.yaml"));
  CHECK(Has(missing.err, "--targets FILE"));
  WriteTargets(p, {{"a", "postgres://app:hunter2@127.0.0.1:1/db", "", ""}});
  Run literal = Fleet(p, "status");
  CHECK(literal.exit_code == 4);
  CHECK(Has(literal.err, "bellows.fleet.yaml:3:"));
  CHECK(Has(literal.err, "password written in its URL"));
  CHECK(!Has(literal.out + literal.err, "hunter2"));

  WriteTargets(p, {{"a", "sqlite:a.db", "", ""}, {"a", "sqlite:b.db", "", ""}});
  Run twice = Fleet(p, "status");
  CHECK(twice.exit_code == 4);
  CHECK(Has(twice.err, "target id a appears twice"));

  // ${VAR} and url_env keep the secret in the environment; a failing connection does not
  // show it, in text or JSON, and the unset variable is named.
  WriteTargets(p, {{"pg", "postgres://app:${PG_SECRET}@127.0.0.1:1/db", "", ""},
                   {"my", "", "", "MY_URL"},
                   {"unset", "", "", "NOT_SET_ANYWHERE"}});
  std::map<std::string, std::string> env = {{"PG_SECRET", "s3cr3t-pg"},
                                            {"MY_URL", "mysql://app:s3cr3t-my@127.0.0.1:1/db"}};
  for (const char* format : {"text", "json"}) {
    Run run = Fleet(p, std::string("apply --max-failures 3 --format ") + format, env);
    CHECK(run.exit_code == 2);
    CHECK(!Has(run.out + run.err, "s3cr3t"));
    CHECK(Has(run.out + run.err, "NOT_SET_ANYWHERE is not set"));
    CHECK(Has(run.out + run.err, "app:***@127.0.0.1"));
  }
  CHECK(!Has(ReadAll(p.dir() + "/bellows.fleet.yaml.run"), "s3cr3t"));
}

TEST_CASE("targets from a command; the per-server limit holds") {
  Project p;
  WriteFleetProject(p);
  fs::create_directories(p.dir() + "/tenants");
  std::ofstream(p.dir() + "/list.sh")
      << "for i in 1 2 3 4 5 6; do echo \"- {id: cmd$i, url: 'sqlite:tenants/c$i.db', server: "
         "shared, labels: {n: '$i'}}\"; done\n";
  WriteTargets(p, {{"own", "sqlite:tenants/own.db", "n: '0'", ""}},
               "targets_command: sh list.sh\nparallel: 4\nper_server: 2\n");
  Run run = Fleet(p, "apply --format json");
  REQUIRE_MESSAGE(run.exit_code == 0, (run.out + run.err));
  nlohmann::json report = JsonOf(run);
  CHECK(report["totals"]["ok"] == 7);
  CHECK(report["peak_per_server"].get<int>() <= 2);
  CHECK(Applied(p, "c6").size() == 5);
  Run one = Fleet(p, "status --select n=3,4 --format json");
  CHECK(TargetsOf(JsonOf(one)).size() == 2);
  std::ofstream(p.dir() + "/list.sh") << "exit 9\n";
  Run failing = Fleet(p, "status");
  CHECK(failing.exit_code == 2);
  CHECK(Has(failing.err, "targets_command exited with 9"));
}

}  // namespace bellows::e2e
