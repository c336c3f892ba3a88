#include "tests/e2e/generate_cases.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace bellows::e2e {

namespace {

const char* kBase = R"yaml(operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: name, type: varchar(100)}
        - {name: age, type: integer}
        - {name: legacy, type: text}
  - create_table:
      table: old_log
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: msg, type: text}
  - create_table:
      table: scratchpad
      columns:
        - {name: id, type: integer, primary_key: true}
        - {name: note, type: varchar(20)}
  - create_index: {name: users_age_idx, table: users, columns: [age]}
)yaml";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

void GeneratedMigrationRoundTrips(GenerateTarget& t) {
  Project& p = *t.project;
  p.Write("0001_base.yaml", kBase);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  t.must(
      "INSERT INTO users (id, name, age, legacy) VALUES (1, 'ann', 30, 'x'), (2, 'bob', NULL, "
      "NULL)");
  for (const std::string& sql : t.desired_sql) t.desired_must(sql);
  const std::string to = "diff --to '" + t.desired_url + "'";

  // A rename is never guessed.
  Run ambiguous = p.Bellows(to + " --slug dev");
  INFO(ambiguous.out << ambiguous.err);
  CHECK(ambiguous.exit_code == 4);
  CHECK(Has(ambiguous.err, "cannot tell whether these are renames"));
  CHECK(Has(ambiguous.err, "users.name -> users.full_name"));
  CHECK(Has(ambiguous.err, "--rename users.name=full_name"));
  CHECK(!std::filesystem::exists(p.dir() + "/migrations/0002_dev.yaml"));

  const std::string decided =
      to + " --rename users.name=full_name --rename old_log=events --drop-add users.legacy";
  Run dry = p.Bellows(decided + " --dry-run");
  INFO(dry.out << dry.err);
  CHECK(dry.exit_code == 0);
  CHECK(Has(dry.out, "rename_column"));
  CHECK(!std::filesystem::exists(p.dir() + "/migrations/0002_dev.yaml"));

  Run wrote = p.Bellows(decided + " --slug dev");
  INFO(wrote.out << wrote.err);
  REQUIRE(wrote.exit_code == 0);
  const std::string file = p.dir() + "/migrations/0002_dev.yaml";
  REQUIRE(std::filesystem::exists(file));
  std::string yaml = ReadFile(file);
  for (const char* op :
       {"rename_column", "rename_table", "alter_column", "add_column", "drop_column",
        "create_table", "create_index", "create_constraint", "sql"}) {
    INFO(op);
    CHECK(Has(yaml, std::string("- ") + op + ":"));
  }
  CHECK(Has(yaml, "drop_table:\n      table: scratchpad"));
  CHECK(!Has(yaml, "table: old_log\n  - "));  // the renamed table is not dropped

  // The placeholder stops the file until a person has looked at it.
  Run refused = p.Bellows("validate");
  INFO(refused.err);
  CHECK(refused.exit_code == 4);
  CHECK(Has(refused.err, "0002_dev.yaml:"));
  CHECK(Has(refused.err, "still holds the placeholder"));
  CHECK(p.Bellows("start").exit_code == 4);
  p.Write("0002_dev.yaml",
          std::regex_replace(yaml, std::regex("\"\\{\\{review: (.*)\\}\\}\""), "\"$1\""));

  // The reviewed file passes lint against this database: warnings (the drops, the widened
  // column) but no error.
  Run lint = p.Bellows("lint");
  INFO(lint.out << lint.err);
  CHECK(lint.exit_code == 0);
  CHECK(Has(lint.out, "warning DS001"));
  CHECK(Has(lint.out, "lint: 0 errors"));

  // Expand/contract: both versions work while the batch is in flight.
  Run start = p.Bellows("start");
  INFO(start.out << start.err);
  REQUIRE(start.exit_code == 0);
  CHECK(t.query_old("SELECT name FROM users WHERE id = 1") == Table{{"ann"}});
  CHECK(t.query_new("SELECT full_name, age FROM users WHERE id = 2") == Table{{"bob", "0"}});
  CHECK(t.query_new("SELECT count(*) FROM events") == Table{{"0"}});
  Run complete = p.Bellows("complete");
  INFO(complete.out << complete.err);
  REQUIRE(complete.exit_code == 0);
  CHECK(t.query_old("SELECT full_name, age FROM users ORDER BY id") ==
        Table{{"ann", "30"}, {"bob", "0"}});

  // The directory now builds the desired schema.
  Run again = p.Bellows(to + " --dry-run");
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK(Has(again.out, "no difference"));
  CHECK(p.Bellows("drift").exit_code == 0);
}

void TwoDatabasesCompare(GenerateTarget& a, GenerateTarget& b) {
  for (const std::string& sql : a.desired_sql) a.desired_must(sql);
  for (const std::string& sql : b.desired_sql) b.desired_must(sql);
  const std::string cmd = "diff --from '" + a.desired_url + "' --to '" + b.desired_url + "'";
  Run same = a.project->Bellows(cmd, {}, true);
  INFO(same.out << same.err);
  CHECK(same.exit_code == 0);
  CHECK(Has(same.out, "no difference"));
  b.desired_must("CREATE INDEX orders_user_idx ON orders (user_id)");
  Run differs = a.project->Bellows(cmd + " --format json", {}, true);
  INFO(differs.out << differs.err);
  CHECK(differs.exit_code == 0);
  CHECK(Has(differs.out, "+ index orders_user_idx on orders(user_id)"));
  const std::string dir = a.project->dir() + "/migrations";
  CHECK((!std::filesystem::exists(dir) || std::filesystem::is_empty(dir)));
}

}  // namespace bellows::e2e
