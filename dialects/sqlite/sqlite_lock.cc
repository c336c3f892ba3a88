// The SQLite runner lock (SPEC 4.3): a row in the lock table with holder, host, pid and a
// heartbeat counter. The holder bumps the heartbeat first in every write transaction
// (Touch) and from a background thread in between. A contender takes the lock over with one
// conditional UPDATE, only when (holder, heartbeat) did not change for --lock-stale, or at
// once when the holder ran on this host and its process is gone. SQLite's own write lock is
// never held between steps.

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <signal.h>
#include <thread>
#include <unistd.h>

#include <sqlite3.h>

#include "dialects/sqlite/sqlite_connection.h"
#include "engine/strings.h"

namespace bellows::sqlite {

namespace {

using Clock = std::chrono::steady_clock;

bool ProcessAlive(long pid) {
  return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

class SqliteRunnerLock final : public RunnerLock {
 public:
  SqliteRunnerLock(sqlite3* db, const SqliteDialect& dialect, Millis stale)
      : db_(db), dialect_(dialect), stale_(stale), table_(dialect.StateTable("lock")) {}

  ~SqliteRunnerLock() override {
    StopHeartbeat();
    sqlite3_close_v2(db_);
  }

  Result<bool> TryAcquire(const LockOwner& me, std::string* holder) override {
    me_ = me;
    BELLOWS_TRY(
        RunSql(db_,
               "CREATE TABLE IF NOT EXISTS " + table_ +
                   " (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT, host TEXT, pid INTEGER,"
                   " heartbeat INTEGER NOT NULL DEFAULT 0, acquired_at TEXT)",
               nullptr));
    BELLOWS_TRY(RunSql(db_, "BEGIN IMMEDIATE", nullptr));
    Result<bool> r = TryInTransaction(holder);
    if (!r.ok()) {
      Status ignored = RunSql(db_, "ROLLBACK", nullptr);
      (void)ignored;
      return r;
    }
    BELLOWS_TRY(RunSql(db_, "COMMIT", nullptr));
    if (*r) StartHeartbeat();
    return r;
  }

  Status Release() override {
    StopHeartbeat();
    return RunSql(db_,
                  "UPDATE " + table_ +
                      " SET holder = NULL, host = NULL, pid = NULL WHERE id = 1 AND holder = " +
                      dialect_.QuoteString(me_.holder),
                  nullptr);
  }

  Status Touch(Connection& conn) override {
    BELLOWS_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("UPDATE " + table_ +
                              " SET heartbeat = heartbeat + 1 WHERE id = 1 AND holder = " +
                              dialect_.QuoteString(me_.holder) + " RETURNING heartbeat"));
    if (rows.empty()) {
      return BELLOWS_ERR(kLockBusy,
                         "bellows lost the runner lock: another runner took it over as stale")
          .WithHint(
              "a step ran longer than --lock-stale without a heartbeat; raise --lock-stale and run "
              "status");
    }
    return Status::Ok();
  }

 private:
  Result<bool> TryInTransaction(std::string* holder) {
    Rows rows;
    BELLOWS_TRY(
        RunSql(db_, "SELECT holder, host, pid, heartbeat FROM " + table_ + " WHERE id = 1", &rows));
    const std::string take =
        "UPDATE " + table_ + " SET holder = " + dialect_.QuoteString(me_.holder) +
        ", host = " + dialect_.QuoteString(me_.host) + ", pid = " + std::to_string(me_.pid) +
        ", heartbeat = heartbeat + 1, acquired_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')" +
        " WHERE id = 1";
    if (rows.empty()) {
      BELLOWS_TRY(RunSql(db_, "INSERT INTO " + table_ + " (id) VALUES (1)", nullptr));
      BELLOWS_TRY(RunSql(db_, take, nullptr));
      return true;
    }
    const Row& r = rows.rows[0];
    if (!r[0] || *r[0] == me_.holder) {
      BELLOWS_TRY(RunSql(db_, take, nullptr));
      return true;
    }
    std::string current = *r[0] + " on " + r[1].value_or("?") + " (pid " + r[2].value_or("?") + ")";
    long pid = r[2] ? std::stol(*r[2]) : 0;
    std::string heartbeat = r[3].value_or("0");
    std::string condition =
        " AND holder = " + dialect_.QuoteString(*r[0]) + " AND heartbeat = " + heartbeat;
    if (r[1].value_or("") == me_.host && !ProcessAlive(pid)) {
      BELLOWS_TRY(RunSql(db_, take + condition, nullptr));
      return sqlite3_changes(db_) == 1;
    }
    std::string observed = *r[0] + "#" + heartbeat;
    if (observed != observed_) {
      observed_ = observed;
      observed_since_ = Clock::now();
    } else if (Clock::now() - observed_since_ >= stale_) {
      BELLOWS_TRY(RunSql(db_, take + condition, nullptr));
      if (sqlite3_changes(db_) == 1) return true;
    }
    *holder = current;
    return false;
  }

  void StartHeartbeat() {
    if (thread_.joinable()) return;
    stop_ = false;
    auto every = std::max<Millis>(Millis(200), stale_ / 4);
    thread_ = std::thread([this, every] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!cv_.wait_for(lock, every, [this] { return stop_; })) {
        // Best effort: a busy database (a long step holds the write lock) skips a beat; that
        // step's own transaction bumps the heartbeat when it commits.
        Status ignored = RunSql(db_,
                                "UPDATE " + table_ +
                                    " SET heartbeat = heartbeat + 1 WHERE id = 1 AND holder = " +
                                    dialect_.QuoteString(me_.holder),
                                nullptr);
        (void)ignored;
      }
    });
  }

  void StopHeartbeat() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  sqlite3* db_;
  const SqliteDialect& dialect_;
  Millis stale_;
  std::string table_;
  LockOwner me_;
  std::string observed_;
  Clock::time_point observed_since_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace

Result<std::unique_ptr<RunnerLock>> SqliteConnection::OpenRunnerLock(Millis stale_after) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(db, rc, "");
    sqlite3_close(db);
    return s.WithCode(Code::kConnection);
  }
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<RunnerLock>(new SqliteRunnerLock(db, dialect_, stale_after));
}

}  // namespace bellows::sqlite
