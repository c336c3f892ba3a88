// The lifecycle of every operation on SQLite (SPEC 8): start -> the old and the new version
// read and write -> rollback -> data intact -> start -> complete -> data intact. The old
// version is a plain connection on the base tables; the new one ran `bellows latest sql`.

#include <functional>

#include <doctest/doctest.h>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

namespace {

const char* kBase = R"yaml(description: base schema of the lifecycle tests
operations:
  - create_table:
      table: users
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: name, type: text, nullable: false}
        - {name: email, type: varchar(255)}
        - {name: nickname, type: text}
  - create_table:
      table: notes
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: user_id, type: integer, references: {table: users, column: id}}
        - {name: body, type: text}
  - create_index: {name: users_name_idx, table: users, columns: [name]}
  - create_constraint: {table: users, name: users_name_nonempty, type: check, check: "length(name) > 0"}
)yaml";

struct Versions {
  explicit Versions(const Project& p, const std::string& latest_sql)
      : old_app(p.db_path()), new_app(p.db_path()) {
    new_app.Must(latest_sql);
  }
  Db old_app;
  Db new_app;
};

struct Case {
  const char* name;
  const char* migration;
  // Writes through both versions (round 1 or 2, for distinct values) and checks what each reads.
  std::function<void(Versions&, int round)> after_start;
  std::function<void(Db&)> after_rollback;  // the old shape holds every row written so far
  std::function<void(Db&)> after_complete;  // the new shape holds every row of both rounds
};

std::string Latest(const Project& p) {
  Run r = p.Bellows("latest sql");
  REQUIRE(r.exit_code == 0);
  return r.out;
}

void NoBellowsObjects(Db& db) {
  CHECK(
      db.Query("SELECT name FROM sqlite_schema WHERE name LIKE '\\_bellows%' ESCAPE '\\'").empty());
  CHECK(db.Query("SELECT m.name, p.name FROM sqlite_schema m JOIN pragma_table_info(m.name) p "
                 "WHERE m.type = 'table' AND p.name LIKE '\\_bellows%' ESCAPE '\\'")
            .empty());
}

void RunCase(const Case& c) {
  CAPTURE(c.name);
  Project p;
  p.Write("0001_base.yaml", kBase);
  REQUIRE(p.Bellows("apply").exit_code == 0);
  {
    Db db(p.db_path());
    db.Must(
        "INSERT INTO users (name, email, nickname) VALUES ('ann', 'ann@x', 'a'), ('bob', NULL, "
        "NULL)");
    db.Must("INSERT INTO notes (user_id, body) VALUES (1, 'hello')");
  }
  p.Write("0002_change.yaml", c.migration);

  Run start = p.Bellows("start");
  INFO(start.err);
  REQUIRE(start.exit_code == 0);
  {
    Versions v(p, Latest(p));
    c.after_start(v, 1);
  }
  Run rollback = p.Bellows("rollback");
  INFO(rollback.err);
  REQUIRE(rollback.exit_code == 0);
  {
    Db db(p.db_path());
    NoBellowsObjects(db);
    c.after_rollback(db);
  }
  start = p.Bellows("start");
  INFO(start.err);
  REQUIRE(start.exit_code == 0);
  {
    Versions v(p, Latest(p));
    c.after_start(v, 2);
  }
  Run complete = p.Bellows("complete");
  INFO(complete.err);
  REQUIRE(complete.exit_code == 0);
  Db db(p.db_path());
  NoBellowsObjects(db);
  c.after_complete(db);
  CHECK(db.Query("PRAGMA foreign_key_check").empty());
  CHECK(db.Query("PRAGMA integrity_check") == Table{{"ok"}});
}

std::string R(int round) { return std::to_string(round); }

}  // namespace

