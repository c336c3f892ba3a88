#pragma once
// The MariaDB Connector/C side of the adapter: one session (MYSQL handle) and how its errors
// become a Status. Only the adapter's .cc files include this (and so <mysql.h>).

#include <memory>
#include <string>
#include <string_view>

#include <mysql.h>

#include "dialects/mysql/mysql_url.h"
#include "engine/dialect.h"

namespace bellows::mysql {

struct MySession {
  MySession() = default;
  ~MySession();
  MySession(const MySession&) = delete;
  MySession& operator=(const MySession&) = delete;

  std::string url;  // for messages (masked) and the lock's second connection
  MysqlUrl parsed;
  MYSQL* handle = nullptr;
};

// Opens a session on `url` with bellows' session settings (strict sql_mode, utf8mb4,
// program_name). kConnection with the server's reason when it cannot.
Result<std::unique_ptr<MySession>> Connect(const std::string& url);
// Opens a session on the replica at `host`:`port` with `primary`'s user, password and TLS
// settings, and no database.
Result<std::unique_ptr<MySession>> ConnectReplica(const MySession& primary, const std::string& host,
                                                  unsigned port);
// Runs one statement, collecting the rows of its result when `rows` is set (and draining them
// otherwise).
Status Run(MySession& session, std::string_view sql, Rows* rows);

// The server error number of the last failure on `session` (0 = none).
unsigned LastErrno(MySession& session);
// The server's message for that failure.
std::string LastError(MySession& session);

// The sql_mode of bellows' sessions; triggers keep the mode they were created under.
inline constexpr const char* kSqlMode =
    "STRICT_TRANS_TABLES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,"
    "NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION";

}  // namespace bellows::mysql
