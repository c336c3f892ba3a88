#include "dialects/postgres/postgres_connection.h"

#include <cstdlib>
#include <unistd.h>

#include "dialects/postgres/postgres_session.h"
#include "engine/strings.h"
#include "engine/url.h"

namespace bellows::postgres {

namespace {

// libpq's message without the "ERROR:  " prefix and the LINE/caret lines; DETAIL and HINT
// lines are kept, they say which row or key failed.
std::string CleanMessage(std::string_view what) {
  std::vector<std::string> kept;
  for (const std::string& raw : Split(std::string(what), '\n')) {
    std::string line(Trim(raw));
    if (line.empty() || StartsWith(line, "LINE ") || line == "^" ||
        line.find_first_not_of(" ^") == std::string::npos) {
      continue;
    }
    if (kept.empty()) {
      for (const char* prefix : {"ERROR:", "FATAL:"}) {
        if (StartsWith(line, prefix))
          line = std::string(Trim(line.substr(std::string(prefix).size())));
      }
      kept.push_back(line);
    } else if (StartsWith(line, "DETAIL:") || StartsWith(line, "HINT:")) {
      kept.push_back(line);
    }
  }
  return Join(kept, " ");
}

std::string Statement(std::string_view sql) {
  std::string s = NormalizeSpace(sql);
  return s.size() > 200 ? s.substr(0, 197) + "..." : s;
}

Status SqlError(const pqxx::sql_error& e, const std::string& url, std::string_view sql) {
  const std::string& state = e.sqlstate();
  std::string message = MaskSecrets("postgres: " + CleanMessage(e.what()), url);
  // 55P03 lock_not_available (lock_timeout), 40P01 deadlock: another session held a lock;
  // the executor retries the whole step.
  if (state == "55P03" || state == "40P01") {
    return BELLOWS_ERR(kLockTimeout, message)
        .WithSqlState(state)
        .WithHint("another session holds a conflicting lock; bellows waited --lock-timeout for it");
  }
  Status s = BELLOWS_ERR(kDatabase, message + (sql.empty() ? "" : " in: " + Statement(sql)));
  s.WithSqlState(state);
  if (StartsWith(state, "08") || StartsWith(state, "28") || state == "57P01") {
    s.WithCode(Code::kConnection);
  }
  return s;
}

// Runs `body`, turning libpqxx's exceptions into a Status.
template <typename F>
Status Guard(const std::string& url, std::string_view sql, F&& body) {
  try {
    body();
    return Status::Ok();
  } catch (const pqxx::sql_error& e) {
    return SqlError(e, url, sql);
  } catch (const pqxx::broken_connection& e) {
    return BELLOWS_ERR(kConnection,
                       MaskSecrets("postgres: connection lost: " + CleanMessage(e.what()), url))
        .WithHint("check that the server is up and reachable, then run the command again");
  } catch (const pqxx::in_doubt_error& e) {
    return BELLOWS_ERR(kNotRestored,
                       "postgres: the connection broke during COMMIT; whether it "
                       "took effect is unknown: " +
                           CleanMessage(e.what()))
        .WithHint("run bellows status to see what was recorded");
  } catch (const std::exception& e) {
    return BELLOWS_ERR(kDatabase, MaskSecrets("postgres: " + CleanMessage(e.what()), url) +
                                      (sql.empty() ? "" : " in: " + Statement(sql)));
  }
}

void Collect(const pqxx::result& result, Rows* rows) {
  if (rows == nullptr) return;
  if (rows->columns.empty()) {
    for (pqxx::row::size_type i = 0; i < result.columns(); ++i) {
      rows->columns.emplace_back(result.column_name(i));
    }
  }
  for (const pqxx::row& r : result) {
    Row row;
    for (const pqxx::field& f : r) {
      if (f.is_null()) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(f.c_str(), f.size()));
      }
    }
    rows->rows.push_back(std::move(row));
  }
}

}  // namespace

