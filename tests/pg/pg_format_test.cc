// Other tools' directories on PostgreSQL (the cases are shared: tests/e2e/format_cases.h).

#include <memory>

#include <doctest/doctest.h>

#include "tests/e2e/format_cases.h"
#include "tests/pg/pg_harness.h"

namespace bellows::pgtest {

namespace {

struct PgFormats {
  PgProject pg;
  std::unique_ptr<PgConn> conn = std::make_unique<PgConn>(pg.db.url());
  e2e::FormatTarget t;
  PgFormats() {
    t.project = &pg.project;
    t.must = [this](const std::string& sql) { conn->Must(sql); };
    t.query = [this](const std::string& sql) { return conn->Query(sql); };
    t.has_table = [this](const std::string& name) {
      return conn->Query("SELECT to_regclass('public." + name + "') IS NOT NULL") == Table{{"t"}};
    };
  }
};

}  // namespace

TEST_CASE("formats (postgres): other tools' directories apply up and down unchanged") {
  for (const char* tool : e2e::kTools) {
    INFO(std::string(tool));
    PgFormats s;
    e2e::OtherToolDirectoryUpAndDown(s.t, tool);
  }
}

TEST_CASE("formats (postgres): import adopts a database another tool migrated") {
  for (const char* tool : e2e::kTools) {
    INFO(std::string(tool));
    PgFormats s;
    e2e::ImportAdoptsHistory(s.t, tool);
  }
}

}  // namespace bellows::pgtest
