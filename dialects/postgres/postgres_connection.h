#pragma once
// A PostgreSQL session through libpqxx 6.4 (postgres_session.h holds the libpqxx side).
// libpq parses the URL: every libpq parameter works (sslmode, connect_timeout, options ...).
// One connection is used by one thread at a time.

#include <memory>
#include <optional>
#include <string>

#include "dialects/postgres/postgres_dialect.h"
#include "engine/dialect.h"

namespace bellows::postgres {

struct PgSession;

class PostgresConnection final : public Connection {
 public:
  // Connects to `url` and sets the session up: search_path to the target schema,
  // application_name (unless the URL sets one). kConnection when it cannot.
  static Result<std::unique_ptr<PostgresConnection>> Open(const std::string& url,
                                                          DialectOptions options);
  ~PostgresConnection() override;

  const Dialect& dialect() const override { return dialect_; }
  std::string Describe() const override;
  std::string ServerVersion() const override { return server_version_; }
  std::string DatabaseName() const override;
  Status Execute(std::string_view sql) override;
  Result<Rows> Query(std::string_view sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  bool InTransaction() const override;
  Status SetLockTimeout(Millis timeout) override;
  std::string DescribeLockHolders() override;
  Result<Schema> Introspect() override;
  Result<std::unique_ptr<RunnerLock>> OpenRunnerLock(Millis stale_after) override;
  bool Alive() override;
  Status Reconnect() override;
  Result<double> ReplicaLag() override;

 private:
  // The session settings: notices off, search_path, application_name.
  Status SetUp();
  PostgresConnection(std::string url, std::unique_ptr<PgSession> session, DialectOptions options);
  Result<std::vector<std::string>> BellowsObjects();

  std::string url_;
  std::unique_ptr<PgSession> session_;
  PostgresDialect dialect_;
  DialectOptions options_;
  std::string server_version_;
  std::optional<Millis> lock_timeout_;  // as SetLockTimeout last set it, for Reconnect
};

}  // namespace bellows::postgres
