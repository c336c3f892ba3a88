#include "tests/pg/pg_harness.h"

#include <atomic>
#include <cstdlib>
#include <unistd.h>

#include <doctest/doctest.h>
#include <pqxx/pqxx>

namespace bellows::pgtest {

std::string ServerUrl() {
  const char* url = std::getenv("BELLOWS_TEST_POSTGRES_URL");
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

void Admin(const std::string& sql) {
  pqxx::connection c(ServerUrl());
  pqxx::nontransaction w(c);
  w.exec(sql);
}
}  // namespace

PgDb::PgDb() {
  REQUIRE_MESSAGE(!ServerUrl().empty(), "BELLOWS_TEST_POSTGRES_URL is not set");
  name_ = "bellows_t_" + std::to_string(getpid()) + "_" + std::to_string(++g_counter);
  Admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  Admin("CREATE DATABASE " + name_);
  url_ = WithDatabase(ServerUrl(), name_);
}

PgDb::~PgDb() {
  try {
    Admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // the server went away; its data directory is removed by scripts/test.sh
  }
}

struct PgConn::Impl {
  explicit Impl(const std::string& url) : conn(url) {}
  pqxx::connection conn;
};

PgConn::PgConn(const std::string& url, const std::string& setup) {
  impl_ = std::make_unique<Impl>(url);
  if (!setup.empty()) Must(setup);
}

PgConn::~PgConn() = default;

std::string PgConn::Exec(const std::string& sql) {
  try {
    pqxx::nontransaction w(impl_->conn);
    w.exec(sql);
    return "";
  } catch (const std::exception& e) {
    std::string message = e.what();
    return message.empty() ? "error" : message;
  }
}

void PgConn::Must(const std::string& sql) {
  std::string error = Exec(sql);
  INFO(sql);
  REQUIRE(error == "");
}

Table PgConn::Query(const std::string& sql) {
  Table out;
  INFO(sql);
  try {
    pqxx::nontransaction w(impl_->conn);
    for (const auto& row : w.exec(sql)) {
      std::vector<std::string> r;
      for (const auto& field : row) r.push_back(field.is_null() ? "NULL" : field.c_str());
      out.push_back(r);
    }
  } catch (const std::exception& e) {
    FAIL(e.what());
  }
  return out;
}

int PgConn::Pid() { return impl_->conn.backendpid(); }

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

Table Observable(PgConn& conn, const std::string& schema) {
  std::string s = "'" + schema + "'";
  Table out = conn.Query(
      "SELECT 'column', table_name, column_name, data_type, is_nullable, "
      "coalesce(column_default, ''), coalesce(character_maximum_length::text, '') "
      "FROM information_schema.columns WHERE table_schema = " +
      s + " AND column_name NOT LIKE '\\_bellows%' ORDER BY table_name, ordinal_position");
  for (auto& r : conn.Query("SELECT 'index', tablename, indexname, indexdef FROM pg_indexes "
                            "WHERE schemaname = " +
                            s + " ORDER BY tablename, indexname"))
    out.push_back(r);
  for (auto& r : conn.Query("SELECT 'constraint', c.conrelid::regclass::text, c.conname, "
                            "pg_get_constraintdef(c.oid), "
                            "c.convalidated::text FROM pg_constraint c JOIN pg_namespace n ON "
                            "n.oid = c.connamespace "
                            "WHERE n.nspname = " +
                            s + " ORDER BY 2, 3"))
    out.push_back(r);
  for (auto& r :
       conn.Query("SELECT 'view', viewname, definition FROM pg_views WHERE schemaname = " + s +
                  " ORDER BY viewname"))
    out.push_back(r);
  for (auto& r : conn.Query("SELECT 'trigger', tgrelid::regclass::text, tgname FROM pg_trigger t "
                            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON "
                            "n.oid = c.relnamespace WHERE NOT tgisinternal AND n.nspname = " +
                            s + " ORDER BY 2, 3"))
    out.push_back(r);
  for (const auto& t : conn.Query("SELECT table_name FROM information_schema.tables WHERE "
                                  "table_type = 'BASE TABLE' AND table_schema = " +
                                  s + " ORDER BY table_name")) {
    std::string name = "\"" + schema + "\".\"" + t[0] + "\"";
    for (auto& r : conn.Query("SELECT * FROM " + name + " ORDER BY 1")) {
      std::vector<std::string> tagged = {t[0]};
      tagged.insert(tagged.end(), r.begin(), r.end());
      out.push_back(tagged);
    }
  }
  return out;
}

e2e::FormatTarget Target(PgProject& pg, PgConn& conn) {
  e2e::FormatTarget t;
  t.project = &pg.project;
  t.must = [&conn](const std::string& sql) { conn.Must(sql); };
  t.query = [&conn](const std::string& sql) { return conn.Query(sql); };
  t.has_table = [&conn](const std::string& name) {
    return conn.Query(
               "SELECT count(*) FROM information_schema.tables WHERE table_schema = "
               "'public' AND table_name = " +
               e2e::SqlString(name)) == Table{{"1"}};
  };
  return t;
}

}  // namespace bellows::pgtest
