// The lifecycle of every operation of SPEC 2.1 on a real PostgreSQL server (SPEC 8): start ->
// the old and the new version read and write -> rollback -> every row intact in the old shape
// -> start -> complete -> every row intact in the new shape, and none of bellows' `_bellows_`
// objects left behind. Then hostile identifiers, a non-public --schema, libpq URL parameters,
// and bellows killed after every recorded step of one multi-step migration.
//
// The old version is a connection that ran `bellows latest sql` before start (its search_path
// is the previous version schema); the new one ran it after start. Catalog queries always
// name the schema: version schemas hold views that information_schema lists too.

#include <functional>
#include <string>

#include <doctest/doctest.h>

#include "tests/e2e/kill_cases.h"
#include "tests/pg/pg_harness.h"

namespace bellows::pgtest {

using e2e::Has;
using e2e::Project;
using e2e::Run;

namespace {

const char* kBase = R"yaml(description: base schema of the PostgreSQL lifecycle tests
operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: name, type: text, nullable: false}
        - {name: email, type: varchar(255)}
        - {name: nickname, type: text}
        - {name: score, type: integer}
        - {name: status, type: varchar(20), default: "'new'"}
  - create_table:
      table: notes
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: user_id, type: integer, references: {table: users, column: id}}
        - {name: reviewer_id, type: integer}
        - {name: body, type: text}
  - create_index: {name: users_name_idx, table: users, columns: [name]}
  - create_constraint: {table: users, name: users_name_nonempty, type: check, check: "length(name) > 0"}
)yaml";

const Table kUserColumns = {{"id"}, {"name"}, {"email"}, {"nickname"}, {"score"}, {"status"}};

std::string R(int round) { return std::to_string(round); }

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// `sql` must fail with an error containing `part`.
void Fails(PgConn& c, const std::string& sql, const std::string& part) {
  std::string error = c.Exec(sql);
  INFO(sql, "\n -> ", error);
  CHECK(Has(error, part));
}

// Column names of a base table (or view), in order.
Table Columns(PgConn& c, const std::string& schema, const std::string& table) {
  return c.Query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = " + Quote(schema) +
      " AND table_name = " + Quote(table) + " ORDER BY ordinal_position");
}

bool Exists(PgConn& c, const std::string& qualified) {
  return c.Query("SELECT to_regclass(" + Quote(qualified) + ") IS NOT NULL") == Table{{"t"}};
}

// Whether the index exists in `schema`, and is valid and ready.
Table IndexState(PgConn& c, const std::string& index, const std::string& schema = "public") {
  return c.Query(
      "SELECT i.indisvalid::text, i.indisready::text FROM pg_index i JOIN pg_class c ON c.oid = "
      "i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = " +
      Quote(schema) + " AND c.relname = " + Quote(index));
}

// contype and convalidated of a constraint of `table` in public.
Table ConstraintState(PgConn& c, const std::string& table, const std::string& name) {
  return c.Query(
      "SELECT k.contype::text, k.convalidated::text FROM pg_constraint k JOIN pg_class c ON "
      "c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = "
      "'public' AND c.relname = " +
      Quote(table) + " AND k.conname = " + Quote(name));
}

Table NotNull(PgConn& c, const std::string& table, const std::string& column,
              const std::string& schema = "public") {
  return c.Query(
      "SELECT a.attnotnull::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = " +
      Quote(schema) + " AND c.relname = " + Quote(table) + " AND a.attname = " + Quote(column) +
      " AND NOT a.attisdropped");
}

Table VersionSchemas(PgConn& c, const std::string& base = "public") {
  return c.Query("SELECT nspname FROM pg_namespace WHERE nspname LIKE " + Quote(base + "\\_%") +
                 " ORDER BY 1");
}

// No shadow column, trigger, function, index, view or constraint of bellows' is left in
// `schema`.
void NoBellowsObjects(PgConn& c, const std::string& schema = "public") {
  const std::string s = Quote(schema);
  CHECK(c.Query("SELECT table_name, column_name FROM information_schema.columns WHERE "
                "table_schema = " +
                s + " AND column_name LIKE '\\_bellows%'")
            .empty());
  CHECK(c.Query("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN "
                "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = " +
                s + " AND NOT t.tgisinternal")
            .empty());
  CHECK(c.Query("SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                "WHERE n.nspname = " +
                s + " AND p.proname LIKE '\\_bellows%'")
            .empty());
  CHECK(c.Query("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = " +
                s + " AND c.relname LIKE '\\_bellows%'")
            .empty());
  CHECK(c.Query("SELECT k.conname FROM pg_constraint k JOIN pg_namespace n ON n.oid = "
                "k.connamespace WHERE n.nspname = " +
                s + " AND k.conname LIKE '\\_bellows%'")
            .empty());
}

struct Versions {
  Versions(const std::string& url, const std::string& old_setup, const std::string& new_setup)
      : old_app(url, old_setup), new_app(url, new_setup) {}
  PgConn old_app;
  PgConn new_app;
};

struct Case {
  const char* migration;
  // Writes through both versions (round 1 or 2, for distinct values) and checks what each
  // version reads.
  std::function<void(Versions&, int round)> after_start;
  // The old version's connection: the old shape holds every row written so far.
  std::function<void(PgConn&)> after_rollback;
  // The new version's connection: the new shape holds every row of both rounds.
  std::function<void(PgConn&)> after_complete;
};

void RunCase(const Case& c) {
  PgProject pg;
  Project& p = pg.project;
  const std::string& url = pg.db.url();
  p.Write("0001_base.yaml", kBase);
  MustRun(p, "apply");
  {
    PgConn seed(url);
    seed.Must(
        "INSERT INTO users (name, email, nickname, score) VALUES ('ann', 'ann@x', 'a', 10), "
        "('bob', NULL, NULL, NULL)");
    seed.Must("INSERT INTO notes (user_id, body) VALUES (1, 'hello')");
  }
  const std::string old_setup = Latest(p);
  p.Write("0002_change.yaml", c.migration);

  MustRun(p, "start");
  std::string new_setup = Latest(p);
  CHECK(new_setup != old_setup);
  {
    Versions v(url, old_setup, new_setup);
    c.after_start(v, 1);
  }
  MustRun(p, "rollback");
  {
    CHECK(Latest(p) == old_setup);
    PgConn db(url, old_setup);
    NoBellowsObjects(db);
    CHECK(VersionSchemas(db) == Table{{"public_1"}});
    c.after_rollback(db);
  }
  MustRun(p, "start");
  {
    Versions v(url, old_setup, new_setup);
    c.after_start(v, 2);
  }
  MustRun(p, "complete");
  PgConn db(url, new_setup);
  NoBellowsObjects(db);
  CHECK(VersionSchemas(db) == Table{{"public_2"}});
  c.after_complete(db);
}

}  // namespace