TEST_CASE("lifecycle: create_table") {
  RunCase({"create_table",
           R"yaml(operations:
  - create_table:
      table: tags
      columns:
        - {name: id, type: integer, identity: true, primary_key: true}
        - {name: label, type: text, nullable: false, unique: true}
)yaml",
           [](Versions& v, int round) {
             v.new_app.Must("INSERT INTO tags (label) VALUES ('new" + R(round) + "')");
             v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
             CHECK(v.old_app.Query("SELECT label FROM tags") == Table{{"new" + R(round)}});
           },
           [](Db& db) {
             CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'tags'").empty());
             CHECK(Rows(db, "users", "name") == Table{{"ann"}, {"bob"}, {"old1"}});
           },
           [](Db& db) {
             CHECK(Rows(db, "tags", "label") == Table{{"new2"}});
             CHECK(Rows(db, "users", "name") == Table{{"ann"}, {"bob"}, {"old1"}, {"old2"}});
           }});
}

TEST_CASE("lifecycle: drop_table") {
  RunCase({"drop_table",
           R"yaml(operations:
  - drop_table: {table: notes}
)yaml",
           [](Versions& v, int round) {
             v.old_app.Must("INSERT INTO notes (user_id, body) VALUES (2, 'old" + R(round) + "')");
             v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
             CHECK(v.old_app.Query("SELECT count(*) FROM users") ==
                   v.new_app.Query("SELECT count(*) FROM users"));
           },
           [](Db& db) {
             CHECK(Rows(db, "notes", "body") == Table{{"hello"}, {"old1"}});
           },
           [](Db& db) {
             CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'notes'").empty());
             CHECK(Rows(db, "users", "name") == Table{{"ann"}, {"bob"}, {"new1"}, {"new2"}});
           }});
}

TEST_CASE("lifecycle: rename_table") {
  RunCase(
      {"rename_table",
       R"yaml(operations:
  - rename_table: {from: users, to: accounts}
)yaml",
       [](Versions& v, int round) {
         v.new_app.Must("INSERT INTO accounts (name, email) VALUES ('new" + R(round) + "', 'n@x')");
         v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
         v.new_app.Must("UPDATE accounts SET nickname = 'renamed' WHERE name = 'ann'");
         CHECK(v.old_app.Query("SELECT nickname FROM users WHERE name = 'ann'") ==
               Table{{"renamed"}});
         CHECK(v.new_app.Query("SELECT count(*) FROM accounts") ==
               v.old_app.Query("SELECT count(*) FROM users"));
       },
       [](Db& db) {
         CHECK(Rows(db, "users", "name") == Table{{"ann"}, {"bob"}, {"new1"}, {"old1"}});
         CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'accounts'").empty());
       },
       [](Db& db) {
         CHECK(Rows(db, "accounts", "name") ==
               Table{{"ann"}, {"bob"}, {"new1"}, {"old1"}, {"new2"}, {"old2"}});
         CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'users'").empty());
         CHECK(Rows(db, "notes", "user_id") == Table{{"1"}});  // the foreign key follows the rename
       }});
}

TEST_CASE("lifecycle: add_column with up and default") {
  RunCase(
      {"add_column",
       R"yaml(operations:
  - add_column:
      table: users
      column: {name: name_length, type: integer, nullable: false, default: "0"}
      up: length(name)
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
         v.new_app.Must("INSERT INTO users (name, name_length) VALUES ('new" + R(round) + "', 42)");
         v.new_app.Must("INSERT INTO users (name) VALUES ('dflt" + R(round) + "')");
         CHECK(v.new_app.Query("SELECT name_length FROM users WHERE name = 'ann'") == Table{{"3"}});
         CHECK(v.new_app.Query("SELECT name_length FROM users WHERE name = 'old" + R(round) +
                               "'") == Table{{"4"}});
         CHECK(v.new_app.Query("SELECT name_length FROM users WHERE name = 'new" + R(round) +
                               "'") == Table{{"42"}});
         CHECK(v.new_app.Query("SELECT name_length FROM users WHERE name = 'dflt" + R(round) +
                               "'") == Table{{"0"}});
         CHECK(v.old_app.Exec("SELECT name_length FROM users") !=
               "");  // the old version does not see it
       },
       [](Db& db) {
         CHECK(Rows(db, "users", "name") == Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}, {"dflt1"}});
       },
       [](Db& db) {
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
         CHECK(db.Exec("INSERT INTO users (name, name_length) VALUES ('x', NULL)") !=
               "");  // NOT NULL now
       }});
}

