// Other tools' directories on MariaDB (the cases are shared: tests/e2e/format_cases.h).

#include <memory>

#include <doctest/doctest.h>

#include "tests/e2e/format_cases.h"
#include "tests/mysql/my_harness.h"

namespace bellows::mytest {

namespace {

struct MyFormats {
  MyProject my;
  std::unique_ptr<MyConn> conn = std::make_unique<MyConn>(my.db.url());
  e2e::FormatTarget t = Target(my, *conn);
};

}  // namespace

TEST_CASE("formats (mysql): other tools' directories apply up and down unchanged") {
  for (const char* tool : e2e::kTools) {
    INFO(std::string(tool));
    MyFormats s;
    e2e::OtherToolDirectoryUpAndDown(s.t, tool);
  }
}

TEST_CASE("formats (mysql): import adopts a database another tool migrated") {
  for (const char* tool : e2e::kTools) {
    INFO(std::string(tool));
    MyFormats s;
    e2e::ImportAdoptsHistory(s.t, tool);
  }
}

}  // namespace bellows::mytest
