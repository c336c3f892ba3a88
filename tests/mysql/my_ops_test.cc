// The lifecycle of the operations of SPEC 2.1 on a real MariaDB server (SPEC 8): start -> the
// old and the new version read and write -> rollback -> every row intact in the old shape ->
// start -> complete -> every row intact in the new shape, and none of bellows' `_bellows_`
// objects left behind. Then a failing step (MariaDB DDL is not transactional: bellows undoes
// the completed steps), and bellows killed after every recorded step of one multi-step
// migration.
//
// The old version is a connection that ran `bellows latest sql` before start (it uses the
// previous version's database `<db>_1`); the new one ran it after start (`<db>_2`). A version
// database holds views of that version's tables only, so the old version reads a table the
// batch creates through the base database's name. Catalog queries always name the database:
// information_schema lists the version databases' views too.

#include <functional>
#include <set>
#include <string>

#include <doctest/doctest.h>

#include "tests/e2e/kill_cases.h"
#include "tests/mysql/my_harness.h"

namespace bellows::mytest {

using e2e::Has;
using e2e::Project;
using e2e::Run;

namespace {

const char* kBase = R"yaml(description: base schema of the MariaDB lifecycle tests
operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: name, type: varchar(100), nullable: false}
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
  - create_constraint: {table: users, name: users_name_nonempty, type: check, check: "length(name) > 0", allow_copy: true}
)yaml";

const Table kUserColumns = {{"id"}, {"name"}, {"email"}, {"nickname"}, {"score"}, {"status"}};

std::string R(int round) { return std::to_string(round); }

std::string Quote(const std::string& s) { return "'" + s + "'"; }

// `sql` must fail with an error containing `part`.
void Fails(MyConn& c, const std::string& sql, const std::string& part) {
  std::string error = c.Exec(sql);
  INFO(sql, "\n -> ", error);
  CHECK(Has(error, part));
}

// Column names of a base table (or view) of database `db`, in order.
Table Columns(MyConn& c, const std::string& db, const std::string& table) {
  return c.Query("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                 Quote(db) + " AND TABLE_NAME = " + Quote(table) + " ORDER BY ORDINAL_POSITION");
}

// One column's information_schema.COLUMNS fields `fields`.
Table Column(MyConn& c, const std::string& db, const std::string& table, const std::string& column,
             const std::string& fields) {
  return c.Query("SELECT " + fields +
                 " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " + Quote(db) +
                 " AND TABLE_NAME = " + Quote(table) + " AND COLUMN_NAME = " + Quote(column));
}

bool Exists(MyConn& c, const std::string& db, const std::string& table) {
  return c.Query("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                 Quote(db) + " AND TABLE_NAME = " + Quote(table)) == Table{{"1"}};
}

// (NON_UNIQUE, COLUMN_NAME, COLLATION) of each key part of an index of `table`; empty when the
// index does not exist.
Table IndexParts(MyConn& c, const std::string& db, const std::string& table,
                 const std::string& index) {
  return c.Query(
      "SELECT NON_UNIQUE, COLUMN_NAME, COALESCE(COLLATION, '') FROM information_schema.STATISTICS "
      "WHERE TABLE_SCHEMA = " +
      Quote(db) + " AND TABLE_NAME = " + Quote(table) + " AND INDEX_NAME = " + Quote(index) +
      " ORDER BY SEQ_IN_INDEX");
}

// CONSTRAINT_TYPE of a constraint of `table`; empty when it does not exist.
Table ConstraintType(MyConn& c, const std::string& db, const std::string& table,
                     const std::string& name) {
  return c.Query(
      "SELECT CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = " +
      Quote(db) + " AND TABLE_NAME = " + Quote(table) + " AND CONSTRAINT_NAME = " + Quote(name));
}

Table Nullable(MyConn& c, const std::string& db, const std::string& table,
               const std::string& column) {
  return Column(c, db, table, column, "IS_NULLABLE");
}

Table VersionDatabases(MyConn& c, const std::string& db) {
  return c.Query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE " +
                 Quote(db + "\\_%") + " ORDER BY 1");
}

// No shadow column, trigger, routine, table, view, index or constraint of bellows' is left in
// `db` (the tests define no triggers of their own).
void NoBellowsObjects(MyConn& c, const std::string& db) {
  const std::string s = Quote(db);
  CHECK(c.Query("SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE "
                "TABLE_SCHEMA = " +
                s + " AND COLUMN_NAME LIKE '\\_bellows%'")
            .empty());
  CHECK(c.Query("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = " + s)
            .empty());
  CHECK(c.Query("SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = " + s +
                " AND ROUTINE_NAME LIKE '\\_bellows%'")
            .empty());
  CHECK(c.Query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + s +
                " AND TABLE_NAME LIKE '\\_bellows%'")
            .empty());
  CHECK(c.Query("SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = " + s +
                " AND INDEX_NAME LIKE '\\_bellows%'")
            .empty());
  CHECK(c.Query("SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS WHERE "
                "TABLE_SCHEMA = " +
                s + " AND CONSTRAINT_NAME LIKE '\\_bellows%'")
            .empty());
}

struct Versions {
  Versions(const std::string& url, const std::string& base, const std::string& old_setup,
           const std::string& new_setup)
      : db(base), old_app(url, old_setup), new_app(url, new_setup) {}
  std::string db;  // the base database
  MyConn old_app;
  MyConn new_app;
};

struct Case {
  const char* migration;
  // Writes through both versions (round 1 or 2, for distinct values) and checks what each
  // version reads.
  std::function<void(Versions&, int round)> after_start;
  // The old version's connection and the base database: the old shape holds every row written
  // so far.
  std::function<void(MyConn&, const std::string& db)> after_rollback;
  // The new version's connection: the new shape holds every row of both rounds.
  std::function<void(MyConn&, const std::string& db)> after_complete;
};

