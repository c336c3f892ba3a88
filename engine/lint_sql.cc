// Lint rules over raw SQL: SQL migration files and sql operations. Each statement is read
// as significant tokens against the schema model as it stands at that statement (the model
// before the migration, followed through the DDL recogniser), so a table created earlier in
// the same migration counts as new and empty.

#include <set>

#include "engine/ddl_recognizer.h"
#include "engine/lint_context.h"
#include "engine/lint_types.h"
#include "engine/ops/op_sql.h"
#include "engine/sql_splitter.h"
#include "engine/strings.h"

namespace bellows {

namespace {

using Tokens = std::vector<Token>;

bool WordAt(const Tokens& t, size_t i, std::string_view w) {
  return i < t.size() && t[i].IsWord(w);
}
bool PunctAt(const Tokens& t, size_t i, char c) { return i < t.size() && t[i].IsPunct(c); }
bool IsName(const Token& t) {
  return t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdent;
}

// Reads "a", "s.a" or "`s`.`a`" at `i`; returns the last part and moves past it.
std::string ReadName(const Tokens& t, size_t& i) {
  std::string name;
  while (i < t.size() && IsName(t[i])) {
    name = IdentifierText(t[i++]);
    if (!PunctAt(t, i, '.')) break;
    ++i;
  }
  return name;
}

// Skips "IF EXISTS" / "IF NOT EXISTS".
void SkipIf(const Tokens& t, size_t& i) {
  if (!WordAt(t, i, "IF")) return;
  ++i;
  if (WordAt(t, i, "NOT")) ++i;
  if (WordAt(t, i, "EXISTS")) ++i;
}

// Whether word `w` appears at parenthesis depth 0 in [from, to).
bool HasWord(const Tokens& t, size_t from, size_t to, std::string_view w) {
  int depth = 0;
  for (size_t i = from; i < to && i < t.size(); ++i) {
    if (t[i].IsPunct('(')) ++depth;
    if (t[i].IsPunct(')')) --depth;
    if (depth == 0 && t[i].IsWord(w)) return true;
  }
  return false;
}

bool HasWords(const Tokens& t, size_t from, size_t to, std::string_view a, std::string_view b) {
  for (size_t i = from; i + 1 < to && i + 1 < t.size(); ++i) {
    if (t[i].IsWord(a) && t[i + 1].IsWord(b)) return true;
  }
  return false;
}

// Text of tokens [from, to) with single spaces between words: "character varying(20)".
std::string Spell(const Tokens& t, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < t.size(); ++i) {
    bool word = t[i].kind != TokenKind::kPunct;
    if (!out.empty() && word && i > from && t[i - 1].kind != TokenKind::kPunct) out += ' ';
    out += t[i].text;
  }
  return out;
}

struct ColumnDef {
  std::string name;
  std::string type;
  bool not_null = false;
  bool has_default = false;
  bool identity = false;
  bool stored = false;   // a stored generated column
  bool charset = false;  // CHARACTER SET / COLLATE given
  size_t default_from = 0, default_to = 0;
};

bool StopsType(const Token& t) {
  static const char* kWords[] = {
      "NOT",     "NULL",           "DEFAULT",       "PRIMARY", "UNIQUE",  "REFERENCES",
      "CHECK",   "CONSTRAINT",     "GENERATED",     "AS",      "COLLATE", "CHARACTER",
      "CHARSET", "AUTO_INCREMENT", "AUTOINCREMENT", "COMMENT", "FIRST",   "AFTER",
      "ON",      "INVISIBLE",      "USING",         "KEY"};
  if (t.kind != TokenKind::kWord) return false;
  for (const char* w : kWords) {
    if (t.IsWord(w)) return true;
  }
  return false;
}

// "name type [constraints...]" from `i` to `end`.
ColumnDef ReadColumnDef(const Tokens& t, size_t i, size_t end, bool with_name) {
  ColumnDef c;
  if (with_name) c.name = ReadName(t, i);
  size_t type_from = i;
  int depth = 0;
  while (i < end && (depth > 0 || !StopsType(t[i]))) {
    if (t[i].IsPunct('(')) ++depth;
    if (t[i].IsPunct(')')) --depth;
    ++i;
  }
  c.type = Spell(t, type_from, i);
  std::string lower = Lower(c.type);
  c.identity = lower == "serial" || lower == "bigserial" || lower == "smallserial" ||
               lower == "serial4" || lower == "serial8" || lower == "serial2";
  depth = 0;
  for (; i < end; ++i) {
    if (t[i].IsPunct('(')) ++depth;
    if (t[i].IsPunct(')')) --depth;
    if (depth != 0) continue;
    if (t[i].IsWord("NOT") && WordAt(t, i + 1, "NULL")) c.not_null = true;
    if (t[i].IsWord("AUTO_INCREMENT") || t[i].IsWord("AUTOINCREMENT") || t[i].IsWord("IDENTITY"))
      c.identity = true;
    if (t[i].IsWord("STORED") || t[i].IsWord("PERSISTENT")) c.stored = true;
    if (t[i].IsWord("COLLATE") || t[i].IsWord("CHARSET") ||
        (t[i].IsWord("CHARACTER") && WordAt(t, i + 1, "SET")))
      c.charset = true;
    if (t[i].IsWord("DEFAULT")) {
      c.has_default = true;
      c.default_from = i + 1;
      size_t j = i + 1;
      int d = 0;
      while (j < end) {
        if (t[j].IsPunct('(')) ++d;
        if (t[j].IsPunct(')')) --d;
        if (d == 0 && j > i + 1 && StopsType(t[j]) && !t[j].IsWord("NULL")) break;
        ++j;
      }
      c.default_to = j;
    }
  }
  return c;
}

// Whether a column default makes ADD COLUMN rewrite (PostgreSQL, MySQL) or fail (SQLite).
bool VolatileDefault(const Tokens& t, const ColumnDef& c, std::string_view dialect) {
  if (!c.has_default || c.default_from >= c.default_to) return false;
  if (dialect == "sqlite") {
    const Token& first = t[c.default_from];
    return first.IsPunct('(') || first.IsWord("CURRENT_TIMESTAMP") ||
           first.IsWord("CURRENT_DATE") || first.IsWord("CURRENT_TIME");
  }
  static const char* kPostgres[] = {"random",
                                    "clock_timestamp",
                                    "gen_random_uuid",
                                    "uuid_generate_v1",
                                    "uuid_generate_v1mc",
                                    "uuid_generate_v4",
                                    "timeofday",
                                    "nextval"};
  static const char* kMysql[] = {"uuid", "rand", "sysdate", "uuid_short"};
  for (size_t i = c.default_from; i + 1 < c.default_to; ++i) {
    if (t[i].kind != TokenKind::kWord || !t[i + 1].IsPunct('(')) continue;
    if (dialect == "postgres") {
      for (const char* f : kPostgres) {
        if (t[i].IsWord(f)) return true;
      }
    } else {
      for (const char* f : kMysql) {
        if (t[i].IsWord(f)) return true;
      }
    }
  }
  return false;
}

// A validated CHECK (column IS NOT NULL) on `table`, which lets SET NOT NULL skip its scan.
bool HasNotNullCheck(const Table& table, const std::string& column) {
  for (const Constraint& c : table.constraints) {
    if (c.kind != ConstraintKind::kCheck || !c.validated) continue;
    std::string text = NormalizeSpace(
        Lower(ReplaceAll(ReplaceAll(ReplaceAll(c.check, "\"", ""), "(", ""), ")", "")));
    if (text == Lower(column) + " is not null") return true;
  }
  return false;
}

class SqlLinter {
 public:
  explicit SqlLinter(const LintContext& ctx) : ctx_(ctx), model_(ctx.before) {}