TEST_CASE("postgres lifecycle: create_table, with every portable type") {
  RunCase(
      {R"yaml(operations:
  - create_table:
      table: tags
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: label, type: text, nullable: false, unique: true}
        - {name: big, type: bigint}
        - {name: small, type: smallint}
        - {name: flag, type: boolean, default: "false"}
        - {name: code, type: varchar(8)}
        - {name: price, type: "decimal(10,2)"}
        - {name: ratio, type: real}
        - {name: precise, type: double}
        - {name: born, type: date}
        - {name: seen, type: timestamp}
        - {name: seen_tz, type: timestamptz}
        - {name: uid, type: uuid}
        - {name: doc, type: json}
        - {name: raw, type: bytes}
)yaml",
       [](Versions& v, int round) {
         v.new_app.Must("INSERT INTO tags (label, price, doc, raw) VALUES ('new" + R(round) +
                        "', 1.5, '{\"a\": 1}', '\\x01')");
         v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
         Fails(v.new_app, "INSERT INTO tags (label) VALUES ('new" + R(round) + "')",
               "violates unique constraint");
         CHECK(v.old_app.Query("SELECT label FROM tags") == Table{{"new" + R(round)}});
         CHECK(v.new_app.Query("SELECT name FROM users ORDER BY id") ==
               v.old_app.Query("SELECT name FROM users ORDER BY id"));
       },
       [](PgConn& db) {
         CHECK_FALSE(Exists(db, "public.tags"));
         CHECK(db.Query("SELECT name FROM users ORDER BY id") == Table{{"ann"}, {"bob"}, {"old1"}});
       },
       [](PgConn& db) {
         CHECK(db.Query("SELECT label, price, flag, doc::text, encode(raw, 'hex') FROM tags") ==
               Table{{"new2", "1.50", "f", "{\"a\": 1}", "01"}});
         CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann"}, {"bob"}, {"old1"}, {"old2"}});
         CHECK(db.Query("SELECT column_name, data_type, coalesce(character_maximum_length, "
                        "numeric_precision, 0), is_nullable FROM information_schema.columns "
                        "WHERE table_schema = 'public' AND table_name = 'tags' ORDER BY "
                        "ordinal_position") ==
               Table{{"id", "integer", "32", "NO"},
                     {"label", "text", "0", "NO"},
                     {"big", "bigint", "64", "YES"},
                     {"small", "smallint", "16", "YES"},
                     {"flag", "boolean", "0", "YES"},
                     {"code", "character varying", "8", "YES"},
                     {"price", "numeric", "10", "YES"},
                     {"ratio", "real", "24", "YES"},
                     {"precise", "double precision", "53", "YES"},
                     {"born", "date", "0", "YES"},
                     {"seen", "timestamp without time zone", "0", "YES"},
                     {"seen_tz", "timestamp with time zone", "0", "YES"},
                     {"uid", "uuid", "0", "YES"},
                     {"doc", "jsonb", "0", "YES"},
                     {"raw", "bytea", "0", "YES"}});
         CHECK(db.Query("SELECT is_identity FROM information_schema.columns WHERE "
                        "table_schema = 'public' AND table_name = 'tags' AND column_name = "
                        "'id'") == Table{{"YES"}});
       }});
}

TEST_CASE("postgres lifecycle: drop_table") {
  RunCase({R"yaml(operations:
  - drop_table: {table: notes}
)yaml",
           [](Versions& v, int round) {
             v.old_app.Must("INSERT INTO notes (user_id, body) VALUES (2, 'old" + R(round) + "')");
             v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
             CHECK(v.old_app.Query("SELECT name FROM users ORDER BY id") ==
                   v.new_app.Query("SELECT name FROM users ORDER BY id"));
             Table notes = {{"hello"}, {"old1"}};
             if (round == 2) notes.push_back({"old2"});
             CHECK(v.old_app.Query("SELECT body FROM notes ORDER BY id") == notes);
           },
           [](PgConn& db) {
             CHECK(db.Query("SELECT body FROM notes ORDER BY id") == Table{{"hello"}, {"old1"}});
           },
           [](PgConn& db) {
             CHECK_FALSE(Exists(db, "public.notes"));
             CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"new1"}, {"new2"}});
           }});
}

TEST_CASE("postgres lifecycle: rename_table") {
  RunCase({R"yaml(operations:
  - rename_table: {from: users, to: accounts}
)yaml",
           [](Versions& v, int round) {
             v.new_app.Must("INSERT INTO accounts (name, email) VALUES ('new" + R(round) +
                            "', 'n@x')");
             v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
             v.new_app.Must("UPDATE accounts SET nickname = 'renamed' WHERE name = 'ann'");
             CHECK(v.old_app.Query("SELECT nickname FROM users WHERE name = 'ann'") ==
                   Table{{"renamed"}});
             CHECK(v.new_app.Query("SELECT name FROM accounts ORDER BY id") ==
                   v.old_app.Query("SELECT name FROM users ORDER BY id"));
             Fails(v.old_app, "SELECT 1 FROM accounts", "does not exist");
           },
           [](PgConn& db) {
             CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"new1"}, {"old1"}});
             CHECK_FALSE(Exists(db, "public.accounts"));
           },
           [](PgConn& db) {
             CHECK(db.Query("SELECT name, nickname FROM accounts ORDER BY id") ==
                   Table{{"ann", "renamed"},
                         {"bob", "NULL"},
                         {"new1", "NULL"},
                         {"old1", "NULL"},
                         {"new2", "NULL"},
                         {"old2", "NULL"}});
             CHECK_FALSE(Exists(db, "public.users"));
             CHECK(Exists(db, "public.accounts"));
             // the foreign key of notes follows the rename
             CHECK(db.Query("SELECT confrelid = 'public.accounts'::regclass FROM pg_constraint "
                            "WHERE conrelid = 'public.notes'::regclass AND contype = 'f'") ==
                   Table{{"t"}});
             db.Must("INSERT INTO notes (user_id, body) VALUES (6, 'for old2')");
             Fails(db, "INSERT INTO notes (user_id, body) VALUES (99, 'nobody')",
                   "violates foreign key constraint");
           }});
}

TEST_CASE("postgres lifecycle: add_column with up and default") {
  RunCase(
      {R"yaml(operations:
  - add_column:
      table: users
      column: {name: name_length, type: integer, nullable: false, default: "0"}
      up: length(name)
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
         v.new_app.Must("INSERT INTO users (name, name_length) VALUES ('new" + R(round) + "', 42)");
         v.new_app.Must("INSERT INTO users (name) VALUES ('dflt" + R(round) + "')");
         CHECK(v.new_app.Query("SELECT name, name_length FROM users WHERE id <= 5 ORDER BY id") ==
               Table{{"ann", "3"},
                     {"bob", "3"},
                     {"old1", "4"},
                     {"new1", round == 1 ? "42" : "4"},
                     {"dflt1", round == 1 ? "0" : "5"}});
         if (round == 2) {
           CHECK(v.new_app.Query("SELECT name, name_length FROM users WHERE id > 5 ORDER BY id") ==
                 Table{{"old2", "4"}, {"new2", "42"}, {"dflt2", "0"}});
         }
         // the old version updates: the new column follows `up`
         v.old_app.Must("UPDATE users SET name = 'annie' WHERE id = 1");
         CHECK(v.new_app.Query("SELECT name_length FROM users WHERE id = 1") == Table{{"5"}});
         v.old_app.Must("UPDATE users SET name = 'ann' WHERE id = 1");
         Fails(v.old_app, "SELECT name_length FROM users", "does not exist");
       },
       [](PgConn& db) {
         CHECK(Columns(db, "public", "users") == kUserColumns);
         CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}, {"dflt1"}});
       },
       [](PgConn& db) {
         // Round 1's values of the new column went with the rollback (the old version has no
         // such column); the second start computed them from `up` again.
         CHECK(db.Query("SELECT name, name_length FROM users ORDER BY id") ==
               Table{{"ann", "3"},
                     {"bob", "3"},
                     {"old1", "4"},
                     {"new1", "4"},
                     {"dflt1", "5"},
                     {"old2", "4"},
                     {"new2", "42"},
                     {"dflt2", "0"}});
         CHECK(NotNull(db, "users", "name_length") == Table{{"true"}});
         CHECK(db.Query("SELECT column_default FROM information_schema.columns WHERE table_schema "
                        "= 'public' AND table_name = 'users' AND column_name = 'name_length'") ==
               Table{{"0"}});
         Fails(db, "INSERT INTO users (name, name_length) VALUES ('x', NULL)", "not-null");
         db.Must("INSERT INTO users (name) VALUES ('plain')");
         CHECK(db.Query("SELECT name_length FROM users WHERE name = 'plain'") == Table{{"0"}});
       }});
}

