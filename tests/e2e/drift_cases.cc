#include "tests/e2e/drift_cases.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace bellows::e2e {

namespace {

nlohmann::json DriftJson(const Project& p, int expected_exit) {
  Run r = p.Bellows("drift --format json");
  INFO(r.out << r.err);
  CHECK(r.exit_code == expected_exit);
  return JsonOf(r)["drift"];
}

std::string LiveFingerprint(const Project& p) {
  return DriftJson(p, 0)["live_fingerprint"].get<std::string>();
}

const char* kAddNote =
    "operations:\n  - add_column:\n      table: orders\n      column: {name: note, type: "
    "varchar(40)}\n";

}  // namespace

void CleanRunShowsNoDrift(DriftTarget& t) {
  Project& p = *t.project;
  p.CopyMigrations(ExamplesDir() + "/shop/migrations");
  p.Remove("bellows.sum");
  REQUIRE(p.Bellows("apply").exit_code == 0);
  Run clean = p.Bellows("drift");
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(Has(clean.out, "no drift"));
  // Stable across repeated introspection (each run is a new process and connection).
  std::string first = LiveFingerprint(p);
  CHECK(LiveFingerprint(p) == first);
  CHECK(DriftJson(p, 0)["recorded_fingerprint"] == first);

  // A batch in flight, with its version schema, triggers and shadow columns, is not drift.
  p.Write("0014_order_note.yaml", kAddNote);
  p.Write("0015_status_wider.yaml",
          "operations:\n  - alter_column: {table: orders, column: status, type: varchar(40), "
          "up: status, down: status}\n");
  REQUIRE(p.Bellows("start").exit_code == 0);
  Run during = p.Bellows("drift");
  INFO(during.out << during.err);
  CHECK(during.exit_code == 0);
  CHECK(p.Bellows("rollback").exit_code == 0);
  CHECK(p.Bellows("drift").exit_code == 0);
  REQUIRE(p.Bellows("start").exit_code == 0);
  Run complete = p.Bellows("complete");
  INFO(complete.err);
  CHECK(complete.exit_code == 0);
  CHECK(p.Bellows("drift").exit_code == 0);
}

void OutOfBandChangesAreReported(DriftTarget& t) {
  Project& p = *t.project;
  p.CopyMigrations(ExamplesDir() + "/shop/migrations");
  p.Remove("bellows.sum");
  REQUIRE(p.Bellows("apply").exit_code == 0);
  for (const auto& [sql, line] : t.changes) t.must(sql);

  Run drift = p.Bellows("drift");
  INFO(drift.out << drift.err);
  CHECK(drift.exit_code == 3);
  for (const auto& [sql, line] : t.changes) {
    INFO("expected: " << line);
    CHECK(Has(drift.out, line));
  }
  nlohmann::json j = DriftJson(p, 3);
  CHECK(j["drifted"] == true);
  CHECK(j["changes"].size() >= t.changes.size());
  Run md = p.Bellows("drift --format markdown");
  CHECK(md.exit_code == 3);
  CHECK(Has(md.out, "| change | object | detail |"));

  // A run that would change the schema stops before changing anything.
  p.Write("0014_order_note.yaml", kAddNote);
  Run apply = p.Bellows("apply");
  INFO(apply.err);
  CHECK(apply.exit_code == 3);
  CHECK(Has(apply.err, "changed outside bellows"));
  CHECK(Has(apply.err, t.changes.front().second));
  CHECK(t.query("SELECT count(*) FROM " + t.history + " WHERE version = '14'") == Table{{"0"}});

  // --allow-drift runs and records that it did; the run then records the schema it leaves.
  Run allowed = p.Bellows("apply --allow-drift");
  INFO(allowed.err);
  CHECK(allowed.exit_code == 0);
  CHECK(Has(allowed.err, "proceeding despite drift"));
  CHECK(t.query("SELECT state FROM " + t.history + " WHERE version = '14'") ==
        Table{{"completed"}});
  CHECK(p.Bellows("drift").exit_code == 0);

  // bellows' own objects: an orphan is drift, and so is a missing one.
  t.must(t.orphan_sql);
  Run orphan = p.Bellows("drift");
  INFO(orphan.out);
  CHECK(orphan.exit_code == 3);
  CHECK(Has(orphan.out, t.orphan_line));
  Run accepted = p.Bellows("repair --accept-drift");
  INFO(accepted.out << accepted.err);
  CHECK(accepted.exit_code == 0);
  CHECK(p.Bellows("drift").exit_code == 0);
  if (!t.remove_owned_sql.empty()) {
    t.must(t.remove_owned_sql);
    Run missing = p.Bellows("drift");
    INFO(missing.out);
    CHECK(missing.exit_code == 3);
    CHECK(Has(missing.out, t.remove_owned_line));
    REQUIRE(p.Bellows("repair --accept-drift").exit_code == 0);
  }

  // Every repair action is in history with who and when.
  Run history = p.Bellows("history --format json");
  nlohmann::json h = JsonOf(history);
  std::vector<std::string> actions;
  for (const auto& r : h["repairs"]) {
    actions.push_back(r["action"]);
    CHECK(!r["by"].get<std::string>().empty());
    CHECK(!r["at"].get<std::string>().empty());
  }
  CHECK(actions.size() >= 2);
  CHECK(actions.front() == "allow-drift");
  CHECK(std::count(actions.begin(), actions.end(), "accept-drift") >= 1);
}