  void Run() {
    for (const OperationPtr& op : ctx_.migration.operations) {
      const auto* sql = dynamic_cast<const SqlOp*>(op.get());
      if (sql == nullptr) continue;
      Section(sql->up(), false, sql->no_transaction());
      if (sql->contract()) Section(*sql->contract(), true, sql->no_transaction());
    }
  }

 private:
  struct Statement {
    const Tokens& t;
    SourceLocation at;
    bool contract;  // in a contract section: the previous version is gone
  };

  bool Existing(const std::string& table) const {
    return !table.empty() && created_.count(table) == 0 && ctx_.before.FindTable(table);
  }
  const Column* ExistingColumn(const std::string& table, const std::string& column) const {
    if (!Existing(table)) return nullptr;
    return ctx_.before.FindTable(table)->FindColumn(column);
  }

  void Section(const SqlSection& section, bool contract, bool no_transaction) {
    std::optional<std::string> text = section.text.For(ctx_.dialect_name);
    if (!text) return;
    SplitOptions split = ctx_.dialect.SqlSplitOptions();
    Result<std::vector<SqlStatement>> statements =
        SplitSql(*text, split, section.at.file, section.at.line > 0 ? section.at.line : 1);
    if (!statements.ok()) return;  // validation reports it
    bool one_by_one = no_transaction;
    for (const SqlStatement& s : *statements)
      one_by_one = one_by_one || CannotRunInTransaction(s.text);
    transactional_ = !one_by_one;
    if (ctx_.Is("postgres") && one_by_one && !no_transaction && statements->size() > 1) {
      for (const SqlStatement& s : *statements) {
        if (CannotRunInTransaction(s.text)) {
          ctx_.Add("TX003", {section.at.file, s.line, s.column},
                   "this CONCURRENTLY statement makes the other " +
                       Count(static_cast<long long>(statements->size() - 1), "statement") +
                       " of the file run one by one, not atomically");
        }
      }
    }
    for (const SqlStatement& s : *statements) {
      Tokens tokens = Significant(Tokenize(s.text, split.lex));
      if (tokens.empty()) continue;
      Statement st{tokens, {section.at.file, s.line, s.column}, contract};
      Analyse(st);
      if (ApplyDdl(s.text, split.lex, model_) == DdlEffect::kOpaque && !IsDml(tokens)) {
        ctx_.Add("TX002", st.at,
                 "bellows cannot follow what this " + Upper(tokens[0].text) +
                     " statement changes: checks on the tables it touches are weaker");
      }
    }
  }

