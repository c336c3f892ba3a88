#pragma once
// A throwaway database for bellows diff: the migration directory is replayed into one, and a
// schema file is loaded into another, so both sides are read by the same introspection.
// SQLite: a temporary file. PostgreSQL and MySQL/MariaDB: a database created on the server of
// a given URL (the user needs the right to create databases there), dropped again by the
// destructor together with the version databases bellows made in it.

#include <memory>
#include <string>

#include "engine/dialect.h"

namespace bellows {

class ScratchDatabase {
 public:
  // `server_url`: any database URL of the dialect (for SQLite only its scheme matters).
  static Result<std::unique_ptr<ScratchDatabase>> Create(const std::string& server_url,
                                                         const DialectOptions& options);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  Connection& conn() { return *conn_; }
  const std::string& url() const { return url_; }

 private:
  ScratchDatabase() = default;

  std::string dialect_;
  std::string name_;  // database name (server dialects) or file path (SQLite)
  std::string url_;
  std::unique_ptr<Connection> admin_;  // on the server URL: creates and drops
  std::unique_ptr<Connection> conn_;
};

}  // namespace bellows
