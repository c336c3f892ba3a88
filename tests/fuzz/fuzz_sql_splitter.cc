// libFuzzer target: SQL text split into statements (SplitSql) with each dialect's own options,
// as SQL migration files and sql operations are: SQLite, PostgreSQL (dollar quotes, nested
// comments, E'' strings) and MySQL (backslash escapes, # comments, the DELIMITER command).
// Any text gives statements or a Status, never a crash.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dialects/mysql/mysql_dialect.h"
#include "dialects/postgres/postgres_dialect.h"
#include "dialects/sqlite/sqlite_dialect.h"
#include "engine/sql_splitter.h"
#include "engine/strings.h"

namespace {

constexpr int kFirstLine = 3;  // as for a section that starts below a marker line

// Written with fwrite: fuzzed text may hold NUL bytes.
[[noreturn]] void Fail(std::string_view dialect, const std::string& what) {
  std::string line = "fuzz_sql_splitter: " + std::string(dialect) + ": " + what + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::abort();
}

struct DialectSplit {
  std::string_view name;
  bellows::SplitOptions options;
};

// The options the dialects themselves hand to the engine, so the target follows their changes.
const std::array<DialectSplit, 3>& Dialects() {
  static const std::array<DialectSplit, 3> dialects = {{
      {"sqlite", bellows::sqlite::SqliteDialect().SqlSplitOptions()},
      {"postgres", bellows::postgres::PostgresDialect().SqlSplitOptions()},
      {"mysql", bellows::mysql::MysqlDialect().SqlSplitOptions()},
  }};
  return dialects;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const DialectSplit& d : Dialects()) {
    auto statements = bellows::SplitSql(text, d.options, "fuzz.sql", kFirstLine);
    if (!statements.ok()) {
      (void)statements.status().ToString();
      continue;
    }
    int line = 0, column = 0;
    for (const bellows::SqlStatement& s : *statements) {
      // Statements are non-empty, trimmed, and come in file order at real positions.
      if (s.text.empty()) Fail(d.name, "empty statement");
      if (bellows::Trim(s.text) != s.text) Fail(d.name, "untrimmed statement: " + s.text);
      if (s.line < kFirstLine || s.column < 1) {
        Fail(d.name, "bad position " + std::to_string(s.line) + ":" + std::to_string(s.column));
      }
      if (s.line < line || (s.line == line && s.column <= column)) {
        Fail(d.name, "statements out of order at " + std::to_string(s.line) + ":" +
                         std::to_string(s.column));
      }
      line = s.line;
      column = s.column;
    }
  }
  return 0;
}