  static bool IsDml(const Tokens& t) {
    return t[0].IsWord("INSERT") || t[0].IsWord("UPDATE") || t[0].IsWord("DELETE") ||
           t[0].IsWord("SELECT") || t[0].IsWord("WITH") || t[0].IsWord("SET");
  }

  void Analyse(const Statement& s) {
    const Tokens& t = s.t;
    if (t[0].IsWord("CREATE")) {
      Create(s);
    } else if (t[0].IsWord("DROP")) {
      Drop(s);
    } else if (t[0].IsWord("ALTER") &&
               (WordAt(t, 1, "TABLE") ||
                (WordAt(t, 2, "TABLE") && (WordAt(t, 1, "ONLINE") || WordAt(t, 1, "IGNORE"))))) {
      AlterTable(s);
    } else if (t[0].IsWord("RENAME") && WordAt(t, 1, "TABLE")) {
      size_t i = 2;
      std::string from = ReadName(t, i);
      if (Existing(from) && !s.contract)
        ctx_.Add("BC002", s.at,
                 "RENAME TABLE " + from + ": the running version still uses the name");
    } else if (t[0].IsWord("TRUNCATE")) {
      ctx_.Add("DS004", s.at, "TRUNCATE deletes every row and cannot be undone");
    } else if (t[0].IsWord("UPDATE") || (t[0].IsWord("DELETE") && WordAt(t, 1, "FROM"))) {
      size_t i = t[0].IsWord("UPDATE") ? 1 : 2;
      if (WordAt(t, i, "ONLY")) ++i;
      std::string table = ReadName(t, i);
      if (Existing(table) && !HasWord(t, i, t.size(), "WHERE")) {
        ctx_.Add("DD006", s.at,
                 Upper(t[0].text) + " of every row of " + table + " in one transaction");
      }
    } else if (t[0].IsWord("VACUUM") || t[0].IsWord("CLUSTER") || t[0].IsWord("REINDEX") ||
               t[0].IsWord("OPTIMIZE")) {
      Maintenance(s);
    } else if (t[0].IsWord("SET")) {
      Set(s);
    } else if (t[0].IsWord("PRAGMA")) {
      if (WordAt(t, 1, "foreign_keys") && transactional_)
        ctx_.Add("TX005", s.at,
                 "PRAGMA foreign_keys inside the migration's transaction does nothing");
    } else if ((t[0].IsWord("BEGIN") && !WordAt(t, 1, "NOT")) || t[0].IsWord("COMMIT") ||
               t[0].IsWord("ROLLBACK") || (t[0].IsWord("START") && WordAt(t, 1, "TRANSACTION")) ||
               (t[0].IsWord("END") && t.size() <= 2)) {
      ctx_.Add("TX001", s.at,
               Upper(t[0].text) + " inside a migration: bellows runs and records the transaction");
    }
  }