Result<std::unique_ptr<PgSession>> Connect(const std::string& url) {
  auto session = std::make_unique<PgSession>();
  session->url = url;
  Status s = Guard(url, "", [&] { session->conn = std::make_unique<pqxx::connection>(url); });
  if (!s.ok()) {
    return BELLOWS_ERR(kConnection, "cannot connect to " + MaskUrl(url) + ": " + s.message())
        .WithHint(
            "check host, port, user, password and database in --url (libpq parameters such as "
            "sslmode go after '?')");
  }
  // libpqxx 6 silently reopens a lost connection on its next use, without the session's
  // settings (lock_timeout, search_path, application_name): a DDL statement could then queue
  // behind a long transaction and block the application. A lost connection must fail the run
  // instead, leaving the batch to be resumed. (Deprecated in libpqxx 6, gone in 7, where
  // connections never reactivate.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  session->conn->inhibit_reactivation(true);
#pragma GCC diagnostic pop
  return session;
}

Status Run(PgSession& session, std::string_view sql, Rows* rows) {
  return Guard(session.url, sql, [&] {
    if (session.tx) {
      Collect(session.tx->exec(std::string(sql)), rows);
      return;
    }
    pqxx::nontransaction n(*session.conn);
    Collect(n.exec(std::string(sql)), rows);
    n.commit();
  });
}

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Open(const std::string& url,
                                                                     DialectOptions options) {
  BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<PgSession> session, Connect(url));
  auto conn =
      std::unique_ptr<PostgresConnection>(new PostgresConnection(url, std::move(session), options));
  BELLOWS_TRY(conn->SetUp());
  const PostgresDialect& d = conn->dialect_;
  BELLOWS_ASSIGN_OR_RETURN(Rows version, conn->Query("SHOW server_version"));
  if (!version.empty()) conn->server_version_ = version.rows[0][0].value_or("");
  BELLOWS_ASSIGN_OR_RETURN(Rows schema, conn->Query("SELECT 1 FROM pg_namespace WHERE nspname = " +
                                                    d.QuoteString(d.schema())));
  if (schema.empty()) {
    return BELLOWS_ERR(kUsage, "schema \"" + d.schema() + "\" does not exist in " + MaskUrl(url))
        .WithHint("create it (CREATE SCHEMA " + d.QuoteIdentifier(d.schema()) +
                  ") or fix --schema");
  }
  return conn;
}

PostgresConnection::PostgresConnection(std::string url, std::unique_ptr<PgSession> session,
                                       DialectOptions options)
    : url_(std::move(url)),
      session_(std::move(session)),
      dialect_(options),
      options_(std::move(options)) {}

PostgresConnection::~PostgresConnection() {
  Status ignored = Rollback();
  (void)ignored;
}

std::string PostgresConnection::Describe() const { return MaskUrl(url_); }

std::string PostgresConnection::DatabaseName() const { return session_->conn->dbname(); }

Status PostgresConnection::Execute(std::string_view sql) { return Run(*session_, sql, nullptr); }

Result<Rows> PostgresConnection::Query(std::string_view sql) {
  Rows rows;
  BELLOWS_TRY(Run(*session_, sql, &rows));
  return rows;
}

bool PostgresConnection::InTransaction() const { return session_->tx != nullptr; }

Status PostgresConnection::Begin() {
  if (session_->tx) return BELLOWS_ERR(kInternal, "postgres: a transaction is already open");
  return Guard(url_, "BEGIN",
               [&] { session_->tx = std::make_unique<pqxx::work>(*session_->conn); });
}

Status PostgresConnection::Commit() {
  if (!session_->tx) return BELLOWS_ERR(kInternal, "postgres: COMMIT without a transaction");
  Status s = Guard(url_, "COMMIT", [&] { session_->tx->commit(); });
  session_->tx.reset();
  return s;
}

Status PostgresConnection::Rollback() {
  if (!session_->tx) return Status::Ok();
  Status s = Guard(url_, "ROLLBACK", [&] { session_->tx->abort(); });
  session_->tx.reset();
  return s;
}

