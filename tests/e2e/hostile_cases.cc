#include "tests/e2e/hostile_cases.h"

#include <doctest/doctest.h>

namespace bellows::e2e {

namespace {

// The names, as the application spells them.
const std::string kTable = "semi;colon -- tbl";
const std::string kRenamed = "ünï;cödé /* t */";
const std::string kText = "naïve ✓";
const std::string kTextRenamed = "naïve -- ✓;";
const std::string kNumber = "x\"; DROP TABLE keep; --";
const std::string kBacktick = "b`tick'q";
const std::string kAdded = "größe €";
const std::string kIndex = "idx; -- ü";
const std::string kParent = "pa'rent; --";
const std::string kCode = "co\"de ✓";
const std::string kCheck = "chk; \"1\" --";
const std::string kUnique = "uq ✓ --";
const std::string kForeign = "fk;`x`";
const std::string kIndex2 = "ix \"2\"; ü";

std::string Quoted(const std::string& name, char quote) {
  std::string out(1, quote);
  for (char c : name) {
    if (c == quote) out += quote;
    out += c;
  }
  return out + quote;
}

// A YAML double-quoted scalar.
std::string Yaml(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void HostileNamesLifecycle(FormatTarget& t, char quote) {
  Project& p = *t.project;
  auto q = [quote](const std::string& name) { return Quoted(name, quote); };
  p.Write("0001_hostile.yaml",
          "operations:\n"
          "  - create_table:\n"
          "      table: " +
              Yaml(kTable) +
              "\n"
              "      columns:\n"
              "        - {name: id, type: integer, primary_key: true}\n"
              "        - {name: " +
              Yaml(kText) +
              ", type: varchar(40)}\n"
              "        - {name: " +
              Yaml(kNumber) +
              ", type: integer}\n"
              "        - {name: " +
              Yaml(kBacktick) +
              ", type: varchar(40)}\n"
              "  - create_table:\n"
              "      table: keep\n"
              "      columns:\n"
              "        - {name: id, type: integer, primary_key: true}\n");
  Run first = p.Bellows("apply");
  INFO(first.out, first.err);
  REQUIRE(first.exit_code == 0);
  t.must("INSERT INTO " + q(kTable) + " (id, " + q(kText) + ", " + q(kNumber) + ", " +
         q(kBacktick) + ") VALUES (1, 'a;b', 10, 'it''s'), (2, '-- c', NULL, 'd')");
  t.must("INSERT INTO keep (id) VALUES (7)");

  p.Write("0002_hostile_change.yaml",
          "operations:\n"
          "  - add_column:\n"
          "      table: " +
              Yaml(kTable) +
              "\n"
              "      column: {name: " +
              Yaml(kAdded) +
              ", type: integer, nullable: false, default: \"0\"}\n"
              "      up: " +
              Yaml("COALESCE(" + q(kNumber) + ", 0) + 1") +
              "\n"
              "  - alter_column:\n"
              "      table: " +
              Yaml(kTable) +
              "\n"
              "      column: " +
              Yaml(kNumber) +
              "\n"
              "      type: bigint\n"
              "      up: " +
              Yaml(q(kNumber)) +
              "\n"
              "      down: " +
              Yaml(q(kNumber)) +
              "\n"
              "  - rename_column: {table: " +
              Yaml(kTable) + ", from: " + Yaml(kText) + ", to: " + Yaml(kTextRenamed) +
              "}\n"
              "  - create_index: {table: " +
              Yaml(kTable) + ", name: " + Yaml(kIndex) + ", columns: [" + Yaml(kAdded) +
              "]}\n"
              "  - rename_table: {from: " +
              Yaml(kTable) + ", to: " + Yaml(kRenamed) + "}\n");
  const std::string before = "SELECT id, " + q(kText) + ", " + q(kNumber) + ", " + q(kBacktick) +
                             " FROM " + q(kTable) + " ORDER BY id";
  const Table original = t.query(before);
  REQUIRE(original.size() == 2);

  for (std::string command : {"start", "rollback", "start", "complete"}) {
    CAPTURE(command);
    Run r = p.Bellows(command);
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    if (command == "rollback") CHECK(t.query(before) == original);
  }
  CHECK(t.query("SELECT id, " + q(kTextRenamed) + ", " + q(kNumber) + ", " + q(kAdded) + " FROM " +
                q(kRenamed) + " ORDER BY id") ==
        Table{{"1", "a;b", "10", "11"}, {"2", "-- c", "NULL", "1"}});
  CHECK_FALSE(t.has_table(kTable));
  CHECK(t.query("SELECT id FROM keep") == Table{{"7"}});  // nothing was injected

  // And back: rollback of the completed migration restores names and rows.
  Run back = p.Bellows("rollback --steps 1");
  INFO(back.out, back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(t.query(before) == original);
  CHECK(t.query("SELECT id FROM keep") == Table{{"7"}});

  // A dropped column with a hostile name, through the window (the rolled-back change stays
  // out).
  p.Remove("0002_hostile_change.yaml");
  p.Write("0003_hostile_drop.yaml",
          "operations:\n"
          "  - drop_column: {table: " +
              Yaml(kTable) + ", column: " + Yaml(kBacktick) + ", down: \"'restored'\"}\n");
  for (std::string command : {"start", "rollback", "apply"}) {
    CAPTURE(command);
    Run r = p.Bellows(command);
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
  }
  CHECK(t.query("SELECT id, " + q(kText) + " FROM " + q(kTable) + " ORDER BY id") ==
        Table{{"1", "a;b"}, {"2", "-- c"}});
  CHECK(t.query("SELECT id FROM keep") == Table{{"7"}});

  // Constraints, an index and a table with hostile names, and an sql operation naming them:
  // through the window, back, and applied; then each dropped again.
  p.Write("0004_hostile_constraints.yaml",
          "operations:\n"
          "  - create_table:\n"
          "      table: " +
              Yaml(kParent) +
              "\n"
              "      columns:\n"
              "        - {name: id, type: integer, primary_key: true}\n"
              "        - {name: " +
              Yaml(kCode) +
              ", type: varchar(10)}\n"
              "  - sql:\n"
              "      up: " +
              Yaml("INSERT INTO " + q(kParent) + " (id, " + q(kCode) + ") VALUES (10, 'x;y')") +
              "\n"
              "      down: " +
              Yaml("DELETE FROM " + q(kParent) + " WHERE id = 10") +
              "\n"
              "  - create_constraint: {table: " +
              Yaml(kTable) + ", name: " + Yaml(kCheck) +
              ", type: check, check: " + Yaml(q(kNumber) + " IS NULL OR " + q(kNumber) + " >= 0") +
              ", allow_copy: true}\n"
              "  - create_constraint: {table: " +
              Yaml(kTable) + ", name: " + Yaml(kUnique) + ", type: unique, columns: [" +
              Yaml(kText) +
              "]}\n"
              "  - create_constraint: {table: " +
              Yaml(kTable) + ", name: " + Yaml(kForeign) + ", type: foreign_key, columns: [" +
              Yaml(kNumber) + "], references: {table: " + Yaml(kParent) +
              ", columns: [id]}}\n"
              "  - create_index: {table: " +
              Yaml(kTable) + ", name: " + Yaml(kIndex2) + ", columns: [" + Yaml(kNumber) + "]}\n");
  const Table rows =
      t.query("SELECT id, " + q(kText) + ", " + q(kNumber) + " FROM " + q(kTable) + " ORDER BY id");
  for (std::string command : {"start", "rollback", "apply"}) {
    CAPTURE(command);
    Run r = p.Bellows(command);
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    if (command == "rollback") CHECK_FALSE(t.has_table(kParent));
  }
  CHECK(t.query("SELECT id, " + q(kCode) + " FROM " + q(kParent)) == Table{{"10", "x;y"}});
  CHECK(t.query("SELECT id, " + q(kText) + ", " + q(kNumber) + " FROM " + q(kTable) +
                " ORDER BY id") == rows);

  p.Write("0005_hostile_drops.yaml",
          "operations:\n"
          "  - drop_index: {name: " +
              Yaml(kIndex2) +
              "}\n"
              "  - drop_constraint: {table: " +
              Yaml(kTable) + ", name: " + Yaml(kForeign) +
              "}\n"
              "  - drop_constraint: {table: " +
              Yaml(kTable) + ", name: " + Yaml(kCheck) +
              "}\n"
              "  - drop_table: {table: " +
              Yaml(kParent) + "}\n");
  for (std::string command : {"start", "rollback", "apply"}) {
    CAPTURE(command);
    Run r = p.Bellows(command);
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 0);
    if (command == "rollback") CHECK(t.has_table(kParent));
  }
  CHECK_FALSE(t.has_table(kParent));
  CHECK(t.query("SELECT id, " + q(kText) + ", " + q(kNumber) + " FROM " + q(kTable) +
                " ORDER BY id") == rows);
  CHECK(t.query("SELECT id FROM keep") == Table{{"7"}});
}

}  // namespace bellows::e2e