  void Create(const Statement& s) {
    const Tokens& t = s.t;
    size_t i = 1;
    if (WordAt(t, i, "OR") && WordAt(t, i + 1, "REPLACE")) i += 2;
    bool unique = false;
    if (WordAt(t, i, "UNIQUE")) {
      unique = true;
      ++i;
    }
    if (WordAt(t, i, "TABLE") || (WordAt(t, i + 1, "TABLE") && !unique)) {
      i += WordAt(t, i, "TABLE") ? 1 : 2;
      SkipIf(t, i);
      created_.insert(ReadName(t, i));
      return;
    }
    if (!WordAt(t, i, "INDEX")) return;
    ++i;
    bool concurrently = false;
    if (WordAt(t, i, "CONCURRENTLY")) {
      concurrently = true;
      ++i;
    }
    bool if_not_exists = WordAt(t, i, "IF");
    SkipIf(t, i);
    std::string name;
    if (!WordAt(t, i, "ON")) name = ReadName(t, i);
    if (!WordAt(t, i, "ON")) return;
    ++i;
    if (WordAt(t, i, "ONLY")) ++i;
    std::string table = ReadName(t, i);
    if (!Existing(table)) return;
    if (!concurrently) {
      ctx_.Add("LK001", s.at,
               "CREATE INDEX " + name + " on existing table " + table +
                   " without CONCURRENTLY blocks writes for the whole build");
    } else if (!if_not_exists) {
      ctx_.Add("TX004", s.at,
               "CREATE INDEX CONCURRENTLY " + name +
                   " without IF NOT EXISTS: a retry after a failed build fails");
    }
    if (unique) {
      ctx_.Add("DD002", s.at,
               "unique index " + name + " on existing table " + table +
                   " fails if rows already hold duplicates");
    }
  }

  void Drop(const Statement& s) {
    const Tokens& t = s.t;
    if (WordAt(t, 1, "SCHEMA") || WordAt(t, 1, "DATABASE")) {
      ctx_.Add("DS003", s.at, "DROP " + Upper(t[1].text) + " in a migration");
      return;
    }
    if (WordAt(t, 1, "INDEX")) {
      size_t i = 2;
      bool concurrently = WordAt(t, i, "CONCURRENTLY");
      if (concurrently) ++i;
      SkipIf(t, i);
      std::string name = ReadName(t, i);
      const Table* table = ctx_.before.FindIndexTable(name);
      if (ctx_.Is("postgres") && !concurrently && table && Existing(table->name)) {
        ctx_.Add("LK002", s.at,
                 "DROP INDEX " + name + " without CONCURRENTLY takes ACCESS EXCLUSIVE on " +
                     table->name);
      }
      return;
    }
    if (!WordAt(t, 1, "TABLE")) return;
    size_t i = 2;
    SkipIf(t, i);
    while (i < t.size()) {
      std::string table = ReadName(t, i);
      if (Existing(table)) {
        ctx_.Add("DS001", s.at, "DROP TABLE " + table + " deletes its rows");
        if (!s.contract) {
          ctx_.Add(
              "BC003", s.at,
              "DROP TABLE " + table + " in the up section: the previous version still reads it");
        }
      }
      if (!PunctAt(t, i, ',')) break;
      ++i;
    }
  }

