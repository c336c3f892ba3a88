#include "engine/ddl_parser.h"

#include <doctest/doctest.h>

namespace bellows {

TEST_CASE("ddl parser: SQLite table with every column and table constraint") {
  LexOptions lex;
  lex.backtick_identifiers = true;
  auto r = ParseCreateTable(
      "CREATE TABLE \"orders\" (\n"
      "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
      "  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
      "  total decimal(10, 2) DEFAULT 0 CHECK (total >= 0),\n"
      "  status text NOT NULL DEFAULT 'new' COLLATE NOCASE,\n"
      "  created_at timestamp DEFAULT (datetime('now')),\n"
      "  code text UNIQUE,\n"
      "  CONSTRAINT orders_code_len CHECK (length(code) < 10),\n"
      "  UNIQUE (user_id, code)\n"
      ") WITHOUT ROWID",
      lex);
  REQUIRE(r.ok());
  const Table& t = *r;
  CHECK(t.name == "orders");
  REQUIRE(t.columns.size() == 6);
  CHECK(t.primary_key == std::vector<std::string>{"id"});
  CHECK(t.columns[0].identity);
  CHECK(t.columns[0].identity_detail == "AUTOINCREMENT");
  CHECK(t.columns[1].type == "integer");
  CHECK_FALSE(t.columns[1].nullable);
  CHECK(t.columns[2].type == "decimal(10, 2)");
  CHECK(t.columns[2].default_expr == "0");
  CHECK(t.columns[3].default_expr == "'new'");
  CHECK(t.columns[3].collation == "NOCASE");
  CHECK(t.columns[4].default_expr == "datetime('now')");
  CHECK(t.options == "WITHOUT ROWID");
  REQUIRE(t.constraints.size() == 5);
  CHECK(t.constraints[0].kind == ConstraintKind::kForeignKey);
  CHECK(t.constraints[0].ref_table == "users");
  CHECK(t.constraints[0].ref_columns == std::vector<std::string>{"id"});
  CHECK(t.constraints[0].on_delete == "CASCADE");
  CHECK(t.constraints[1].check == "total >= 0");
  CHECK(t.constraints[2].kind == ConstraintKind::kUnique);
  CHECK(t.constraints[3].name == "orders_code_len");
  CHECK(t.constraints[4].columns == std::vector<std::string>{"user_id", "code"});
}

TEST_CASE("ddl parser: composite primary key and quoted names") {
  LexOptions lex;
  auto r = ParseCreateTable(
      "CREATE TABLE IF NOT EXISTS main.\"a b\" (\"x\"\"y\" int, z int, PRIMARY KEY (\"x\"\"y\", z "
      "DESC))",
      lex);
  REQUIRE(r.ok());
  CHECK(r->name == "a b");
  CHECK(r->columns[0].name == "x\"y");
  CHECK(r->primary_key == std::vector<std::string>{"x\"y", "z"});
  CHECK_FALSE(r->columns[1].nullable);
}

TEST_CASE("ddl parser: unmodelled clauses are reported, not dropped silently") {
  LexOptions lex;
  std::vector<std::string> unmodelled;
  auto r =
      ParseCreateTable("CREATE TABLE t (a int NOT NULL ON CONFLICT REPLACE)", lex, &unmodelled);
  REQUIRE(r.ok());
  CHECK(unmodelled.size() == 1);
}

TEST_CASE("ddl parser: create index with expression, order and predicate") {
  LexOptions lex;
  auto r = ParseCreateIndex(
      "CREATE UNIQUE INDEX IF NOT EXISTS i ON t (lower(email), created DESC) WHERE deleted IS NULL",
      lex);
  REQUIRE(r.ok());
  CHECK(r->table == "t");
  CHECK(r->index.unique);
  REQUIRE(r->index.keys.size() == 2);
  CHECK(r->index.keys[0].expression == "lower(email)");
  CHECK(r->index.keys[1].column == "created");
  CHECK(r->index.keys[1].descending);
  CHECK(r->index.where == "deleted IS NULL");
}

TEST_CASE("ddl parser: errors name the offending token") {
  LexOptions lex;
  auto r = ParseCreateTable("CREATE TABLE t (a int CHECK)", lex);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("near \")\"") != std::string::npos);
}

}  // namespace bellows
