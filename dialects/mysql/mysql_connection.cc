#include "dialects/mysql/mysql_connection.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <thread>

#include "dialects/mysql/mysql_session.h"
#include "engine/strings.h"
#include "engine/url.h"

namespace bellows::mysql {

namespace {

// ER_ALTER_OPERATION_NOT_SUPPORTED and ..._REASON: the algorithm asked for cannot do it.
bool AlgorithmRefused(unsigned code) { return code == 1845 || code == 1846; }

}  // namespace

Result<std::unique_ptr<MysqlConnection>> MysqlConnection::Open(const std::string& url,
                                                               DialectOptions options) {
  BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<MySession> session, Connect(url));
  std::string database = session->parsed.database;
  auto conn = std::unique_ptr<MysqlConnection>(
      new MysqlConnection(url, std::move(session), std::move(options), database));
  BELLOWS_ASSIGN_OR_RETURN(Rows version, conn->Query("SELECT VERSION()"));
  if (!version.empty()) conn->server_version_ = version.rows[0][0].value_or("");
  return conn;
}

MysqlConnection::MysqlConnection(std::string url, std::unique_ptr<MySession> session,
                                 DialectOptions options, std::string database)
    : url_(std::move(url)),
      session_(std::move(session)),
      options_(options),
      dialect_(options, std::move(database)) {}

MysqlConnection::~MysqlConnection() {
  if (in_transaction_) {
    Status ignored = Rollback();
    (void)ignored;
  }
}

std::string MysqlConnection::Describe() const { return MaskUrl(url_); }

std::string MysqlConnection::DatabaseName() const { return dialect_.database(); }

Status MysqlConnection::Execute(std::string_view sql) {
  if (std::optional<Cutover> cutover = ParseCutover(sql)) return RunCutover(*cutover);
  std::string query, message;
  if (SplitRefuseRows(sql, &query, &message)) {
    BELLOWS_ASSIGN_OR_RETURN(Rows found, Query(query));
    if (found.empty()) return Status::Ok();
    return BELLOWS_ERR(kDatabase, "mysql: " + message).WithSqlState("23000");
  }
  if (StartsWithIgnoreCase(sql, "SET @bellows_version")) version_variable_set_ = true;
  const std::string_view online = kOnlineAlter;
  const std::string_view copy = kCopyAlter;
  if (StartsWith(sql, copy)) return Run(*session_, sql.substr(copy.size()), nullptr);
  if (!StartsWith(sql, online)) return Run(*session_, sql, nullptr);
  std::string alter(sql.substr(online.size()));
  Status instant = Run(*session_, alter + ", ALGORITHM=INSTANT", nullptr);
  if (instant.ok() || !AlgorithmRefused(LastErrno(*session_))) return instant;
  Status inplace = Run(*session_, alter + ", ALGORITHM=INPLACE, LOCK=NONE", nullptr);
  if (inplace.ok() || !AlgorithmRefused(LastErrno(*session_))) return inplace;
  // kDatabase: the step fails and its migration is undone (exit 1), nothing was copied.
  return BELLOWS_ERR(kDatabase,
                     "mysql: this ALTER TABLE would copy the table, blocking writes "
                     "for the whole copy (the server says: " +
                         LastError(*session_) + "): " + NormalizeSpace(alter).substr(0, 200))
      .WithHint(
          "bellows runs ALTER TABLE only as ALGORITHM=INSTANT or INPLACE with LOCK=NONE; change "
          "the migration (an alter_column with up/down uses a shadow column instead) or make "
          "this change in a maintenance window");
}