  void AlterTable(const Statement& s) {
    const Tokens& t = s.t;
    size_t i = WordAt(t, 1, "TABLE") ? 2 : 3;
    SkipIf(t, i);
    if (WordAt(t, i, "ONLY")) ++i;
    std::string table = ReadName(t, i);
    if (!Existing(table)) return;
    bool algorithm = false;
    // Actions, split on commas outside parentheses.
    size_t start = i;
    int depth = 0;
    for (size_t j = i; j <= t.size(); ++j) {
      if (j < t.size() && t[j].IsPunct('(')) ++depth;
      if (j < t.size() && t[j].IsPunct(')')) --depth;
      if (j == t.size() || (depth == 0 && t[j].IsPunct(','))) {
        if (j > start) algorithm = Action(s, table, start, j) || algorithm;
        start = j + 1;
      }
    }
    if (ctx_.Is("mysql") && !algorithm) {
      ctx_.Add("LK008", s.at,
               "ALTER TABLE " + table +
                   " without ALGORITHM=: the server may copy the table without saying so");
    }
  }

  // One ALTER TABLE action in [a, b). Returns true for an ALGORITHM= clause.
  bool Action(const Statement& s, const std::string& table, size_t a, size_t b) {
    const Tokens& t = s.t;
    const bool sqlite = ctx_.Is("sqlite");
    const std::string up = Upper(t[a].text);
    if (up == "ALGORITHM" || up == "LOCK") {
      size_t v = PunctAt(t, a + 1, '=') ? a + 2 : a + 1;
      if (WordAt(t, v, "COPY") || WordAt(t, v, "SHARED") || WordAt(t, v, "EXCLUSIVE")) {
        ctx_.Add("LK007", s.at,
                 up + "=" + Upper(t[v].text) + " on " + table + " locks or copies the table");
      }
      return up == "ALGORITHM";
    }
    if (sqlite && up != "ADD" && up != "DROP" && up != "RENAME") {
      ctx_.Add("RW006", s.at, "SQLite cannot ALTER TABLE ... " + up + ": the migration fails");
      return false;
    }
    if (up == "ADD") return Add(s, table, a, b), false;
    if (up == "DROP") return DropAction(s, table, a, b), false;
    if (up == "RENAME") {
      if (s.contract) return false;
      if (WordAt(t, a + 1, "TO") || WordAt(t, a + 1, "AS") ||
          (ctx_.Is("mysql") && !WordAt(t, a + 1, "COLUMN") && !WordAt(t, a + 1, "INDEX") &&
           !WordAt(t, a + 1, "KEY"))) {
        ctx_.Add("BC002", s.at,
                 "renaming table " + table + " in SQL breaks the version still running");
      } else if (!WordAt(t, a + 1, "INDEX") && !WordAt(t, a + 1, "KEY") &&
                 !WordAt(t, a + 1, "CONSTRAINT")) {
        size_t i = WordAt(t, a + 1, "COLUMN") ? a + 2 : a + 1;
        ctx_.Add("BC001", s.at,
                 "renaming " + table + "." + ReadName(t, i) +
                     " in SQL breaks the version still running");
      }
      return false;
    }
    if (up == "ALTER") {
      size_t i = WordAt(t, a + 1, "COLUMN") ? a + 2 : a + 1;
      std::string column = ReadName(t, i);
      AlterColumn(s, table, column, i, b);
      return false;
    }
    if (up == "MODIFY" || up == "CHANGE") {
      size_t i = WordAt(t, a + 1, "COLUMN") ? a + 2 : a + 1;
      std::string column = ReadName(t, i);
      ColumnDef def = ReadColumnDef(t, i, b, up == "CHANGE");
      if (up == "CHANGE" && def.name != column && !s.contract) {
        ctx_.Add("BC001", s.at,
                 "CHANGE " + column + " " + def.name + " renames " + table + "." + column +
                     ": the running version breaks");
      }
      Redefine(s, table, column, def);
      return false;
    }
    if (up == "VALIDATE" && WordAt(t, a + 1, "CONSTRAINT")) {
      size_t i = a + 2;
      std::string name = ReadName(t, i);
      if (not_valid_.count(name) && transactional_) {
        ctx_.Add("LK004", s.at,
                 "VALIDATE CONSTRAINT " + name +
                     " in the transaction that added it: validation runs under the ADD's lock");
      }
      return false;
    }
    if (up == "CONVERT") {
      ctx_.Add("RW005", s.at, "CONVERT TO CHARACTER SET copies table " + table);
      return false;
    }
    if (up == "FORCE" || up == "ENGINE") {
      ctx_.Add("LK009", s.at, "ALTER TABLE " + table + " " + up + " rebuilds the table");
      return false;
    }
    return false;
  }