TEST_CASE("postgres lifecycle: drop_column with down; the new version's writes fill it") {
  RunCase(
      {R"yaml(operations:
  - drop_column: {table: users, column: nickname, down: "'from ' || name"}
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name, nickname) VALUES ('old" + R(round) +
                        "', 'nick')");
         v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
         Fails(v.new_app, "SELECT nickname FROM users", "does not exist");
         CHECK(v.old_app.Query("SELECT nickname FROM users WHERE name = 'new" + R(round) + "'") ==
               Table{{"from new" + R(round)}});
         // an update through the new version recomputes it; the old version's own value
         // stays until then
         v.new_app.Must("UPDATE users SET name = 'ann" + R(round) + "' WHERE id = 1");
         CHECK(v.old_app.Query("SELECT nickname FROM users WHERE id = 1") ==
               Table{{"from ann" + R(round)}});
         CHECK(v.old_app.Query("SELECT nickname FROM users WHERE name = 'old" + R(round) + "'") ==
               Table{{"nick"}});
       },
       [](PgConn& db) {
         CHECK(Columns(db, "public", "users") == kUserColumns);
         CHECK(
             db.Query("SELECT name, nickname FROM users ORDER BY id") ==
             Table{
                 {"ann1", "from ann1"}, {"bob", "NULL"}, {"old1", "nick"}, {"new1", "from new1"}});
         // after rollback the old version's writes are plain again
         db.Must("UPDATE users SET nickname = 'back' WHERE name = 'new1'");
         CHECK(db.Query("SELECT nickname FROM users WHERE name = 'new1'") == Table{{"back"}});
       },
       [](PgConn& db) {
         CHECK(Columns(db, "public", "users") ==
               Table{{"id"}, {"name"}, {"email"}, {"score"}, {"status"}});
         db.Must("INSERT INTO users (name) VALUES ('after')");
         CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann2"}, {"bob"}, {"old1"}, {"new1"}, {"old2"}, {"new2"}, {"after"}});
       }});
}

TEST_CASE("postgres: drop_column of a NOT NULL column without default needs down, which fills it") {
  PgProject pg;
  Project& p = pg.project;
  p.Write("0001_base.yaml", R"yaml(operations:
  - create_table:
      table: items
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}
        - {name: title, type: text, nullable: false}
        - {name: legacy, type: text, nullable: false}
)yaml");
  MustRun(p, "apply");
  std::string old_setup = Latest(p);
  p.Write("0002_drop.yaml", R"yaml(operations:
  - drop_column: {table: items, column: legacy, down: "upper(title)"}
)yaml");
  MustRun(p, "start");
  PgConn new_app(pg.db.url(), Latest(p));
  PgConn old_app(pg.db.url(), old_setup);
  new_app.Must("INSERT INTO items (title) VALUES ('kettle')");
  old_app.Must("INSERT INTO items (title, legacy) VALUES ('mug', 'L1')");
  CHECK(old_app.Query("SELECT title, legacy FROM items ORDER BY id") ==
        Table{{"kettle", "KETTLE"}, {"mug", "L1"}});
  MustRun(p, "complete");
  PgConn after(pg.db.url(), Latest(p));
  after.Must("INSERT INTO items (title) VALUES ('teapot')");
  CHECK(after.Query("SELECT title FROM items ORDER BY id") ==
        Table{{"kettle"}, {"mug"}, {"teapot"}});
  NoBellowsObjects(after);
}

TEST_CASE("postgres lifecycle: drop_column; the new version's inserts get the column default") {
  RunCase({R"yaml(operations:
  - drop_column: {table: users, column: status}
)yaml",
           [](Versions& v, int round) {
             v.old_app.Must("INSERT INTO users (name, status) VALUES ('old" + R(round) +
                            "', 'old')");
             v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
             Fails(v.new_app, "SELECT status FROM users", "does not exist");
             CHECK(v.old_app.Query("SELECT status FROM users WHERE name = 'new" + R(round) + "'") ==
                   Table{{"new"}});
             CHECK(v.new_app.Query("SELECT name FROM users ORDER BY id") ==
                   v.old_app.Query("SELECT name FROM users ORDER BY id"));
           },
           [](PgConn& db) {
             CHECK(Columns(db, "public", "users") == kUserColumns);
             CHECK(db.Query("SELECT name, status FROM users ORDER BY id") ==
                   Table{{"ann", "new"}, {"bob", "new"}, {"old1", "old"}, {"new1", "new"}});
           },
           [](PgConn& db) {
             CHECK(Columns(db, "public", "users") ==
                   Table{{"id"}, {"name"}, {"email"}, {"nickname"}, {"score"}});
             CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}, {"old2"}, {"new2"}});
           }});
}

TEST_CASE("postgres lifecycle: rename_column") {
  RunCase({R"yaml(operations:
  - rename_column: {table: users, from: name, to: full_name}
)yaml",
           [](Versions& v, int round) {
             v.new_app.Must("INSERT INTO users (full_name) VALUES ('new" + R(round) + "')");
             v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
             v.new_app.Must("UPDATE users SET full_name = 'ann2' WHERE full_name = 'ann'");
             CHECK(v.old_app.Query("SELECT count(*) FROM users WHERE name = 'ann2'") ==
                   Table{{"1"}});
             CHECK(v.new_app.Query("SELECT count(*) FROM users WHERE full_name = 'old" + R(round) +
                                   "'") == Table{{"1"}});
             Fails(v.new_app, "SELECT name FROM users", "does not exist");
             Fails(v.old_app, "SELECT full_name FROM users", "does not exist");
             // the check on the column holds for both names
             Fails(v.new_app, "INSERT INTO users (full_name) VALUES ('')", "users_name_nonempty");
           },
           [](PgConn& db) {
             CHECK(Columns(db, "public", "users") == kUserColumns);
             CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann2"}, {"bob"}, {"new1"}, {"old1"}});
           },
           [](PgConn& db) {
             CHECK(Columns(db, "public", "users") ==
                   Table{{"id"}, {"full_name"}, {"email"}, {"nickname"}, {"score"}, {"status"}});
             CHECK(db.Query("SELECT full_name FROM users ORDER BY id") ==
                   Table{{"ann2"}, {"bob"}, {"new1"}, {"old1"}, {"new2"}, {"old2"}});
             CHECK(db.Query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND "
                            "indexname = 'users_name_idx'") ==
                   Table{{"CREATE INDEX users_name_idx ON public.users USING btree (full_name)"}});
             CHECK(IndexState(db, "users_name_idx") == Table{{"true", "true"}});
             Fails(db, "INSERT INTO users (full_name) VALUES ('')", "users_name_nonempty");
           }});
}

TEST_CASE("postgres lifecycle: alter_column type change with up and down") {
  RunCase(
      {R"yaml(operations:
  - alter_column:
      table: users
      column: score
      type: "decimal(10,2)"
      up: score / 100.0
      down: (score * 100)::integer
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name, score) VALUES ('old" + R(round) + "', 250)");
         v.new_app.Must("INSERT INTO users (name, score) VALUES ('new" + R(round) + "', 3.75)");
         v.old_app.Must("UPDATE users SET score = " + std::to_string(20 + round) +
                        " WHERE name = 'ann'");
         CHECK(v.new_app.Query("SELECT score FROM users WHERE name = 'ann'") ==
               Table{{"0.2" + R(round)}});
         CHECK(v.new_app.Query("SELECT score FROM users WHERE name = 'old" + R(round) + "'") ==
               Table{{"2.50"}});
         CHECK(v.old_app.Query("SELECT score FROM users WHERE name = 'new" + R(round) + "'") ==
               Table{{"375"}});
         CHECK(v.new_app.Query("SELECT score FROM users WHERE name = 'bob'") == Table{{"NULL"}});
         // a value the old shape cannot hold is refused while the old version is live
         Fails(v.new_app, "UPDATE users SET score = 99999999.99 WHERE name = 'bob'",
               "out of range");
         CHECK(v.new_app.Query("SELECT data_type FROM information_schema.columns WHERE "
                               "table_schema = 'public_2' AND table_name = 'users' AND "
                               "column_name = 'score'") == Table{{"numeric"}});
       },
       [](PgConn& db) {
         CHECK(Columns(db, "public", "users") == kUserColumns);
         CHECK(db.Query("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                        "'public' AND table_name = 'users' AND column_name = 'score'") ==
               Table{{"integer"}});
         CHECK(db.Query("SELECT name, score FROM users ORDER BY id") ==
               Table{{"ann", "21"}, {"bob", "NULL"}, {"old1", "250"}, {"new1", "375"}});
       },
       [](PgConn& db) {
         CHECK(db.Query("SELECT data_type, numeric_precision, numeric_scale FROM "
                        "information_schema.columns WHERE table_schema = 'public' AND "
                        "table_name = 'users' AND column_name = 'score'") ==
               Table{{"numeric", "10", "2"}});
         CHECK(db.Query("SELECT name, score FROM users ORDER BY id") == Table{{"ann", "0.22"},
                                                                              {"bob", "NULL"},
                                                                              {"old1", "2.50"},
                                                                              {"new1", "3.75"},
                                                                              {"old2", "2.50"},
                                                                              {"new2", "3.75"}});
         // the application's view keeps the column order
         CHECK(Columns(db, "public_2", "users") == kUserColumns);
         db.Must("UPDATE users SET score = 99999999.99 WHERE name = 'bob'");
       }});
}

