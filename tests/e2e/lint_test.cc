// bellows lint through the real binary: every rule with a triggering and a non-triggering
// migration for each dialect it applies to, then suppressions, output formats, exit codes,
// --since and the lint section of plan --format markdown.

#include <cstdlib>
#include <fstream>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

namespace {

// Tables every case starts from: users (name nullable, email NOT NULL, indexed), orders.
const char* kBase = R"(operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: bigint, primary_key: true}
        - {name: name, type: text}
        - {name: email, type: varchar(100), nullable: false}
        - {name: age, type: integer}
  - create_index: {name: users_email_idx, table: users, columns: [email]}
  - create_table:
      table: orders
      columns:
        - {name: id, type: bigint, primary_key: true}
        - {name: user_id, type: bigint}
)";

struct Case {
  const char* code;
  const char* dialects;  // where it is checked: "postgres,mysql"
  bool fires;
  const char* file;  // "sql" or "yaml"
  const char* text;
  const char* before = nullptr;  // an extra migration (SQL) between the base and the case
};

// clang-format off
const Case kCases[] = {
  // LK: locking
  {"LK001", "postgres", true, "sql", "CREATE INDEX users_name_idx ON users (name);"},
  {"LK001", "postgres", false, "sql", "-- bellows:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name);"},
  {"LK001", "postgres", false, "sql", "CREATE TABLE t2 (id int);\nCREATE INDEX t2_idx ON t2 (id);"},
  {"LK002", "postgres", true, "sql", "DROP INDEX users_email_idx;"},
  {"LK002", "postgres", false, "sql", "-- bellows:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;"},
  {"LK003", "postgres,mysql", true, "sql", "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);"},
  {"LK003", "postgres", false, "sql", "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"},
  {"LK003", "mysql", false, "sql", "CREATE TABLE t2 (id int);\nALTER TABLE t2 ADD CONSTRAINT t2_pos CHECK (id > 0);"},
  {"LK004", "postgres", true, "sql", "ALTER TABLE users ADD CONSTRAINT users_age_pos CHECK (age > 0) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_age_pos;"},
  {"LK004", "postgres", false, "sql", "ALTER TABLE users VALIDATE CONSTRAINT users_age_pos;", "ALTER TABLE users ADD CONSTRAINT users_age_pos CHECK (age > 0) NOT VALID;"},
  {"LK005", "postgres", true, "sql", "ALTER TABLE users ADD CONSTRAINT users_name_key UNIQUE (name);"},
  {"LK005", "postgres", false, "sql", "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;"},
  {"LK006", "postgres", true, "sql", "ALTER TABLE users ALTER COLUMN name SET NOT NULL;"},
  {"LK006", "postgres", false, "sql", "ALTER TABLE users ALTER COLUMN name SET NOT NULL;", "ALTER TABLE users ADD CONSTRAINT users_name_nn CHECK (name IS NOT NULL);"},
  {"LK007", "mysql", true, "sql", "ALTER TABLE users ADD COLUMN x int, ALGORITHM=COPY;"},
  {"LK007", "mysql", false, "sql", "ALTER TABLE users ADD COLUMN x int, ALGORITHM=INSTANT;"},
  {"LK008", "mysql", true, "sql", "ALTER TABLE users ADD COLUMN x int;"},
  {"LK008", "mysql", false, "sql", "ALTER TABLE users ADD COLUMN x int, ALGORITHM=INSTANT;"},
  {"LK009", "postgres", true, "sql", "VACUUM FULL users;"},
  {"LK009", "postgres", false, "sql", "VACUUM users;"},
  {"LK009", "mysql", true, "sql", "OPTIMIZE TABLE users;"},
  {"LK009", "mysql", false, "sql", "ANALYZE TABLE users;"},
  {"LK009", "sqlite", true, "sql", "VACUUM;"},
  {"LK009", "sqlite", false, "sql", "ANALYZE;"},
  {"LK010", "postgres", true, "sql", "SET lock_timeout = 0;\nCREATE TABLE t2 (id int);"},
  {"LK010", "postgres", false, "sql", "SET lock_timeout = '5s';\nCREATE TABLE t2 (id int);"},
  {"LK010", "mysql", true, "sql", "SET SESSION lock_wait_timeout = 86400;\nCREATE TABLE t2 (id int);"},
  {"LK010", "mysql", false, "sql", "SET SESSION lock_wait_timeout = 5;\nCREATE TABLE t2 (id int);"},
  // RW: rewrite / copy
  {"RW001", "postgres", true, "sql", "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();"},
  {"RW001", "postgres", false, "sql", "ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();"},
  {"RW001", "mysql", true, "sql", "ALTER TABLE users ADD COLUMN token varchar(36) DEFAULT (UUID()), ALGORITHM=INPLACE;"},
  {"RW001", "mysql", false, "sql", "ALTER TABLE users ADD COLUMN flag int DEFAULT 0, ALGORITHM=INSTANT;"},
  {"RW001", "sqlite", true, "sql", "ALTER TABLE users ADD COLUMN created_at text DEFAULT CURRENT_TIMESTAMP;"},
  {"RW001", "sqlite", false, "sql", "ALTER TABLE users ADD COLUMN created_at text DEFAULT 'never';"},
  {"RW002", "postgres", true, "sql", "ALTER TABLE users ADD COLUMN name_lower text GENERATED ALWAYS AS (lower(name)) STORED;"},
  {"RW002", "postgres", false, "sql", "CREATE TABLE t2 (a int, b int GENERATED ALWAYS AS (a * 2) STORED);"},
  {"RW002", "mysql", true, "sql", "ALTER TABLE users ADD COLUMN name_len int AS (length(name)) STORED, ALGORITHM=INPLACE;"},
  {"RW002", "mysql", false, "sql", "ALTER TABLE users ADD COLUMN name_len int AS (length(name)) VIRTUAL, ALGORITHM=INSTANT;"},
  {"RW003", "postgres", true, "sql", "ALTER TABLE orders ADD COLUMN seq bigserial;"},
  {"RW003", "postgres", false, "sql", "ALTER TABLE orders ADD COLUMN seq bigint;"},
  {"RW003", "mysql", true, "sql", "ALTER TABLE orders ADD COLUMN seq int AUTO_INCREMENT UNIQUE, ALGORITHM=INPLACE;"},
  {"RW003", "mysql", false, "sql", "ALTER TABLE orders ADD COLUMN seq int, ALGORITHM=INSTANT;"},
  {"RW004", "postgres", true, "sql", "ALTER TABLE users ALTER COLUMN age TYPE bigint;"},
  {"RW004", "postgres", false, "sql", "ALTER TABLE users ALTER COLUMN email TYPE varchar(200);"},
  {"RW004", "mysql", true, "sql", "ALTER TABLE users MODIFY age bigint, ALGORITHM=INPLACE;"},
  {"RW004", "mysql", false, "sql", "ALTER TABLE users MODIFY email varchar(200) NOT NULL, ALGORITHM=INPLACE;"},
  {"RW005", "mysql", true, "sql", "ALTER TABLE users CONVERT TO CHARACTER SET utf8mb4, ALGORITHM=INPLACE;"},
  {"RW005", "mysql", false, "sql", "ALTER TABLE users ADD COLUMN x int, ALGORITHM=INSTANT;"},
  {"RW006", "sqlite", true, "sql", "ALTER TABLE users ALTER COLUMN age SET NOT NULL;"},
  {"RW006", "sqlite", false, "sql", "ALTER TABLE users ADD COLUMN x integer;"},
  {"RW007", "sqlite", true, "yaml", "operations:\n  - alter_column: {table: users, column: age, type: bigint, up: age, down: age}\n"},
  {"RW007", "sqlite", false, "yaml", "operations:\n  - add_column: {table: users, column: {name: nick, type: text}}\n"},
  {"RW007", "mysql", true, "yaml", "operations:\n  - create_constraint: {table: users, name: users_age_pos, type: check, check: age > 0, allow_copy: true}\n"},
  {"RW007", "mysql", false, "yaml", "operations:\n  - add_column: {table: users, column: {name: nick, type: text}}\n"},
  {"RW008", "postgres", true, "sql", "ALTER TABLE orders DROP CONSTRAINT orders_pkey;"},
  {"RW008", "postgres", false, "sql", "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"},
  {"RW008", "mysql", true, "sql", "ALTER TABLE orders DROP PRIMARY KEY, ALGORITHM=INPLACE;"},
  {"RW008", "mysql", false, "sql", "ALTER TABLE orders ADD COLUMN x int, ALGORITHM=INSTANT;"},
  // DD: data-dependent
  {"DD001", "sqlite,postgres,mysql", true, "sql", "ALTER TABLE users ADD COLUMN rank integer NOT NULL;"},
  {"DD001", "sqlite,postgres,mysql", false, "sql", "ALTER TABLE users ADD COLUMN rank integer NOT NULL DEFAULT 0;"},
  {"DD002", "sqlite,postgres,mysql", true, "sql", "CREATE UNIQUE INDEX users_name_uq ON users (age);"},
  {"DD002", "sqlite,postgres,mysql", true, "yaml", "operations:\n  - create_index: {name: users_age_uq, table: users, columns: [age], unique: true}\n"},
  {"DD002", "sqlite,postgres,mysql", false, "sql", "CREATE TABLE t2 (a int);\nCREATE UNIQUE INDEX t2_uq ON t2 (a);"},
  {"DD003", "sqlite,postgres,mysql", true, "yaml", "operations:\n  - alter_column: {table: users, column: name, nullable: false}\n"},
  {"DD003", "sqlite,postgres,mysql", false, "yaml", "operations:\n  - alter_column: {table: users, column: name, nullable: false, up: \"COALESCE(name, 'unknown')\"}\n"},
  {"DD004", "postgres,mysql", true, "yaml", "operations:\n  - alter_column: {table: users, column: email, type: varchar(50), up: email, down: email}\n"},
  {"DD004", "postgres,mysql", false, "yaml", "operations:\n  - alter_column: {table: users, column: email, type: varchar(200), up: email, down: email}\n"},
  {"DD005", "postgres,mysql", true, "yaml", "operations:\n  - alter_column: {table: users, column: email, type: varchar(200), up: email, down: email}\n"},
  {"DD005", "postgres,mysql", false, "yaml", "operations:\n  - alter_column: {table: users, column: age, nullable: false, up: \"COALESCE(age, 0)\"}\n"},
  {"DD006", "sqlite,postgres,mysql", true, "sql", "UPDATE users SET name = lower(name);"},
  {"DD006", "sqlite,postgres,mysql", false, "sql", "UPDATE users SET name = lower(name) WHERE id < 100;"},
  {"DD007", "sqlite,postgres,mysql", true, "yaml", "operations:\n  - create_constraint: {table: orders, name: orders_user_fk, type: foreign_key, columns: [user_id], references: {table: users, columns: [id]}}\n"},
  {"DD007", "sqlite,postgres,mysql", false, "yaml", "operations:\n  - create_table:\n      table: t2\n      columns:\n        - {name: id, type: bigint, primary_key: true}\n        - {name: user_id, type: bigint, references: {name: t2_user_fk, table: users, column: id}}\n"},
  // BC: backward compatibility
  {"BC001", "sqlite,postgres,mysql", true, "sql", "ALTER TABLE users RENAME COLUMN name TO full_name;"},
  {"BC001", "sqlite,postgres,mysql", false, "sql", "-- bellows:up\nSELECT 1;\n-- bellows:contract\nALTER TABLE users RENAME COLUMN name TO full_name;"},
  {"BC002", "sqlite,postgres,mysql", true, "sql", "ALTER TABLE users RENAME TO people;"},
  {"BC002", "sqlite,postgres,mysql", false, "sql", "CREATE TABLE t2 (id int);\nALTER TABLE t2 RENAME TO t3;"},
  {"BC003", "sqlite,postgres,mysql", true, "sql", "DROP TABLE orders;"},
  {"BC003", "sqlite,postgres,mysql", false, "sql", "-- bellows:up\nSELECT 1;\n-- bellows:contract\nDROP TABLE orders;"},
  {"BC004", "sqlite,postgres,mysql", true, "yaml", "operations:\n  - alter_column: {table: users, column: email, nullable: true}\n"},
  {"BC004", "sqlite,postgres,mysql", false, "yaml", "operations:\n  - alter_column: {table: users, column: age, nullable: false, up: \"COALESCE(age, 0)\"}\n"},
  // DS: destructive
  {"DS001", "sqlite,postgres,mysql", true, "yaml", "operations:\n  - drop_table: {table: orders}\n"},
  {"DS001", "sqlite,postgres,mysql", false, "yaml", "operations:\n  - drop_index: {name: users_email_idx}\n"},
  {"DS002", "sqlite,postgres,mysql", true, "yaml", "operations:\n  - drop_column: {table: users, column: name}\n"},
  {"DS002", "sqlite,postgres,mysql", false, "yaml", "operations:\n  - rename_column: {table: users, from: name, to: full_name}\n"},
  {"DS003", "postgres,mysql", true, "sql", "DROP SCHEMA old_stuff;"},
  {"DS003", "postgres,mysql", false, "sql", "CREATE TABLE t2 (id int);"},
  {"DS004", "postgres,mysql", true, "sql", "TRUNCATE orders;"},
  {"DS004", "postgres,mysql", false, "sql", "DELETE FROM orders WHERE id = 1;"},
  // TX: transactions and robustness
  {"TX001", "sqlite,postgres,mysql", true, "sql", "BEGIN;\nCREATE TABLE t2 (id int);\nCOMMIT;"},
  {"TX001", "sqlite,postgres,mysql", false, "sql", "CREATE TABLE t2 (id int);"},
  {"TX002", "postgres", true, "sql", "DO $$ BEGIN EXECUTE 'CREATE TABLE t9 (id int)'; END $$;"},
  {"TX002", "mysql", true, "sql", "PREPARE s FROM 'CREATE TABLE t9 (id int)';\nEXECUTE s;"},
  {"TX002", "sqlite", true, "sql", "CREATE VIRTUAL TABLE notes_fts USING fts5(body);"},
  {"TX002", "postgres,mysql,sqlite", false, "sql", "CREATE TABLE t2 (id int);"},
  {"TX003", "postgres", true, "sql", "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name);\nCREATE TABLE t2 (id int);"},
  {"TX003", "postgres", false, "sql", "-- bellows:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name);\nCREATE TABLE t2 (id int);"},
  {"TX004", "postgres", true, "sql", "-- bellows:no-transaction\nCREATE INDEX CONCURRENTLY users_name_idx ON users (name);"},
  {"TX004", "postgres", false, "sql", "-- bellows:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name);"},
  {"TX005", "sqlite", true, "sql", "PRAGMA foreign_keys = OFF;\nCREATE TABLE t2 (id int);"},
  {"TX005", "sqlite", false, "sql", "-- bellows:no-transaction\nPRAGMA foreign_keys = OFF;\nCREATE TABLE t2 (id int);"},
  // EC: expand/contract discipline
  {"EC001", "sqlite,postgres,mysql", true, "sql", "-- bellows:up\nCREATE TABLE t2 (id int);"},
  {"EC001", "sqlite,postgres,mysql", false, "sql", "CREATE TABLE t2 (id int);"},
  // NM: naming
  {"NM001", "postgres,mysql", true, "sql", "CREATE TABLE a_table_name_that_is_much_longer_than_sixty_four_characters_allowed_x (id int);"},
  {"NM001", "postgres,mysql", false, "sql", "CREATE TABLE short_name (id int);"},
};
// clang-format on

