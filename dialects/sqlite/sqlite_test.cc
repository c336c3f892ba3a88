// The SQLite adapter: steps render to exact SQL (their inverses too), and a real database
// file is introspected, rebuilt and locked as the model says.

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <doctest/doctest.h>

#include "dialects/sqlite/sqlite_connection.h"
#include "dialects/sqlite/sqlite_dialect.h"
#include "engine/schema_json.h"

namespace bellows::sqlite {

namespace {

Table Users() {
  Table t;
  t.name = "users";
  t.columns = {{.name = "id", .type = "INTEGER", .nullable = false, .identity = true},
               {.name = "email", .type = "TEXT"},
               {.name = "score", .type = "INTEGER", .nullable = false, .default_expr = "0"}};
  t.primary_key = {"id"};
  Index idx;
  idx.name = "users_email_idx";
  idx.keys = {{"email", "", false, ""}};
  t.indexes.push_back(idx);
  return t;
}

class TempDb {
 public:
  TempDb() {
    char tmpl[] = "/tmp/bellows-sqlite-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  ~TempDb() { std::filesystem::remove_all(dir_); }
  std::string path() const { return dir_ + "/t.db"; }
  std::unique_ptr<SqliteConnection> Open() const {
    auto c = SqliteConnection::Open(path(), {});
    REQUIRE(c.ok());
    return std::move(c).value();
  }

 private:
  std::string dir_;
};

std::string Scalar(Connection& c, const std::string& sql) {
  auto rows = c.Query(sql);
  REQUIRE(rows.ok());
  REQUIRE(!rows->empty());
  return rows->rows[0][0].value_or("NULL");
}

}  // namespace

TEST_CASE("sqlite: portable types map to SQLite spellings") {
  SqliteDialect d;
  CHECK(d.MapType("integer", true) == "INTEGER");
  CHECK(d.MapType("bigint", true) == "INTEGER");  // INTEGER PRIMARY KEY is the rowid only so
  CHECK(d.MapType("bigint", false) == "BIGINT");
  CHECK(d.MapType("varchar(255)", false) == "VARCHAR(255)");
  CHECK(d.MapType("decimal(10,2)", false) == "DECIMAL(10,2)");
  CHECK(d.MapType("uuid", false) == "TEXT");
  CHECK(d.MapType("bytes", false) == "BLOB");
  CHECK(d.MapType("inet", false) == "inet");  // raw types pass through
  CHECK(d.QuoteIdentifier("we\"ird") == "\"we\"\"ird\"");
  CHECK(d.QuoteString("it's") == "'it''s'");
}

TEST_CASE("sqlite: native steps and their inverses render to exact SQL") {
  SqliteDialect d;
  Schema s;
  s.tables.push_back(Users());
  struct Case {
    Step step;
    std::vector<std::string> sql;
  } cases[] = {
      {steps::AddColumn{"users", {.name = "nick", .type = "TEXT"}},
       {"ALTER TABLE \"users\" ADD COLUMN \"nick\" TEXT"}},
      {steps::RenameColumn{"users", "email", "mail"},
       {"ALTER TABLE \"users\" RENAME COLUMN \"email\" TO \"mail\""}},
      {steps::RenameTable{"users", "people"}, {"ALTER TABLE \"users\" RENAME TO \"people\""}},
      {steps::DropIndex{"users", Users().indexes[0]}, {"DROP INDEX \"users_email_idx\""}},
      {steps::CreateIndex{"users", Users().indexes[0]},
       {"CREATE INDEX \"users_email_idx\" ON \"users\" (\"email\")"}},
      {steps::DropColumn{"users", "score"}, {"ALTER TABLE \"users\" DROP COLUMN \"score\""}},
  };
  for (const Case& c : cases) {
    CAPTURE(DescribeStep(c.step));
    auto r = d.Render(c.step, s);
    REQUIRE(r.ok());
    CHECK(r->sql == c.sql);
  }
}

TEST_CASE("sqlite: what ALTER TABLE cannot do is a 12-step rebuild in one transaction") {
  SqliteDialect d;
  Schema s;
  s.tables.push_back(Users());
  Column to{.name = "score", .type = "BIGINT", .nullable = true};
  auto r = d.Render(steps::AlterColumn{"users", "score", to, "score * 10"}, s);
  REQUIRE(r.ok());
  CHECK(r->outside_before == std::vector<std::string>{"PRAGMA foreign_keys = OFF"});
  CHECK(r->outside_after == std::vector<std::string>{"PRAGMA foreign_keys = ON"});
  CHECK(r->sql == std::vector<std::string>{
                      "CREATE TABLE \"_bellows_rebuild_users\" (\n  \"id\" INTEGER PRIMARY KEY,\n  "
                      "\"email\" TEXT,\n"
                      "  \"score\" BIGINT\n)",
                      "INSERT INTO \"_bellows_rebuild_users\" (\"id\", \"email\", \"score\") "
                      "SELECT \"id\", \"email\", "
                      "(score * 10) FROM \"users\"",
                      "DROP TABLE \"users\"",
                      "PRAGMA legacy_alter_table = ON",
                      "ALTER TABLE \"_bellows_rebuild_users\" RENAME TO \"users\"",
                      "PRAGMA legacy_alter_table = OFF",
                      "CREATE INDEX \"users_email_idx\" ON \"users\" (\"email\")",
                  });
  CHECK(r->checks.at(0).query == "PRAGMA foreign_key_check('users')");
  CHECK(r->cost == "rewrite");
  CHECK(r->blocks_writes);

  // A definition bellows cannot reproduce is refused rather than lost.
  s.tables[0].unmodelled = {"ON CONFLICT on email"};
  auto refused = d.Render(steps::AlterColumn{"users", "score", to, ""}, s);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("ON CONFLICT on email") != std::string::npos);
}

TEST_CASE("sqlite: introspection reads back what the renderer created") {
  TempDb db;
  auto conn = db.Open();
  SqliteDialect d;
  Table t = Users();
  Constraint check;
  check.name = "users_score_positive";
  check.kind = ConstraintKind::kCheck;
  check.check = "score >= 0";
  t.constraints.push_back(check);
  REQUIRE(conn->Execute(d.CreateTableSql(t)).ok());
  REQUIRE(conn->Execute(d.CreateIndexSql("users", t.indexes[0])).ok());
  REQUIRE(conn->Execute("CREATE VIEW emails AS SELECT email FROM users").ok());
  auto schema = conn->Introspect();
  REQUIRE(schema.ok());
  Schema expected;
  expected.tables.push_back(t);
  expected.views.push_back({"emails", "CREATE VIEW emails AS SELECT email FROM users"});
  CHECK(CanonicalJson(*schema).dump() == CanonicalJson(expected).dump());
  // The fingerprint does not depend on creation order.
  TempDb other;
  auto conn2 = other.Open();
  REQUIRE(conn2->Execute("CREATE VIEW emails AS SELECT email FROM users").ok());
  REQUIRE(conn2->Execute(d.CreateTableSql(t)).ok());
  REQUIRE(conn2->Execute(d.CreateIndexSql("users", t.indexes[0])).ok());
  auto schema2 = conn2->Introspect();
  REQUIRE(schema2.ok());
  CHECK(Fingerprint(*schema2) == Fingerprint(*schema));
}

TEST_CASE("sqlite: a rebuild keeps rows, indexes, triggers and foreign keys") {
  TempDb db;
  auto conn = db.Open();
  REQUIRE(conn->Execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, score INTEGER NOT "
                        "NULL DEFAULT 0)")
              .ok());
  REQUIRE(conn->Execute("CREATE INDEX users_email_idx ON users (email)").ok());
  REQUIRE(
      conn->Execute(
              "CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id))")
          .ok());
  REQUIRE(conn->Execute("CREATE TABLE log (what TEXT)").ok());
  REQUIRE(conn->Execute("CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO log "
                        "VALUES ('ins'); END")
              .ok());
  REQUIRE(conn->Execute("INSERT INTO users (email, score) VALUES ('a@x', 1), ('b@x', 2)").ok());
  REQUIRE(conn->Execute("INSERT INTO notes (user_id) VALUES (2)").ok());
  auto schema = conn->Introspect();
  REQUIRE(schema.ok());
  SqliteDialect d;
  auto r = d.Render(
      steps::AlterColumn{
          "users",
          "score",
          {.name = "score", .type = "BIGINT", .nullable = false, .default_expr = "0"},
          ""},
      *schema);
  REQUIRE(r.ok());
  for (const auto& s : r->outside_before) REQUIRE(conn->Execute(s).ok());
  REQUIRE(conn->Begin().ok());
  for (const auto& s : r->sql) REQUIRE(conn->Execute(s).ok());
  for (const auto& c : r->checks) CHECK(conn->Query(c.query)->empty());
  REQUIRE(conn->Commit().ok());
  for (const auto& s : r->outside_after) REQUIRE(conn->Execute(s).ok());
  CHECK(Scalar(*conn, "SELECT group_concat(email || ':' || score) FROM users") == "a@x:1,b@x:2");
  CHECK(Scalar(*conn, "SELECT type FROM pragma_table_info('users') WHERE name = 'score'") ==
        "BIGINT");
  CHECK(
      Scalar(*conn,
             "SELECT count(*) FROM sqlite_schema WHERE name IN ('users_email_idx', 'users_log')") ==
      "2");
  REQUIRE(conn->Execute("INSERT INTO users (email) VALUES ('c@x')").ok());
  CHECK(Scalar(*conn, "SELECT count(*) FROM log") == "3");  // the trigger came back
  CHECK(
      !conn->Execute("INSERT INTO notes (user_id) VALUES (99)").ok());  // and the foreign key holds
}