  void Add(const Statement& s, const std::string& table, size_t a, size_t b) {
    const Tokens& t = s.t;
    size_t i = a + 1;
    std::string name;
    if (WordAt(t, i, "CONSTRAINT")) {
      ++i;
      name = ReadName(t, i);
    }
    const bool sqlite = ctx_.Is("sqlite");
    if (WordAt(t, i, "FOREIGN") || WordAt(t, i, "CHECK")) {
      if (sqlite) {
        ctx_.Add("RW006", s.at,
                 "SQLite cannot ALTER TABLE ... ADD CONSTRAINT: the migration fails");
        return;
      }
      bool not_valid = HasWords(t, i, b, "NOT", "VALID");
      std::string what = WordAt(t, i, "FOREIGN") ? "foreign key" : "check";
      if (not_valid) {
        not_valid_.insert(name);
      } else {
        ctx_.Add("LK003", s.at,
                 what + " " + name + " on existing table " + table +
                     (ctx_.Is("postgres") ? " without NOT VALID checks every row while writes wait"
                                          : " checks every row (a foreign key copies the table) "
                                            "while writes wait"));
      }
      return;
    }
    if (WordAt(t, i, "UNIQUE") || WordAt(t, i, "PRIMARY")) {
      bool primary = WordAt(t, i, "PRIMARY");
      if (sqlite) {
        ctx_.Add("RW006", s.at,
                 "SQLite cannot ALTER TABLE ... ADD " + Upper(t[i].text) + ": the migration fails");
        return;
      }
      bool using_index = HasWords(t, i, b, "USING", "INDEX");
      if (ctx_.Is("postgres") && !using_index) {
        ctx_.Add("LK005", s.at,
                 std::string(primary ? "primary key" : "unique constraint") + " on " + table +
                     " without USING INDEX builds its index under ACCESS EXCLUSIVE");
      }
      if (primary && !(ctx_.Is("postgres") && using_index)) {
        ctx_.Add("RW008", s.at, "adding a primary key to existing table " + table);
      }
      ctx_.Add("DD002", s.at,
               std::string(primary ? "primary key" : "unique constraint") + " on existing table " +
                   table + " fails if rows already hold duplicates");
      return;
    }
    if (WordAt(t, i, "INDEX") || WordAt(t, i, "KEY") || WordAt(t, i, "FULLTEXT") ||
        WordAt(t, i, "SPATIAL")) {
      return;  // MySQL ADD INDEX: built in place without blocking writes
    }
    if (WordAt(t, i, "COLUMN")) ++i;
    SkipIf(t, i);
    ColumnDef c = ReadColumnDef(t, i, b, true);
    std::string label = table + "." + c.name;
    if (c.identity) {
      ctx_.Add("RW003", s.at, "adding identity column " + label + " numbers every existing row");
    } else if (c.stored) {
      ctx_.Add("RW002", s.at, "adding stored generated column " + label + " rewrites the table");
    } else if (VolatileDefault(t, c, ctx_.dialect_name)) {
      ctx_.Add("RW001", s.at,
               "default " + Spell(t, c.default_from, c.default_to) + " of new column " + label +
                   (ctx_.Is("sqlite") ? " is not constant: SQLite refuses ADD COLUMN"
                                      : " is volatile: the table is rewritten"));
    } else if (c.not_null && !c.has_default) {
      ctx_.Add("DD001", s.at,
               "new column " + label + " is NOT NULL without DEFAULT" +
                   (ctx_.Is("mysql") ? ": existing rows get the zero value"
                                     : ": fails when the table has rows"));
    }
  }