void RunCase(const Case& c) {
  MyProject my;
  Project& p = my.project;
  const std::string& url = my.db.url();
  const std::string& db = my.db.name();
  p.Write("0001_base.yaml", kBase);
  MustRun(p, "apply");
  {
    MyConn seed(url);
    seed.Must(
        "INSERT INTO users (name, email, nickname, score) VALUES ('ann', 'ann@x', 'a', 10), "
        "('bob', NULL, NULL, NULL)");
    seed.Must("INSERT INTO notes (user_id, body) VALUES (1, 'hello')");
  }
  const std::string old_setup = Latest(p);
  CHECK(Has(old_setup, "USE `" + db + "_1`;"));
  p.Write("0002_change.yaml", c.migration);

  MustRun(p, "start");
  std::string new_setup = Latest(p);
  CHECK(new_setup == "USE `" + db + "_2`;\nSET @bellows_version = '" + db + "_2';\n");
  {
    Versions v(url, db, old_setup, new_setup);
    CHECK(VersionDatabases(v.old_app, db) == Table{{db + "_1"}, {db + "_2"}});
    c.after_start(v, 1);
  }
  MustRun(p, "rollback");
  {
    CHECK(Latest(p) == old_setup);
    MyConn conn(url, old_setup);
    NoBellowsObjects(conn, db);
    CHECK(VersionDatabases(conn, db) == Table{{db + "_1"}});
    c.after_rollback(conn, db);
  }
  MustRun(p, "start");
  {
    Versions v(url, db, old_setup, new_setup);
    c.after_start(v, 2);
  }
  MustRun(p, "complete");
  MyConn conn(url, new_setup);
  NoBellowsObjects(conn, db);
  CHECK(VersionDatabases(conn, db) == Table{{db + "_2"}});
  c.after_complete(conn, db);
}

// Whether `value` is one of `allowed` (the adapter picks among equivalent MariaDB types).
void OneOf(const std::string& what, const std::string& value,
           const std::set<std::string>& allowed) {
  INFO(what, " is ", value);
  CHECK(allowed.count(value) == 1);
}

}  // namespace

TEST_CASE("mysql lifecycle: create_table, with every portable type") {
  RunCase({R"yaml(operations:
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
             v.new_app.Must(
                 "INSERT INTO tags (label, big, small, code, price, ratio, precise, born, seen, "
                 "seen_tz, uid, doc, raw) VALUES ('new" +
                 R(round) +
                 "', 5000000000, 7, 'abcdefgh', 1.5, 0.5, 0.125, '2024-02-29', '2024-01-02 "
                 "03:04:05', '2024-01-02 03:04:05', '123e4567-e89b-12d3-a456-426614174000', "
                 "'{\"a\": 1}', X'01FF')");
             v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
             Fails(v.new_app, "INSERT INTO tags (label) VALUES ('new" + R(round) + "')",
                   "Duplicate entry");
             // the old version has no such table; the base database has
             Fails(v.old_app, "SELECT label FROM tags", "doesn't exist");
             CHECK(v.old_app.Query("SELECT label FROM `" + v.db + "`.tags") ==
                   Table{{"new" + R(round)}});
             CHECK(v.new_app.Query("SELECT name FROM users ORDER BY id") ==
                   v.old_app.Query("SELECT name FROM users ORDER BY id"));
           },
           [](MyConn& conn, const std::string& db) {
             CHECK_FALSE(Exists(conn, db, "tags"));
             CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"old1"}});
           },
           [](MyConn& conn, const std::string& db) {
             CHECK(conn.Query("SELECT label, big, small, flag, code, price, ratio, precise, born, "
                              "DATE_FORMAT(seen, '%Y-%m-%d %H:%i:%s'), "
                              "DATE_FORMAT(seen_tz, '%Y-%m-%d %H:%i:%s'), LOWER(uid), doc, "
                              "HEX(raw) FROM tags") ==
                   Table{{"new2", "5000000000", "7", "0", "abcdefgh", "1.50", "0.5", "0.125",
                          "2024-02-29", "2024-01-02 03:04:05", "2024-01-02 03:04:05",
                          "123e4567-e89b-12d3-a456-426614174000", "{\"a\": 1}", "01FF"}});
             CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"old1"}, {"old2"}});
             Table columns = conn.Query(
                 "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, EXTRA FROM "
                 "information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                 Quote(db) + " AND TABLE_NAME = 'tags' ORDER BY ORDINAL_POSITION");
             REQUIRE(columns.size() == 15);
             const std::vector<std::pair<std::string, std::set<std::string>>> expected = {
                 {"id", {"int"}},
                 {"label", {"text", "mediumtext", "longtext"}},
                 {"big", {"bigint"}},
                 {"small", {"smallint"}},
                 {"flag", {"tinyint"}},
                 {"code", {"varchar"}},
                 {"price", {"decimal"}},
                 {"ratio", {"float", "double"}},
                 {"precise", {"double"}},
                 {"born", {"date"}},
                 {"seen", {"datetime", "timestamp"}},
                 {"seen_tz", {"timestamp", "datetime"}},
                 {"uid", {"uuid", "char", "binary"}},
                 {"doc", {"longtext", "json"}},
                 {"raw", {"blob", "mediumblob", "longblob", "varbinary"}}};
             for (size_t i = 0; i < expected.size(); ++i) {
               CHECK(columns[i][0] == expected[i].first);
               OneOf(columns[i][0], columns[i][1], expected[i].second);
               CHECK(columns[i][3] == (i < 2 ? "NO" : "YES"));
             }
             CHECK(columns[0][4] == "auto_increment");
             CHECK(columns[4][2] == "tinyint(1)");
             CHECK(columns[5][2] == "varchar(8)");
             CHECK(columns[6][2] == "decimal(10,2)");
             Fails(conn, "INSERT INTO tags (label, code) VALUES ('long', 'abcdefghi')", "code");
           }});
}

