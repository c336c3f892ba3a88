#pragma once
// PostgreSQL end-to-end harness: every test gets a fresh database on the server named by
// BELLOWS_TEST_POSTGRES_URL (scripts/test.sh starts one), dropped when the test ends. The tests
// read and write it with libpqxx, as an application would.

#include <memory>
#include <string>

#include "tests/e2e/format_cases.h"
#include "tests/e2e/harness.h"

namespace bellows::pgtest {

using e2e::Table;

// The server URL from the environment ("" when unset).
std::string ServerUrl();
// `url` with its database name replaced by `database` (query parameters kept).
std::string WithDatabase(const std::string& url, const std::string& database);

// A fresh database for one test.
class PgDb {
 public:
  PgDb();
  ~PgDb();
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;
  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }

 private:
  std::string name_;
  std::string url_;
};

// A client connection, as an application holds it. `setup` runs once after connecting (for
// example the output of `bellows latest sql`).
class PgConn {
 public:
  explicit PgConn(const std::string& url, const std::string& setup = "");
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;
  // Runs `sql` in autocommit mode; returns "" or the error message.
  std::string Exec(const std::string& sql);
  // Exec that must succeed (REQUIREs inside).
  void Must(const std::string& sql);
  // Rows as text, NULL as "NULL".
  Table Query(const std::string& sql);
  // The server process id of this connection.
  int Pid();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A project whose bellows runs against a fresh database.
struct PgProject {
  PgDb db;
  e2e::Project project;
  PgProject() { project.SetUrl(db.url()); }
};

// `bellows latest sql` of the project (REQUIREs success): an application's connection setup.
std::string Latest(const e2e::Project& p);
// Runs bellows with `args`; REQUIREs exit 0, showing its output otherwise.
void MustRun(const e2e::Project& p, const std::string& args);

// The user schema (columns, indexes, constraints, views outside bellows' schemas) and every row
// of every user table in `schema`: what a crashed-and-resumed run must leave exactly as a clean
// one.
Table Observable(PgConn& conn, const std::string& schema = "public");

// The shared cases' view of a project's database, through `conn` (which must outlive it).
e2e::FormatTarget Target(PgProject& pg, PgConn& conn);

}  // namespace bellows::pgtest