TEST_CASE("sqlite: the runner lock waits for a live holder and takes over a dead or stale one") {
  TempDb db;
  auto conn = db.Open();
  LockOwner me{"bellows/test:me", "here", static_cast<long>(getpid())};
  LockOwner other{"bellows/test:other", "elsewhere", 1};
  auto mine = conn->OpenRunnerLock(Millis(300));
  auto theirs = conn->OpenRunnerLock(Millis(300));
  REQUIRE(mine.ok());
  REQUIRE(theirs.ok());
  std::string holder;
  REQUIRE(*(*mine)->TryAcquire(me, &holder));
  REQUIRE(conn->Begin().ok());
  CHECK((*mine)->Touch(*conn).ok());
  REQUIRE(conn->Commit().ok());

  // Another host's runner sees the lock held (our heartbeat keeps moving).
  auto got = (*theirs)->TryAcquire(other, &holder);
  REQUIRE(got.ok());
  CHECK_FALSE(*got);
  CHECK(holder.find("bellows/test:me") != std::string::npos);
  usleep(500 * 1000);
  got = (*theirs)->TryAcquire(other, &holder);
  REQUIRE(got.ok());
  CHECK_FALSE(*got);  // still heartbeating: not stale

  // Release; then a holder whose heartbeat stops is taken over after the stale time.
  REQUIRE((*mine)->Release().ok());
  REQUIRE(*(*theirs)->TryAcquire(other, &holder));
  auto third = conn->OpenRunnerLock(Millis(200));
  REQUIRE(third.ok());
  REQUIRE(conn->Execute("UPDATE bellows_lock SET host = 'gone-host'").ok());
  (*theirs).reset();  // its heartbeat thread stops; the row stays
  LockOwner late{"bellows/test:late", "here", static_cast<long>(getpid())};
  got = (*third)->TryAcquire(late, &holder);
  REQUIRE(got.ok());
  CHECK_FALSE(*got);
  usleep(300 * 1000);
  got = (*third)->TryAcquire(late, &holder);
  REQUIRE(got.ok());
  CHECK(*got);

  // On this host, a holder whose process is gone is taken over at once.
  REQUIRE(conn->Execute("UPDATE bellows_lock SET holder = 'bellows/test:dead', host = 'here', pid "
                        "= 999999999")
              .ok());
  auto fourth = conn->OpenRunnerLock(Millis(60000));
  REQUIRE(fourth.ok());
  got = (*fourth)->TryAcquire(me, &holder);
  REQUIRE(got.ok());
  CHECK(*got);
  // The one that lost it notices at its next write.
  REQUIRE(conn->Begin().ok());
  CHECK((*third)->Touch(*conn).code() == Code::kLockBusy);
  REQUIRE(conn->Rollback().ok());
}

TEST_CASE("sqlite: a missing directory and a non-database file are connection errors") {
  auto missing = SqliteConnection::Open("/no/such/dir/x.db", {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Code::kConnection);
  TempDb db;
  {
    std::ofstream(db.path())
        << "this is not a database, just text that is long enough to look like a header";
  }
  auto garbage = SqliteConnection::Open(db.path(), {});
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.status().code() == Code::kConnection);
}

}  // namespace bellows::sqlite