TEST_CASE("mysql lifecycle: drop_table") {
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
             Fails(v.new_app, "SELECT body FROM notes", "doesn't exist");
           },
           [](MyConn& conn, const std::string&) {
             CHECK(conn.Query("SELECT body FROM notes ORDER BY id") == Table{{"hello"}, {"old1"}});
           },
           [](MyConn& conn, const std::string& db) {
             CHECK_FALSE(Exists(conn, db, "notes"));
             CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"new1"}, {"new2"}});
           }});
}

TEST_CASE("mysql lifecycle: rename_table") {
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
             Fails(v.old_app, "SELECT 1 FROM accounts", "doesn't exist");
             Fails(v.new_app, "SELECT 1 FROM users", "doesn't exist");
           },
           [](MyConn& conn, const std::string& db) {
             CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"new1"}, {"old1"}});
             CHECK(Exists(conn, db, "users"));
             CHECK_FALSE(Exists(conn, db, "accounts"));
           },
           [](MyConn& conn, const std::string& db) {
             CHECK(conn.Query("SELECT name, nickname FROM accounts ORDER BY id") ==
                   Table{{"ann", "renamed"},
                         {"bob", "NULL"},
                         {"new1", "NULL"},
                         {"old1", "NULL"},
                         {"new2", "NULL"},
                         {"old2", "NULL"}});
             CHECK_FALSE(Exists(conn, db, "users"));
             CHECK(Exists(conn, db, "accounts"));
             // the foreign key of notes follows the rename
             CHECK(conn.Query("SELECT REFERENCED_TABLE_NAME FROM "
                              "information_schema.REFERENTIAL_CONSTRAINTS WHERE "
                              "CONSTRAINT_SCHEMA = " +
                              Quote(db) + " AND TABLE_NAME = 'notes'") == Table{{"accounts"}});
             conn.Must(
                 "INSERT INTO notes (user_id, body) SELECT id, 'for old2' FROM accounts WHERE "
                 "name = 'old2'");
             Fails(conn, "INSERT INTO notes (user_id, body) VALUES (99, 'nobody')",
                   "foreign key constraint fails");
           }});
}

TEST_CASE("mysql lifecycle: add_column with up and default") {
  RunCase(
      {R"yaml(operations:
  - add_column:
      table: users
      column: {name: name_length, type: integer, nullable: false, default: "0"}
      up: CHAR_LENGTH(name)
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
         v.new_app.Must("INSERT INTO users (name, name_length) VALUES ('new" + R(round) + "', 42)");
         v.new_app.Must("INSERT INTO users (name) VALUES ('dflt" + R(round) + "')");
         Table expected = {{"ann", "3"},
                           {"bob", "3"},
                           {"old1", "4"},
                           {"new1", round == 1 ? "42" : "4"},
                           {"dflt1", round == 1 ? "0" : "5"}};
         if (round == 2) {
           expected.push_back({"old2", "4"});
           expected.push_back({"new2", "42"});
           expected.push_back({"dflt2", "0"});
         }
         CHECK(v.new_app.Query("SELECT name, name_length FROM users ORDER BY id") == expected);
         // the old version updates: the new column follows `up`
         v.old_app.Must("UPDATE users SET name = 'annie' WHERE id = 1");
         CHECK(v.new_app.Query("SELECT name_length FROM users WHERE id = 1") == Table{{"5"}});
         v.old_app.Must("UPDATE users SET name = 'ann' WHERE id = 1");
         Fails(v.old_app, "SELECT name_length FROM users", "Unknown column");
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(Columns(conn, db, "users") == kUserColumns);
         CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}, {"dflt1"}});
       },
       [](MyConn& conn, const std::string& db) {
         // Round 1's values of the new column went with the rollback (the old version has no
         // such column); the second start computed them from `up` again.
         CHECK(conn.Query("SELECT name, name_length FROM users ORDER BY id") ==
               Table{{"ann", "3"},
                     {"bob", "3"},
                     {"old1", "4"},
                     {"new1", "4"},
                     {"dflt1", "5"},
                     {"old2", "4"},
                     {"new2", "42"},
                     {"dflt2", "0"}});
         CHECK(Column(conn, db, "users", "name_length", "IS_NULLABLE, COLUMN_DEFAULT") ==
               Table{{"NO", "0"}});
         CHECK(Columns(conn, db, "users") == Table{{"id"},
                                                   {"name"},
                                                   {"email"},
                                                   {"nickname"},
                                                   {"score"},
                                                   {"status"},
                                                   {"name_length"}});
         Fails(conn, "INSERT INTO users (name, name_length) VALUES ('x', NULL)", "cannot be null");
         conn.Must("INSERT INTO users (name) VALUES ('plain')");
         CHECK(conn.Query("SELECT name_length FROM users WHERE name = 'plain'") == Table{{"0"}});
       }});
}

TEST_CASE("mysql lifecycle: drop_column with down; the new version's writes fill it") {
  RunCase(
      {R"yaml(operations:
  - drop_column: {table: users, column: nickname, down: "CONCAT('from ', name)"}
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name, nickname) VALUES ('old" + R(round) +
                        "', 'nick')");
         v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
         Fails(v.new_app, "SELECT nickname FROM users", "Unknown column");
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
       [](MyConn& conn, const std::string& db) {
         CHECK(Columns(conn, db, "users") == kUserColumns);
         CHECK(
             conn.Query("SELECT name, nickname FROM users ORDER BY id") ==
             Table{
                 {"ann1", "from ann1"}, {"bob", "NULL"}, {"old1", "nick"}, {"new1", "from new1"}});
         // after rollback the old version's writes are plain again
         conn.Must("UPDATE users SET nickname = 'back' WHERE name = 'new1'");
         CHECK(conn.Query("SELECT nickname FROM users WHERE name = 'new1'") == Table{{"back"}});
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(Columns(conn, db, "users") ==
               Table{{"id"}, {"name"}, {"email"}, {"score"}, {"status"}});
         conn.Must("INSERT INTO users (name) VALUES ('after')");
         CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann2"}, {"bob"}, {"old1"}, {"new1"}, {"old2"}, {"new2"}, {"after"}});
       }});
}