Status MysqlConnection::ExecuteUnordered(const std::vector<std::string>& sql) {
  constexpr size_t kHelpers = 3;
  constexpr size_t kWorthIt = 16;  // fewer statements go one after the other
  if (in_transaction_ || sql.size() < kWorthIt) return Connection::ExecuteUnordered(sql);
  const std::string timeout = LockWaitSql(false);
  while (helpers_.size() < kHelpers) {
    Result<std::unique_ptr<MySession>> helper = Connect(url_);
    if (!helper.ok()) break;  // (max_connections) fewer helpers do the same work
    helpers_.push_back(std::move(*helper));
  }
  const size_t workers = helpers_.size() + 1;
  std::vector<std::vector<size_t>> failed(workers);  // by worker: statements that failed
  std::vector<char> lost(workers, 0);  // not vector<bool>: each thread writes its own element
  auto work = [&](size_t w, MySession& session) {
    if (w > 0 && !Run(session, timeout, nullptr).ok()) {
      lost[w] = true;
      for (size_t i = w; i < sql.size(); i += workers) failed[w].push_back(i);
      return;
    }
    for (size_t i = w; i < sql.size(); i += workers) {
      if (Run(session, sql[i], nullptr).ok()) continue;
      failed[w].push_back(i);
      if (w > 0 && !mysql_ping(session.handle)) continue;
      lost[w] = w > 0;  // a helper that went away: the rest of its share runs here
      for (i += workers; i < sql.size(); i += workers) failed[w].push_back(i);
    }
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work, w, std::ref(*helpers_[w - 1]));
  work(0, *session_);
  for (std::thread& t : threads) t.join();
  for (size_t w = workers; w-- > 1;) {
    if (lost[w]) helpers_.erase(helpers_.begin() + static_cast<long>(w - 1));
  }
  // What failed anywhere runs again here, in order: the first failure is reported as this
  // session's (a lock timeout retried by the executor, a lost connection noticed).
  std::vector<size_t> again;
  for (const std::vector<size_t>& f : failed) again.insert(again.end(), f.begin(), f.end());
  std::sort(again.begin(), again.end());
  for (size_t i : again) BELLOWS_TRY(Run(*session_, sql[i], nullptr));
  return Status::Ok();
}

// The cut-over of a column rename the version views name (decision 36). An application
// statement on a view takes the view's metadata lock, reads its definition, then waits for the
// table. Were the ALTER alone to hold the table, the statements queued behind it would run with
// the old definition once it ends, and fail (error 1356) until the views are redefined. So:
//  1. the views are locked (LOCK TABLES on the views alone: the server takes each view's lock
//     before its table's), and new statements queue on the views, before reading them;
//  2. the ALTER runs under that lock, as NOCOPY or better (no rebuild while writes wait);
//  3. one helper session per view sends its CREATE OR REPLACE VIEW, which queues for the
//     view's exclusive lock;
//  4. UNLOCK TABLES: the waiting exclusive requests go before the queued statements (the server
//     grants exclusive metadata locks first), so those statements read the new definitions.
// An ALTER that needs a rebuild, or more than kMaxViews views, falls back to the compound
// statement of decision 23 (a brief view outage).
Status MysqlConnection::RunCutover(const Cutover& c) {
  constexpr size_t kMaxViews = 16;
  BELLOWS_ASSIGN_OR_RETURN(Rows views, Query(dialect_.ViewsNamingColumn(c.table, c.from, c.to)));
  auto fallback = [&] {
    return Run(*session_, dialect_.AlterAndRedefineViews(c.alter, c.table, c.from, c.to), nullptr);
  };
  if (views.empty()) return Run(*session_, c.alter + ", ALGORITHM=INPLACE, LOCK=NONE", nullptr);
  if (views.rows.size() > kMaxViews || in_transaction_) return fallback();

  struct Helper {
    std::unique_ptr<MySession> session;
    std::string id;
    std::string statement;
    Status result;
  };
  std::vector<Helper> helpers;
  std::vector<std::string> locks;
  for (const Row& v : views.rows) {
    Helper h;
    BELLOWS_ASSIGN_OR_RETURN(h.session, Connect(url_));
    BELLOWS_TRY(Run(*h.session, LockWaitSql(false), nullptr));
    Rows id;
    BELLOWS_TRY(Run(*h.session, "SELECT CONNECTION_ID()", &id));
    h.id = id.empty() ? "0" : id.rows[0][0].value_or("0");
    h.statement = v[2].value_or("");
    locks.push_back(dialect_.QuoteIdentifier(v[0].value_or("")) + "." +
                    dialect_.QuoteIdentifier(v[1].value_or("")) + " WRITE");
    helpers.push_back(std::move(h));
  }
  BELLOWS_TRY(Run(*session_, "LOCK TABLES " + Join(locks, ", "), nullptr));
  auto unlock = [&] { return Run(*session_, "UNLOCK TABLES", nullptr); };
  Status altered = Run(*session_, c.alter + ", ALGORITHM=NOCOPY", nullptr);
  if (!altered.ok()) {
    bool refused = AlgorithmRefused(LastErrno(*session_));
    Status ignored = unlock();
    (void)ignored;
    return refused ? fallback() : altered;
  }
  std::vector<std::thread> threads;
  for (Helper& h : helpers) {
    threads.emplace_back([&h] { h.result = Run(*h.session, h.statement, nullptr); });
  }
  // Unlock once every helper waits for its view (or after 5 s: a helper that does not show up
  // as waiting has failed or finished, and step 5 repairs what it left).
  std::vector<std::string> ids;
  for (const Helper& h : helpers) ids.push_back(h.id);
  const std::string waiting = "SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID IN (" +
                              Join(ids, ", ") + ") AND STATE LIKE 'Waiting for%metadata lock'";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    Rows n;
    if (!Run(*session_, waiting, &n).ok() || n.empty() ||
        n.rows[0][0].value_or("0") == std::to_string(helpers.size())) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  Status unlocked = unlock();
  for (std::thread& t : threads) t.join();
  BELLOWS_TRY(unlocked);
  // 5. A helper that failed: its view is defined again here (the brief outage of the fallback).
  for (const Helper& h : helpers) {
    if (!h.result.ok()) BELLOWS_TRY(Run(*session_, h.statement, nullptr));
  }
  return Status::Ok();
}

