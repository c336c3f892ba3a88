// Other tools' directories on SQLite (the cases are shared: tests/e2e/format_cases.h).

#include <doctest/doctest.h>

#include "tests/e2e/format_cases.h"

namespace bellows::e2e {

namespace {

struct SqliteFormats {
  Project project;
  FormatTarget t;
  SqliteFormats() {
    t.project = &project;
    t.must = [this](const std::string& sql) {
      Db db(project.db_path());
      db.Must(sql);
    };
    t.query = [this](const std::string& sql) {
      Db db(project.db_path());
      return db.Query(sql);
    };
    t.has_table = [this](const std::string& name) {
      Db db(project.db_path());
      return db.Query("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '" +
                      name + "'") == Table{{"1"}};
    };
  }
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