TEST_CASE("mysql lifecycle: rename_column") {
  RunCase(
      {R"yaml(operations:
  - rename_column: {table: users, from: name, to: full_name}
)yaml",
       [](Versions& v, int round) {
         v.new_app.Must("INSERT INTO users (full_name) VALUES ('new" + R(round) + "')");
         v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
         v.new_app.Must("UPDATE users SET full_name = 'ann2' WHERE full_name = 'ann'");
         CHECK(v.old_app.Query("SELECT count(*) FROM users WHERE name = 'ann2'") == Table{{"1"}});
         CHECK(v.new_app.Query("SELECT count(*) FROM users WHERE full_name = 'old" + R(round) +
                               "'") == Table{{"1"}});
         Fails(v.new_app, "SELECT name FROM users", "Unknown column");
         Fails(v.old_app, "SELECT full_name FROM users", "Unknown column");
         // the check on the column holds for both names
         Fails(v.new_app, "INSERT INTO users (full_name) VALUES ('')", "users_name_nonempty");
         Fails(v.old_app, "INSERT INTO users (name) VALUES ('')", "users_name_nonempty");
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(Columns(conn, db, "users") == kUserColumns);
         CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann2"}, {"bob"}, {"new1"}, {"old1"}});
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(Columns(conn, db, "users") ==
               Table{{"id"}, {"full_name"}, {"email"}, {"nickname"}, {"score"}, {"status"}});
         CHECK(conn.Query("SELECT full_name FROM users ORDER BY id") ==
               Table{{"ann2"}, {"bob"}, {"new1"}, {"old1"}, {"new2"}, {"old2"}});
         CHECK(IndexParts(conn, db, "users", "users_name_idx") == Table{{"1", "full_name", "A"}});
         Fails(conn, "INSERT INTO users (full_name) VALUES ('')", "users_name_nonempty");
       }});
}

TEST_CASE("mysql lifecycle: alter_column type change with up and down") {
  RunCase(
      {R"yaml(operations:
  - alter_column:
      table: users
      column: score
      type: "decimal(10,2)"
      up: score / 100.0
      down: ROUND(score * 100)
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
               "Out of range");
         CHECK(v.new_app.Query("SELECT score FROM users WHERE name = 'bob'") == Table{{"NULL"}});
         CHECK(Column(v.new_app, v.db + "_2", "users", "score", "COLUMN_TYPE") ==
               Table{{"decimal(10,2)"}});
         CHECK(Column(v.old_app, v.db + "_1", "users", "score", "DATA_TYPE") == Table{{"int"}});
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(Columns(conn, db, "users") == kUserColumns);
         CHECK(Column(conn, db, "users", "score", "DATA_TYPE") == Table{{"int"}});
         CHECK(conn.Query("SELECT name, score FROM users ORDER BY id") ==
               Table{{"ann", "21"}, {"bob", "NULL"}, {"old1", "250"}, {"new1", "375"}});
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(Column(conn, db, "users", "score", "COLUMN_TYPE") == Table{{"decimal(10,2)"}});
         CHECK(conn.Query("SELECT name, score FROM users ORDER BY id") == Table{{"ann", "0.22"},
                                                                                {"bob", "NULL"},
                                                                                {"old1", "2.50"},
                                                                                {"new1", "3.75"},
                                                                                {"old2", "2.50"},
                                                                                {"new2", "3.75"}});
         // the base table and the application's view keep the column order
         CHECK(Columns(conn, db, "users") == kUserColumns);
         CHECK(Columns(conn, db + "_2", "users") == kUserColumns);
         conn.Must("UPDATE users SET score = 99999999.99 WHERE name = 'bob'");
       }});
}

TEST_CASE("mysql lifecycle: alter_column nullable to NOT NULL with up") {
  RunCase(
      {R"yaml(operations:
  - alter_column:
      table: users
      column: email
      nullable: false
      up: "COALESCE(email, CONCAT('unknown-', name, '@invalid'))"
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
         CHECK(v.new_app.Query("SELECT email FROM users WHERE name = 'old" + R(round) + "'") ==
               Table{{"unknown-old" + R(round) + "@invalid"}});
         CHECK(v.new_app.Query("SELECT email FROM users WHERE name = 'ann'") == Table{{"ann@x"}});
         CHECK(v.old_app.Query("SELECT email FROM users WHERE name = 'new" + R(round) + "'") ==
               Table{{"new" + R(round) + "@x"}});
         CHECK(v.old_app.Query("SELECT email FROM users WHERE name = 'old" + R(round) + "'") ==
               Table{{"NULL"}});
         CHECK(v.old_app.Query("SELECT count(*) FROM users WHERE name = 'noemail'") ==
               Table{{"0"}});
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(Nullable(conn, db, "users", "email") == Table{{"YES"}});
         CHECK(conn.Query("SELECT name, email FROM users ORDER BY id") ==
               Table{{"ann", "ann@x"}, {"bob", "bob1@x"}, {"old1", "NULL"}, {"new1", "new1@x"}});
         conn.Must("INSERT INTO users (name) VALUES ('nullable again')");
         conn.Must("DELETE FROM users WHERE name = 'nullable again'");
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(Nullable(conn, db, "users", "email") == Table{{"NO"}});
         CHECK(conn.Query("SELECT name, email FROM users ORDER BY id") ==
               Table{{"ann", "ann@x"},
                     {"bob", "bob2@x"},
                     {"old1", "unknown-old1@invalid"},
                     {"new1", "new1@x"},
                     {"old2", "unknown-old2@invalid"},
                     {"new2", "new2@x"}});
         CHECK(Column(conn, db, "users", "email", "COLUMN_TYPE") == Table{{"varchar(255)"}});
         // only the constraints the user asked for
         CHECK(conn.Query("SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS "
                          "WHERE TABLE_SCHEMA = " +
                          Quote(db) + " AND TABLE_NAME = 'users' ORDER BY 1") ==
               Table{{"PRIMARY"}, {"users_name_nonempty"}});
         Fails(conn, "INSERT INTO users (name, email) VALUES ('x', NULL)", "cannot be null");
       }});
}