TEST_CASE("postgres lifecycle: alter_column nullable to NOT NULL with up") {
  RunCase(
      {R"yaml(operations:
  - alter_column:
      table: users
      column: email
      nullable: false
      up: "COALESCE(email, 'unknown-' || id || '@invalid')"
      down: email
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name, email) VALUES ('old" + R(round) + "', NULL)");
         v.new_app.Must("INSERT INTO users (name, email) VALUES ('new" + R(round) + "', 'new" +
                        R(round) + "@x')");
         CHECK(v.new_app.Exec("INSERT INTO users (name) VALUES ('noemail')") != "");
         CHECK(v.new_app.Exec("UPDATE users SET email = NULL WHERE name = 'ann'") != "");
         v.old_app.Must("UPDATE users SET email = 'bob" + R(round) + "@x' WHERE name = 'bob'");
         CHECK(v.new_app.Query("SELECT email FROM users WHERE name = 'bob'") ==
               Table{{"bob" + R(round) + "@x"}});
         CHECK(v.new_app.Query("SELECT email LIKE 'unknown-%@invalid' FROM users WHERE name = "
                               "'old" +
                               R(round) + "'") == Table{{"t"}});
         CHECK(v.old_app.Query("SELECT email FROM users WHERE name = 'new" + R(round) + "'") ==
               Table{{"new" + R(round) + "@x"}});
         CHECK(v.old_app.Query("SELECT email FROM users WHERE name = 'old" + R(round) + "'") ==
               Table{{"NULL"}});
       },
       [](PgConn& db) {
         CHECK(NotNull(db, "users", "email") == Table{{"false"}});
         CHECK(db.Query("SELECT name, email FROM users ORDER BY id") ==
               Table{{"ann", "ann@x"}, {"bob", "bob1@x"}, {"old1", "NULL"}, {"new1", "new1@x"}});
         db.Must("INSERT INTO users (name) VALUES ('nullable again')");
         db.Must("DELETE FROM users WHERE name = 'nullable again'");
       },
       [](PgConn& db) {
         CHECK(NotNull(db, "users", "email") == Table{{"true"}});
         CHECK(db.Query("SELECT name, email FROM users ORDER BY id") ==
               Table{{"ann", "ann@x"},
                     {"bob", "bob2@x"},
                     {"old1", "unknown-3@invalid"},
                     {"new1", "new1@x"},
                     {"old2", "unknown-7@invalid"},  // 5: the refused insert, 6: after_rollback's
                     {"new2", "new2@x"}});
         CHECK(db.Query("SELECT character_maximum_length FROM information_schema.columns WHERE "
                        "table_schema = 'public' AND table_name = 'users' AND column_name = "
                        "'email'") == Table{{"255"}});
         // only the constraints the user asked for
         CHECK(
             db.Query("SELECT conname FROM pg_constraint WHERE conrelid = 'public.users'::regclass "
                      "ORDER BY 1") == Table{{"users_name_nonempty"}, {"users_pkey"}});
         Fails(db, "INSERT INTO users (name) VALUES ('noemail')", "not-null");
         CHECK(Columns(db, "public_2", "users") == kUserColumns);
       }});
}

TEST_CASE("postgres lifecycle: alter_column drops NOT NULL, with down for the old shape") {
  RunCase(
      {R"yaml(operations:
  - alter_column:
      table: users
      column: name
      nullable: true
      down: "COALESCE(name, 'anonymous')"
)yaml",
       [](Versions& v, int round) {
         v.new_app.Must("INSERT INTO users (email) VALUES ('x" + R(round) + "@x')");
         v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
         CHECK(v.new_app.Query("SELECT name FROM users WHERE email = 'x" + R(round) + "@x'") ==
               Table{{"NULL"}});
         CHECK(v.old_app.Query("SELECT name FROM users WHERE email = 'x" + R(round) + "@x'") ==
               Table{{"anonymous"}});
         Fails(v.old_app, "INSERT INTO users (email) VALUES ('y@x')", "not-null");
       },
       [](PgConn& db) {
         CHECK(NotNull(db, "users", "name") == Table{{"true"}});
         CHECK(db.Query("SELECT name, email FROM users ORDER BY id") ==
               Table{{"ann", "ann@x"}, {"bob", "NULL"}, {"anonymous", "x1@x"}, {"old1", "NULL"}});
       },
       [](PgConn& db) {
         CHECK(NotNull(db, "users", "name") == Table{{"false"}});
         CHECK(db.Query("SELECT name, email FROM users ORDER BY id") == Table{{"ann", "ann@x"},
                                                                              {"bob", "NULL"},
                                                                              {"anonymous", "x1@x"},
                                                                              {"old1", "NULL"},
                                                                              {"NULL", "x2@x"},
                                                                              {"old2", "NULL"}});
         db.Must("INSERT INTO users (email) VALUES ('z@x')");
         // the check and the index on the column came along
         Fails(db, "INSERT INTO users (name) VALUES ('')", "users_name_nonempty");
         CHECK(IndexState(db, "users_name_idx") == Table{{"true", "true"}});
       }});
}

TEST_CASE("postgres lifecycle: alter_column sets one default and drops another") {
  RunCase(
      {R"yaml(operations:
  - alter_column: {table: users, column: nickname, default: "'anon'"}
  - alter_column: {table: users, column: status, default: null}
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
         v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
         const Table expected = {{"old" + R(round), "NULL", "new"},
                                 {"new" + R(round), "anon", "NULL"}};
         const std::string q = "SELECT name, nickname, status FROM users WHERE name IN ('old" +
                               R(round) + "', 'new" + R(round) + "') ORDER BY id";
         CHECK(v.new_app.Query(q) == expected);
         CHECK(v.old_app.Query(q) == expected);
       },
       [](PgConn& db) {
         CHECK(db.Query("SELECT column_name, coalesce(column_default, 'none') FROM "
                        "information_schema.columns WHERE table_schema = 'public' AND table_name "
                        "= 'users' AND column_name IN ('nickname', 'status') ORDER BY 1") ==
               Table{{"nickname", "none"}, {"status", "'new'::character varying"}});
         CHECK(db.Query("SELECT name, nickname, status FROM users ORDER BY id") ==
               Table{{"ann", "a", "new"},
                     {"bob", "NULL", "new"},
                     {"old1", "NULL", "new"},
                     {"new1", "anon", "NULL"}});
       },
       [](PgConn& db) {
         CHECK(db.Query("SELECT column_name, coalesce(column_default, 'none') FROM "
                        "information_schema.columns WHERE table_schema = 'public' AND table_name "
                        "= 'users' AND column_name IN ('nickname', 'status') ORDER BY 1") ==
               Table{{"nickname", "'anon'::text"}, {"status", "none"}});
         CHECK(db.Query("SELECT name, nickname, status FROM users ORDER BY id") ==
               Table{{"ann", "a", "new"},
                     {"bob", "NULL", "new"},
                     {"old1", "NULL", "new"},
                     {"new1", "anon", "NULL"},
                     {"old2", "NULL", "new"},
                     {"new2", "anon", "NULL"}});
         db.Must("INSERT INTO users (name) VALUES ('after')");
         CHECK(db.Query("SELECT nickname, status FROM users WHERE name = 'after'") ==
               Table{{"anon", "NULL"}});
       }});
}

