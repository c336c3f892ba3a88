// The command line as scripts and CI jobs use it: help, version, global flags anywhere, JSON
// output, saved plans, new files, other tools' directories.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

namespace {

const char* kUsers = R"yaml(operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: name, type: text}
)yaml";

}  // namespace

TEST_CASE("cli: --help explains every command, --version prints the version") {
  Project p;
  Run help = p.Bellows("--help", {}, true);
  CHECK(help.exit_code == 0);
  for (const char* command : {"init", "new", "hash", "validate", "plan", "apply", "start",
                              "complete", "rollback", "status", "history", "latest"}) {
    CAPTURE(command);
    CHECK(Has(help.out, command));
    Run sub = p.Bellows(std::string(command) + " --help", {}, true);
    CHECK(sub.exit_code == 0);
    CHECK(Has(sub.out, "Usage"));
  }
  Run version = p.Bellows("--version", {}, true);
  CHECK(version.exit_code == 0);
  CHECK(Has(version.out, std::string("bellows ") + BELLOWS_VERSION));
  Run bad = p.Bellows("frobnicate", {}, true);
  CHECK(bad.exit_code == 2);
}

TEST_CASE("cli: global flags go before or after the command") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  Run after = p.Bellows("apply --dir migrations --url " + p.url(), {}, true);
  CHECK(after.exit_code == 0);
  Run before = p.Bellows("--url " + p.url() + " --dir migrations status", {}, true);
  CHECK(before.exit_code == 0);
  CHECK(Has(before.out, "current version: 1"));
}

TEST_CASE("cli: settings come from flags, then the environment, then bellows.yaml") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  { std::ofstream(p.dir() + "/bellows.yaml") << "url: sqlite:from-file.db\ndir: migrations\n"; }
  CHECK(p.Bellows("apply", {}, true).exit_code == 0);
  CHECK(std::filesystem::exists(p.dir() + "/from-file.db"));
  CHECK(p.Bellows("apply", {{"BELLOWS_URL", "sqlite:from-env.db"}}, true).exit_code == 0);
  CHECK(std::filesystem::exists(p.dir() + "/from-env.db"));
  CHECK(p.Bellows("apply --url sqlite:from-flag.db", {{"BELLOWS_URL", "sqlite:from-env.db"}}, true)
            .exit_code == 0);
  CHECK(std::filesystem::exists(p.dir() + "/from-flag.db"));
  { std::ofstream(p.dir() + "/bellows.yaml") << "url: sqlite:x.db\nbogus: 1\n"; }
  Run bad = p.Bellows("status", {}, true);
  CHECK(bad.exit_code == 4);
  CHECK(Has(bad.err, "bellows.yaml:2:"));
  CHECK(Has(bad.err, "unknown field \"bogus\""));
}

TEST_CASE("cli: --format json prints one object with the documented envelope") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  nlohmann::json j = JsonOf(p.Bellows("apply --format json"));
  CHECK(j["bellows"] == BELLOWS_VERSION);
  CHECK(j["schema"] == 1);
  CHECK(j["command"] == "apply");
  CHECK(j["ok"] == true);
  CHECK(j["exit_code"] == 0);
  CHECK(j["error"].is_null());
  CHECK(j["applied"] == nlohmann::json::array({"1"}));
  CHECK(j["batch_state"] == "completed");
  CHECK(j["warnings"].is_array());

  j = JsonOf(p.Bellows("apply --format json"));
  CHECK(j["nothing_to_do"] == true);

  j = JsonOf(p.Bellows("status --format json"));
  CHECK(j["current_version"] == "1");
  CHECK(j["in_flight"].is_null());
  CHECK(j["pending"].empty());

  p.Write("0002_bad.sql", "INSERT INTO nowhere VALUES (1);");
  Run failed = p.Bellows("apply --format json");
  CHECK(failed.exit_code == 1);
  j = JsonOf(failed);
  CHECK(j["ok"] == false);
  CHECK(j["exit_code"] == 1);
  CHECK(j["error"]["class"] == "database");
  CHECK(Has(j["error"]["message"].get<std::string>(), "no such table: nowhere"));
  CHECK(j["error"]["migration"] == "0002_bad");
  // Progress events are JSON lines on stderr.
  std::istringstream lines(failed.err);
  std::string line;
  int events = 0;
  while (std::getline(lines, line)) {
    nlohmann::json e = nlohmann::json::parse(line, nullptr, false);
    REQUIRE_FALSE(e.is_discarded());
    CHECK(e.contains("event"));
    CHECK(e.contains("ts"));
    ++events;
  }
  CHECK(events >= 1);
  CHECK(Has(failed.err, "\"event\":\"step_started\""));

  j = JsonOf(p.Bellows("history --format json"));
  CHECK(j["history"].size() == 2);
  CHECK(j["history"][1]["state"] == "failed");
}