TEST_CASE("mysql lifecycle: create_index, unique and descending") {
  RunCase({R"yaml(operations:
  - create_index: {name: users_email_idx, table: users, columns: [email], unique: true}
  - create_index:
      name: users_status_name_idx
      table: users
      columns: [status, {column: name, order: desc}]
)yaml",
           [](Versions& v, int round) {
             CHECK(IndexParts(v.old_app, v.db, "users", "users_email_idx") ==
                   Table{{"0", "email", "A"}});
             CHECK(IndexParts(v.old_app, v.db, "users", "users_status_name_idx") ==
                   Table{{"1", "status", "A"}, {"1", "name", "D"}});
             v.old_app.Must("INSERT INTO users (name, email) VALUES ('old" + R(round) + "', 'o" +
                            R(round) + "@x')");
             v.new_app.Must("INSERT INTO users (name, email) VALUES ('new" + R(round) + "', 'n" +
                            R(round) + "@x')");
             Fails(v.new_app, "INSERT INTO users (name, email) VALUES ('x', 'ann@x')",
                   "users_email_idx");
             Fails(v.old_app, "INSERT INTO users (name, email) VALUES ('x', 'n" + R(round) + "@x')",
                   "users_email_idx");
           },
           [](MyConn& conn, const std::string& db) {
             CHECK(IndexParts(conn, db, "users", "users_email_idx").empty());
             CHECK(IndexParts(conn, db, "users", "users_status_name_idx").empty());
             CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}});
           },
           [](MyConn& conn, const std::string& db) {
             CHECK(IndexParts(conn, db, "users", "users_email_idx") == Table{{"0", "email", "A"}});
             CHECK(IndexParts(conn, db, "users", "users_status_name_idx") ==
                   Table{{"1", "status", "A"}, {"1", "name", "D"}});
             CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}, {"old2"}, {"new2"}});
             Fails(conn, "INSERT INTO users (name, email) VALUES ('x', 'o2@x')", "users_email_idx");
           }});
}

TEST_CASE("mysql lifecycle: drop_index") {
  RunCase(
      {R"yaml(operations:
  - drop_index: {name: users_name_idx}
)yaml",
       [](Versions& v, int round) {
         v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
         v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
         CHECK(IndexParts(v.old_app, v.db, "users", "users_name_idx") == Table{{"1", "name", "A"}});
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(IndexParts(conn, db, "users", "users_name_idx") == Table{{"1", "name", "A"}});
         CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann"}, {"bob"}, {"new1"}, {"old1"}});
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(IndexParts(conn, db, "users", "users_name_idx").empty());
         CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
               Table{{"ann"}, {"bob"}, {"new1"}, {"old1"}, {"new2"}, {"old2"}});
       }});
}

TEST_CASE("mysql lifecycle: create_constraint check, unique and foreign_key") {
  RunCase(
      {R"yaml(operations:
  - create_constraint: {table: notes, name: notes_body_short, type: check, check: "length(body) < 20", allow_copy: true}
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
       [](MyConn& conn, const std::string& db) {
         CHECK(ConstraintType(conn, db, "notes", "notes_body_short").empty());
         CHECK(ConstraintType(conn, db, "users", "users_email_uniq").empty());
         CHECK(IndexParts(conn, db, "users", "users_email_uniq").empty());
         CHECK(ConstraintType(conn, db, "notes", "notes_reviewer_fkey").empty());
         // nor the index InnoDB made for the foreign key
         CHECK(IndexParts(conn, db, "notes", "notes_reviewer_fkey").empty());
         CHECK(conn.Query("SELECT name, email FROM users ORDER BY id") ==
               Table{{"ann", "ann@x"}, {"bob", "NULL"}, {"old1", "o1@x"}, {"new1", "n1@x"}});
         CHECK(conn.Query("SELECT body, reviewer_id FROM notes ORDER BY id") ==
               Table{{"hello", "NULL"}, {"old1", "2"}, {"new1", "1"}});
         // none of the three is enforced any more
         conn.Must(
             "INSERT INTO notes (user_id, body) VALUES (1, 'allowed again: the check is gone')");
         conn.Must("INSERT INTO users (name, email) VALUES ('dup', 'ann@x')");
         conn.Must("INSERT INTO notes (reviewer_id, body) VALUES (99, 'x')");
         conn.Must("DELETE FROM notes WHERE body LIKE 'allowed again%' OR reviewer_id = 99");
         conn.Must("DELETE FROM users WHERE name = 'dup'");
       },
       [](MyConn& conn, const std::string& db) {
         CHECK(ConstraintType(conn, db, "notes", "notes_body_short") == Table{{"CHECK"}});
         CHECK(ConstraintType(conn, db, "users", "users_email_uniq") == Table{{"UNIQUE"}});
         CHECK(IndexParts(conn, db, "users", "users_email_uniq") == Table{{"0", "email", "A"}});
         CHECK(ConstraintType(conn, db, "notes", "notes_reviewer_fkey") == Table{{"FOREIGN KEY"}});
         CHECK(conn.Query("SELECT DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS "
                          "WHERE CONSTRAINT_SCHEMA = " +
                          Quote(db) + " AND CONSTRAINT_NAME = 'notes_reviewer_fkey'") ==
               Table{{"SET NULL"}});
         CHECK(conn.Query("SELECT name, email FROM users ORDER BY id") == Table{{"ann", "ann@x"},
                                                                                {"bob", "NULL"},
                                                                                {"old1", "o1@x"},
                                                                                {"new1", "n1@x"},
                                                                                {"old2", "o2@x"},
                                                                                {"new2", "n2@x"}});
         Fails(conn, "INSERT INTO notes (user_id, body) VALUES (1, 'much much much too long body')",
               "notes_body_short");
         Fails(conn, "INSERT INTO users (name, email) VALUES ('dup', 'o1@x')", "users_email_uniq");
         Fails(conn, "INSERT INTO notes (reviewer_id, body) VALUES (99, 'x')",
               "notes_reviewer_fkey");
         conn.Must("DELETE FROM users WHERE name = 'bob'");  // ON DELETE SET NULL
         CHECK(conn.Query("SELECT body, reviewer_id FROM notes ORDER BY id") ==
               Table{{"hello", "NULL"},
                     {"old1", "NULL"},
                     {"new1", "1"},
                     {"old2", "NULL"},
                     {"new2", "1"}});
       }});
}