TEST_CASE("postgres lifecycle: alter_column adds a check, a unique and a foreign key") {
  RunCase(
      {R"yaml(operations:
  - alter_column:
      table: users
      column: email
      check: {name: users_email_at, constraint: "email LIKE '%@%'"}
  - alter_column: {table: users, column: nickname, unique: {name: users_nickname_key}}
  - alter_column:
      table: notes
      column: reviewer_id
      references: {name: notes_reviewer_fkey, table: users, column: id}
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name, email, nickname) VALUES ('old" + R(round) +
                        "', 'o" + R(round) + "@x', 'on" + R(round) + "')");
         v.new_app.Must("INSERT INTO users (name, email, nickname) VALUES ('new" + R(round) +
                        "', 'n" + R(round) + "@x', 'nn" + R(round) + "')");
         Fails(v.new_app, "INSERT INTO users (name, email) VALUES ('bad', 'no-at')",
               "violates check constraint");
         Fails(v.old_app, "INSERT INTO users (name, email) VALUES ('bad', 'no-at')",
               "violates check constraint");
         Fails(v.old_app, "INSERT INTO users (name, nickname) VALUES ('dup', 'a')",
               "duplicate key");
         Fails(v.new_app, "INSERT INTO users (name, nickname) VALUES ('dup', 'on" + R(round) + "')",
               "duplicate key");
         v.old_app.Must("INSERT INTO notes (user_id, reviewer_id, body) VALUES (1, 2, 'old" +
                        R(round) + "')");
         v.new_app.Must("INSERT INTO notes (user_id, reviewer_id, body) VALUES (2, 1, 'new" +
                        R(round) + "')");
         Fails(v.old_app, "INSERT INTO notes (reviewer_id, body) VALUES (99, 'x')", "foreign key");
         Fails(v.new_app, "INSERT INTO notes (reviewer_id, body) VALUES (99, 'x')", "foreign key");
         const std::string users = "SELECT name, email, nickname FROM users ORDER BY id";
         CHECK(v.old_app.Query(users) == v.new_app.Query(users));
         const std::string notes = "SELECT body, reviewer_id FROM notes ORDER BY id";
         CHECK(v.old_app.Query(notes) == v.new_app.Query(notes));
       },
       [](PgConn& db) {
         CHECK(ConstraintState(db, "users", "users_email_at").empty());
         CHECK(ConstraintState(db, "users", "users_nickname_key").empty());
         CHECK(ConstraintState(db, "notes", "notes_reviewer_fkey").empty());
         CHECK_FALSE(Exists(db, "public.users_nickname_key"));
         CHECK(db.Query("SELECT name, email, nickname FROM users ORDER BY id") ==
               Table{{"ann", "ann@x", "a"},
                     {"bob", "NULL", "NULL"},
                     {"old1", "o1@x", "on1"},
                     {"new1", "n1@x", "nn1"}});
         CHECK(db.Query("SELECT body, reviewer_id FROM notes ORDER BY id") ==
               Table{{"hello", "NULL"}, {"old1", "2"}, {"new1", "1"}});
         // none of the three is enforced any more
         db.Must("INSERT INTO users (name, email, nickname) VALUES ('bad', 'no-at', 'a')");
         db.Must("INSERT INTO notes (reviewer_id, body) VALUES (99, 'x')");
         db.Must("DELETE FROM notes WHERE reviewer_id = 99");
         db.Must("DELETE FROM users WHERE name = 'bad'");
       },
       [](PgConn& db) {
         CHECK(ConstraintState(db, "users", "users_email_at") == Table{{"c", "true"}});
         CHECK(ConstraintState(db, "users", "users_nickname_key") == Table{{"u", "true"}});
         CHECK(IndexState(db, "users_nickname_key") == Table{{"true", "true"}});
         CHECK(ConstraintState(db, "notes", "notes_reviewer_fkey") == Table{{"f", "true"}});
         CHECK(db.Query("SELECT name, email, nickname FROM users ORDER BY id") ==
               Table{{"ann", "ann@x", "a"},
                     {"bob", "NULL", "NULL"},
                     {"old1", "o1@x", "on1"},
                     {"new1", "n1@x", "nn1"},
                     {"old2", "o2@x", "on2"},
                     {"new2", "n2@x", "nn2"}});
         CHECK(
             db.Query("SELECT body, reviewer_id FROM notes ORDER BY id") ==
             Table{{"hello", "NULL"}, {"old1", "2"}, {"new1", "1"}, {"old2", "2"}, {"new2", "1"}});
         Fails(db, "INSERT INTO users (name, email) VALUES ('bad', 'no-at')",
               "violates check constraint \"users_email_at\"");
         Fails(db, "INSERT INTO users (name, nickname) VALUES ('dup', 'on2')",
               "violates unique constraint \"users_nickname_key\"");
         Fails(db, "INSERT INTO notes (reviewer_id, body) VALUES (99, 'x')",
               "violates foreign key constraint \"notes_reviewer_fkey\"");
       }});
}

TEST_CASE("postgres lifecycle: alter_column changes only the comment") {
  RunCase(
      {R"yaml(operations:
  - alter_column: {table: users, column: email, comment: where we write to}
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name, email) VALUES ('old" + R(round) + "', 'o@x')");
         v.new_app.Must("INSERT INTO users (name, email) VALUES ('new" + R(round) + "', 'n@x')");
         CHECK(v.new_app.Query("SELECT col_description('public.users'::regclass, 3)") ==
               Table{{"where we write to"}});
       },
       [](PgConn& db) {
         CHECK(db.Query("SELECT col_description('public.users'::regclass, 3)") == Table{{"NULL"}});
         CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}});
       },
       [](PgConn& db) {
         CHECK(db.Query("SELECT col_description('public.users'::regclass, 3)") ==
               Table{{"where we write to"}});
         CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}, {"old2"}, {"new2"}});
       }});
}

TEST_CASE("postgres lifecycle: create_index, unique and partial expression") {
  RunCase(
      {R"yaml(operations:
  - create_index: {name: users_email_idx, table: users, columns: [email], unique: true}
  - create_index:
      name: users_lower_email_idx
      table: users
      columns: [{expression: lower(email)}]
      where: "email IS NOT NULL"
)yaml",
       [](Versions& v, int round) {
         CHECK(IndexState(v.old_app, "users_email_idx") == Table{{"true", "true"}});
         CHECK(IndexState(v.old_app, "users_lower_email_idx") == Table{{"true", "true"}});
         v.old_app.Must("INSERT INTO users (name, email) VALUES ('old" + R(round) + "', 'o" +
                        R(round) + "@x')");
         v.new_app.Must("INSERT INTO users (name, email) VALUES ('new" + R(round) + "', 'n" +
                        R(round) + "@x')");
         Fails(v.new_app, "INSERT INTO users (name, email) VALUES ('x', 'ann@x')",
               "users_email_idx");
         Fails(v.old_app, "INSERT INTO users (name, email) VALUES ('x', 'n" + R(round) + "@x')",
               "users_email_idx");
       },
       [](PgConn& db) {
         CHECK(IndexState(db, "users_email_idx").empty());
         CHECK(IndexState(db, "users_lower_email_idx").empty());
         CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}});
       },
       [](PgConn& db) {
         CHECK(IndexState(db, "users_email_idx") == Table{{"true", "true"}});
         CHECK(IndexState(db, "users_lower_email_idx") == Table{{"true", "true"}});
         CHECK(db.Query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND "
                        "tablename = 'users' AND indexname LIKE 'users\\_%email%' ORDER BY 1") ==
               Table{{"CREATE INDEX users_lower_email_idx ON public.users USING btree "
                      "(lower((email)::text)) WHERE (email IS NOT NULL)"},
                     {"CREATE UNIQUE INDEX users_email_idx ON public.users USING btree (email)"}});
         CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}, {"old2"}, {"new2"}});
       }});
}

TEST_CASE("postgres lifecycle: drop_index") {
  RunCase({R"yaml(operations:
  - drop_index: {name: users_name_idx}
)yaml",
           [](Versions& v, int round) {
             v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
             v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
             CHECK(IndexState(v.old_app, "users_name_idx") == Table{{"true", "true"}});
           },
           [](PgConn& db) {
             CHECK(IndexState(db, "users_name_idx") == Table{{"true", "true"}});
             CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"new1"}, {"old1"}});
           },
           [](PgConn& db) {
             CHECK(IndexState(db, "users_name_idx").empty());
             CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"new1"}, {"old1"}, {"new2"}, {"old2"}});
           }});
}

