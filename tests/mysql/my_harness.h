#pragma once
// MariaDB/MySQL end-to-end harness: every test gets a fresh database on the server named by
// BELLOWS_TEST_MYSQL_URL (scripts/servers.sh starts one), dropped when the test ends together
// with the version databases bellows created for it (`<database>_<version>`). The tests read
// and write it with libmysqlclient, as an application would.

#include <memory>
#include <string>

#include "tests/e2e/format_cases.h"
#include "tests/e2e/harness.h"

namespace bellows::mytest {

using e2e::Table;

// The server URL from the environment ("" when unset), mysql://root@127.0.0.1:PORT/mysql.
std::string ServerUrl();
// `url` with its database name replaced by `database` (query parameters kept).
std::string WithDatabase(const std::string& url, const std::string& database);

// A fresh database for one test. The destructor drops it and every database whose name starts
// with `<name>_`.
class MyDb {
 public:
  MyDb();
  ~MyDb();
  MyDb(const MyDb&) = delete;
  MyDb& operator=(const MyDb&) = delete;
  const std::string& name() const { return name_; }
  const std::string& url() const { return url_; }

 private:
  std::string name_;
  std::string url_;
};

// A client connection, as an application holds it, to the database of `url`. `setup` runs once
// after connecting (for example the output of `bellows latest sql`: several statements).
// One connection belongs to one thread at a time.
class MyConn {
 public:
  explicit MyConn(const std::string& url, const std::string& setup = "");
  ~MyConn();
  MyConn(const MyConn&) = delete;
  MyConn& operator=(const MyConn&) = delete;
  // Runs `sql` (one or more statements) in autocommit mode, draining every result; returns ""
  // or the error message.
  std::string Exec(const std::string& sql);
  // Exec that must succeed (REQUIREs inside).
  void Must(const std::string& sql);
  // Rows of the first result as text, NULL as "NULL".
  Table Query(const std::string& sql);
  // The server's id of this connection (PROCESSLIST.ID).
  unsigned long ConnectionId();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A project whose bellows runs against a fresh database.
struct MyProject {
  MyDb db;
  e2e::Project project;
  MyProject() { project.SetUrl(db.url()); }
};

// `bellows latest sql` of the project (REQUIREs success): an application's connection setup.
std::string Latest(const e2e::Project& p);
// Runs bellows with `args`; REQUIREs exit 0, showing its output otherwise.
void MustRun(const e2e::Project& p, const std::string& args);

// The user schema of `database` (columns without bellows' shadows, indexes, checks, foreign
// keys, views, triggers other than bellows') and every row of every base table except the
// `bellows_` state tables: what a crashed-and-resumed run must leave exactly as a clean one.
// The database's own name is left out of view definitions, so two databases compare.
Table Observable(MyConn& conn, const std::string& database);

// The shared cases' view of a project's database, through `conn` (which must outlive it).
e2e::FormatTarget Target(MyProject& my, MyConn& conn);

}  // namespace bellows::mytest
