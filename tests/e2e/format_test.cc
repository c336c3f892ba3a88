// Other tools' directories on SQLite (the cases are shared: tests/e2e/format_cases.h).

#include <doctest/doctest.h>

#include "tests/e2e/format_cases.h"

namespace bellows::e2e {

namespace {

struct SqliteFormats {
  Project project;
  FormatTarget t = SqliteTarget(project);
};

}  // namespace

TEST_CASE("formats (sqlite): other tools' directories apply up and down unchanged") {
  for (const char* tool : kTools) {
    INFO(std::string(tool));
    SqliteFormats s;
    OtherToolDirectoryUpAndDown(s.t, tool);
  }
}

TEST_CASE("formats (sqlite): import adopts a database another tool migrated") {
  for (const char* tool : kTools) {
    INFO(std::string(tool));
    SqliteFormats s;
    ImportAdoptsHistory(s.t, tool);
  }
}

}  // namespace bellows::e2e
