#include "tests/e2e/format_cases.h"

#include <nlohmann/json.hpp>

namespace bellows::e2e {

namespace {

std::string FormatsDir() { return std::string(BELLOWS_SOURCE_DIR) + "/tests/e2e/formats/"; }

// The versions as each tool's files spell them (canonical form).
std::vector<std::string> Versions(const std::string& tool) {
  if (tool == "flyway") return {"1", "1.1", "2"};
  if (tool == "dbmate") return {"20240101000001", "20240102000000", "20240103000000"};
  return {"1", "2", "3"};
}

// What the tool's first two migrations did, run by hand as the tool would have.
void RunFirstTwo(FormatTarget& t) {
  t.must("CREATE TABLE users (id integer PRIMARY KEY, name varchar(100) NOT NULL)");
  t.must("INSERT INTO users (id, name) VALUES (1, 'ann'), (2, 'bob')");
  t.must("ALTER TABLE users ADD COLUMN email varchar(200)");
}

// The tool's history table after those two, in the shape the tool creates it.
void WriteHistory(FormatTarget& t, const std::string& tool) {
  if (tool == "golang-migrate") {
    t.must(
        "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean "
        "NOT NULL)");
    t.must("INSERT INTO schema_migrations (version, dirty) VALUES (2, false)");
  } else if (tool == "dbmate") {
    t.must("CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)");
    t.must("INSERT INTO schema_migrations (version) VALUES ('20240101000001'), ('20240102000000')");
  } else if (tool == "goose") {
    t.must(
        "CREATE TABLE goose_db_version (id integer PRIMARY KEY, version_id bigint NOT NULL, "
        "is_applied boolean NOT NULL, tstamp timestamp NULL)");
    t.must(
        "INSERT INTO goose_db_version (id, version_id, is_applied) VALUES (1, 0, true), (2, 1, "
        "true), (3, 2, true)");
  } else {
    t.must("CREATE VIEW app_info AS SELECT 'shop' AS app");
    t.must(
        "CREATE TABLE flyway_schema_history (installed_rank integer PRIMARY KEY, version "
        "varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL, script "
        "varchar(1000) NOT NULL, checksum integer, installed_by varchar(100) NOT NULL, "
        "installed_on timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, execution_time integer "
        "NOT NULL, success boolean NOT NULL)");
    t.must(
        "INSERT INTO flyway_schema_history (installed_rank, version, description, type, "
        "script, checksum, installed_by, execution_time, success) VALUES "
        "(1, '1', 'create users', 'SQL', 'V1__create_users.sql', 1210419546, 'ci', 12, true), "
        "(2, '1.1', 'add email', 'SQL', 'V1.1__add_email.sql', -51224711, 'ci', 4, true), "
        "(3, NULL, 'app info', 'SQL', 'R__app_info.sql', 771183012, 'ci', 3, true)");
  }
}

}  // namespace

void OtherToolDirectoryUpAndDown(FormatTarget& t, const std::string& tool) {
  Project& p = *t.project;
  p.CopyMigrations(FormatsDir() + tool);
  Run validate = p.Bellows("validate");
  INFO(validate.out << validate.err);
  CHECK(validate.exit_code == 0);
  CHECK(Has(validate.out, "(" + tool + ", detected)"));
  Run apply = p.Bellows("apply --format json");
  nlohmann::json j = JsonOf(apply);
  CHECK(apply.exit_code == 0);
  nlohmann::json versions = Versions(tool);
  if (tool == "flyway") versions.push_back("R__app_info");  // repeatables run after the others
  CHECK(j["applied"] == versions);
  CHECK(t.query("SELECT id, name, email FROM users ORDER BY id") ==
        Table{{"1", "ann", "NULL"}, {"2", "bob", "NULL"}});
  CHECK(t.query("SELECT user_id, total FROM orders") == Table{{"1", "250"}});
  if (tool == "flyway") CHECK(t.query("SELECT app FROM app_info") == Table{{"shop"}});

  // Down: every down file (U files for Flyway), newest first.
  Run down = p.Bellows("rollback --steps 3 --allow-data-loss --format json");
  INFO(down.out << down.err);
  CHECK(down.exit_code == 0);
  CHECK_FALSE(t.has_table("users"));
  CHECK_FALSE(t.has_table("orders"));
  Run status = p.Bellows("status --format json");
  CHECK(JsonOf(status)["pending"].size() == 3);

  // And up again.
  CHECK(p.Bellows("apply").exit_code == 0);
  CHECK(t.query("SELECT count(*) FROM users") == Table{{"2"}});
  CHECK(t.has_table("orders"));
}

void ImportAdoptsHistory(FormatTarget& t, const std::string& tool) {
  Project& p = *t.project;
  p.CopyMigrations(FormatsDir() + tool);
  RunFirstTwo(t);
  WriteHistory(t, tool);
  const std::string import = "import --from " + tool;
  std::vector<std::string> v = Versions(tool);

  Run dry = p.Bellows(import + " --dry-run --format json");
  nlohmann::json plan = JsonOf(dry);
  CHECK(dry.exit_code == 0);
  nlohmann::json adopted = {v[0], v[1]};
  if (tool == "flyway") adopted.push_back("R__app_info");
  CHECK(plan["adopted"] == adopted);
  CHECK(plan["pending"] == nlohmann::json::array({v[2]}));
  CHECK_FALSE(t.has_table("bellows_history"));  // a dry run writes nothing

  if (tool == "golang-migrate") {
    t.must("UPDATE schema_migrations SET dirty = true");
    Run dirty = p.Bellows(import + " --yes");
    CHECK(dirty.exit_code == 7);
    CHECK(Has(dirty.err, "dirty"));
    t.must("UPDATE schema_migrations SET dirty = false");
  }

  Run unconfirmed = p.Bellows(import);  // not a terminal, no --yes
  CHECK(unconfirmed.exit_code == 2);
  CHECK(Has(unconfirmed.err, "--yes"));

  Run imported = p.Bellows(import + " --yes");
  INFO(imported.out << imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(Has(imported.out,
            std::string(tool == "flyway" ? "3" : "2") + " migrations recorded as applied"));
  CHECK(p.Bellows("drift").exit_code == 0);

  // bellows continues at the right version: only the third migration runs.
  Run apply = p.Bellows("apply --format json");
  nlohmann::json applied = JsonOf(apply);
  CHECK(apply.exit_code == 0);
  CHECK(applied["applied"] == nlohmann::json::array({v[2]}));
  CHECK(t.query("SELECT id, name FROM users ORDER BY id") == Table{{"1", "ann"}, {"2", "bob"}});
  CHECK(t.query("SELECT total FROM orders") == Table{{"250"}});

  // The adopted SQL migrations roll back through their down files.
  Run back = p.Bellows("rollback --steps 2 --allow-data-loss");
  INFO(back.out << back.err);
  CHECK(back.exit_code == 0);
  CHECK_FALSE(t.has_table("orders"));
  CHECK(t.query("SELECT count(*) FROM users") == Table{{"2"}});
  Run again = p.Bellows(import + " --yes");
  CHECK(again.exit_code == 7);  // bellows has history now: import adopts a database once
}

FormatTarget SqliteTarget(Project& project) {
  FormatTarget t;
  t.project = &project;
  t.must = [&project](const std::string& sql) {
    Db db(project.db_path());
    db.Must(sql);
  };
  t.query = [&project](const std::string& sql) {
    Db db(project.db_path());
    return db.Query(sql);
  };
  t.has_table = [&project](const std::string& name) {
    Db db(project.db_path());
    return db.Query("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = " +
                    SqlString(name)) == Table{{"1"}};
  };
  return t;
}

}  // namespace bellows::e2e