TEST_CASE("mysql lifecycle: drop_constraint") {
  RunCase({R"yaml(operations:
  - drop_constraint: {table: users, name: users_name_nonempty}
)yaml",
           [](Versions& v, int round) {
             // both versions keep enforcing it until complete
             Fails(v.old_app, "INSERT INTO users (name) VALUES ('')", "users_name_nonempty");
             Fails(v.new_app, "INSERT INTO users (name) VALUES ('')", "users_name_nonempty");
             v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
           },
           [](MyConn& conn, const std::string& db) {
             CHECK(ConstraintType(conn, db, "users", "users_name_nonempty") == Table{{"CHECK"}});
             Fails(conn, "INSERT INTO users (name) VALUES ('')", "users_name_nonempty");
           },
           [](MyConn& conn, const std::string& db) {
             CHECK(ConstraintType(conn, db, "users", "users_name_nonempty").empty());
             conn.Must("INSERT INTO users (name) VALUES ('')");
             CHECK(conn.Query("SELECT name FROM users ORDER BY id") ==
                   Table{{"ann"}, {"bob"}, {"new1"}, {"new2"}, {""}});
           }});
}

TEST_CASE("mysql lifecycle: sql with up, down and contract") {
  RunCase({R"yaml(operations:
  - sql:
      up: "CREATE TABLE audit (id integer AUTO_INCREMENT PRIMARY KEY, what text); INSERT INTO audit (what) VALUES ('created')"
      down: DROP TABLE audit
      contract: "INSERT INTO audit (what) VALUES ('contracted')"
)yaml",
           [](Versions& v, int round) {
             // the new version's database shows the table the SQL created
             v.new_app.Must("INSERT INTO audit (what) VALUES ('new" + R(round) + "')");
             CHECK(v.old_app.Query("SELECT what FROM `" + v.db + "`.audit ORDER BY id") ==
                   Table{{"created"}, {"new" + R(round)}});
           },
           [](MyConn& conn, const std::string& db) { CHECK_FALSE(Exists(conn, db, "audit")); },
           [](MyConn& conn, const std::string&) {
             CHECK(conn.Query("SELECT what FROM audit ORDER BY id") ==
                   Table{{"created"}, {"new2"}, {"contracted"}});
           }});
}

TEST_CASE(
    "mysql: a failing step undoes the migration's completed steps (DDL is not transactional)") {
  MyProject my;
  Project& p = my.project;
  const std::string& db = my.db.name();
  p.Write("0001_base.yaml", kBase);
  MustRun(p, "apply");
  MyConn conn(my.db.url());
  conn.Must("INSERT INTO users (name, score) VALUES ('ann', 1), ('bob', NULL)");
  Table before = Observable(conn, db);
  REQUIRE_FALSE(before.empty());

  SUBCASE("a SQL file of DML: one transaction") {
    p.Write("0002_fails.sql",
            "-- bellows:up\nINSERT INTO users (name) VALUES ('carl');\nUPDATE users SET score = "
            "5;\nINSERT INTO no_such_table VALUES (1);\n-- bellows:down\nDELETE FROM users WHERE "
            "name = 'carl';\n");
    Run r = p.Bellows("apply");
    INFO(r.out, r.err);
    CHECK(r.exit_code == 1);
    CHECK(Has(r.err, "no_such_table"));
    Run status = p.Bellows("status");
    CHECK(Has(status.out, "failed: 2 fails"));
  }
  SUBCASE("a YAML migration with several steps") {
    p.Write("0002_alter.yaml", R"yaml(operations:
  - alter_column: {table: users, column: score, type: bigint, up: score, down: score}
  - add_column: {table: users, column: {name: shout, type: varchar(100)}, up: UPPER(name)}
  - create_index: {name: users_name_email_idx, table: users, columns: [name, email]}
  - sql: {up: "INSERT INTO nowhere VALUES (1)", down: "SELECT 1"}
)yaml");
    Run r = p.Bellows("start");
    INFO(r.out, r.err);
    CHECK(r.exit_code == 1);
    CHECK(Has(r.err, "nowhere"));
  }
  CHECK(Observable(conn, db) == before);
  NoBellowsObjects(conn, db);
  CHECK(VersionDatabases(conn, db) == Table{{db + "_1"}});
  CHECK(conn.Query("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                   Quote(db) + " AND TABLE_NAME = 'audit'") == Table{{"0"}});
}

namespace {

const char* kAccounts = R"yaml(operations:
  - create_table:
      table: accounts
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: owner, type: varchar(100), nullable: false}
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
  - create_constraint: {table: accounts, name: accounts_owner_nonempty, type: check, check: "length(owner) > 0", allow_copy: true}
  - rename_column: {table: accounts, from: owner, to: holder}
  - drop_column: {table: accounts, column: legacy}
  - create_index: {name: accounts_currency_idx, table: accounts, columns: [currency]}
)yaml";

const int kKilled = 128 + 9;

void SetupAccounts(MyProject& my) {
  my.project.Write("0001_accounts.yaml", kAccounts);
  MustRun(my.project, "apply");
  MyConn c(my.db.url());
  c.Must(
      "INSERT INTO accounts (owner, balance, legacy) SELECT CONCAT('o', seq), CASE WHEN seq % 3 "
      "= 0 THEN NULL ELSE seq * 100 END, 'x' FROM seq_1_to_10");
  my.project.Write("0002_change.yaml", kAccountsChange);
}

// The version databases of `db`, without its name: comparable between databases.
Table VersionSuffixes(MyConn& c, const std::string& db) {
  Table out = VersionDatabases(c, db);
  for (auto& r : out) r[0] = r[0].substr(db.size());
  return out;
}

}  // namespace