Result<Rows> MysqlConnection::Query(std::string_view sql) {
  Rows rows;
  BELLOWS_TRY(Run(*session_, sql, &rows));
  return rows;
}

Status MysqlConnection::Begin() {
  if (in_transaction_) return BELLOWS_ERR(kInternal, "mysql: a transaction is already open");
  BELLOWS_TRY(Run(*session_, "START TRANSACTION", nullptr));
  in_transaction_ = true;
  return Status::Ok();
}

Status MysqlConnection::EndTransaction(const char* sql) {
  if (!in_transaction_) return Status::Ok();
  in_transaction_ = false;
  Status s = Run(*session_, sql, nullptr);
  if (version_variable_set_) {
    // The backfill's marker must not outlive its batch: later writes of bellows (an SQL
    // migration) are ordinary writes for the triggers.
    version_variable_set_ = false;
    Status cleared = Run(*session_, "SET @bellows_version = NULL", nullptr);
    if (s.ok() && !cleared.ok()) s = cleared;
  }
  return s;
}

Status MysqlConnection::Commit() {
  if (!in_transaction_) return BELLOWS_ERR(kInternal, "mysql: COMMIT without a transaction");
  return EndTransaction("COMMIT");
}

Status MysqlConnection::Rollback() { return EndTransaction("ROLLBACK"); }

bool MysqlConnection::Alive() {
  if (in_transaction_) return true;
  return Run(*session_, "SELECT 1", nullptr).ok();
}

Status MysqlConnection::Reconnect() {
  BELLOWS_ASSIGN_OR_RETURN(session_, Connect(url_));
  helpers_.clear();
  in_transaction_ = false;
  version_variable_set_ = false;  // user variables died with the session
  return Run(*session_, LockWaitSql(true), nullptr);
}

