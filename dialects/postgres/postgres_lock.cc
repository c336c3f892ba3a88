// The PostgreSQL runner lock (SPEC 4.3): a session-level advisory lock taken with
// pg_try_advisory_lock(k1, k2) on a dedicated connection, so it never sits inside a step's
// transaction and the server releases it the moment that connection ends (a killed runner
// frees it at once; there is nothing to go stale). k1 marks bellows, k2 the database and
// state schema. The holder is found through pg_locks and pg_stat_activity.application_name.

#include "dialects/postgres/postgres_connection.h"
#include "dialects/postgres/postgres_session.h"
#include "engine/checksum.h"
#include "engine/session_liveness.h"
#include "engine/strings.h"

namespace bellows::postgres {

namespace {

// A non-negative 31-bit key from `text`, so it reads the same in pg_locks' oid columns.
long long Key(const std::string& text) {
  return std::stoll(Sha256Hex(text).substr(0, 8), nullptr, 16) & 0x7fffffff;
}

class PostgresRunnerLock final : public RunnerLock {
 public:
  PostgresRunnerLock(std::unique_ptr<PgSession> session, const PostgresDialect& dialect,
                     const std::string& database, const std::string& state_schema)
      : session_(std::move(session)),
        dialect_(dialect),
        k1_(Key("bellows")),
        k2_(Key("bellows:" + database + ":" + state_schema)) {}

  ~PostgresRunnerLock() override {
    Status ignored = Release();
    (void)ignored;
  }

  Result<bool> TryAcquire(const LockOwner& me, std::string* holder) override {
    BELLOWS_TRY(Run("SET application_name = " + dialect_.QuoteString(me.holder), nullptr));
    Rows got;
    BELLOWS_TRY(Run("SELECT pg_try_advisory_lock(" + Keys() + ")", &got));
    if (!got.empty() && got.rows[0][0] == "t") {
      held_ = true;
      return true;
    }
    Rows who;
    BELLOWS_TRY(Run(
        "SELECT a.application_name, coalesce(host(a.client_addr), 'local'), a.pid, "
        "a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = " +
            std::to_string(k1_) + " AND l.objid = " + std::to_string(k2_) + " AND l.objsubid = 2",
        &who));
    if (who.empty()) {
      *holder = "another session (it released the lock just now)";
    } else {
      const Row& r = who.rows[0];
      std::string name = r[0].value_or("");
      *holder = (name.empty() ? "a session without application_name" : name) + " from " +
                r[1].value_or("?") + " (server pid " + r[2].value_or("?") + ", connected " +
                r[3].value_or("?") + ")";
    }
    return false;
  }

  Status Release() override {
    if (!held_) return Status::Ok();
    held_ = false;
    return Run("SELECT pg_advisory_unlock(" + Keys() + ")", nullptr);
  }

  // Before every state record. A session-level advisory lock lasts as long as its session,
  // and the session cannot be reopened behind bellows' back (Connect inhibits libpqxx's
  // reactivation), so a live session proves the lock is still held. A session the server ended
  // leaves input (its FATAL message) or a hang-up on the socket; when there is none and the last
  // round trip is recent, no round trip is made (SessionLiveness, decision 35).
  bool TouchSharesTransaction() const override { return false; }

  Status Touch(Connection&) override {
    int fd = session_->conn ? session_->conn->sock() : -1;
    if (!liveness_.NeedsRoundTrip(fd)) return Status::Ok();
    Rows rows;
    Status s = Run("SELECT 1", &rows);
    if (!s.ok() || rows.empty()) {
      held_ = false;
      return BELLOWS_ERR(kLockBusy, "bellows lost the runner lock: its session ended" +
                                        (s.ok() ? std::string() : " (" + s.message() + ")"))
          .WithHint(
              "the lock connection was closed or terminated; run bellows status, then the command "
              "again");
    }
    liveness_.RoundTripped();
    return Status::Ok();
  }

 private:
  std::string Keys() const { return std::to_string(k1_) + ", " + std::to_string(k2_); }
  Status Run(const std::string& sql, Rows* rows) { return postgres::Run(*session_, sql, rows); }

  std::unique_ptr<PgSession> session_;
  const PostgresDialect& dialect_;
  long long k1_;
  long long k2_;
  bool held_ = false;
  SessionLiveness liveness_;
};

}  // namespace

Result<std::unique_ptr<RunnerLock>> PostgresConnection::OpenRunnerLock(Millis) {
  BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<PgSession> session, Connect(url_));
  return std::unique_ptr<RunnerLock>(
      new PostgresRunnerLock(std::move(session), dialect_, DatabaseName(), options_.state_schema));
}

}  // namespace bellows::postgres
