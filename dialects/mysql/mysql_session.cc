#include "dialects/mysql/mysql_session.h"

#include <unistd.h>

#include "engine/strings.h"
#include "engine/url.h"

namespace bellows::mysql {

namespace {

std::string Statement(std::string_view sql) {
  std::string s = NormalizeSpace(sql);
  return s.size() > 200 ? s.substr(0, 197) + "..." : s;
}

Status Error(MySession& s, std::string_view sql) {
  unsigned code = mysql_errno(s.handle);
  std::string state = mysql_sqlstate(s.handle);
  std::string message = MaskSecrets(
      "mysql: " + std::string(mysql_error(s.handle)) + " (error " + std::to_string(code) + ")",
      s.url);
  // 1205 lock wait timeout (metadata or row lock), 1213 deadlock, 3572 NOWAIT: another session
  // held a conflicting lock; the executor retries the whole step.
  if (code == 1205 || code == 1213 || code == 3572) {
    return BELLOWS_ERR(kLockTimeout, message)
        .WithSqlState(state)
        .WithHint("another session holds a conflicting lock; bellows waited --lock-timeout for it");
  }
  Status st = BELLOWS_ERR(kDatabase, message + (sql.empty() ? "" : " in: " + Statement(sql)));
  st.WithSqlState(state);
  // 2006 server gone away, 2013 lost connection, 2002/2003 cannot connect, 1927 killed.
  if (code == 2006 || code == 2013 || code == 2002 || code == 2003 || code == 1927) {
    st.WithCode(Code::kConnection)
        .WithHint("check that the server is up and reachable, then run the command again");
  }
  return st;
}

Status SetOption(MySession& s, mysql_option option, const void* value, const std::string& what) {
  if (mysql_optionsv(s.handle, option, value) != 0) {
    return BELLOWS_ERR(kUsage, "mysql: cannot set " + what + " for " + MaskUrl(s.url));
  }
  return Status::Ok();
}

Status ApplyTls(MySession& s) {
  const auto& p = s.parsed.params;
  auto get = [&](const char* key) -> const char* {
    auto it = p.find(key);
    return it == p.end() ? nullptr : it->second.c_str();
  };
  std::string mode = Upper(get("ssl-mode") ? get("ssl-mode") : "");
  if (!mode.empty() && mode != "DISABLED" && mode != "PREFERRED" && mode != "REQUIRED" &&
      mode != "VERIFY_CA" && mode != "VERIFY_IDENTITY") {
    return BELLOWS_ERR(kUsage, "unknown ssl-mode \"" + mode + "\" in " + MaskUrl(s.url))
        .WithHint("use DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
  }
  if (mode == "DISABLED") return Status::Ok();
  bool files = get("ssl-ca") || get("ssl-capath") || get("ssl-cert") || get("ssl-key");
  if (files || !mode.empty()) {
    mysql_ssl_set(s.handle, get("ssl-key"), get("ssl-cert"), get("ssl-ca"), get("ssl-capath"),
                  get("ssl-cipher"));
  }
  if (get("ssl-crl")) BELLOWS_TRY(SetOption(s, MYSQL_OPT_SSL_CRL, get("ssl-crl"), "ssl-crl"));
  if (get("tls-version"))
    BELLOWS_TRY(SetOption(s, MARIADB_OPT_TLS_VERSION, get("tls-version"), "tls-version"));
  if (mode == "REQUIRED" || mode == "VERIFY_CA" || mode == "VERIFY_IDENTITY") {
    my_bool on = 1;
    BELLOWS_TRY(SetOption(s, MYSQL_OPT_SSL_ENFORCE, &on, "ssl-mode"));
  }
  my_bool verify = (mode == "VERIFY_CA" || mode == "VERIFY_IDENTITY") ? 1 : 0;
  BELLOWS_TRY(SetOption(s, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify, "ssl-mode"));
  return Status::Ok();
}

Status Timeout(MySession& s, const char* key, mysql_option option) {
  auto it = s.parsed.params.find(key);
  if (it == s.parsed.params.end()) return Status::Ok();
  if (it->second.empty() || it->second.find_first_not_of("0123456789") != std::string::npos) {
    return BELLOWS_ERR(kUsage, std::string(key) + " must be whole seconds in " + MaskUrl(s.url));
  }
  unsigned seconds = static_cast<unsigned>(std::stoul(it->second));
  return SetOption(s, option, &seconds, key);
}

}  // namespace

MySession::~MySession() {
  if (handle != nullptr) mysql_close(handle);
}

namespace {

// Opens a session on `parsed`; `url` masks secrets in messages, which name the server as
// `display`.
Result<std::unique_ptr<MySession>> ConnectParsed(const std::string& url, MysqlUrl parsed,
                                                 const std::string& display) {
  auto s = std::make_unique<MySession>();
  s->url = url;
  s->parsed = std::move(parsed);
  // mysql_init initialises the library on first use, which is not thread-safe; bellows fleet
  // connects from several threads, so the first connection does it, once.
  static const bool library = mysql_library_init(0, nullptr, nullptr) == 0;
  if (!library) return BELLOWS_ERR(kInternal, "mysql: the client library did not initialise");
  s->handle = mysql_init(nullptr);
  if (s->handle == nullptr) return BELLOWS_ERR(kInternal, "mysql: out of memory");
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  std::string program =
      std::string("bellows/") + BELLOWS_VERSION + ":" + host + ":" + std::to_string(getpid());
  mysql_optionsv(s->handle, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", program.c_str());
  auto charset = s->parsed.params.find("charset");
  std::string cs = charset == s->parsed.params.end() ? "utf8mb4" : charset->second;
  BELLOWS_TRY(SetOption(*s, MYSQL_SET_CHARSET_NAME, cs.c_str(), "charset"));
  unsigned connect_timeout = 10;
  BELLOWS_TRY(SetOption(*s, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout, "connect-timeout"));
  BELLOWS_TRY(Timeout(*s, "connect-timeout", MYSQL_OPT_CONNECT_TIMEOUT));
  BELLOWS_TRY(Timeout(*s, "read-timeout", MYSQL_OPT_READ_TIMEOUT));
  BELLOWS_TRY(Timeout(*s, "write-timeout", MYSQL_OPT_WRITE_TIMEOUT));
  BELLOWS_TRY(ApplyTls(*s));
  const MysqlUrl& u = s->parsed;
  if (mysql_real_connect(s->handle, u.host.c_str(), u.user.empty() ? nullptr : u.user.c_str(),
                         u.password.c_str(), u.database.c_str(), u.port,
                         u.socket.empty() ? nullptr : u.socket.c_str(), 0) == nullptr) {
    return BELLOWS_ERR(
               kConnection,
               MaskSecrets("cannot connect to " + display + ": " + mysql_error(s->handle), url))
        .WithHint(
            "check host, port, user, password and database in --url (parameters such as "
            "ssl-mode go after '?')");
  }
  for (const std::string& sql : {std::string("SET SESSION sql_mode = '") + kSqlMode + "'",
                                 std::string("SET SESSION autocommit = 1")}) {
    Status st = Run(*s, sql, nullptr);
    if (!st.ok()) return st.WithCode(Code::kConnection).With("setting up the session");
  }
  return s;
}

}  // namespace

Result<std::unique_ptr<MySession>> Connect(const std::string& url) {
  BELLOWS_ASSIGN_OR_RETURN(MysqlUrl parsed, ParseMysqlUrl(url));
  return ConnectParsed(url, std::move(parsed), MaskUrl(url));
}

Result<std::unique_ptr<MySession>> ConnectReplica(const MySession& primary, const std::string& host,
                                                  unsigned port) {
  MysqlUrl parsed = primary.parsed;
  parsed.host = host;
  parsed.port = port;
  parsed.socket.clear();
  parsed.database.clear();
  return ConnectParsed(primary.url, std::move(parsed),
                       "replica " + host + ":" + std::to_string(port));
}

unsigned LastErrno(MySession& session) { return mysql_errno(session.handle); }

std::string LastError(MySession& session) { return mysql_error(session.handle); }

Status Run(MySession& s, std::string_view sql, Rows* rows) {
  if (mysql_real_query(s.handle, sql.data(), sql.size()) != 0) return Error(s, sql);
  for (;;) {
    MYSQL_RES* result = mysql_store_result(s.handle);
    if (result == nullptr && mysql_field_count(s.handle) != 0) return Error(s, sql);
    if (result != nullptr) {
      unsigned n = mysql_num_fields(result);
      if (rows != nullptr && rows->columns.empty()) {
        MYSQL_FIELD* fields = mysql_fetch_fields(result);
        for (unsigned i = 0; i < n; ++i) rows->columns.emplace_back(fields[i].name);
      }
      while (MYSQL_ROW r = mysql_fetch_row(result)) {
        if (rows == nullptr) continue;
        unsigned long* lengths = mysql_fetch_lengths(result);
        Row row;
        for (unsigned i = 0; i < n; ++i) {
          if (r[i] == nullptr) {
            row.emplace_back(std::nullopt);
          } else {
            row.emplace_back(std::string(r[i], lengths[i]));
          }
        }
        rows->rows.push_back(std::move(row));
      }
      mysql_free_result(result);
    }
    int next = mysql_next_result(s.handle);
    if (next == -1) break;
    if (next > 0) return Error(s, sql);
  }
  return Status::Ok();
}

}  // namespace bellows::mysql