  void DropAction(const Statement& s, const std::string& table, size_t a, size_t b) {
    const Tokens& t = s.t;
    size_t i = a + 1;
    if (WordAt(t, i, "PRIMARY")) {
      ctx_.Add("RW008", s.at, "dropping the primary key of existing table " + table);
      return;
    }
    if (WordAt(t, i, "CONSTRAINT")) {
      ++i;
      SkipIf(t, i);
      std::string name = ReadName(t, i);
      const Table* old = ctx_.before.FindTable(table);
      if (EndsWith(name, "_pkey") ||
          (old && !old->primary_key_name.empty() && old->primary_key_name == name)) {
        ctx_.Add("RW008", s.at, "dropping the primary key of existing table " + table);
      }
      return;
    }
    if (WordAt(t, i, "INDEX") || WordAt(t, i, "KEY") || WordAt(t, i, "FOREIGN") ||
        WordAt(t, i, "CHECK") || WordAt(t, i, "DEFAULT") || i >= b) {
      return;
    }
    if (WordAt(t, i, "COLUMN")) ++i;
    SkipIf(t, i);
    std::string column = ReadName(t, i);
    if (!ExistingColumn(table, column)) return;
    ctx_.Add("DS002", s.at, "DROP COLUMN " + table + "." + column + " deletes its values");
    if (!s.contract) {
      ctx_.Add("BC003", s.at,
               "DROP COLUMN " + table + "." + column +
                   " in the up section: the previous version still reads it");
    }
  }

  // ALTER [COLUMN] c ... (PostgreSQL; MySQL's SET/DROP DEFAULT).
  void AlterColumn(const Statement& s, const std::string& table, const std::string& column,
                   size_t i, size_t b) {
    const Tokens& t = s.t;
    const Column* old = ExistingColumn(table, column);
    if (old == nullptr) return;
    std::string label = table + "." + column;
    if (WordAt(t, i, "TYPE") || (WordAt(t, i, "SET") && WordAt(t, i + 1, "DATA"))) {
      size_t from = WordAt(t, i, "TYPE") ? i + 1 : i + 3;
      size_t to = from;
      while (to < b && !WordAt(t, to, "USING") && !WordAt(t, to, "COLLATE")) ++to;
      TypeChange(s, label, *old, Spell(t, from, to), HasWord(t, from, b, "COLLATE"));
    } else if (WordAt(t, i, "SET") && WordAt(t, i + 1, "NOT")) {
      if (ctx_.Is("postgres")) {
        const Table* now = model_.FindTable(table);
        if (!now || !HasNotNullCheck(*now, column)) {
          ctx_.Add("LK006", s.at,
                   "SET NOT NULL on " + label +
                       " scans the table under ACCESS EXCLUSIVE (no validated CHECK (" + column +
                       " IS NOT NULL))");
        }
      }
      if (old->nullable)
        ctx_.Add("DD003", s.at, label + " becomes NOT NULL: fails if a row holds NULL");
    } else if (WordAt(t, i, "DROP") && WordAt(t, i + 1, "NOT")) {
      if (!old->nullable)
        ctx_.Add("BC004", s.at, label + " becomes nullable: old readers may get NULL");
    }
  }

  // MySQL MODIFY / CHANGE: a whole new column definition.
  void Redefine(const Statement& s, const std::string& table, const std::string& column,
                const ColumnDef& def) {
    const Column* old = ExistingColumn(table, column);
    if (old == nullptr) return;
    std::string label = table + "." + column;
    TypeChange(s, label, *old, def.type, def.charset);
    if (def.not_null && old->nullable)
      ctx_.Add("DD003", s.at, label + " becomes NOT NULL: fails if a row holds NULL");
    if (!def.not_null && !old->nullable)
      ctx_.Add("BC004", s.at, label + " becomes nullable: old readers may get NULL");
  }