Status PostgresConnection::SetUp() {
  const PostgresDialect& d = dialect_;
  std::vector<std::string> setup = {
      // NOTICEs ("... does not exist, skipping") are not for the user of a CLI.
      "SET client_min_messages = warning",
      // Unqualified names in SQL migrations, backfills and checks mean the target schema.
      d.schema() == "public" ? "SET search_path TO public"
                             : "SET search_path TO " + d.QuoteIdentifier(d.schema()) + ", public",
  };
  if (url_.find("application_name") == std::string::npos) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    setup.push_back("SET application_name = " +
                    d.QuoteString(std::string("bellows/") + BELLOWS_VERSION + ":" + host + ":" +
                                  std::to_string(getpid())));
  }
  for (const std::string& sql : setup) {
    Status s = Execute(sql);
    if (!s.ok())
      return s.WithCode(Code::kConnection).With("setting up the session on " + MaskUrl(url_));
  }
  if (lock_timeout_) BELLOWS_TRY(SetLockTimeout(*lock_timeout_));
  return Status::Ok();
}

bool PostgresConnection::Alive() {
  if (session_ == nullptr || session_->conn == nullptr || !session_->conn->is_open()) return false;
  if (session_->tx != nullptr) return true;
  return Run(*session_, "SELECT 1", nullptr).ok();
}

Status PostgresConnection::Reconnect() {
  session_->tx.reset();
  BELLOWS_ASSIGN_OR_RETURN(session_, Connect(url_));
  return SetUp();
}

Result<double> PostgresConnection::ReplicaLag() {
  // replay_lag is measured by the primary from its standbys' replies, and grows while a
  // standby's replay is stuck; it is NULL once a standby has caught up and stayed so.
  BELLOWS_ASSIGN_OR_RETURN(Rows rows,
                           Query("SELECT COALESCE(EXTRACT(EPOCH FROM max(replay_lag)), 0)::float8 "
                                 "FROM pg_stat_replication"));
  if (rows.empty() || !rows.rows[0][0]) return 0.0;
  return std::strtod(rows.rows[0][0]->c_str(), nullptr);
}

Status PostgresConnection::SetLockTimeout(Millis timeout) {
  lock_timeout_ = timeout;
  long long ms = std::min<long long>(timeout.count(), 2147483647LL);
  return Execute("SET lock_timeout = " + std::to_string(ms));
}

std::string PostgresConnection::DescribeLockHolders() {
  if (InTransaction()) return "";
  std::string schema = options_.schema.empty() ? "public" : options_.schema;
  Result<Rows> rows = Query(
      "SELECT a.pid, coalesce(nullif(a.application_name, ''), 'no application_name'), "
      "a.usename, coalesce(a.state, '?'), "
      "extract(epoch FROM now() - coalesce(a.xact_start, a.query_start))::bigint, "
      "string_agg(DISTINCT l.mode || ' on ' || c.relname, ', '), "
      "left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 80) "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "JOIN pg_class c ON c.oid = l.relation "
      "WHERE l.granted AND l.locktype = 'relation' AND a.pid <> pg_backend_pid() "
      "AND c.relkind IN ('r', 'p') AND c.relnamespace = to_regnamespace(" +
      dialect_.QuoteString(dialect_.QuoteIdentifier(schema)) +
      ") GROUP BY 1, 2, 3, 4, 5, 7 ORDER BY 5 DESC NULLS LAST LIMIT 10");
  if (!rows.ok()) return "";
  std::string out;
  for (const Row& r : rows->rows) {
    auto v = [&](size_t i) { return r[i].value_or(""); };
    out += (out.empty() ? "" : "\n") + std::string("  pid ") + v(0) + " " + v(1) + " (user " +
           v(2) + ", " + v(3) + " for " + v(4) + " s) holds " + v(5) + "; last query: " + v(6);
  }
  return out;
}

}  // namespace bellows::postgres
