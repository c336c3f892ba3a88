#pragma once
// A SQLite database file through libsqlite3. The only file of the SQLite adapter that, with
// sqlite_connection.cc, sqlite_introspect.cc and sqlite_lock.cc, includes <sqlite3.h>.
// One connection is used by one thread at a time.

#include <memory>
#include <string>

#include "dialects/sqlite/sqlite_dialect.h"
#include "engine/dialect.h"

struct sqlite3;

namespace bellows::sqlite {

class SqliteConnection final : public Connection {
 public:
  // Opens (creating the file, not its directory) `path`. kConnection when it cannot.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                        DialectOptions options);
  ~SqliteConnection() override;

  const Dialect& dialect() const override { return dialect_; }
  std::string Describe() const override { return "sqlite:" + path_; }
  std::string ServerVersion() const override;
  std::string DatabaseName() const override { return path_; }
  Status Execute(std::string_view sql) override;
  Result<Rows> Query(std::string_view sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  bool InTransaction() const override;
  Status SetLockTimeout(Millis timeout) override;
  Result<Schema> Introspect() override;
  Result<std::unique_ptr<RunnerLock>> OpenRunnerLock(Millis stale_after) override;
  Result<double> ReplicaLag() override { return 0.0; }  // a file has no replicas

 private:
  SqliteConnection(std::string path, sqlite3* db, DialectOptions options);
  Status Error(int rc, std::string_view sql) const;

  std::string path_;
  sqlite3* db_;
  SqliteDialect dialect_;
  DialectOptions options_;
};

// Runs `sql` on `db` (statement after statement), collecting rows when `rows` is not null.
// Used by the connection and the lock's heartbeat connection.
Status RunSql(sqlite3* db, std::string_view sql, Rows* rows);
// SQLITE_BUSY / SQLITE_LOCKED become kLockTimeout, everything else kDatabase.
Status SqliteError(sqlite3* db, int rc, std::string_view sql);

}  // namespace bellows::sqlite