  void TypeChange(const Statement& s, const std::string& label, const Column& old,
                  const std::string& type, bool collation) {
    if (collation && ctx_.Is("mysql")) {
      ctx_.Add("RW005", s.at,
               "changing the character set or collation of " + label + " copies the table");
    }
    if (type.empty() || ctx_.dialect.SameType(old.type, type)) return;
    if (ctx_.Is("postgres") && PostgresBinaryWidening(old.type, type) && !collation) return;
    if (ctx_.Is("mysql")) {
      TypeInfo a = ClassifyType(old.type, "mysql");
      TypeInfo b = ClassifyType(type, "mysql");
      // VARCHAR growth within one length-byte class is in place (utf8mb4: 63 characters).
      if (a.family == TypeInfo::Family::kText && b.family == a.family && !a.fixed && !b.fixed &&
          a.length >= 0 && b.length >= a.length && (b.length <= 63 || a.length > 63)) {
        return;
      }
    }
    ctx_.Add("RW004", s.at,
             label + ": " + old.type + " -> " + type +
                 (ctx_.Is("mysql") ? " copies the table" : " rewrites the table") +
                 ", and the running version sees the new type at once");
  }

  void Maintenance(const Statement& s) {
    const Tokens& t = s.t;
    const std::string what = Upper(t[0].text);
    if (ctx_.Is("postgres")) {
      if (what == "VACUUM" && HasWord(t, 1, t.size(), "FULL")) {
        ctx_.Add("LK009", s.at, "VACUUM FULL rewrites the table under ACCESS EXCLUSIVE");
      } else if (what == "CLUSTER") {
        ctx_.Add("LK009", s.at, "CLUSTER rewrites the table under ACCESS EXCLUSIVE");
      } else if (what == "REINDEX" && !HasWord(t, 1, t.size(), "CONCURRENTLY")) {
        ctx_.Add("LK009", s.at, "REINDEX without CONCURRENTLY blocks writes while it rebuilds");
      }
    } else if (ctx_.Is("mysql") && what == "OPTIMIZE") {
      ctx_.Add("LK009", s.at, "OPTIMIZE TABLE rebuilds the table");
    } else if (ctx_.Is("sqlite") && what == "VACUUM") {
      ctx_.Add("LK009", s.at, "VACUUM rebuilds the whole database file under an exclusive lock");
    }
  }

  void Set(const Statement& s) {
    const Tokens& t = s.t;
    size_t i = 1;
    if (WordAt(t, i, "SESSION") || WordAt(t, i, "LOCAL") || WordAt(t, i, "GLOBAL")) ++i;
    if (i >= t.size()) return;
    std::string name = Lower(IdentifierText(t[i]));
    if (StartsWith(name, "@@")) name = name.substr(name.rfind('.') + 1);
    size_t v = i + 1;
    if (PunctAt(t, v, '=') || WordAt(t, v, "TO")) ++v;
    if (v >= t.size()) return;
    std::string value(t[v].text);
    if (!value.empty() && value.front() == '\'') value = value.substr(1, value.size() - 2);
    if (ctx_.Is("postgres") && (name == "lock_timeout" || name == "statement_timeout") &&
        (value == "0" || value == "0s" || value == "0ms")) {
      ctx_.Add("LK010", s.at, "SET " + name + " = 0 removes bellows' bounded lock wait");
    }
    if (ctx_.Is("mysql") && name == "lock_wait_timeout") {
      long long n = 0;
      try {
        n = std::stoll(value);
      } catch (...) {
        return;
      }
      if (n > 60) {
        ctx_.Add("LK010", s.at,
                 "SET lock_wait_timeout = " + value + " lets a blocked DDL wait " + value +
                     " s while every query queues behind it");
      }
    }
  }

  const LintContext& ctx_;
  Schema model_;                     // the schema at the current statement
  std::set<std::string> created_;    // tables created by this migration
  std::set<std::string> not_valid_;  // constraints added NOT VALID by this migration
  bool transactional_ = true;        // the current section runs in one transaction
};

}  // namespace

void LintSql(const LintContext& ctx) { SqlLinter(ctx).Run(); }

}  // namespace bellows
