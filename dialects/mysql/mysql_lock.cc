// The MySQL/MariaDB runner lock (SPEC 4.3): GET_LOCK on a dedicated connection, so it never sits
// inside a step and the server releases it the moment that connection ends (a killed runner
// frees it at once). The holder's name is kept in the bellows_lock table next to the lock's
// connection id, so a waiting runner can say who holds it.

#include "dialects/mysql/mysql_connection.h"
#include "dialects/mysql/mysql_session.h"
#include "engine/session_liveness.h"
#include "engine/strings.h"

namespace bellows::mysql {

namespace {

class MysqlRunnerLock final : public RunnerLock {
 public:
  MysqlRunnerLock(std::unique_ptr<MySession> session, const MysqlDialect& dialect,
                  const std::string& key, std::string table)
      : session_(std::move(session)),
        dialect_(dialect),
        key_(dialect.QuoteString(key.substr(0, 64))),
        table_(std::move(table)) {}

  ~MysqlRunnerLock() override {
    Status ignored = Release();
    (void)ignored;
  }

  Result<bool> TryAcquire(const LockOwner& me, std::string* holder) override {
    Rows got;
    BELLOWS_TRY(Run("SELECT GET_LOCK(" + key_ + ", 0)", &got));
    if (!got.empty() && got.rows[0][0] == "1") {
      held_ = true;
      BELLOWS_TRY(Run("CREATE TABLE IF NOT EXISTS " + table_ +
                          " (name VARCHAR(255) PRIMARY KEY, holder VARCHAR(255), connection_id "
                          "BIGINT, acquired_at VARCHAR(64))",
                      nullptr));
      BELLOWS_TRY(Run("REPLACE INTO " + table_ + " VALUES ('runner', " +
                          dialect_.QuoteString(me.holder) +
                          ", CONNECTION_ID(), DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%dT%H:%i:%sZ'))",
                      nullptr));
      return true;
    }
    Rows who;
    Status s = Run("SELECT l.holder, l.acquired_at, p.HOST FROM " + table_ +
                       " l LEFT JOIN information_schema.PROCESSLIST p ON p.ID = l.connection_id "
                       "WHERE l.connection_id = IS_USED_LOCK(" +
                       key_ + ")",
                   &who);
    if (s.ok() && !who.empty()) {
      *holder = who.rows[0][0].value_or("?") + " from " + who.rows[0][2].value_or("?") +
                " (since " + who.rows[0][1].value_or("?") + ")";
      return false;
    }
    Rows id;
    BELLOWS_TRY(Run("SELECT IS_USED_LOCK(" + key_ + ")", &id));
    *holder = id.empty() || !id.rows[0][0]
                  ? "another session (it released the lock just now)"
                  : "connection " + *id.rows[0][0] + " (not a bellows this version knows)";
    return false;
  }

  Status Release() override {
    if (!held_) return Status::Ok();
    held_ = false;
    return Run("SELECT RELEASE_LOCK(" + key_ + ")", nullptr);
  }

  // Before every state record. GET_LOCK lasts as long as its session, and a session the server
  // ended (KILL, shutdown, wait_timeout) leaves a hang-up or an error packet on the socket; when
  // there is none and the last round trip is recent, no round trip is made (SessionLiveness,
  // decision 35).
  bool TouchSharesTransaction() const override { return false; }

  Status Touch(Connection&) override {
    int fd = session_->handle ? static_cast<int>(mysql_get_socket(session_->handle)) : -1;
    if (!liveness_.NeedsRoundTrip(fd)) return Status::Ok();
    Rows rows;
    Status s = Run("SELECT IS_USED_LOCK(" + key_ + ") = CONNECTION_ID()", &rows);
    if (!s.ok() || rows.empty() || rows.rows[0][0] != "1") {
      held_ = false;
      return BELLOWS_ERR(kLockBusy, "bellows lost the runner lock: its session ended" +
                                        (s.ok() ? std::string() : " (" + s.message() + ")"))
          .WithHint(
              "the lock connection was closed or killed; run bellows status, then the command "
              "again");
    }
    liveness_.RoundTripped();
    return Status::Ok();
  }

 private:
  Status Run(const std::string& sql, Rows* rows) { return mysql::Run(*session_, sql, rows); }

  std::unique_ptr<MySession> session_;
  const MysqlDialect& dialect_;
  std::string key_;
  std::string table_;
  bool held_ = false;
  SessionLiveness liveness_;
};

}  // namespace

Result<std::unique_ptr<RunnerLock>> MysqlConnection::OpenRunnerLock(Millis) {
  BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<MySession> session, Connect(url_));
  return std::unique_ptr<RunnerLock>(new MysqlRunnerLock(
      std::move(session), dialect_, "bellows:" + DatabaseName() + ":" + options_.state_prefix,
      dialect_.StateTable("lock")));
}

}  // namespace bellows::mysql
