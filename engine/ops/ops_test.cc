// The operations' plans: schema in, steps out (no database). Steps render through the
// describing dialect, so each line reads "<step kind>: <description>".

#include <doctest/doctest.h>

#include "engine/migration_yaml.h"
#include "engine/ops/ops_test_dialect.h"
#include "engine/planner.h"

namespace bellows {

namespace {

const char* kBase = R"yaml(operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: name, type: text, nullable: false}
        - {name: email, type: text}
  - create_index: {name: users_email_idx, table: users, columns: [email]}
)yaml";

Migration Parse(const std::string& version, const std::string& yaml) {
  Migration m;
  m.version = *Version::Parse(version);
  m.id = version + "_test";
  m.file = m.id + ".yaml";
  Status s = ReadYamlMigration(yaml, m.file, &m);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return m;
}

// The schema after `kBase`, as a database would have it.
Schema BaseSchema(const Dialect& d) {
  Migration base = Parse("1", kBase);
  PlanRequest req;
  req.dialect = &d;
  req.pending = {&base};
  req.version_prefix = "main";
  auto planned = PlanBatches(req);
  REQUIRE(planned.ok());
  return planned->final_schema;
}

Result<PlannedBatches> PlanOn(const Dialect& d, const std::vector<const Migration*>& pending,
                              bool split = false) {
  PlanRequest req;
  req.dialect = &d;
  req.base = BaseSchema(d);
  req.pending = pending;
  req.version_prefix = "main";
  req.split = split;
  return PlanBatches(req);
}

std::vector<std::string> Lines(const BatchPlan& plan, Phase a, Phase b) {
  std::vector<std::string> out;
  for (const PlannedStep* s : plan.StepsOf(a, b)) out.push_back(s->forward.sql.at(0));
  return out;
}

}  // namespace

TEST_CASE("add_column on an existing table: shadow column, triggers, backfill, then swap") {
  testing::DescribingDialect d;
  Migration m = Parse("2", R"yaml(operations:
  - add_column:
      table: users
      column: {name: score, type: integer, nullable: false, default: "0"}
      up: length(name)
)yaml");
  auto planned = PlanOn(d, {&m});
  REQUIRE(planned.ok());
  const BatchPlan& plan = planned->batches.at(0);
  CHECK(Lines(plan, Phase::kExpand, Phase::kBackfill) ==
        std::vector<std::string>{
            "add_column: add column users._bellows_new_score integer",
            "create_sync_triggers: create triggers keeping users._bellows_new_score in sync",
            "backfill: backfill users(_bellows_new_score) in batches",
            "create_version: create version main_2",
        });
  CHECK(Lines(plan, Phase::kContract, Phase::kContract) ==
        std::vector<std::string>{
            "drop_version: drop version main_2",
            "drop_sync_triggers: drop triggers of users._bellows_new_score",
            "swap_column: replace column users.score with _bellows_new_score (integer NOT NULL)",
        });
  // Every expand step can be undone; the swap cannot.
  for (const PlannedStep* s : plan.StepsOf(Phase::kExpand, Phase::kBackfill))
    CHECK(s->inverse.has_value());
  CHECK(plan.steps.at(0).inverse->sql.at(0) == "drop_column: drop column users._bellows_new_score");
  CHECK(plan.steps.back().destructive);
  CHECK_FALSE(plan.steps.back().inverse.has_value());
  // The new version reads the shadow under the column's name.
  const TableView& v = plan.version.tables.at(0);
  CHECK(v.changed);
  CHECK(v.columns.back().name == "score");
  CHECK(v.columns.back().physical == "_bellows_new_score");
  CHECK(v.not_null == std::vector<std::string>{"score"});  // physically nullable until complete
  // Once completed, it is undone by dropping the column.
  CHECK(plan.migrations.at(0).inverse.dump() ==
        R"j([{"drop_column":{"column":"score","table":"users"}}])j");
  CHECK(planned->final_schema.FindTable("users")->FindColumn("score")->nullable == false);
}

TEST_CASE("an operation on a table created in the same batch runs directly") {
  testing::DescribingDialect d;
  Migration create = Parse("2",
                           "operations:\n  - create_table: {table: t, columns: [{name: id, type: "
                           "integer, primary_key: true}]}\n");
  Migration add =
      Parse("3",
            "operations:\n  - add_column: {table: t, column: {name: c, type: text}}\n"
            "  - alter_column: {table: t, column: c, nullable: false, up: \"coalesce(c, '')\"}\n");
  auto planned = PlanOn(d, {&create, &add});
  REQUIRE(planned.ok());
  CHECK(Lines(planned->batches.at(0), Phase::kExpand, Phase::kBackfill) ==
        std::vector<std::string>{
            "create_table: create table t", "add_column: add column t.c text",
            "alter_column: alter column t.c to text NOT NULL using coalesce(c, '')"});
  CHECK(Lines(planned->batches.at(0), Phase::kContract, Phase::kContract).empty());
}

