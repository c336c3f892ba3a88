// The CI/CD examples of docs/ci.md, run as written: docs/examples/deploy.sh drives a deploy
// (validate, lint, start, the application deploy, complete, or rollback when it fails) through
// the exit codes and JSON fields it relies on.

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

namespace {

// Runs docs/examples/deploy.sh in the project with `deploy_app` as the application deploy.
Run Deploy(const Project& p, const std::string& deploy_app) {
  return Shell(p.dir(),
               "BELLOWS=" + ShellQuote(BELLOWS_BIN) + " DEPLOY_APP=" + ShellQuote(deploy_app) +
                   " sh " +
                   ShellQuote(std::string(BELLOWS_SOURCE_DIR) + "/docs/examples/deploy.sh") +
                   " --dir migrations --url " + ShellQuote(p.url()));
}

nlohmann::json JsonFile(const Project& p, const std::string& name) {
  nlohmann::json j = nlohmann::json::parse(ReadAll(p.dir() + "/" + name), nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

const char* kUsers =
    "operations:\n  - create_table:\n      table: users\n      columns:\n"
    "        - {name: id, type: bigint, primary_key: true}\n        - {name: name, type: text}\n";

}  // namespace

TEST_CASE("ci: deploy.sh expands, deploys the application, contracts") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  REQUIRE(p.Bellows("hash").exit_code == 0);
  Run first = Deploy(p, "test -f bellows-latest.env");  // the app reads its version from here
  INFO(first.out << first.err);
  CHECK(first.exit_code == 0);
  nlohmann::json start = JsonFile(p, "bellows-start.json");
  CHECK(start["nothing_to_do"] == false);
  CHECK(start["started"] == nlohmann::json::array({"1"}));
  CHECK(start["batch_state"] == "expanded");
  nlohmann::json complete = JsonFile(p, "bellows-complete.json");
  CHECK(complete["batch_state"] == "completed");
  CHECK(complete["applied"] == nlohmann::json::array({"1"}));

  // Nothing pending: the application is still deployed, bellows has nothing to do.
  Run again = Deploy(p, "touch app-deployed");
  CHECK(again.exit_code == 0);
  CHECK(JsonFile(p, "bellows-start.json")["nothing_to_do"] == true);
  CHECK(std::ifstream(p.dir() + "/app-deployed").good());
}

TEST_CASE("ci: deploy.sh rolls the schema back when the application deploy fails") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  p.Write("0002_email.yaml",
          "operations:\n  - add_column: {table: users, column: {name: email, type: text}}\n");
  REQUIRE(p.Bellows("hash").exit_code == 0);
  Run r = Deploy(p, "exit 3");
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "rolling back the schema"));
  nlohmann::json rollback = JsonFile(p, "bellows-rollback.json");
  CHECK(rollback["batch_state"] == "rolled_back");
  CHECK(rollback["rolled_back"] == nlohmann::json::array({"2"}));
  Db db(p.db_path());
  CHECK(db.Query("SELECT count(*) FROM pragma_table_info('users') WHERE name = 'email'") ==
        Table{{"0"}});
}

TEST_CASE("ci: deploy.sh stops before any change on lint errors and on a stale bellows.sum") {
  Project p;
  p.Write("0001_users.yaml", kUsers);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  p.Write("0002_rename.sql",
          "-- bellows:up\nALTER TABLE users RENAME COLUMN name TO full_name;\n"
          "-- bellows:down\nALTER TABLE users RENAME COLUMN full_name TO name;\n");
  Run stale = Deploy(p, "true");
  CHECK(stale.exit_code == 4);
  CHECK(Has(stale.err, "bellows.sum"));
  REQUIRE(p.Bellows("hash").exit_code == 0);
  Run lint = Deploy(p, "touch app-deployed");
  INFO(lint.out << lint.err);
  CHECK(lint.exit_code == 4);
  CHECK(Has(lint.out, "error BC001"));
  CHECK_FALSE(std::ifstream(p.dir() + "/app-deployed").good());
  Db db(p.db_path());
  CHECK(db.Query("SELECT count(*) FROM pragma_table_info('users') WHERE name = 'name'") ==
        Table{{"1"}});
}

}  // namespace bellows::e2e
