#pragma once
// A MySQL/MariaDB session through MariaDB Connector/C (mysql_session.h holds the C API side).
// One connection is used by one thread at a time.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dialects/mysql/mysql_dialect.h"
#include "engine/dialect.h"

namespace bellows::mysql {

struct MySession;

class MysqlConnection final : public Connection {
 public:
  // Connects to `url` with bellows' session settings. kConnection when it cannot.
  static Result<std::unique_ptr<MysqlConnection>> Open(const std::string& url,
                                                       DialectOptions options);
  ~MysqlConnection() override;

  const Dialect& dialect() const override { return dialect_; }
  std::string Describe() const override;
  std::string ServerVersion() const override { return server_version_; }
  std::string DatabaseName() const override;
  // ALTER TABLE statements marked by the dialect (kOnlineAlter) are sent with
  // ALGORITHM=INSTANT, then ALGORITHM=INPLACE, LOCK=NONE; when both are refused the statement
  // fails, naming what would copy the table.
  Status Execute(std::string_view sql) override;
  // Many statements (a version's views) go out on this session and up to three helper
  // sessions at once: the server spends most of a view's time syncing its files, and several
  // sessions overlap those waits. A statement that failed on a helper runs again here, so
  // errors are this session's own.
  Status ExecuteUnordered(const std::vector<std::string>& sql) override;
  Result<Rows> Query(std::string_view sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  bool InTransaction() const override { return in_transaction_; }
  // lock_wait_timeout (metadata locks) and innodb_lock_wait_timeout (row locks), in whole
  // seconds, rounded up.
  Status SetLockTimeout(Millis timeout) override;
  std::string DescribeLockHolders() override;
  Result<Schema> Introspect() override;
  Result<std::unique_ptr<RunnerLock>> OpenRunnerLock(Millis stale_after) override;
  bool Alive() override;
  Status Reconnect() override;
  // The largest Seconds_Behind_Master of the replicas SHOW SLAVE HOSTS lists (each must set
  // report_host), read on a session of its own per replica; +infinity when a replica's SQL
  // thread is stopped (the server reports NULL).
  Result<double> ReplicaLag() override;

 private:
  MysqlConnection(std::string url, std::unique_ptr<MySession> session, DialectOptions options,
                  std::string database);
  Status EndTransaction(const char* sql);
  // The statement giving a session lock_wait_timeout as SetLockTimeout last set it (and
  // innodb_lock_wait_timeout, for row locks, when `row_locks`).
  std::string LockWaitSql(bool row_locks) const;
  // A column rename the version views name, without a view outage (mysql_connection.cc).
  Status RunCutover(const Cutover& cutover);
  Result<std::vector<std::string>> BellowsObjects(std::vector<std::string> triggers);

  std::string url_;
  std::unique_ptr<MySession> session_;
  DialectOptions options_;
  MysqlDialect dialect_;
  std::string server_version_;
  bool in_transaction_ = false;
  long long lock_wait_seconds_ = 31536000;  // lock_wait_timeout as SetLockTimeout last set it
  bool version_variable_set_ = false;       // @bellows_version set by a backfill batch
  std::map<std::string, std::unique_ptr<MySession>> replicas_;  // by "host:port"
  std::vector<std::unique_ptr<MySession>> helpers_;             // ExecuteUnordered's
};

}  // namespace bellows::mysql
