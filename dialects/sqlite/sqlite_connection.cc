#include "dialects/sqlite/sqlite_connection.h"

#include <filesystem>

#include <sqlite3.h>

#include "engine/strings.h"

namespace bellows::sqlite {

Status SqliteError(sqlite3* db, int rc, std::string_view sql) {
  int primary = rc & 0xff;
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string statement = NormalizeSpace(sql);
  if (statement.size() > 200) statement = statement.substr(0, 197) + "...";
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return BELLOWS_ERR(kLockTimeout,
                       "sqlite: database is locked by another connection (" + message + ")")
        .WithSqlState("SQLITE_BUSY")
        .WithHint("another process holds the write lock; bellows waited --lock-timeout for it");
  }
  Status s =
      BELLOWS_ERR(kDatabase, "sqlite: " + message + (statement.empty() ? "" : " in: " + statement));
  s.WithSqlState("SQLITE_" + std::to_string(rc));
  if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM)
    s.WithCode(Code::kConnection);
  return s;
}

Status RunSql(sqlite3* db, std::string_view sql, Rows* rows) {
  const char* tail = sql.data();
  const char* end = sql.data() + sql.size();
  while (tail < end) {
    sqlite3_stmt* stmt = nullptr;
    const char* next = nullptr;
    int rc = sqlite3_prepare_v2(db, tail, static_cast<int>(end - tail), &stmt, &next);
    if (rc != SQLITE_OK)
      return SqliteError(db, rc, std::string_view(tail, static_cast<size_t>(end - tail)));
    std::string_view text(tail, static_cast<size_t>(next - tail));
    tail = next;
    if (stmt == nullptr) continue;  // whitespace or a comment
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(stmt, sqlite3_finalize);
    int columns = sqlite3_column_count(stmt);
    if (rows != nullptr && rows->columns.empty()) {
      for (int i = 0; i < columns; ++i) rows->columns.emplace_back(sqlite3_column_name(stmt, i));
    }
    for (;;) {
      rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return SqliteError(db, rc, text);
      if (rows == nullptr) continue;  // drain and ignore
      Row row;
      for (int i = 0; i < columns; ++i) {
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
        } else {
          const unsigned char* v = sqlite3_column_text(stmt, i);
          row.emplace_back(std::string(reinterpret_cast<const char*>(v),
                                       static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
        }
      }
      rows->rows.push_back(std::move(row));
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                 DialectOptions options) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path() && !std::filesystem::is_directory(p.parent_path(), ec)) {
    return BELLOWS_ERR(kConnection, "cannot open sqlite:" + path + ": directory " +
                                        p.parent_path().string() + " does not exist")
        .WithHint(
            "create the directory first; bellows creates the database file, not its directory");
  }
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return BELLOWS_ERR(kConnection, "cannot open sqlite:" + path + ": " + message);
  }
  // Until the caller sets --lock-timeout, wait a while for a writer (another bellows run, the
  // application) rather than fail at once.
  sqlite3_busy_timeout(db, 5000);
  auto conn = std::unique_ptr<SqliteConnection>(new SqliteConnection(path, db, std::move(options)));
  // bellows' own connection enforces foreign keys, like a careful application does.
  Status s = conn->Execute("PRAGMA foreign_keys = ON");
  if (!s.ok()) return s.WithCode(Code::kConnection).With("opening sqlite:" + path);
  // Reading the schema proves the file is a database (not some other file).
  s = conn->Execute("SELECT count(*) FROM sqlite_schema");
  if (!s.ok()) return s.WithCode(Code::kConnection).With("opening sqlite:" + path);
  return conn;
}

SqliteConnection::SqliteConnection(std::string path, sqlite3* db, DialectOptions options)
    : path_(std::move(path)), db_(db), dialect_(options), options_(std::move(options)) {}

SqliteConnection::~SqliteConnection() { sqlite3_close_v2(db_); }

std::string SqliteConnection::ServerVersion() const { return sqlite3_libversion(); }

Status SqliteConnection::Execute(std::string_view sql) { return RunSql(db_, sql, nullptr); }

Result<Rows> SqliteConnection::Query(std::string_view sql) {
  Rows rows;
  BELLOWS_TRY(RunSql(db_, sql, &rows));
  return rows;
}

// IMMEDIATE takes the write lock at BEGIN, so a step never fails half-way on a lock upgrade.
Status SqliteConnection::Begin() { return Execute("BEGIN IMMEDIATE"); }
Status SqliteConnection::Commit() { return Execute("COMMIT"); }
Status SqliteConnection::Rollback() {
  if (!InTransaction()) return Status::Ok();
  return Execute("ROLLBACK");
}
bool SqliteConnection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status SqliteConnection::SetLockTimeout(Millis timeout) {
  sqlite3_busy_timeout(db_, static_cast<int>(std::min<long long>(timeout.count(), 1LL << 30)));
  return Status::Ok();
}

}  // namespace bellows::sqlite
