#include "engine/sql_splitter.h"

#include <doctest/doctest.h>

namespace bellows {

namespace {
SplitOptions Postgres() {
  SplitOptions o;
  o.lex.dollar_quotes = true;
  o.lex.nested_block_comments = true;
  o.lex.escape_strings = true;
  return o;
}
SplitOptions Mysql() {
  SplitOptions o;
  o.lex.hash_comments = true;
  o.lex.dash_comment_needs_space = true;
  o.lex.backtick_identifiers = true;
  o.lex.double_quote_is_string = true;
  o.lex.backslash_escapes = true;
  o.delimiter_command = true;
  return o;
}
SplitOptions Sqlite() {
  SplitOptions o;
  o.lex.backtick_identifiers = true;
  o.lex.bracket_identifiers = true;
  return o;
}
std::vector<std::string> Texts(const Result<std::vector<SqlStatement>>& r) {
  REQUIRE(r.ok());
  std::vector<std::string> out;
  for (const auto& s : r.value()) out.push_back(s.text);
  return out;
}
}  // namespace

TEST_CASE("splitter: quotes, comments and several statements on one line") {
  auto r = SplitSql("SELECT 'a;b'; SELECT \"x;y\" FROM t; -- c;d\n/* e;f */ SELECT 3", Sqlite());
  CHECK(Texts(r) == std::vector<std::string>{"SELECT 'a;b'", "SELECT \"x;y\" FROM t", "SELECT 3"});
}

TEST_CASE("splitter: positions are file lines and columns") {
  auto r = SplitSql("\n\n  CREATE TABLE a (x int);\nSELECT 1;", Sqlite(), "f.sql", 10);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK(r->at(0).line == 12);
  CHECK(r->at(0).column == 3);
  CHECK(r->at(1).line == 13);
}

TEST_CASE("splitter: PostgreSQL dollar quotes and DO blocks stay whole") {
  auto r = SplitSql(
      "CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN x := 1; RETURN NEW; END $body$ LANGUAGE "
      "plpgsql;\n"
      "DO $$ BEGIN PERFORM 1; END $$;\nSELECT E'it\\'s;';",
      Postgres());
  auto t = Texts(r);
  REQUIRE(t.size() == 3);
  CHECK(t[1] == "DO $$ BEGIN PERFORM 1; END $$");
  CHECK(t[2] == "SELECT E'it\\'s;'");
}

TEST_CASE("splitter: PostgreSQL BEGIN ATOMIC function body") {
  auto t =
      Texts(SplitSql("CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT "
                     "2; END; SELECT 3;",
                     Postgres()));
  CHECK(t ==
        std::vector<std::string>{
            "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END",
            "SELECT 3"});
}

TEST_CASE("splitter: MySQL DELIMITER blocks") {
  auto t = Texts(SplitSql(
      "DELIMITER $$\nCREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END$$\nDELIMITER ;\nSELECT 3;",
      Mysql()));
  CHECK(t ==
        std::vector<std::string>{"CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", "SELECT 3"});
}

TEST_CASE("splitter: MySQL procedure without DELIMITER stays one statement") {
  auto t = Texts(
      SplitSql("CREATE PROCEDURE p(x INT) BEGIN IF x > 0 THEN SELECT IF(x, 1, 2); END IF; "
               "DROP TABLE IF EXISTS t; WHILE x > 0 DO SET x = x - 1; END WHILE; END;\nSELECT 4;",
               Mysql()));
  REQUIRE(t.size() == 2);
  CHECK(t[1] == "SELECT 4");
}

TEST_CASE("splitter: MySQL comments, strings and executable comments") {
  auto t =
      Texts(SplitSql("# hash ; comment\nSELECT \"a;b\", 'c\\';d'; /*!40101 SET NAMES utf8 "
                     "*/;\nSELECT 1--2;\n-- x;\n",
                     Mysql()));
  CHECK(t == std::vector<std::string>{"SELECT \"a;b\", 'c\\';d'", "/*!40101 SET NAMES utf8 */",
                                      "SELECT 1--2"});
}

TEST_CASE("splitter: SET/PREPARE/EXECUTE are separate statements") {
  auto t = Texts(SplitSql("SET @q = 'SELECT 1'; PREPARE s FROM @q; EXECUTE s;", Mysql()));
  CHECK(t.size() == 3);
}

TEST_CASE("splitter: SQLite trigger bodies stay whole") {
  auto t =
      Texts(SplitSql("CREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = CASE WHEN 1 THEN 2 "
                     "END; DELETE FROM b; END;\n"
                     "CREATE TABLE IF NOT EXISTS c (x)",
                     Sqlite()));
  REQUIRE(t.size() == 2);
  CHECK(t[1] == "CREATE TABLE IF NOT EXISTS c (x)");
}

TEST_CASE("splitter: empty and comment-only input is no statements") {
  CHECK(Texts(SplitSql("", Sqlite())).empty());
  CHECK(Texts(SplitSql("-- nothing\n/* here */\n;;", Sqlite())).empty());
}

TEST_CASE("splitter: unterminated quotes fail at file:line:column") {
  SUBCASE("string") {
    auto r = SplitSql("SELECT 1;\nSELECT 'oops;", Sqlite(), "m/0001_x.sql", 3);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kInvalid);
    CHECK(r.status().ToString() == "m/0001_x.sql:4:8: unterminated string");
  }
  SUBCASE("dollar quote") {
    auto r = SplitSql("DO $x$ BEGIN", Postgres(), "a.sql");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().ToString() == "a.sql:1:4: unterminated dollar quote $x$");
  }
}

}  // namespace bellows
