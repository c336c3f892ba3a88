#include "engine/expr_binder.h"

#include <doctest/doctest.h>

namespace bellows {

namespace {
ColumnResolver Columns(std::vector<std::string> names, std::string prefix) {
  return [names, prefix](std::string_view n) -> std::optional<std::string> {
    for (const auto& c : names) {
      if (c == n) return prefix + "\"" + c + "\"";
    }
    return std::nullopt;
  };
}
}  // namespace

TEST_CASE("binder: rewrites column names, leaves functions, literals and keywords") {
  LexOptions lex;
  auto r = BindColumns("COALESCE(email, 'unknown-' || id || '@invalid')", lex,
                       Columns({"email", "id"}, "NEW."));
  REQUIRE(r.ok());
  CHECK(*r == "COALESCE(NEW.\"email\", 'unknown-' || NEW.\"id\" || '@invalid')");
}

TEST_CASE("binder: CASE, CAST and casts keep their keywords and types") {
  LexOptions lex;
  lex.dollar_quotes = true;
  auto r =
      BindColumns("CASE WHEN total IS NULL THEN 0 ELSE CAST(total AS bigint) END + total::integer",
                  lex, Columns({"total"}, ""));
  REQUIRE(r.ok());
  CHECK(
      *r ==
      "CASE WHEN \"total\" IS NULL THEN 0 ELSE CAST(\"total\" AS bigint) END + \"total\"::integer");
}

TEST_CASE("binder: an unknown name fails and names it") {
  LexOptions lex;
  auto r = BindColumns("upper(emial)", lex, Columns({"email"}, ""));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "unknown column \"emial\" in expression `upper(emial)`");
}

TEST_CASE("binder: queries bind the row's columns and leave other tables alone") {
  LexOptions lex;
  auto r = BindColumns("SELECT c.name FROM countries c WHERE c.code = country", lex,
                       Columns({"country"}, "NEW."));
  REQUIRE(r.ok());
  CHECK(*r == "SELECT c.name FROM countries c WHERE c.code = NEW.\"country\"");
}

TEST_CASE("binder: quoted identifiers are columns too") {
  LexOptions lex;
  auto r = BindColumns("\"Total\" * 2", lex, Columns({"Total"}, "x."));
  REQUIRE(r.ok());
  CHECK(*r == "x.\"Total\" * 2");
}

TEST_CASE("binder: referenced columns") {
  LexOptions lex;
  auto cols = ReferencedColumns("a + lower(b) + 'c' + a", lex,
                                [](std::string_view n) { return n != "lower"; });
  CHECK(cols == std::vector<std::string>{"a", "b", "a"});
}

}  // namespace bellows