TEST_CASE("lifecycle: drop_column") {
  RunCase(
      {"drop_column",
       R"yaml(operations:
  - drop_column: {table: users, column: nickname, down: "'from new'"}
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name, nickname) VALUES ('old" + R(round) +
                        "', 'nick')");
         v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
         CHECK(v.new_app.Exec("SELECT nickname FROM users") != "");  // hidden from the new version
         CHECK(v.old_app.Query("SELECT nickname FROM users WHERE name = 'new" + R(round) + "'") ==
               Table{{"from new"}});
       },
       [](Db& db) {
         CHECK(db.Query("SELECT name, nickname FROM users ORDER BY id") ==
               Table{{"ann", "a"}, {"bob", "NULL"}, {"old1", "nick"}, {"new1", "from new"}});
       },
       [](Db& db) {
         CHECK(db.Exec("SELECT nickname FROM users") != "");
         CHECK(Rows(db, "users", "name") ==
               Table{{"ann"}, {"bob"}, {"old1"}, {"new1"}, {"old2"}, {"new2"}});
       }});
}

TEST_CASE("lifecycle: rename_column") {
  RunCase(
      {"rename_column",
       R"yaml(operations:
  - rename_column: {table: users, from: name, to: full_name}
)yaml",
       [](Versions& v, int round) {
         v.new_app.Must("INSERT INTO users (full_name) VALUES ('new" + R(round) + "')");
         v.old_app.Must("INSERT INTO users (name) VALUES ('old" + R(round) + "')");
         v.new_app.Must("UPDATE users SET full_name = 'ann2' WHERE full_name = 'ann'");
         CHECK(v.old_app.Query("SELECT count(*) FROM users WHERE name = 'ann2'") == Table{{"1"}});
         CHECK(v.new_app.Query("SELECT count(*) FROM users WHERE full_name = 'old" + R(round) +
                               "'") == Table{{"1"}});
       },
       [](Db& db) {
         CHECK(Rows(db, "users", "name") == Table{{"ann2"}, {"bob"}, {"new1"}, {"old1"}});
       },
       [](Db& db) {
         CHECK(db.Query("SELECT full_name FROM users ORDER BY id") ==
               Table{{"ann2"}, {"bob"}, {"new1"}, {"old1"}, {"new2"}, {"old2"}});
         CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'users_name_idx'").size() ==
               1);
       }});
}

TEST_CASE("lifecycle: alter_column type, nullability and uniqueness with up and down") {
  RunCase(
      {"alter_column",
       R"yaml(operations:
  - alter_column:
      table: users
      column: email
      type: varchar(320)
      nullable: false
      unique: true
      up: "COALESCE(email, 'unknown-' || id || '@invalid')"
      down: email
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name, email) VALUES ('old" + R(round) + "', NULL)");
         v.new_app.Must("INSERT INTO users (name, email) VALUES ('new" + R(round) + "', 'new" +
                        R(round) + "@x')");
         CHECK(v.new_app.Exec("INSERT INTO users (name) VALUES ('noemail')") !=
               "");  // NOT NULL in the new shape
         CHECK(v.old_app.Exec("INSERT INTO users (name, email) VALUES ('dup', 'ann@x')") !=
               "");  // unique
         v.old_app.Must("UPDATE users SET email = 'bob" + R(round) + "@x' WHERE name = 'bob'");
         CHECK(v.new_app.Query("SELECT email FROM users WHERE name = 'bob'") ==
               Table{{"bob" + R(round) + "@x"}});
         CHECK(
             v.new_app.Query("SELECT email LIKE 'unknown-%@invalid' FROM users WHERE name = 'old" +
                             R(round) + "'") == Table{{"1"}});
         CHECK(v.old_app.Query("SELECT email FROM users WHERE name = 'new" + R(round) + "'") ==
               Table{{"new" + R(round) + "@x"}});
       },
       [](Db& db) {
         CHECK(db.Query("SELECT name, email FROM users ORDER BY id") ==
               Table{{"ann", "ann@x"}, {"bob", "bob1@x"}, {"old1", "NULL"}, {"new1", "new1@x"}});
       },
       [](Db& db) {
         Table rows = db.Query("SELECT name, email FROM users ORDER BY id");
         REQUIRE(rows.size() == 6);
         CHECK(rows[1] == std::vector<std::string>{"bob", "bob2@x"});
         CHECK(rows[2][1] == "unknown-3@invalid");
         CHECK(rows[3] == std::vector<std::string>{"new1", "new1@x"});
         CHECK(
             db.Query(
                 "SELECT type, \"notnull\" FROM pragma_table_info('users') WHERE name = 'email'") ==
             Table{{"VARCHAR(320)", "1"}});
         CHECK(db.Exec("INSERT INTO users (name, email) VALUES ('dup', 'ann@x')") != "");
         // The column keeps its place among the others.
         CHECK(db.Query("SELECT name FROM pragma_table_info('users') ORDER BY cid") ==
               Table{{"id"}, {"name"}, {"email"}, {"nickname"}});
       }});
}

