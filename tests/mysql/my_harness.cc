#include "tests/mysql/my_harness.h"

#include <atomic>
#include <cstdlib>
#include <unistd.h>

#include <doctest/doctest.h>
#include <mysql.h>

namespace bellows::mytest {

std::string ServerUrl() {
  const char* url = std::getenv("BELLOWS_TEST_MYSQL_URL");
  return url ? url : "";
}

std::string WithDatabase(const std::string& url, const std::string& database) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  size_t query = url.find('?');
  std::string head =
      url.substr(0, slash == std::string::npos ? std::min(query, url.size()) : slash);
  std::string tail = query == std::string::npos ? "" : url.substr(query);
  return head + "/" + database + tail;
}

namespace {

std::atomic<int> g_counter{0};

std::string Decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The parts of mysql://user:password@host:port/database?params that libmysqlclient needs.
struct Target {
  std::string user = "root";
  std::string password;
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string database;
};

Target Parse(const std::string& url) {
  Target t;
  size_t scheme = url.find("://");
  std::string rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('?'));
  size_t slash = rest.find('/');
  if (slash != std::string::npos) {
    t.database = Decode(rest.substr(slash + 1));
    rest = rest.substr(0, slash);
  }
  size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    std::string auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = auth.find(':');
    t.user = Decode(auth.substr(0, colon));
    if (colon != std::string::npos) t.password = Decode(auth.substr(colon + 1));
  }
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos) {
    t.port = static_cast<unsigned>(std::stoul(rest.substr(colon + 1)));
    rest = rest.substr(0, colon);
  }
  if (!rest.empty()) t.host = rest;
  return t;
}