TEST_CASE("postgres lifecycle: create_constraint check, unique and foreign_key") {
  RunCase(
      {R"yaml(operations:
  - create_constraint: {table: notes, name: notes_body_short, type: check, check: "length(body) < 20"}
  - create_constraint: {table: users, name: users_email_uniq, type: unique, columns: [email]}
  - create_constraint:
      table: notes
      name: notes_reviewer_fkey
      type: foreign_key
      columns: [reviewer_id]
      references: {table: users, columns: [id], on_delete: SET NULL}
)yaml",
       [](Versions& v, int round) {
         const std::string too_long =
             "INSERT INTO notes (user_id, body) VALUES (1, 'much much much too long body')";
         Fails(v.old_app, too_long, "notes_body_short");
         Fails(v.new_app, too_long, "notes_body_short");
         v.old_app.Must("INSERT INTO users (name, email) VALUES ('old" + R(round) + "', 'o" +
                        R(round) + "@x')");
         v.new_app.Must("INSERT INTO users (name, email) VALUES ('new" + R(round) + "', 'n" +
                        R(round) + "@x')");
         Fails(v.old_app, "INSERT INTO users (name, email) VALUES ('dup', 'n" + R(round) + "@x')",
               "users_email_uniq");
         Fails(v.new_app, "INSERT INTO users (name, email) VALUES ('dup', 'ann@x')",
               "users_email_uniq");
         v.old_app.Must("INSERT INTO notes (user_id, reviewer_id, body) VALUES (1, 2, 'old" +
                        R(round) + "')");
         v.new_app.Must("INSERT INTO notes (user_id, reviewer_id, body) VALUES (1, 1, 'new" +
                        R(round) + "')");
         Fails(v.old_app, "INSERT INTO notes (reviewer_id, body) VALUES (99, 'x')",
               "notes_reviewer_fkey");
         Fails(v.new_app, "INSERT INTO notes (reviewer_id, body) VALUES (99, 'x')",
               "notes_reviewer_fkey");
       },
       [](PgConn& db) {
         CHECK(ConstraintState(db, "notes", "notes_body_short").empty());
         CHECK(ConstraintState(db, "users", "users_email_uniq").empty());
         CHECK_FALSE(Exists(db, "public.users_email_uniq"));
         CHECK(ConstraintState(db, "notes", "notes_reviewer_fkey").empty());
         CHECK(db.Query("SELECT name, email FROM users ORDER BY id") ==
               Table{{"ann", "ann@x"}, {"bob", "NULL"}, {"old1", "o1@x"}, {"new1", "n1@x"}});
         CHECK(db.Query("SELECT body, reviewer_id FROM notes ORDER BY id") ==
               Table{{"hello", "NULL"}, {"old1", "2"}, {"new1", "1"}});
         // none of the three is enforced any more
         db.Must(
             "INSERT INTO notes (user_id, body) VALUES (1, 'allowed again: the check is gone')");
         db.Must("INSERT INTO users (name, email) VALUES ('dup', 'ann@x')");
         db.Must("INSERT INTO notes (reviewer_id, body) VALUES (99, 'x')");
         db.Must("DELETE FROM notes WHERE body LIKE 'allowed again%' OR reviewer_id = 99");
         db.Must("DELETE FROM users WHERE name = 'dup'");
       },
       [](PgConn& db) {
         CHECK(ConstraintState(db, "notes", "notes_body_short") == Table{{"c", "true"}});
         CHECK(ConstraintState(db, "users", "users_email_uniq") == Table{{"u", "true"}});
         CHECK(IndexState(db, "users_email_uniq") == Table{{"true", "true"}});
         CHECK(ConstraintState(db, "notes", "notes_reviewer_fkey") == Table{{"f", "true"}});
         CHECK(db.Query("SELECT name, email FROM users ORDER BY id") == Table{{"ann", "ann@x"},
                                                                              {"bob", "NULL"},
                                                                              {"old1", "o1@x"},
                                                                              {"new1", "n1@x"},
                                                                              {"old2", "o2@x"},
                                                                              {"new2", "n2@x"}});
         Fails(db, "INSERT INTO notes (user_id, body) VALUES (1, 'much much much too long body')",
               "violates check constraint \"notes_body_short\"");
         Fails(db, "INSERT INTO users (name, email) VALUES ('dup', 'o1@x')",
               "violates unique constraint \"users_email_uniq\"");
         Fails(db, "INSERT INTO notes (reviewer_id, body) VALUES (99, 'x')",
               "violates foreign key constraint \"notes_reviewer_fkey\"");
         db.Must("DELETE FROM users WHERE name = 'bob'");  // ON DELETE SET NULL
         CHECK(db.Query("SELECT body, reviewer_id FROM notes ORDER BY id") ==
               Table{{"hello", "NULL"},
                     {"old1", "NULL"},
                     {"new1", "1"},
                     {"old2", "NULL"},
                     {"new2", "1"}});
       }});
}

TEST_CASE("postgres lifecycle: drop_constraint") {
  RunCase({R"yaml(operations:
  - drop_constraint: {table: users, name: users_name_nonempty}
)yaml",
           [](Versions& v, int round) {
             // both versions keep enforcing it until complete
             Fails(v.old_app, "INSERT INTO users (name) VALUES ('')", "users_name_nonempty");
             Fails(v.new_app, "INSERT INTO users (name) VALUES ('')", "users_name_nonempty");
             v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
           },
           [](PgConn& db) {
             CHECK(ConstraintState(db, "users", "users_name_nonempty") == Table{{"c", "true"}});
             Fails(db, "INSERT INTO users (name) VALUES ('')", "users_name_nonempty");
           },
           [](PgConn& db) {
             CHECK(ConstraintState(db, "users", "users_name_nonempty").empty());
             db.Must("INSERT INTO users (name) VALUES ('')");
             CHECK(db.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"new1"}, {"new2"}, {""}});
           }});
}

TEST_CASE("postgres lifecycle: sql with up, down and contract") {
  RunCase({R"yaml(operations:
  - sql:
      up: "CREATE TABLE audit (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, what text); INSERT INTO audit (what) VALUES ('created')"
      down: DROP TABLE audit
      contract: "INSERT INTO audit (what) VALUES ('contracted')"
)yaml",
           [](Versions& v, int round) {
             v.new_app.Must("INSERT INTO audit (what) VALUES ('new" + R(round) + "')");
             CHECK(v.old_app.Query("SELECT what FROM audit ORDER BY id") ==
                   Table{{"created"}, {"new" + R(round)}});
           },
           [](PgConn& db) { CHECK_FALSE(Exists(db, "public.audit")); },
           [](PgConn& db) {
             CHECK(db.Query("SELECT what FROM audit ORDER BY id") ==
                   Table{{"created"}, {"new2"}, {"contracted"}});
           }});
}

namespace {

const char* kItems = R"yaml(description: every identifier here needs quoting
operations:
  - create_table:
      table: Order Items
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: select, type: integer}
        - {name: 'Weird "Name"', type: text}
        - {name: group, type: varchar(20)}
)yaml";

const char* kItemsChange = R"yaml(operations:
  - add_column:
      table: Order Items
      column: {name: 'Total "Sum"', type: bigint, nullable: false, default: "0"}
      up: '"select" * 10'
  - alter_column:
      table: Order Items
      column: select
      type: bigint
      up: '"select"'
      down: '"select"'
  - rename_column: {table: Order Items, from: group, to: Group By}
  - create_index: {name: 'Order Items "select" idx', table: Order Items, columns: [select, 'Weird "Name"']}
)yaml";

const char* kOldItems =
    R"sql(SELECT "select", "Weird ""Name""", "group" FROM "Order Items" ORDER BY id)sql";
const char* kNewItems =
    R"sql(SELECT "select", "Weird ""Name""", "Group By", "Total ""Sum""" FROM "Order Items" ORDER BY id)sql";