TEST_CASE("lifecycle: create_index") {
  RunCase(
      {"create_index",
       R"yaml(operations:
  - create_index: {name: users_email_idx, table: users, columns: [email], unique: true}
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO users (name, email) VALUES ('old" + R(round) + "', 'o" +
                        R(round) + "@x')");
         CHECK(v.new_app.Exec("INSERT INTO users (name, email) VALUES ('x', 'ann@x')") != "");
       },
       [](Db& db) {
         CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'users_email_idx'").empty());
         CHECK(Rows(db, "users", "name") == Table{{"ann"}, {"bob"}, {"old1"}});
       },
       [](Db& db) {
         CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'users_email_idx'").size() ==
               1);
         CHECK(Rows(db, "users", "name") == Table{{"ann"}, {"bob"}, {"old1"}, {"old2"}});
       }});
}

TEST_CASE("lifecycle: drop_index") {
  RunCase(
      {"drop_index",
       R"yaml(operations:
  - drop_index: {name: users_name_idx}
)yaml",
       [](Versions& v, int round) {
         v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
         CHECK(v.old_app.Query("SELECT name FROM sqlite_schema WHERE name = 'users_name_idx'")
                   .size() == 1);
       },
       [](Db& db) {
         CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'users_name_idx'").size() ==
               1);
       },
       [](Db& db) {
         CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'users_name_idx'").empty());
         CHECK(Rows(db, "users", "name") == Table{{"ann"}, {"bob"}, {"new1"}, {"new2"}});
       }});
}

TEST_CASE("lifecycle: create_constraint") {
  RunCase(
      {"create_constraint",
       R"yaml(operations:
  - create_constraint: {table: notes, name: notes_body_short, type: check, check: "length(body) < 20"}
)yaml",
       [](Versions& v, int round) {
         v.old_app.Must("INSERT INTO notes (user_id, body) VALUES (1, 'short" + R(round) + "')");
         CHECK(
             v.old_app.Exec(
                 "INSERT INTO notes (user_id, body) VALUES (1, 'much much much too long body')") !=
             "");
         CHECK(
             v.new_app.Exec(
                 "INSERT INTO notes (user_id, body) VALUES (1, 'much much much too long body')") !=
             "");
       },
       [](Db& db) {
         CHECK(Rows(db, "notes", "body") == Table{{"hello"}, {"short1"}});
         db.Must(
             "INSERT INTO notes (user_id, body) VALUES (1, 'allowed again: the check is gone')");
         db.Must("DELETE FROM notes WHERE body LIKE 'allowed again%'");
       },
       [](Db& db) {
         CHECK(Rows(db, "notes", "body") == Table{{"hello"}, {"short1"}, {"short2"}});
         CHECK(
             db.Exec(
                 "INSERT INTO notes (user_id, body) VALUES (1, 'much much much too long body')") !=
             "");
       }});
}