// Connects to `url`; returns nullptr and sets `error` when the server refuses.
MYSQL* Connect(const std::string& url, std::string* error) {
  Target t = Parse(url);
  MYSQL* c = mysql_init(nullptr);
  if (c == nullptr) {
    *error = "mysql_init failed";
    return nullptr;
  }
  unsigned timeout = 10;
  mysql_options(c, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(c, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (mysql_real_connect(c, t.host.c_str(), t.user.c_str(), t.password.c_str(),
                         t.database.empty() ? nullptr : t.database.c_str(), t.port, nullptr,
                         CLIENT_MULTI_STATEMENTS) == nullptr) {
    *error = mysql_error(c);
    mysql_close(c);
    return nullptr;
  }
  return c;
}

// Runs `sql` on `c`; with `rows`, keeps the first result set's rows. Returns "" or the error.
std::string Run(MYSQL* c, const std::string& sql, Table* rows) {
  if (mysql_real_query(c, sql.data(), sql.size()) != 0) {
    std::string e = mysql_error(c);
    return e.empty() ? "error" : e;
  }
  bool first = true;
  for (;;) {
    MYSQL_RES* res = mysql_store_result(c);
    if (res != nullptr) {
      if (rows != nullptr && first) {
        unsigned fields = mysql_num_fields(res);
        while (MYSQL_ROW row = mysql_fetch_row(res)) {
          unsigned long* lengths = mysql_fetch_lengths(res);
          std::vector<std::string> r;
          for (unsigned i = 0; i < fields; ++i)
            r.push_back(row[i] == nullptr ? "NULL" : std::string(row[i], lengths[i]));
          rows->push_back(r);
        }
      }
      first = false;
      mysql_free_result(res);
    } else if (mysql_field_count(c) != 0) {
      std::string e = mysql_error(c);
      return e.empty() ? "error reading a result" : e;
    }
    int next = mysql_next_result(c);
    if (next == -1) return "";
    if (next > 0) {
      std::string e = mysql_error(c);
      return e.empty() ? "error" : e;
    }
  }
}

// Runs `sql` on a fresh connection to the server's own database; returns "" or the error.
std::string Admin(const std::string& sql, Table* rows = nullptr) {
  std::string error;
  MYSQL* c = Connect(ServerUrl(), &error);
  if (c == nullptr) return error;
  // a test that left a transaction open must not hang the cleanup for a day
  error = Run(c, "SET SESSION lock_wait_timeout = 20", nullptr);
  if (error.empty()) error = Run(c, sql, rows);
  mysql_close(c);
  return error;
}

}  // namespace

MyDb::MyDb() {
  REQUIRE_MESSAGE(!ServerUrl().empty(), "BELLOWS_TEST_MYSQL_URL is not set");
  name_ = "bellows_t_" + std::to_string(getpid()) + "_" + std::to_string(++g_counter);
  std::string error = Admin("DROP DATABASE IF EXISTS `" + name_ + "`; CREATE DATABASE `" + name_ +
                            "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  INFO(ServerUrl());
  REQUIRE(error == "");
  url_ = WithDatabase(ServerUrl(), name_);
}

MyDb::~MyDb() {
  std::string pattern;  // `<name>_%` with the name's own underscores taken literally
  for (char ch : name_ + "_") pattern += ch == '_' ? std::string("\\_") : std::string(1, ch);
  Table databases;
  std::string error =
      Admin("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '" + name_ +
                "' OR SCHEMA_NAME LIKE '" + pattern + "%'",
            &databases);
  if (!error.empty()) return;  // the server went away; scripts/servers.sh removes its data
  for (const auto& d : databases) {
    error = Admin("DROP DATABASE IF EXISTS `" + d[0] + "`");
    (void)error;
  }
}

struct MyConn::Impl {
  MYSQL* conn = nullptr;
  ~Impl() {
    if (conn != nullptr) mysql_close(conn);
  }
};

MyConn::MyConn(const std::string& url, const std::string& setup) {
  impl_ = std::make_unique<Impl>();
  std::string error;
  impl_->conn = Connect(url, &error);
  INFO(url);
  REQUIRE_MESSAGE(impl_->conn != nullptr, error);
  if (!setup.empty()) Must(setup);
}

MyConn::~MyConn() = default;

std::string MyConn::Exec(const std::string& sql) { return Run(impl_->conn, sql, nullptr); }

void MyConn::Must(const std::string& sql) {
  std::string error = Exec(sql);
  INFO(sql);
  REQUIRE(error == "");
}

Table MyConn::Query(const std::string& sql) {
  Table out;
  std::string error = Run(impl_->conn, sql, &out);
  INFO(sql);
  if (!error.empty()) FAIL(error);
  return out;
}

unsigned long MyConn::ConnectionId() { return mysql_thread_id(impl_->conn); }

std::string Latest(const e2e::Project& p) {
  e2e::Run r = p.Bellows("latest sql");
  INFO(r.out, r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

void MustRun(const e2e::Project& p, const std::string& args) {
  e2e::Run r = p.Bellows(args);
  INFO(args, "\n", r.out, r.err);
  REQUIRE(r.exit_code == 0);
}

Table Observable(MyConn& conn, const std::string& database) {
  const std::string db = "'" + database + "'";
  // bellows' state tables live in the user's database: they are not the user's schema
  const std::string user_table = " NOT LIKE 'bellows\\_%'";
  Table out = conn.Query(
      "SELECT 'column', TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, "
      "COALESCE(COLUMN_DEFAULT, '') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
      db + " AND TABLE_NAME" + user_table +
      " AND COLUMN_NAME NOT LIKE '\\_bellows%' ORDER BY TABLE_NAME, ORDINAL_POSITION");
  auto add = [&](const std::string& sql) {
    for (auto& r : conn.Query(sql)) out.push_back(r);
  };
  add("SELECT 'index', TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, "
      "COALESCE(COLLATION, ''), COALESCE(SUB_PART, ''), INDEX_TYPE FROM "
      "information_schema.STATISTICS WHERE TABLE_SCHEMA = " +
      db + " AND TABLE_NAME" + user_table + " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX");
  add("SELECT 'check', TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM "
      "information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = " +
      db + " AND TABLE_NAME" + user_table + " ORDER BY TABLE_NAME, CONSTRAINT_NAME");
  add("SELECT 'foreign key', r.TABLE_NAME, r.CONSTRAINT_NAME, k.COLUMN_NAME, "
      "r.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE FROM "
      "information_schema.REFERENTIAL_CONSTRAINTS r JOIN information_schema.KEY_COLUMN_USAGE k "
      "ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.TABLE_NAME = r.TABLE_NAME AND "
      "k.CONSTRAINT_NAME = r.CONSTRAINT_NAME WHERE r.CONSTRAINT_SCHEMA = " +
      db + " ORDER BY r.TABLE_NAME, r.CONSTRAINT_NAME, k.ORDINAL_POSITION");
  add("SELECT 'view', TABLE_NAME, REPLACE(VIEW_DEFINITION, '`" + database +
      "`.', '') FROM information_schema.VIEWS WHERE TABLE_SCHEMA = " + db + " AND TABLE_NAME" +
      user_table + " ORDER BY TABLE_NAME");
  add("SELECT 'trigger', EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION "
      "FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " +
      db + " AND TRIGGER_NAME NOT LIKE '\\_bellows%' ORDER BY 2, 3");
  for (const auto& t : conn.Query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
                                  "TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA = " +
                                  db + " AND TABLE_NAME" + user_table + " ORDER BY TABLE_NAME")) {
    for (auto& r : conn.Query("SELECT * FROM `" + database + "`.`" + t[0] + "` ORDER BY 1")) {
      std::vector<std::string> tagged = {t[0]};
      tagged.insert(tagged.end(), r.begin(), r.end());
      out.push_back(tagged);
    }
  }
  return out;
}

e2e::FormatTarget Target(MyProject& my, MyConn& conn) {
  e2e::FormatTarget t;
  t.project = &my.project;
  t.must = [&conn](const std::string& sql) { conn.Must(sql); };
  t.query = [&conn](const std::string& sql) { return conn.Query(sql); };
  t.has_table = [&conn](const std::string& name) {
    return conn.Query(
               "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
               "database() AND table_name = " +
               e2e::SqlString(name)) == Table{{"1"}};
  };
  return t;
}

}  // namespace bellows::mytest