TEST_CASE("alter_column copies the old column's index onto the shadow and gives it back its name") {
  testing::DescribingDialect d;
  Migration m = Parse("2", R"yaml(operations:
  - alter_column: {table: users, column: email, type: varchar(320), unique: true, up: lower(email), down: email}
)yaml");
  auto planned = PlanOn(d, {&m});
  REQUIRE(planned.ok());
  const BatchPlan& plan = planned->batches.at(0);
  CHECK(
      Lines(plan, Phase::kExpand, Phase::kBackfill) ==
      std::vector<std::string>{
          "add_column: add column users._bellows_new_email varchar(320)",
          "create_index: create index _bellows_users_email_idx on users(_bellows_new_email)",
          "create_index: create unique index _bellows_users_email_key on users(_bellows_new_email)",
          "create_sync_triggers: create triggers keeping users._bellows_new_email and email in "
          "sync",
          "backfill: backfill users(_bellows_new_email) in batches",
          "create_version: create version main_2",
      });
  const Table* users = planned->final_schema.FindTable("users");
  REQUIRE(users != nullptr);
  CHECK(users->FindIndex("users_email_idx") != nullptr);
  CHECK(users->FindIndex("users_email_key") != nullptr);
  CHECK(users->FindColumn("email")->type == "varchar(320)");
  // New-version writes fill the old column from `down`.
  CHECK(plan.version.tables.at(0).fill ==
        std::vector<std::pair<std::string, std::string>>{{"email", "email"}});
  // Once completed, it is undone by the opposite change, down and up swapped.
  CHECK(
      plan.migrations.at(0).inverse.dump() ==
      R"j([{"drop_constraint":{"name":"users_email_key","table":"users"}},)j"
      R"j({"alter_column":{"column":"email","down":"lower(email)","table":"users","type":"text","up":"email"}}])j");
}

TEST_CASE(
    "one start cannot shadow a column twice, or rename then alter it; apply splits the batch") {
  testing::DescribingDialect d;
  Migration first = Parse("2",
                          "operations:\n  - alter_column: {table: users, column: email, type: "
                          "varchar(100), up: email}\n");
  Migration second = Parse("3",
                           "operations:\n  - alter_column: {table: users, column: email, nullable: "
                           "false, up: \"coalesce(email, '')\"}\n");
  auto refused = PlanOn(d, {&first, &second});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kInvalid);
  CHECK(refused.status().hint().find("bellows start --to 2") != std::string::npos);

  auto split = PlanOn(d, {&first, &second}, true);
  REQUIRE(split.ok());
  REQUIRE(split->batches.size() == 2);
  CHECK(split->batches[0].version.name == "main_2");
  CHECK(split->batches[1].version.name == "main_3");

  Migration rename =
      Parse("2", "operations:\n  - rename_column: {table: users, from: name, to: full_name}\n");
  Migration alter = Parse("3",
                          "operations:\n  - alter_column: {table: users, column: full_name, type: "
                          "varchar(10), up: full_name}\n");
  auto renamed = PlanOn(d, {&rename, &alter});
  REQUIRE_FALSE(renamed.ok());
  CHECK(renamed.status().message().find("rename a column and then alter it") != std::string::npos);
}

TEST_CASE("drop_column of a NOT NULL column without default needs down") {
  testing::DescribingDialect d;
  Migration m = Parse("2", "operations:\n  - drop_column: {table: users, column: name}\n");
  auto planned = PlanOn(d, {&m});
  REQUIRE_FALSE(planned.ok());
  CHECK(planned.status().hint().find("\"down\"") != std::string::npos);
  Migration ok =
      Parse("2", "operations:\n  - drop_column: {table: users, column: name, down: \"'?'\"}\n");
  auto fine = PlanOn(d, {&ok});
  REQUIRE(fine.ok());
  CHECK(fine->batches[0].migrations[0].irreversible.find("drop_column users.name") !=
        std::string::npos);
}

TEST_CASE("create_constraint is NOT VALID then validated where the dialect can") {
  Migration m = Parse("2",
                      "operations:\n  - create_constraint: {table: users, name: c, type: check, "
                      "check: length(name) > 1}\n");
  testing::DescribingDialect not_valid(true);
  auto planned = PlanOn(not_valid, {&m});
  REQUIRE(planned.ok());
  CHECK(Lines(planned->batches[0], Phase::kExpand, Phase::kBackfill).front() ==
        "add_constraint: add check constraint c on users (not validated)");
  CHECK(Lines(planned->batches[0], Phase::kContract, Phase::kContract) ==
        std::vector<std::string>{"validate_constraint: validate constraint c on users"});
  testing::DescribingDialect plain;
  planned = PlanOn(plain, {&m});
  REQUIRE(planned.ok());
  CHECK(Lines(planned->batches[0], Phase::kExpand, Phase::kBackfill).front() ==
        "add_constraint: add check constraint c on users");
  CHECK(planned->batches[0].data_checks.size() == 1);
}

TEST_CASE(
    "rename_table and rename_column are seen by the new version at once and applied at contract") {
  testing::DescribingDialect d;
  Migration m = Parse("2",
                      "operations:\n  - rename_table: {from: users, to: people}\n"
                      "  - rename_column: {table: people, from: name, to: full_name}\n");
  auto planned = PlanOn(d, {&m});
  REQUIRE(planned.ok());
  const BatchPlan& plan = planned->batches[0];
  CHECK(Lines(plan, Phase::kContract, Phase::kContract) ==
        std::vector<std::string>{"drop_version: drop version main_2",
                                 "rename_table: rename table users to people",
                                 "rename_column: rename column people.name to full_name"});
  const TableView& v = plan.version.tables.at(0);
  CHECK(v.name == "people");
  CHECK(v.physical == "users");
  CHECK(v.columns[1].name == "full_name");
  CHECK(v.columns[1].physical == "name");
}

}  // namespace bellows
