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
  e2e::FormatTarget t = Target(pg, *conn);
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