void BaselineAdoptsDatabase(DriftTarget& t, const std::vector<std::string>& plain_sql) {
  Project& p = *t.project;
  for (const std::string& sql : plain_sql) t.must(sql);
  p.Write("0001_users.yaml",
          "operations:\n  - create_table:\n      table: users\n      columns:\n        - {name: "
          "id, type: integer, primary_key: true}\n        - {name: name, type: varchar(100)}\n");
  p.Write("0002_email.yaml",
          "operations:\n  - add_column: {table: users, column: {name: email, type: "
          "varchar(255)}}\n");
  Run refused = p.Bellows("baseline x1");
  CHECK(refused.exit_code == 2);
  Run base = p.Bellows("baseline 1");
  INFO(base.out << base.err);
  REQUIRE(base.exit_code == 0);
  CHECK(Has(base.out, "baselined at 1"));
  CHECK(t.query("SELECT version, state FROM " + t.history + " ORDER BY id") ==
        Table{{"1", "completed"}});
  CHECK(p.Bellows("drift").exit_code == 0);
  Run again = p.Bellows("baseline 1");
  CHECK(again.exit_code == 7);  // history exists: baseline adopts a database once
  Run apply = p.Bellows("apply");
  INFO(apply.out << apply.err);
  CHECK(apply.exit_code == 0);
  CHECK(t.query("SELECT version, state FROM " + t.history + " ORDER BY id") ==
        Table{{"1", "completed"}, {"2", "completed"}});
  t.must("INSERT INTO users (id, name, email) VALUES (1, 'ann', 'ann@example.com')");
  CHECK(t.query("SELECT email FROM users") == Table{{"ann@example.com"}});
  CHECK(p.Bellows("drift").exit_code == 0);
  // The adopted migration cannot be rolled back (it never ran); the later one can.
  CHECK(p.Bellows("rollback --steps 1 --allow-data-loss").exit_code == 0);
  Run adopted = p.Bellows("rollback --steps 1");
  CHECK(adopted.exit_code == 4);
  CHECK(Has(adopted.err, "adopted by bellows baseline"));
}

void FingerprintIgnoresCreationOrder(DriftTarget& a, const std::vector<std::string>& sql_a,
                                     DriftTarget& b, const std::vector<std::string>& sql_b) {
  for (const std::string& sql : sql_a) a.must(sql);
  for (const std::string& sql : sql_b) b.must(sql);
  a.project->Write("0001_x.sql", "SELECT 1;\n");
  b.project->Write("0001_x.sql", "SELECT 1;\n");
  REQUIRE(a.project->Bellows("baseline 1").exit_code == 0);
  REQUIRE(b.project->Bellows("baseline 1").exit_code == 0);
  CHECK(LiveFingerprint(*a.project) == LiveFingerprint(*b.project));
  // And a difference shows.
  a.must("CREATE TABLE extra (id integer)");
  CHECK(LiveFingerprint(*b.project) != DriftJson(*a.project, 3)["live_fingerprint"]);
}

}  // namespace bellows::e2e