TEST_CASE("mysql crash: apply killed after every recorded step is finished by the next apply") {
  const std::string apply = "apply --batch-size 4";
  Table expected, expected_versions;
  {
    MyProject clean;
    SetupAccounts(clean);
    MustRun(clean.project, apply);
    MyConn c(clean.db.url());
    expected = Observable(c, clean.db.name());
    expected_versions = VersionSuffixes(c, clean.db.name());
    CHECK(c.Query("SELECT holder, balance, currency FROM accounts WHERE id IN (1, 3)") ==
          Table{{"o1", "100", "EUR"}, {"o3", "0", "EUR"}});
  }
  REQUIRE(expected_versions == Table{{"_2"}});

  int crashes = 0;
  bool finished = false;
  for (int n = 1; n < 100 && !finished; ++n) {
    CAPTURE(n);
    MyProject my;
    SetupAccounts(my);
    Run r = my.project.Bellows(apply, {{"BELLOWS_FAULT_AFTER_STEP", std::to_string(n)}});
    if (r.exit_code == 0) {
      finished = true;
      continue;
    }
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == kKilled);
    ++crashes;
    Run status = my.project.Bellows("status");
    INFO(status.out, status.err);
    CHECK(status.exit_code == 0);
    if (!Has(status.out, "in flight: none")) {
      CHECK(Has(status.out, "in flight: batch"));
      CHECK((Has(status.out, "is starting") || Has(status.out, "is expanded") ||
             Has(status.out, "is completing")));
      // The batch was started by apply: apply is what finishes it.
      if (Has(status.out, "is starting")) CHECK(Has(status.out, "run apply to resume"));
    }
    Run resumed = my.project.Bellows(apply);
    INFO(resumed.out, resumed.err);
    REQUIRE(resumed.exit_code == 0);
    MyConn c(my.db.url());
    CHECK(Observable(c, my.db.name()) == expected);
    CHECK(VersionSuffixes(c, my.db.name()) == expected_versions);
    NoBellowsObjects(c, my.db.name());
  }
  CHECK(finished);
  CHECK(crashes >= 15);  // every expand step, backfill batch and contract step was a crash point
}

namespace {

// The result of every killed-and-resumed run: `expected` and `versions`, and no bellows column,
// trigger or function left.
std::function<void(MyProject&)> Ends(const Table& expected, const Table& versions) {
  return [expected, versions](MyProject& my) {
    MyConn c(my.db.url());
    CHECK(Observable(c, my.db.name()) == expected);
    CHECK(VersionSuffixes(c, my.db.name()) == versions);
    NoBellowsObjects(c, my.db.name());
  };
}

void Started(MyProject& my) {
  SetupAccounts(my);
  MustRun(my.project, "start --batch-size 4");
}

void Completed(MyProject& my) {
  Started(my);
  MustRun(my.project, "complete");
}

// What a database `make` sets up looks like: its schema and rows, and its version schemas.
std::pair<Table, Table> StateOf(const std::function<void(MyProject&)>& make) {
  MyProject my;
  make(my);
  MyConn c(my.db.url());
  return {Observable(c, my.db.name()), VersionSuffixes(c, my.db.name())};
}

}  // namespace

TEST_CASE("mysql crash: start, complete and rollback killed after every record resume") {
  const auto [completed, completed_versions] = StateOf(Completed);
  const auto [before, before_versions] = StateOf(SetupAccounts);
  REQUIRE(completed != before);
  SUBCASE("start (expand steps and every backfill batch)") {
    CHECK(e2e::KillAfterEveryRecord<MyProject>(
              {"start --batch-size 4", "starting", "is expanded", "complete"}, SetupAccounts,
              Ends(completed, completed_versions)) >= 8);
  }
  SUBCASE("complete") {
    CHECK(e2e::KillAfterEveryRecord<MyProject>({"complete", "completing", "in flight: none", ""},
                                               Started, Ends(completed, completed_versions)) >= 4);
  }
  SUBCASE("rollback") {
    CHECK(e2e::KillAfterEveryRecord<MyProject>({"rollback", "rolling_back", "in flight: none", ""},
                                               Started, Ends(before, before_versions)) >= 4);
  }
}

TEST_CASE("mysql crash: start and complete killed at random moments finish as a clean run") {
  const auto [completed, completed_versions] = StateOf(Completed);
  CHECK(e2e::KillAtRandomMoments<MyProject>(6, "--batch-size 1 --batch-pause 30ms", SetupAccounts,
                                            Ends(completed, completed_versions)) >= 5);
}

}  // namespace bellows::mytest