Result<double> MysqlConnection::ReplicaLag() {
  BELLOWS_ASSIGN_OR_RETURN(Rows hosts, Query("SHOW SLAVE HOSTS"));
  double worst = 0;
  for (const Row& r : hosts.rows) {
    // Server_id, Host, Port, Master_id
    std::string id = r.size() > 0 ? r[0].value_or("") : "";
    std::string host = r.size() > 1 ? r[1].value_or("") : "";
    unsigned port = r.size() > 2 ? static_cast<unsigned>(std::atoi(r[2].value_or("0").c_str())) : 0;
    if (host.empty()) {
      return BELLOWS_ERR(kUsage, "replica with server_id " + id +
                                     " does not report its host, so bellows cannot read its lag")
          .WithHint("start each replica with report_host (and report_port) set");
    }
    if (port == 0) port = 3306;
    std::string key = host + ":" + std::to_string(port);
    std::unique_ptr<MySession>& replica = replicas_[key];
    if (replica == nullptr) {
      BELLOWS_ASSIGN_OR_RETURN(replica, ConnectReplica(*session_, host, port));
    }
    Rows status;
    if (Status st = Run(*replica, "SHOW SLAVE STATUS", &status); !st.ok()) {
      replica.reset();  // connect again next time
      return st.With("reading the lag of replica " + key);
    }
    auto column = std::find(status.columns.begin(), status.columns.end(), "Seconds_Behind_Master");
    if (status.empty() || column == status.columns.end()) continue;  // not replicating
    const std::optional<std::string>& lag =
        status.rows[0][static_cast<size_t>(column - status.columns.begin())];
    if (!lag) return std::numeric_limits<double>::infinity();  // its SQL thread is stopped
    worst = std::max(worst, std::strtod(lag->c_str(), nullptr));
  }
  return worst;
}

Status MysqlConnection::SetLockTimeout(Millis timeout) {
  // 0 means "no limit" to bellows; to the server it would mean "do not wait".
  long long seconds = timeout.count() <= 0 ? 31536000 : (timeout.count() + 999) / 1000;
  lock_wait_seconds_ = std::clamp<long long>(seconds, 1, 31536000);
  return Run(*session_, LockWaitSql(true), nullptr);
}

std::string MysqlConnection::LockWaitSql(bool row_locks) const {
  std::string sql = "SET SESSION lock_wait_timeout = " + std::to_string(lock_wait_seconds_);
  if (row_locks) {
    sql += ", SESSION innodb_lock_wait_timeout = " +
           std::to_string(std::min<long long>(lock_wait_seconds_, 1073741824));
  }
  return sql;
}

std::string MysqlConnection::DescribeLockHolders() {
  if (in_transaction_) return "";
  // Sessions with an open transaction or a table lock, oldest first: the metadata lock an ALTER
  // waits for is held until their transaction ends.
  Result<Rows> rows = Query(
      "SELECT p.ID, p.USER, p.HOST, COALESCE(p.DB, ''), p.COMMAND, p.TIME, COALESCE(p.STATE, ''), "
      "LEFT(REPLACE(COALESCE(p.INFO, ''), '\\n', ' '), 80), "
      "COALESCE(TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), '') "
      "FROM information_schema.PROCESSLIST p "
      "LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID "
      "WHERE p.ID <> CONNECTION_ID() AND p.COMMAND NOT IN ('Daemon', 'Binlog Dump') "
      "AND (t.trx_id IS NOT NULL OR p.STATE LIKE '%lock%') ORDER BY t.trx_started IS NULL, "
      "t.trx_started, p.TIME DESC LIMIT 10");
  if (!rows.ok()) return "";
  std::string out;
  for (const Row& r : rows->rows) {
    auto v = [&](size_t i) { return r[i].value_or(""); };
    std::string what = v(8).empty() ? "idle in database " + v(3) + " for " + v(5) + " s"
                                    : "transaction open for " + v(8) + " s";
    if (!v(6).empty()) what += ", " + v(6);
    out += (out.empty() ? "" : "\n") + std::string("  connection ") + v(0) + " (user " + v(1) +
           " from " + v(2) + ") " + what + "; last query: " + v(7);
  }
  return out;
}

}  // namespace bellows::mysql