TEST_CASE("cli: plan --out then apply --plan runs the saved plan; a stale one is refused") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  p.Write("0002_email.yaml",
          "operations:\n  - add_column: {table: users, column: {name: email, type: text}}\n");
  Run plan = p.Bellows("plan --out plan.json --format json");
  REQUIRE(plan.exit_code == 0);
  std::string hash = JsonOf(plan)["plan_hash"];
  CHECK(hash.size() == 64);

  SUBCASE("applied as saved") {
    Run apply = p.Bellows("apply --plan plan.json");
    INFO(apply.err);
    CHECK(apply.exit_code == 0);
    Db db(p.db_path());
    CHECK(db.Query("SELECT plan_hash FROM bellows_history WHERE version = '2'") == Table{{hash}});
    CHECK(db.Query("SELECT count(*) FROM pragma_table_info('users') WHERE name = 'email'") ==
          Table{{"1"}});
  }
  SUBCASE("refused once the database changed") {
    Db db(p.db_path());
    db.Must("CREATE TABLE sneaky (id INTEGER)");
    // The change is drift first (exit 3); run anyway, the plan is stale (exit 7).
    Run apply = p.Bellows("apply --plan plan.json");
    CHECK(apply.exit_code == 3);
    CHECK(Has(apply.err, "+ table sneaky"));
    apply = p.Bellows("apply --plan plan.json --allow-drift");
    CHECK(apply.exit_code == 7);
    CHECK(Has(apply.err, "the saved plan is stale: schema fingerprint"));
  }
  SUBCASE("refused once the files changed") {
    p.Write("0003_more.sql", "CREATE TABLE more (id INTEGER PRIMARY KEY);");
    Run apply = p.Bellows("apply --plan plan.json");
    CHECK(apply.exit_code == 7);
    CHECK(Has(apply.err, "migration files"));
  }
  SUBCASE("refused when edited") {
    std::string path = p.dir() + "/plan.json";
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    text.replace(text.find("ADD COLUMN"), 10, "ADD  COLUMN");
    std::ofstream(path) << text;
    Run apply = p.Bellows("apply --plan plan.json");
    CHECK(apply.exit_code == 7);
    CHECK(Has(apply.err, "was edited"));
  }
}

TEST_CASE("cli: plan --format markdown is a pull-request comment") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  Run r = p.Bellows("plan --format markdown");
  CHECK(r.exit_code == 0);
  CHECK(Has(r.out, "## bellows plan"));
  CHECK(Has(r.out, "| # | phase | step | lock | cost | undo |"));
  CHECK(Has(r.out, "```sql\n-- step 1\nCREATE TABLE \"users\""));
}

TEST_CASE("cli: init, then new continues the directory's numbering and updates bellows.sum") {
  Project p;
  std::filesystem::remove_all(p.dir() + "/migrations");
  Run init = p.Bellows("--url sqlite:app.db init", {}, true);
  CHECK(init.exit_code == 0);
  CHECK(std::filesystem::exists(p.dir() + "/bellows.yaml"));
  CHECK(std::filesystem::exists(p.dir() + "/migrations/bellows.sum"));
  CHECK(p.Bellows("new create_users", {}, true).exit_code == 0);
  CHECK(std::filesystem::exists(p.dir() + "/migrations/0001_create_users.yaml"));
  CHECK(p.Bellows("new seed --sql", {}, true).exit_code == 0);
  CHECK(std::filesystem::exists(p.dir() + "/migrations/0002_seed.sql"));
  CHECK(p.Bellows("validate --require-sum --dialect sqlite", {}, true).exit_code == 0);
  Run bad = p.Bellows("new 'Bad Name'", {}, true);
  CHECK(bad.exit_code == 4);
}

TEST_CASE("cli: latest prints what a new-version connection runs") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  p.Write("0002_rename.yaml",
          "operations:\n  - rename_column: {table: users, from: name, to: full_name}\n");
  REQUIRE(p.Bellows("start").exit_code == 0);
  Run sql = p.Bellows("latest sql");
  CHECK(sql.exit_code == 0);
  CHECK(Has(sql.out, "CREATE TEMP VIEW \"users\" AS SELECT * FROM \"_bellows_users_w\";"));
  nlohmann::json j = JsonOf(p.Bellows("latest schema --format json"));
  CHECK(j["version"] == "main_2");
  CHECK(j["in_flight"] == true);
  REQUIRE(p.Bellows("complete").exit_code == 0);
  sql = p.Bellows("latest sql");
  CHECK(Has(sql.out, "DROP VIEW IF EXISTS temp.\"users\";"));
  CHECK_FALSE(Has(sql.out, "CREATE TEMP VIEW"));
}