namespace bellows::mytest {

namespace {

const char* kItems = R"yaml(description: every identifier here needs quoting
operations:
  - create_table:
      table: Order `Items`
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: select, type: integer}
        - {name: 'Weird `Name`', type: varchar(50)}
        - {name: group, type: varchar(20)}
)yaml";

const char* kItemsChange = R"yaml(operations:
  - add_column:
      table: Order `Items`
      column: {name: 'Total `Sum`', type: bigint, nullable: false, default: "0"}
      up: '`select` * 10'
  - alter_column:
      table: Order `Items`
      column: select
      type: bigint
      up: '`select`'
      down: '`select`'
  - rename_column: {table: Order `Items`, from: group, to: Group By}
  - create_index: {name: 'Order Items `select` idx', table: Order `Items`, columns: [select, 'Weird `Name`']}
)yaml";

// The table as SQL names it: `Order ``Items```.
const char* kT = "`Order ``Items```";

void WriteItems(Versions& v, int round) {
  const std::string o = std::to_string(2 * round + 1), n = std::to_string(2 * round + 2);
  const std::string t = kT;
  v.old_app.Must("INSERT INTO " + t + " (`select`, `Weird ``Name```, `group`) VALUES (" + o +
                 ", 'old" + R(round) + "', 'g" + o + "')");
  v.new_app.Must("INSERT INTO " + t +
                 " (`select`, `Weird ``Name```, `Group By`, `Total ``Sum```) VALUES (" + n +
                 ", 'new" + R(round) + "', 'g" + n + "', 7)");
  v.old_app.Must("UPDATE " + t + " SET `select` = 6 WHERE `Weird ``Name``` = 'b'");
  v.new_app.Must("UPDATE " + t + " SET `Group By` = 'gb' WHERE `Weird ``Name``` = 'b'");
  const std::string these = " WHERE `Weird ``Name``` IN ('a', 'b', 'old" + R(round) + "', 'new" +
                            R(round) + "') ORDER BY id";
  CHECK(v.new_app.Query("SELECT `select`, `Weird ``Name```, `Group By`, `Total ``Sum``` FROM " + t +
                        these) == Table{{"1", "a", "g1", "10"},
                                        {"6", "b", "gb", "60"},
                                        {o, "old" + R(round), "g" + o, o + "0"},
                                        {n, "new" + R(round), "g" + n, "7"}});
  CHECK(v.old_app.Query("SELECT `select`, `Weird ``Name```, `group` FROM " + t + these) ==
        Table{{"1", "a", "g1"},
              {"6", "b", "gb"},
              {o, "old" + R(round), "g" + o},
              {n, "new" + R(round), "g" + n}});
}

}  // namespace

TEST_CASE("mysql lifecycle: hostile identifiers (backticks, spaces, reserved words)") {
  MyProject my;
  Project& p = my.project;
  const std::string& url = my.db.url();
  const std::string& db = my.db.name();
  const std::string t = kT;
  p.Write("0001_items.yaml", kItems);
  MustRun(p, "apply");
  {
    MyConn seed(url);
    seed.Must("INSERT INTO " + t +
              " (`select`, `Weird ``Name```, `group`) VALUES (1, 'a', 'g1'), (2, 'b', NULL)");
  }
  const std::string old_setup = Latest(p);
  p.Write("0002_items_change.yaml", kItemsChange);
  MustRun(p, "start");
  const std::string new_setup = Latest(p);
  {
    Versions v(url, db, old_setup, new_setup);
    WriteItems(v, 1);
  }
  MustRun(p, "rollback");
  {
    MyConn conn(url, old_setup);
    NoBellowsObjects(conn, db);
    CHECK(Columns(conn, db, "Order `Items`") ==
          Table{{"id"}, {"select"}, {"Weird `Name`"}, {"group"}});
  }
  MustRun(p, "start");
  {
    Versions v(url, db, old_setup, new_setup);
    WriteItems(v, 2);
  }
  MustRun(p, "complete");
  MyConn conn(url, new_setup);
  NoBellowsObjects(conn, db);
  CHECK(conn.Query("SELECT `select`, `Weird ``Name```, `Group By`, `Total ``Sum``` FROM " + t +
                   " ORDER BY id") == Table{{"1", "a", "g1", "10"},
                                            {"6", "b", "gb", "60"},
                                            {"3", "old1", "g3", "30"},
                                            {"4", "new1", "g4", "40"},
                                            {"5", "old2", "g5", "50"},
                                            {"6", "new2", "g6", "7"}});
  CHECK(Columns(conn, db, "Order `Items`") ==
        Table{{"id"}, {"select"}, {"Weird `Name`"}, {"Group By"}, {"Total `Sum`"}});
  CHECK(Column(conn, db, "Order `Items`", "select", "DATA_TYPE") == Table{{"bigint"}});
  CHECK(Nullable(conn, db, "Order `Items`", "Total `Sum`") == Table{{"NO"}});
  CHECK(IndexParts(conn, db, "Order `Items`", "Order Items `select` idx") ==
        Table{{"1", "select", "A"}, {"1", "Weird `Name`", "A"}});
}

TEST_CASE(
    "mysql crash: create_constraint, rename_table, drop_table and sql killed after every record "
    "resume") {
  e2e::KillOtherOpsAfterEveryRecord<MyProject>(StateOf, Ends);
}

TEST_CASE("mysql crash: apply of the shop example killed anywhere is finished by the next apply") {
  e2e::KillShopApply<MyProject>(3, StateOf, Ends, [](MyProject& t) {
    MyConn c(t.db.url());
    c.Must("UPDATE customers SET created_at = '2026-01-01 00:00:00'");
    c.Must("UPDATE orders SET created_at = '2026-01-01 00:00:00'");
  });
}

}  // namespace bellows::mytest
