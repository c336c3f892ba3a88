#pragma once
// The libpqxx side of the adapter: a session and how its exceptions become a Status. Only
// the adapter's .cc files include this (and so <pqxx/pqxx>).

#include <memory>
#include <string>
#include <string_view>

#include <pqxx/pqxx>

#include "engine/dialect.h"

namespace bellows::postgres {

struct PgSession {
  std::string url;  // for messages (masked) and the lock's second connection
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<pqxx::work> tx;  // the open transaction, if any
};

// Opens a libpq session on `url`. kConnection with libpq's reason when it cannot.
Result<std::unique_ptr<PgSession>> Connect(const std::string& url);
// Runs `sql` (one or more statements) in the session's transaction, or in autocommit when
// none is open, collecting rows when `rows` is set.
Status Run(PgSession& session, std::string_view sql, Rows* rows);

}  // namespace bellows::postgres