TEST_CASE("cli: a Flyway directory is read unchanged, repeatables run after versioned ones") {
  Project p;
  p.Write("V1__users.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);");
  p.Write("V1.1__seed.sql", "INSERT INTO users (name) VALUES ('ann');");
  p.Write("U1.1__seed.sql", "DELETE FROM users WHERE name = 'ann';");
  p.Write("R__names.sql",
          "DROP VIEW IF EXISTS names; CREATE VIEW names AS SELECT name FROM users;");
  Run r = p.Bellows("apply");
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(Has(r.out, "applied: 1, 1.1, R__names"));
  Db db(p.db_path());
  CHECK(db.Query("SELECT name FROM names") == Table{{"ann"}});
  CHECK(p.Bellows("apply").out.find("nothing to do") != std::string::npos);
  p.Write("R__names.sql",
          "DROP VIEW IF EXISTS names; CREATE VIEW names AS SELECT upper(name) AS name FROM users;");
  CHECK(p.Bellows("apply").exit_code == 0);
  CHECK(db.Query("SELECT name FROM names") == Table{{"ANN"}});
  CHECK(p.Bellows("rollback --steps 1").exit_code == 0);  // U1.1 undoes V1.1
  CHECK(db.Query("SELECT count(*) FROM users") == Table{{"0"}});
}

TEST_CASE("cli: eight runners at once apply each migration exactly once") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  for (int i = 2; i <= 6; ++i) {
    p.Write("000" + std::to_string(i) + "_t.sql",
            "CREATE TABLE t" + std::to_string(i) + " (id INTEGER PRIMARY KEY);");
  }
  std::string cmd =
      "cd '" + p.dir() + "' && for i in 1 2 3 4 5 6 7 8; do (" + BELLOWS_BIN +
      " --dir migrations --url " + p.url() +
      " apply -q --lock-wait 30s > run$i.out 2>&1; echo $? > run$i.code) & done; wait";
  REQUIRE(std::system(cmd.c_str()) == 0);
  int ok = 0;
  for (int i = 1; i <= 8; ++i) {
    std::ifstream code(p.dir() + "/run" + std::to_string(i) + ".code");
    int c = -1;
    code >> c;
    if (c == 0) ++ok;
  }
  CHECK(ok == 8);
  Db db(p.db_path());
  CHECK(db.Query("SELECT count(*), count(DISTINCT version) FROM bellows_history") ==
        Table{{"6", "6"}});
}

TEST_CASE("cli: --nice-ratio pauses after each backfill batch in proportion to its duration") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  {
    Db db(p.db_path());
    db.Exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60) "
        "INSERT INTO users (name) SELECT 'user' || i FROM n");
  }
  p.Write("0002_len.yaml", R"yaml(operations:
  - add_column:
      table: users
      column: {name: name_length, type: integer, nullable: false, default: "0"}
      up: length(name)
)yaml");

  SUBCASE("flag") {
    Run r = p.Bellows("start --format json --batch-size 10 --batch-pause 2ms --nice-ratio 50");
    REQUIRE(r.exit_code == 0);
    std::vector<nlohmann::json> batches = EventsOf(r, "backfill_progress");
    REQUIRE(batches.size() >= 6);
    CHECK(batches.back().at("rows_done") == 60);
    CHECK(batches.back().at("pause_ms") == 0);  // no pause after the last batch
    batches.pop_back();
    long long longest = 0;
    for (const nlohmann::json& e : batches) {
      CAPTURE(e.dump());
      long long took = e.at("batch_ms").get<long long>();
      long long pause = e.at("pause_ms").get<long long>();
      // 2 ms, plus 50 times the batch's duration (which the event rounds down).
      CHECK(pause >= 2 + 50 * took);
      CHECK(pause <= 2 + 50 * (took + 1));
      longest = std::max(longest, pause);
    }
    CHECK(longest > 2);  // a batch with a commit takes more than 20 microseconds
  }

  SUBCASE("bellows.yaml, and values out of range") {
    { std::ofstream(p.dir() + "/bellows.yaml") << "nice_ratio: 0.5\n"; }
    CHECK(p.Bellows("plan").exit_code == 0);
    Run high = p.Bellows("start --nice-ratio 101");
    CHECK(high.exit_code == 2);
    CHECK(Has(high.err, "--nice-ratio"));
    { std::ofstream(p.dir() + "/bellows.yaml") << "nice_ratio: lots\n"; }
    Run word = p.Bellows("start");
    CHECK(word.exit_code == 2);
    CHECK(Has(word.err, "nice_ratio in bellows.yaml is \"lots\""));
    { std::ofstream(p.dir() + "/bellows.yaml") << "nice_ratio: 2\n"; }
    CHECK(p.Bellows("start --max-replica-lag 2s").exit_code == 0);  // a file has no replicas
    Db db(p.db_path());
    CHECK(db.Query("SELECT count(*) FROM users") == Table{{"60"}});
  }
  CHECK(p.Bellows("complete").exit_code == 0);
  Db db(p.db_path());
  CHECK(db.Query("SELECT count(*) FROM users WHERE name_length = length(name)") == Table{{"60"}});
}

}  // namespace bellows::e2e