// The foreign-key data check runs before start, so it reads a table this batch renames under
// its current name, and skips one this batch creates (it has no rows yet).
TEST_CASE("lifecycle: create_constraint checks rows against tables the batch renames or creates") {
  Project p;
  p.Write("0001_tables.sql",
          "-- bellows:up\nCREATE TABLE parent (id integer PRIMARY KEY);\n"
          "CREATE TABLE child (id integer PRIMARY KEY, parent_id integer);\n"
          "INSERT INTO parent VALUES (1);\nINSERT INTO child VALUES (1, 1), (2, 5);\n"
          "-- bellows:down\nDROP TABLE child;\nDROP TABLE parent;\n");
  REQUIRE(p.Bellows("apply").exit_code == 0);
  p.Write("0002_fk.yaml", R"yaml(operations:
  - rename_table: {from: parent, to: parents}
  - create_constraint: {table: child, name: child_parent_fk, type: foreign_key, columns: [parent_id], references: {table: parents, columns: [id]}}
)yaml");
  Run orphan = p.Bellows("start");
  INFO(orphan.out, orphan.err);
  CHECK(orphan.exit_code == 4);
  CHECK(Has(orphan.err, "rows of child violate foreign key child_parent_fk (row with key 2)"));
  Db(p.db_path()).Must("INSERT INTO parent VALUES (5)");
  Run fixed = p.Bellows("apply");
  INFO(fixed.out, fixed.err);
  CHECK(fixed.exit_code == 0);

  p.Write("0003_new_parent.yaml", R"yaml(operations:
  - create_table:
      table: groups
      columns:
        - {name: id, type: integer, primary_key: true}
  - sql:
      up: INSERT INTO groups (id) VALUES (1)
      down: DELETE FROM groups
  - add_column:
      table: child
      column: {name: group_id, type: integer}
      up: "1"
  - create_constraint: {table: child, name: child_group_fk, type: foreign_key, columns: [group_id], references: {table: groups, columns: [id]}}
)yaml");
  Run created = p.Bellows("apply");
  INFO(created.out, created.err);
  CHECK(created.exit_code == 0);
  CHECK(Db(p.db_path()).Query("SELECT id, group_id FROM child ORDER BY id") ==
        Table{{"1", "1"}, {"2", "1"}});
}

TEST_CASE("lifecycle: drop_constraint") {
  RunCase({"drop_constraint",
           R"yaml(operations:
  - drop_constraint: {table: users, name: users_name_nonempty}
)yaml",
           [](Versions& v, int round) {
             // Both versions keep enforcing it until complete.
             CHECK(v.old_app.Exec("INSERT INTO users (name) VALUES ('')") != "");
             v.new_app.Must("INSERT INTO users (name) VALUES ('new" + R(round) + "')");
           },
           [](Db& db) { CHECK(db.Exec("INSERT INTO users (name) VALUES ('')") != ""); },
           [](Db& db) {
             db.Must("INSERT INTO users (name) VALUES ('')");
             CHECK(db.Query("SELECT count(*) FROM users") == Table{{"5"}});
           }});
}

TEST_CASE("lifecycle: sql with up, down and contract") {
  RunCase({"sql",
           R"yaml(operations:
  - sql:
      up: "CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT); INSERT INTO audit (what) VALUES ('created')"
      down: DROP TABLE audit
      contract: "INSERT INTO audit (what) VALUES ('contracted')"
)yaml",
           [](Versions& v, int round) {
             v.new_app.Must("INSERT INTO audit (what) VALUES ('new" + R(round) + "')");
             CHECK(v.old_app.Query("SELECT count(*) FROM audit") == Table{{"2"}});
           },
           [](Db& db) {
             CHECK(db.Query("SELECT name FROM sqlite_schema WHERE name = 'audit'").empty());
           },
           [](Db& db) {
             CHECK(Rows(db, "audit", "what") == Table{{"created"}, {"new2"}, {"contracted"}});
           }});
}

}  // namespace bellows::e2e