// Writes through both versions of the items table in `round`: the old version inserts a row
// with "select" 3 (round 1) or 5, the new one 4 or 6; then the old version sets "select" of row
// b and the new one its renamed column, and both read every row back.
void WriteItems(Versions& v, int round) {
  const std::string o = std::to_string(2 * round + 1), n = std::to_string(2 * round + 2);
  v.old_app.Must(
      R"sql(INSERT INTO "Order Items" ("select", "Weird ""Name""", "group") VALUES ()sql" + o +
      ", 'old" + R(round) + "', 'g" + o + "')");
  v.new_app.Must(
      R"sql(INSERT INTO "Order Items" ("select", "Weird ""Name""", "Group By", "Total ""Sum""") VALUES ()sql" +
      n + ", 'new" + R(round) + "', 'g" + n + "', 7)");
  v.old_app.Must(R"sql(UPDATE "Order Items" SET "select" = 6 WHERE "Weird ""Name""" = 'b')sql");
  v.new_app.Must(
      R"sql(UPDATE "Order Items" SET "Group By" = 'gb' WHERE "Weird ""Name""" = 'b')sql");
  const std::string these = R"sql( WHERE "Weird ""Name""" IN ('a', 'b', 'old)sql" + R(round) +
                            "', 'new" + R(round) + "') ORDER BY id";
  CHECK(
      v.new_app.Query(
          R"sql(SELECT "select", "Weird ""Name""", "Group By", "Total ""Sum""" FROM "Order Items")sql" +
          these) == Table{{"1", "a", "g1", "10"},
                          {"6", "b", "gb", "60"},
                          {o, "old" + R(round), "g" + o, o + "0"},
                          {n, "new" + R(round), "g" + n, "7"}});
  CHECK(v.old_app.Query(R"sql(SELECT "select", "Weird ""Name""", "group" FROM "Order Items")sql" +
                        these) == Table{{"1", "a", "g1"},
                                        {"6", "b", "gb"},
                                        {o, "old" + R(round), "g" + o},
                                        {n, "new" + R(round), "g" + n}});
}

}  // namespace

TEST_CASE("postgres lifecycle: hostile identifiers (spaces, case, quotes, reserved words)") {
  PgProject pg;
  Project& p = pg.project;
  const std::string& url = pg.db.url();
  p.Write("0001_items.yaml", kItems);
  MustRun(p, "apply");
  {
    PgConn seed(url);
    seed.Must(
        R"sql(INSERT INTO "Order Items" ("select", "Weird ""Name""", "group") VALUES (1, 'a', 'g1'), (2, 'b', NULL))sql");
  }
  const std::string old_setup = Latest(p);
  p.Write("0002_items_change.yaml", kItemsChange);

  MustRun(p, "start");
  std::string new_setup = Latest(p);
  {
    Versions v(url, old_setup, new_setup);
    WriteItems(v, 1);
  }
  MustRun(p, "rollback");
  {
    PgConn db(url, old_setup);
    NoBellowsObjects(db);
    CHECK(Columns(db, "public", "Order Items") ==
          Table{{"id"}, {"select"}, {"Weird \"Name\""}, {"group"}});
    CHECK(db.Query(kOldItems) ==
          Table{{"1", "a", "g1"}, {"6", "b", "gb"}, {"3", "old1", "g3"}, {"4", "new1", "g4"}});
  }
  MustRun(p, "start");
  {
    Versions v(url, old_setup, new_setup);
    WriteItems(v, 2);
  }
  MustRun(p, "complete");
  PgConn db(url, Latest(p));
  NoBellowsObjects(db);
  // round 1's values of the new column went with the rollback: `up` computed them again
  CHECK(db.Query(kNewItems) == Table{{"1", "a", "g1", "10"},
                                     {"6", "b", "gb", "60"},
                                     {"3", "old1", "g3", "30"},
                                     {"4", "new1", "g4", "40"},
                                     {"5", "old2", "g5", "50"},
                                     {"6", "new2", "g6", "7"}});
  CHECK(db.Query("SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                 "WHERE table_schema = 'public' AND table_name = 'Order Items' ORDER BY 1") ==
        Table{{"Group By", "character varying", "YES"},
              {"Total \"Sum\"", "bigint", "NO"},
              {"Weird \"Name\"", "text", "YES"},
              {"id", "integer", "NO"},
              {"select", "bigint", "YES"}});
  CHECK(Columns(db, "public_2", "Order Items") ==
        Table{{"id"}, {"select"}, {"Weird \"Name\""}, {"Group By"}, {"Total \"Sum\""}});
  CHECK(IndexState(db, "Order Items \"select\" idx") == Table{{"true", "true"}});
  CHECK(
      db.Query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = "
               "'Order Items' AND indexname <> 'Order Items_pkey'") ==
      Table{
          {R"sql(CREATE INDEX "Order Items ""select"" idx" ON public."Order Items" USING btree ("select", "Weird ""Name"""))sql"}});
  db.Must(
      R"sql(INSERT INTO "Order Items" ("select", "Weird ""Name""") VALUES (5000000000, 'big'))sql");
  CHECK(
      db.Query(R"sql(SELECT "Total ""Sum""" FROM "Order Items" WHERE "select" = 5000000000)sql") ==
      Table{{"0"}});
}

TEST_CASE("postgres: --schema app keeps tables and version schemas in schema app") {
  PgProject pg;
  Project& p = pg.project;
  const std::string& url = pg.db.url();
  {
    PgConn admin(url);
    admin.Must("CREATE SCHEMA app");
  }
  p.Write("0001_base.yaml", R"yaml(operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: name, type: text, nullable: false}
)yaml");
  MustRun(p, "apply --schema app");
  PgConn c(url);
  const std::string base_tables =
      "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND "
      "table_schema = ";
  CHECK(c.Query(base_tables + "'app'") == Table{{"users"}});
  CHECK(c.Query(base_tables + "'public'").empty());
  CHECK(VersionSchemas(c, "app") == Table{{"app_1"}});
  CHECK(VersionSchemas(c, "public").empty());
  Run latest = p.Bellows("latest sql --schema app");
  REQUIRE(latest.exit_code == 0);
  CHECK(Has(latest.out, "app_1"));
  const std::string old_setup = latest.out;
  {
    PgConn app(url, old_setup);
    app.Must("INSERT INTO users (name) VALUES ('ann')");
  }

  p.Write("0002_shout.yaml", R"yaml(operations:
  - add_column:
      table: users
      column: {name: shout, type: text, nullable: false, default: "''"}
      up: upper(name)
  - create_index: {name: users_shout_idx, table: users, columns: [shout]}
)yaml");
  MustRun(p, "start --schema app");
  latest = p.Bellows("latest sql --schema app");
  REQUIRE(latest.exit_code == 0);
  CHECK(Has(latest.out, "app_2"));
  {
    Versions v(url, old_setup, latest.out);
    v.old_app.Must("INSERT INTO users (name) VALUES ('old')");
    v.new_app.Must("INSERT INTO users (name, shout) VALUES ('new', 'NEW!')");
    CHECK(v.new_app.Query("SELECT name, shout FROM users ORDER BY id") ==
          Table{{"ann", "ANN"}, {"old", "OLD"}, {"new", "NEW!"}});
    CHECK(v.old_app.Query("SELECT name FROM users ORDER BY id") ==
          Table{{"ann"}, {"old"}, {"new"}});
    CHECK(VersionSchemas(c, "app") == Table{{"app_1"}, {"app_2"}});
  }
  Run status = p.Bellows("status --schema app");
  CHECK(status.exit_code == 0);
  CHECK(Has(status.out, "app_2"));
  MustRun(p, "complete --schema app");
  CHECK(c.Query(base_tables + "'app'") == Table{{"users"}});
  CHECK(c.Query(base_tables + "'public'").empty());
  CHECK(Columns(c, "app", "users") == Table{{"id"}, {"name"}, {"shout"}});
  CHECK(c.Query("SELECT name, shout FROM app.users ORDER BY id") ==
        Table{{"ann", "ANN"}, {"old", "OLD"}, {"new", "NEW!"}});
  CHECK(NotNull(c, "users", "shout", "app") == Table{{"true"}});
  CHECK(IndexState(c, "users_shout_idx", "app") == Table{{"true", "true"}});
  CHECK(VersionSchemas(c, "app") == Table{{"app_2"}});
  CHECK(VersionSchemas(c, "public").empty());
  NoBellowsObjects(c, "app");
  NoBellowsObjects(c, "public");
  status = p.Bellows("status --schema app");
  CHECK(status.exit_code == 0);
  CHECK(Has(status.out, "in flight: none"));
  CHECK(Has(status.out, "pending: none"));
}

TEST_CASE("postgres: libpq parameters in the URL") {
  const char* migration = R"yaml(operations:
  - create_table:
      table: things
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
)yaml";
  {
    PgProject pg;
    pg.project.SetUrl(pg.db.url() + "?sslmode=disable&application_name=x&connect_timeout=5");
    pg.project.Write("0001_things.yaml", migration);
    MustRun(pg.project, "apply");
    PgConn c(pg.db.url());
    CHECK(Exists(c, "public.things"));
    Run status = pg.project.Bellows("status");
    CHECK(status.exit_code == 0);
    CHECK(Has(status.out, "pending: none"));
  }
  {
    // this server has no SSL: requiring it fails before anything is created
    PgProject pg;
    pg.project.SetUrl(pg.db.url() + "?sslmode=require");
    pg.project.Write("0001_things.yaml", migration);
    Run r = pg.project.Bellows("apply");
    INFO(r.out, r.err);
    CHECK(r.exit_code == 2);
    CHECK(Has(r.out + r.err, "SSL"));
    PgConn c(pg.db.url());
    CHECK_FALSE(Exists(c, "public.things"));
    CHECK(c.Query("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname "
                  "NOT IN ('public', 'information_schema')")
              .empty());
  }
}

namespace {

const char* kAccounts = R"yaml(operations:
  - create_table:
      table: accounts
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: owner, type: text, nullable: false}
        - {name: balance, type: integer}
        - {name: legacy, type: text}
  - create_index: {name: accounts_owner_idx, table: accounts, columns: [owner]}
)yaml";

const char* kAccountsChange = R"yaml(description: several expand/contract operations on one table
operations:
  - alter_column:
      table: accounts
      column: balance
      type: bigint
      nullable: false
      up: COALESCE(balance, 0)
      down: balance
  - add_column:
      table: accounts
      column: {name: currency, type: varchar(3), nullable: false, default: "'EUR'"}
      up: "'EUR'"
  - create_constraint: {table: accounts, name: accounts_owner_nonempty, type: check, check: "length(owner) > 0"}
  - rename_column: {table: accounts, from: owner, to: holder}
  - drop_column: {table: accounts, column: legacy}
  - create_index: {name: accounts_currency_idx, table: accounts, columns: [currency]}
)yaml";

const int kKilled = 128 + 9;

void SetupAccounts(PgProject& pg) {
  pg.project.Write("0001_accounts.yaml", kAccounts);
  MustRun(pg.project, "apply");
  PgConn c(pg.db.url());
  c.Must(
      "INSERT INTO accounts (owner, balance, legacy) SELECT 'o' || g, CASE WHEN g % 3 = 0 THEN "
      "NULL ELSE g * 100 END, 'x' FROM generate_series(1, 10) g");
  pg.project.Write("0002_change.yaml", kAccountsChange);
}

}  // namespace

TEST_CASE("postgres crash: apply killed after every recorded step is finished by the next apply") {
  const std::string apply = "apply --batch-size 4";
  Table expected, expected_versions;
  {
    PgProject clean;
    SetupAccounts(clean);
    MustRun(clean.project, apply);
    PgConn c(clean.db.url());
    expected = Observable(c);
    expected_versions = VersionSchemas(c);
  }
  REQUIRE(expected_versions == Table{{"public_2"}});

  int crashes = 0;
  bool finished = false;
  for (int n = 1; n < 100 && !finished; ++n) {
    CAPTURE(n);
    PgProject pg;
    SetupAccounts(pg);
    Run r = pg.project.Bellows(apply, {{"BELLOWS_FAULT_AFTER_STEP", std::to_string(n)}});
    if (r.exit_code == 0) {
      finished = true;
      continue;
    }
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == kKilled);
    ++crashes;
    Run status = pg.project.Bellows("status");
    INFO(status.out, status.err);
    CHECK(status.exit_code == 0);
    if (!Has(status.out, "in flight: none")) {
      CHECK(Has(status.out, "in flight: batch"));
      CHECK((Has(status.out, "is starting") || Has(status.out, "is expanded") ||
             Has(status.out, "is completing")));
      // The batch was started by apply: apply is what finishes it.
      if (Has(status.out, "is starting")) CHECK(Has(status.out, "run apply to resume"));
    }
    Run resumed = pg.project.Bellows(apply);
    INFO(resumed.out, resumed.err);
    REQUIRE(resumed.exit_code == 0);
    PgConn c(pg.db.url());
    CHECK(Observable(c) == expected);
    CHECK(VersionSchemas(c) == expected_versions);
    NoBellowsObjects(c);
  }
  CHECK(finished);
  CHECK(crashes >= 15);  // every expand step, backfill batch and contract step was a crash point
}

namespace {

// The result of every killed-and-resumed run: `expected` and `versions`, and no bellows column,
// trigger or function left.
std::function<void(PgProject&)> Ends(const Table& expected, const Table& versions) {
  return [expected, versions](PgProject& pg) {
    PgConn c(pg.db.url());
    CHECK(Observable(c) == expected);
    CHECK(VersionSchemas(c) == versions);
    NoBellowsObjects(c);
  };
}

void Started(PgProject& pg) {
  SetupAccounts(pg);
  MustRun(pg.project, "start --batch-size 4");
}

void Completed(PgProject& pg) {
  Started(pg);
  MustRun(pg.project, "complete");
}

// What a database `make` sets up looks like: its schema and rows, and its version schemas.
std::pair<Table, Table> StateOf(const std::function<void(PgProject&)>& make) {
  PgProject pg;
  make(pg);
  PgConn c(pg.db.url());
  return {Observable(c), VersionSchemas(c)};
}

}  // namespace

TEST_CASE("postgres crash: start, complete and rollback killed after every record resume") {
  const auto [completed, completed_versions] = StateOf(Completed);
  const auto [before, before_versions] = StateOf(SetupAccounts);
  REQUIRE(completed != before);
  SUBCASE("start (expand steps and every backfill batch)") {
    CHECK(e2e::KillAfterEveryRecord<PgProject>(
              {"start --batch-size 4", "starting", "is expanded", "complete"}, SetupAccounts,
              Ends(completed, completed_versions)) >= 8);
  }
  SUBCASE("complete") {
    CHECK(e2e::KillAfterEveryRecord<PgProject>({"complete", "completing", "in flight: none", ""},
                                               Started, Ends(completed, completed_versions)) >= 4);
  }
  SUBCASE("rollback") {
    CHECK(e2e::KillAfterEveryRecord<PgProject>({"rollback", "rolling_back", "in flight: none", ""},
                                               Started, Ends(before, before_versions)) >= 4);
  }
}

TEST_CASE("postgres crash: start and complete killed at random moments finish as a clean run") {
  const auto [completed, completed_versions] = StateOf(Completed);
  CHECK(e2e::KillAtRandomMoments<PgProject>(6, "--batch-size 1 --batch-pause 30ms", SetupAccounts,
                                            Ends(completed, completed_versions)) >= 5);
}

TEST_CASE(
    "postgres crash: create_constraint, rename_table, drop_table and sql killed after every record "
    "resume") {
  e2e::KillOtherOpsAfterEveryRecord<PgProject>(StateOf, Ends);
}

TEST_CASE(
    "postgres crash: apply of the shop example killed anywhere is finished by the next apply") {
  e2e::KillShopApply<PgProject>(3, StateOf, Ends, [](PgProject& t) {
    PgConn c(t.db.url());
    c.Must("UPDATE customers SET created_at = '2026-01-01 00:00:00'");
    c.Must("UPDATE orders SET created_at = '2026-01-01 00:00:00'");
  });
}

}  // namespace bellows::pgtest
