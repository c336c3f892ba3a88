#pragma once
// End-to-end test harness: runs the real bellows binary in a temporary project directory and
// reads the SQLite database with libsqlite3, as a user would check it.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace bellows::e2e {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

using Table = std::vector<std::vector<std::string>>;  // NULL reads as "NULL"

// A SQLite connection of the test, as an application would hold it.
class Db {
 public:
  explicit Db(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  // Runs `sql`; returns "" or the error message.
  std::string Exec(const std::string& sql);
  Table Query(const std::string& sql);
  // Exec that must succeed (REQUIREs inside).
  void Must(const std::string& sql);

 private:
  sqlite3* db_ = nullptr;
};

// A temporary project: a migration directory and a database file, removed afterwards.
class Project {
 public:
  Project();
  ~Project();
  Project(const Project&) = delete;
  Project& operator=(const Project&) = delete;

  const std::string& dir() const { return dir_; }
  std::string db_path() const { return dir_ + "/app.db"; }
  // The database bellows runs against: the project's SQLite file unless SetUrl chose another.
  std::string url() const { return url_.empty() ? "sqlite:" + db_path() : url_; }
  void SetUrl(const std::string& url) { url_ = url; }
  // Writes migrations/<name>.
  void Write(const std::string& name, const std::string& text);
  void Remove(const std::string& name);
  // Copies every file of `source` into migrations/.
  void CopyMigrations(const std::string& source);
  // Runs bellows with --dir migrations --url <db> (unless `plain`), in the project directory.
  Run Bellows(const std::string& args, const std::map<std::string, std::string>& env = {},
              bool plain = false) const;
  // The shell command line Bellows runs (for a test that wraps it, in dir()).
  std::string Command(const std::string& args) const;

 private:
  std::string dir_;
  std::string url_;
};

// The whole file (empty when it cannot be read).
std::string ReadAll(const std::string& path);
// A run's stdout as the one JSON object of --format json (REQUIREs one, showing the output).
nlohmann::json JsonOf(const Run& r);
// The command that the environment variable `variable` names, for a test that drives servers
// scripts/test.sh started (restarts them, starts replicas). When it is not set: "", after a
// "SKIPPED" message naming it.
std::string ServerCommand(const char* variable);
// Runs a shell command when it goes out of scope, also when a REQUIRE ends the test (stopping
// servers that a test started).
class RunAtExit {
 public:
  explicit RunAtExit(std::string command) : command_(std::move(command)) {}
  ~RunAtExit();
  RunAtExit(const RunAtExit&) = delete;
  RunAtExit& operator=(const RunAtExit&) = delete;

 private:
  std::string command_;
};
// Runs bellows `args` in `p` on a thread while something outside holds it back (a replica
// that lags): after `held` seconds CHECKs that the run has not finished, calls `release`, and
// returns the run once it has finished (REQUIREs exit 0, showing stderr).
Run RunHeldBack(const Project& p, const std::string& args, int held,
                const std::function<void()>& release);
// Asks `done` every 100 ms until it says yes or `seconds` have passed; returns its last answer.
bool WaitUntil(const std::function<bool()>& done, int seconds = 10);
// The events named `name` that a --format json run wrote to stderr, in order.
std::vector<nlohmann::json> EventsOf(const Run& r, const std::string& name);
// Runs a shell command in `dir` (without BELLOWS_URL and DATABASE_URL), capturing its output.
Run Shell(const std::string& dir, const std::string& command);
std::string ShellQuote(const std::string& s);
// `s` as an SQL string literal, single quotes doubled (no backslashes in `s`: MariaDB's default
// sql_mode reads them as escapes, PostgreSQL and SQLite do not).
std::string SqlString(const std::string& s);
std::string ExamplesDir();
bool Has(const std::string& text, const std::string& part);
// The schema (without state tables) and every row of the user tables, tables by name (a
// rebuilt table moves to the end of sqlite_schema): what a run that crashed
// and resumed must leave exactly as a clean run does.
Table Observable(const Project& p);
// Rows of a table as text, in insertion (rowid) order.
Table Rows(Db& db, const std::string& table, const std::string& columns = "*");
// The schema as sqlite_schema keeps it (without bellows' state tables).
Table SchemaSql(Db& db);

}  // namespace bellows::e2e

namespace doctest {
template <>
struct StringMaker<bellows::e2e::Table> {
  static String convert(const bellows::e2e::Table& t) {
    std::string out = "{";
    for (const auto& row : t) {
      out += "(";
      for (size_t i = 0; i < row.size(); ++i) out += (i ? ", " : "") + row[i];
      out += ")";
    }
    return (out + "}").c_str();
  }
};
}  // namespace doctest