// The SQL file of a case: an up section (unless the text has markers) and a down section, so
// only the rule under test decides.
std::string SqlFile(const std::string& text) {
  if (text.find("-- bellows:up") != std::string::npos) return text + "\n";
  return "-- bellows:up\n" + text + "\n-- bellows:down\nSELECT 1;\n";
}

nlohmann::json Lint(const Project& p, const std::string& args) {
  Run r = p.Bellows("lint --format json " + args, {}, true);
  nlohmann::json j = JsonOf(r);
  REQUIRE(j.contains("findings"));
  CHECK(j["exit_code"] == r.exit_code);
  return j;
}

bool HasFinding(const nlohmann::json& j, const std::string& code, const std::string& migration) {
  for (const auto& f : j["findings"]) {
    if (f["code"] == code && f["migration"] == migration) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("lint: every rule fires on its example and not on the safe one, per dialect") {
  int checked = 0;
  for (const Case& c : kCases) {
    Project p;
    p.Write("0001_base.yaml", kBase);
    if (c.before) p.Write("0002_before.sql", SqlFile(c.before));
    std::string ext = c.file;
    p.Write("0003_case." + ext, ext == "sql" ? SqlFile(c.text) : std::string(c.text));
    std::string dialects = c.dialects;
    size_t start = 0;
    while (start <= dialects.size()) {
      size_t comma = dialects.find(',', start);
      std::string d = dialects.substr(start, comma - start);
      start = comma == std::string::npos ? dialects.size() + 1 : comma + 1;
      nlohmann::json j = Lint(p, "--dir migrations --dialect " + d);
      INFO(std::string(c.code) << " on " << d << (c.fires ? " fires" : " stays quiet") << " for:\n"
                               << std::string(c.text) << "\nfindings: " << j["findings"].dump(1));
      CHECK(HasFinding(j, c.code, "0003_case") == c.fires);
      ++checked;
    }
  }
  CHECK(checked > 100);
}

TEST_CASE("lint: every rule of the catalogue has a docs page and at least one firing example") {
  Project p;
  p.Write("0001_base.yaml", kBase);
  Run r = p.Bellows("lint --format sarif --dir migrations --dialect sqlite", {}, true);
  nlohmann::json sarif = JsonOf(r);
  const auto& rules = sarif["runs"][0]["tool"]["driver"]["rules"];
  CHECK(rules.size() >= 25);
  for (const auto& rule : rules) {
    std::string code = rule["id"];
    std::ifstream page(std::string(BELLOWS_SOURCE_DIR) + "/docs/lint/" + code + ".md");
    CHECK_MESSAGE(page.good(), "docs/lint/" << code << ".md is missing");
    if (code.rfind("LN", 0) == 0) continue;  // the suppression rules have their own test
    bool fires = false;
    for (const Case& c : kCases) fires = fires || (c.code == code && c.fires);
    CHECK_MESSAGE(fires, code << " has no firing example");
  }
}

TEST_CASE("lint: exit codes, --strict, text output with file:line and hint") {
  Project p;
  p.Write("0001_base.yaml", kBase);
  p.Write("0002_warn.yaml", "operations:\n  - drop_table: {table: orders}\n");
  Run warn = p.Bellows("lint --dir migrations --dialect postgres", {}, true);
  CHECK(warn.exit_code == 0);
  CHECK(
      Has(warn.out, "migrations/0002_warn.yaml:2:17: warning DS001 [postgres] drop_table orders"));
  CHECK(Has(warn.out, "  hint: "));
  CHECK(Has(warn.out, "docs/lint/DS001.md"));
  Run strict = p.Bellows("lint --dir migrations --dialect postgres --strict", {}, true);
  CHECK(strict.exit_code == 4);
  p.Write("0003_err.sql", SqlFile("CREATE INDEX users_age_idx ON users (age);"));
  Run err = p.Bellows("lint --dir migrations --dialect postgres", {}, true);
  CHECK(err.exit_code == 4);
  CHECK(Has(err.out, "migrations/0003_err.sql:2:1: error LK001 [postgres]"));
  CHECK(Has(err.err, "lint: 1 error, 2 warnings"));
  // The same file is fine on SQLite: the rule is PostgreSQL's.
  Run sqlite = p.Bellows("lint --dir migrations --dialect sqlite", {}, true);
  CHECK(sqlite.exit_code == 0);
  // A file that does not parse is a validation error, as in validate.
  p.Write("0004_bad.yaml", "operations:\n  - add_colum: {table: users}\n");
  Run bad = p.Bellows("lint --dir migrations --dialect sqlite", {}, true);
  CHECK(bad.exit_code == 4);
  CHECK(Has(bad.err, "0004_bad.yaml:2"));
}

TEST_CASE("lint: lint-ignore comments need a reason; bellows.yaml disables rules") {
  Project p;
  p.Write("0001_base.yaml", kBase);
  p.Write("0002_drop.yaml",
          "# bellows:lint-ignore DS001 orders were archived to the warehouse in 0001\n"
          "operations:\n  - drop_table: {table: orders}\n");
  nlohmann::json j = Lint(p, "--dir migrations --dialect sqlite");
  CHECK_FALSE(HasFinding(j, "DS001", "0002_drop"));
  CHECK(j["ignored"] == 1);
  CHECK(j["exit_code"] == 0);

  p.Write("0002_drop.yaml",
          "# bellows:lint-ignore DS001\noperations:\n  - drop_table: {table: orders}\n");
  j = Lint(p, "--dir migrations --dialect sqlite");
  CHECK(HasFinding(j, "LN001", "0002_drop"));
  CHECK(HasFinding(j, "DS001", "0002_drop"));  // an ignore without a reason silences nothing
  CHECK(j["exit_code"] == 4);

  p.Write("0002_drop.yaml",
          "# bellows:lint-ignore BC001 nothing is renamed here\n"
          "# bellows:lint-ignore ZZ999 typo\n"
          "operations:\n  - create_table: {table: t2, columns: [{name: id, type: bigint}]}\n");
  j = Lint(p, "--dir migrations --dialect sqlite");
  CHECK(HasFinding(j, "LN002", "0002_drop"));
  CHECK(HasFinding(j, "LN003", "0002_drop"));

  Project q;
  q.Write("0001_base.yaml", kBase);
  q.Write("0002_drop.yaml", "operations:\n  - drop_table: {table: orders}\n");
  std::ofstream(q.dir() + "/bellows.yaml") << "dir: migrations\nlint:\n  disable: [DS001]\n";
  Run r = q.Bellows("lint --format json --dialect sqlite", {}, true);
  nlohmann::json k = JsonOf(r);
  CHECK_FALSE(HasFinding(k, "DS001", "0002_drop"));
  CHECK(k["ignored"] == 1);
  std::ofstream(q.dir() + "/bellows.yaml") << "dir: migrations\nlint:\n  disable: [DS01]\n";
  r = q.Bellows("lint --format json --dialect sqlite", {}, true);
  CHECK(r.exit_code == 4);
  CHECK(Has(r.out, "LN003"));
}

TEST_CASE("lint: markdown and SARIF output") {
  Project p;
  p.Write("0001_base.yaml", kBase);
  p.Write("0002_idx.sql", SqlFile("CREATE INDEX users_age_idx ON users (age);"));
  Run md = p.Bellows("lint --format markdown --dir migrations --dialect postgres", {}, true);
  CHECK(md.exit_code == 4);
  CHECK(Has(md.out, "## bellows lint"));
  CHECK(Has(md.out, "| **error** | `LK001` [postgres] | `migrations/0002_idx.sql:2:1` |"));
  Run sarif = p.Bellows("lint --format sarif --dir migrations --dialect postgres", {}, true);
  CHECK(sarif.exit_code == 4);
  nlohmann::json s = JsonOf(sarif);
  CHECK(s["version"] == "2.1.0");
  const auto& results = s["runs"][0]["results"];
  REQUIRE(results.size() == 1);
  CHECK(results[0]["ruleId"] == "LK001");
  CHECK(results[0]["level"] == "error");
  const auto& loc = results[0]["locations"][0]["physicalLocation"];
  CHECK(loc["artifactLocation"]["uri"] == "migrations/0002_idx.sql");
  CHECK(loc["region"]["startLine"] == 2);
}

TEST_CASE("lint: online it checks only the pending migrations against the live schema") {
  Project p;
  p.Write("0001_base.yaml", kBase);
  p.Write("0002_drop.yaml", "operations:\n  - drop_table: {table: orders}\n");
  REQUIRE(p.Bellows("apply").exit_code == 0);
  p.Write("0003_idx.yaml",
          "operations:\n  - create_index: {name: users_age_uq, table: users, columns: [age], "
          "unique: true}\n");
  Run r = p.Bellows("lint --format json");
  nlohmann::json j = JsonOf(r);
  CHECK(j["online"] == true);
  CHECK(j["migrations"] == 1);
  CHECK(HasFinding(j, "DD002", "0003_idx"));
  CHECK_FALSE(HasFinding(j, "DS001", "0002_drop"));  // applied: not linted again
  CHECK(j["dialects"] == nlohmann::json::array({"sqlite"}));
}

TEST_CASE("lint --since: only the files changed since a git revision") {
  if (std::system("git --version > /dev/null 2>&1") != 0) {
    FAIL("git is needed for lint --since");
  }
  Project p;
  p.Write("0001_base.yaml", kBase);
  p.Write("0002_drop.yaml", "operations:\n  - drop_table: {table: orders}\n");
  std::string git = "cd '" + p.dir() + "' && git -c user.email=t@t -c user.name=t ";
  REQUIRE(std::system(
              (git + "init -q . && " + git + "add -A && " + git + "commit -q -m base").c_str()) ==
          0);
  p.Write("0003_drop_col.yaml", "operations:\n  - drop_column: {table: users, column: name}\n");
  nlohmann::json j = Lint(p, "--dir migrations --dialect sqlite --since HEAD");
  CHECK(j["migrations"] == 1);
  CHECK(HasFinding(j, "DS002", "0003_drop_col"));
  CHECK_FALSE(HasFinding(j, "DS001", "0002_drop"));
  Run bad = p.Bellows("lint --dir migrations --dialect sqlite --since no-such-rev", {}, true);
  CHECK(bad.exit_code == 2);
  CHECK(Has(bad.err, "git failed"));
}

TEST_CASE("plan --format markdown shows each migration's lint findings and rollback SQL") {
  Project p;
  p.Write("0001_base.yaml", kBase);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  p.Write("0002_idx.yaml",
          "operations:\n  - create_index: {name: users_age_uq, table: users, columns: [age], "
          "unique: true}\n");
  Db db(p.db_path());
  db.Must("INSERT INTO users (id, name, email, age) VALUES (1, 'a', 'a@x', 3), (2, 'b', 'b@x', 4)");
  Run r = p.Bellows("plan --format markdown");
  CHECK(r.exit_code == 0);
  CHECK(Has(r.out, "Rows touched: `users` 2"));
  CHECK(Has(r.out, "Lint: 0 errors, 1 warning"));
  CHECK(Has(r.out, "**Lint:**"));
  CHECK(Has(r.out, "`DD002`"));
  CHECK(Has(r.out, "<summary>Rollback of the in-flight batch (newest first)</summary>"));
  CHECK(Has(r.out, "DROP INDEX"));
}

}  // namespace bellows::e2e
