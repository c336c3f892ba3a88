// Step -> SQL for MariaDB 10.11 (MySQL 8 differences: docs/mysql.md). DDL commits on its own
// here, so every DDL step is non-transactional: recorded as running before it starts and done
// after, and written to be run again harmlessly after a crash (IF [NOT] EXISTS, CREATE OR
// REPLACE) or given a probe. ALTER TABLE statements carry kOnlineAlter: the connection asks for
// ALGORITHM=INSTANT, then INPLACE with LOCK=NONE, and refuses a copy.

#include <algorithm>

#include "dialects/mysql/mysql_dialect.h"
#include "engine/expr_binder.h"
#include "engine/overloaded.h"
#include "engine/strings.h"

namespace bellows::mysql {

namespace {

constexpr const char* kBriefMdl = "exclusive metadata lock (brief)";

RenderedStep Ddl(std::vector<std::string> sql, const char* lock = kBriefMdl) {
  RenderedStep r;
  r.sql = std::move(sql);
  r.transactional = false;
  r.idempotent = true;
  r.lock = lock;
  r.cost = "catalog";
  return r;
}

bool IsDml(std::string_view statement) {
  std::string_view s = Trim(statement);
  for (const char* verb : {"INSERT", "UPDATE", "DELETE", "REPLACE", "SELECT", "WITH", "SET @",
                           "CALL", "DO ", "VALUES", "TABLE "}) {
    if (StartsWithIgnoreCase(s, verb)) return true;
  }
  return false;
}

// Whether `columns` are the leading keys of `keys`.
bool Leads(const std::vector<std::string>& columns, const std::vector<IndexKey>& keys) {
  if (columns.empty() || columns.size() > keys.size()) return false;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (keys[i].column != columns[i]) return false;
  }
  return true;
}

}  // namespace

// A foreign key needs an index led by its columns. InnoDB drops the index it made for a key
// once a user index can serve instead, and then refuses to drop that one (error 1553). So the
// ALTER that drops index `dropped` adds, for each key it alone served, an index named after
// the key, as InnoDB would have made it.
std::vector<std::string> MysqlDialect::IndexesKeysStillNeed(const Schema& physical,
                                                            std::string_view table,
                                                            std::string_view dropped) const {
  std::vector<std::string> out;
  const bellows::Table* t = physical.FindTable(table);
  if (t == nullptr) return out;
  const Index* gone = nullptr;
  for (const Index& i : t->indexes) {
    if (i.name == dropped) gone = &i;
  }
  if (gone == nullptr) return out;
  for (const Constraint& c : t->constraints) {
    if (c.kind != ConstraintKind::kForeignKey || !Leads(c.columns, gone->keys)) continue;
    bool served = c.columns.size() <= t->primary_key.size() &&
                  std::equal(c.columns.begin(), c.columns.end(), t->primary_key.begin());
    for (const Index& i : t->indexes) {
      if (i.name != dropped && Leads(c.columns, i.keys)) served = true;
    }
    if (served) continue;
    std::vector<std::string> cols;
    for (const std::string& col : c.columns) cols.push_back(QuoteIdentifier(col));
    out.push_back("ADD INDEX IF NOT EXISTS " + QuoteIdentifier(c.name) + " (" + Join(cols, ", ") +
                  ")");
  }
  return out;
}

std::string MysqlDialect::ViewsNamingColumn(std::string_view table, std::string_view from,
                                            std::string_view to) const {
  // Version views are bellows' own single-table views in databases named after the version
  // prefix; their stored text names the column as `db`.`table`.`from` AS.
  const std::string prefix = QuoteIdentifier(database_) + "." + QuoteIdentifier(table) + ".";
  const std::string pattern = QuoteString(prefix + QuoteIdentifier(from) + " AS ");
  const std::string replacement = QuoteString(prefix + QuoteIdentifier(to) + " AS ");
  std::string versions = options_.version_prefix.empty() ? database_ : options_.version_prefix;
  versions = EscapeLike(versions) + "\\_%";
  return "SELECT TABLE_SCHEMA, TABLE_NAME, CONCAT('CREATE OR REPLACE ALGORITHM=MERGE SQL "
         "SECURITY INVOKER VIEW `', REPLACE(TABLE_SCHEMA, '`', '``'), '`.`', "
         "REPLACE(TABLE_NAME, '`', '``'), '` AS ', REPLACE(VIEW_DEFINITION, " +
         pattern + ", " + replacement +
         ")) AS stmt FROM information_schema.VIEWS WHERE TABLE_SCHEMA LIKE " +
         QuoteString(versions) + " AND LOCATE(" + pattern + ", VIEW_DEFINITION) > 0";
}

std::string MysqlDialect::RedefineViewsNaming(std::string_view table, std::string_view from,
                                              std::string_view to) const {
  return "BEGIN NOT ATOMIC\n  FOR w IN (" + ViewsNamingColumn(table, from, to) +
         ") DO\n    EXECUTE IMMEDIATE w.stmt;\n  END FOR;\nEND";
}

std::string MysqlDialect::AlterAndRedefineViews(const std::string& alter, std::string_view table,
                                                std::string_view from, std::string_view to) const {
  std::string redefine = RedefineViewsNaming(table, from, to);
  return "BEGIN NOT ATOMIC\n  " + alter + ", ALGORITHM=INPLACE, LOCK=NONE;\n" +
         redefine.substr(std::string("BEGIN NOT ATOMIC\n").size());
}

std::string MysqlDialect::Probe(std::string_view from, std::string_view where) const {
  std::string schema = from == "REFERENTIAL_CONSTRAINTS" || from == "CHECK_CONSTRAINTS"
                           ? "CONSTRAINT_SCHEMA"
                           : "TABLE_SCHEMA";
  return "SELECT 1 FROM information_schema." + std::string(from) + " WHERE " + schema +
         " = DATABASE() AND " + std::string(where) + " LIMIT 1";
}

std::string MysqlDialect::Absent(std::string_view from, std::string_view where) const {
  return "SELECT 1 FROM DUAL WHERE NOT EXISTS (" + Probe(from, where) + ")";
}

Result<RenderedStep> MysqlDialect::RenderSwap(const steps::SwapColumn& s,
                                              const Schema& physical) const {
  const bellows::Table* t = physical.FindTable(s.table);
  if (t == nullptr) return BELLOWS_ERR(kNotFound, "table \"" + s.table + "\" does not exist");
  const std::string T = Table(s.table);
  const std::string C = QuoteIdentifier(s.column);
  const LexOptions lex = SqlSplitOptions().lex;
  const bool replaces = t->FindColumn(s.column) != nullptr;
  std::vector<std::string> clauses;
  std::vector<std::string> after;  // statements once the column has its final name
  RenderedStep r;
  r.transactional = false;
  r.lock =
      "metadata lock on the table and its version views (brief); the views are redefined before "
      "any statement reads them again";
  r.cost = "catalog";
  // What the old column carries goes with it: its indexes, checks and foreign keys by name (a
  // multi-column index would otherwise silently lose the column).
  if (replaces) {
    for (const Constraint& c : t->constraints) {
      bool on = std::find(c.columns.begin(), c.columns.end(), s.column) != c.columns.end() ||
                (c.kind == ConstraintKind::kCheck && MentionsIdentifier(c.check, s.column));
      if (!on || c.name.empty()) continue;
      if (c.kind == ConstraintKind::kForeignKey) {
        clauses.push_back("DROP FOREIGN KEY " + QuoteIdentifier(c.name));
      } else if (c.kind == ConstraintKind::kCheck) {
        clauses.push_back("DROP CONSTRAINT " + QuoteIdentifier(c.name));
      }
    }
    for (const Index& i : t->indexes) {
      if (i.Covers(s.column)) clauses.push_back("DROP INDEX " + QuoteIdentifier(i.name));
    }
    clauses.push_back("DROP COLUMN " + C);
  }
  // The shadow takes the column's name, position and final definition (NOT NULL here is an
  // INPLACE rebuild; the data was checked by the validation steps before).
  Column final_def = s.final_def;
  final_def.name = s.column;
  std::string position;
  if (replaces) {
    int at = t->ColumnIndex(s.column);
    position = at == 0 ? " FIRST" : " AFTER " + QuoteIdentifier(t->columns[at - 1].name);
    if (at > 0 && t->columns[at - 1].name == s.shadow) position.clear();
  }
  clauses.push_back("CHANGE COLUMN " + QuoteIdentifier(s.shadow) + " " + ColumnSql(final_def) +
                    position);
  for (const auto& [from, to] : s.renames) {
    const std::string final_name = to.empty() ? from.substr(std::string("_bellows_").size()) : to;
    if (t->FindIndex(from) != nullptr) {
      if (from != final_name)
        clauses.push_back("RENAME INDEX " + QuoteIdentifier(from) + " TO " +
                          QuoteIdentifier(final_name));
      continue;
    }
    const Constraint* c = t->FindConstraint(from);
    if (c == nullptr) continue;
    // Checks and foreign keys on the shadow were enforced by bellows' triggers until now: they
    // become real constraints under their final names.
    Constraint real = *c;
    real.name = final_name;
    for (std::string& col : real.columns) {
      if (col == s.shadow) col = s.column;
    }
    if (!real.check.empty()) real.check = RenameIdentifier(real.check, s.shadow, s.column, lex);
    if (real.kind == ConstraintKind::kForeignKey) {
      after.push_back(Guarded(
          Absent("REFERENTIAL_CONSTRAINTS", "CONSTRAINT_NAME = " + QuoteString(real.name)),
          kOnlineAlter + std::string("SET STATEMENT foreign_key_checks = 0 FOR ALTER TABLE ") + T +
              " ADD " + ConstraintSql(real)));
    } else if (real.kind == ConstraintKind::kCheck) {
      after.push_back(Guarded(
          Absent("CHECK_CONSTRAINTS", "TABLE_NAME = " + QuoteString(s.table) +
                                          " AND CONSTRAINT_NAME = " + QuoteString(real.name)),
          kCopyAlter + std::string("ALTER TABLE ") + T + " ADD " + ConstraintSql(real)));
      r.cost = "copy";
      r.blocks_writes = true;
      r.lock = "copies the table to add CHECK " + real.name + ": blocks writes for O(rows)";
    }
  }
  // NOT NULL: a row the window left NULL stops the swap before it starts (the step changes
  // nothing, so the contract goes back to expanded).
  if (!s.final_def.nullable) {
    r.sql.push_back(Guarded(
        Probe("COLUMNS", "TABLE_NAME = " + QuoteString(s.table) +
                             " AND COLUMN_NAME = " + QuoteString(s.shadow)),
        RefuseRows(
            "SELECT 1 FROM " + T + " WHERE " + QuoteIdentifier(s.shadow) + " IS NULL LIMIT 1",
            "rows of " + s.table + " have no value for " + s.column + ", which becomes NOT NULL")));
    r.leading_checks = 1;
  }
  // NOT NULL rebuilds the table (INPLACE, writes go on): done on the shadow while the views
  // still work, so the swap itself is a catalog change.
  if (!s.final_def.nullable) {
    Column prepared = final_def;
    prepared.name = s.shadow;
    r.sql.push_back(Guarded(
        Probe("COLUMNS", "TABLE_NAME = " + QuoteString(s.table) + " AND COLUMN_NAME = " +
                             QuoteString(s.shadow) + " AND IS_NULLABLE = 'YES'"),
        kOnlineAlter + std::string("ALTER TABLE ") + T + " MODIFY COLUMN " + ColumnSql(prepared)));
  }
  // The ALTER is atomic and runs only while the shadow is there; the constraints are added
  // only while absent: the whole step can run again after a crash.
  r.sql.push_back(Guarded(
      Probe("COLUMNS",
            "TABLE_NAME = " + QuoteString(s.table) + " AND COLUMN_NAME = " + QuoteString(s.shadow)),
      CutoverAlter("ALTER TABLE " + T + " " + Join(clauses, ", "), s.table, s.shadow, s.column)));
  r.sql.push_back(RedefineViewsNaming(s.table, s.shadow, s.column));
  for (std::string& a : after) r.sql.push_back(std::move(a));
  r.idempotent = true;
  return r;
}

Result<RenderedStep> MysqlDialect::Render(const Step& step, const Schema& physical) const {
  BELLOWS_ASSIGN_OR_RETURN(RenderedStep r, RenderStep(step, physical));
  // Guards travel in the statements while rendering; the executor takes them apart.
  for (size_t i = 0; i < r.sql.size(); ++i) {
    std::string guard, statement;
    if (!SplitGuard(r.sql[i], &guard, &statement)) continue;
    r.guards.resize(r.sql.size());
    r.guards[i] = guard;
    r.sql[i] = statement;
  }
  return r;
}

Result<RenderedStep> MysqlDialect::RenderStep(const Step& step, const Schema& physical) const {
  return std::visit(
      Overloaded{
          [&](const steps::CreateTable& s) -> Result<RenderedStep> {
            RenderedStep r = Ddl({CreateTableSql(s.table)}, "metadata lock on the new table");
            for (const Index& i : s.table.indexes) {
              BELLOWS_ASSIGN_OR_RETURN(std::string keys, IndexKeys(i));
              r.sql.push_back("ALTER TABLE " + Table(s.table.name) + " ADD " +
                              (i.unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " +
                              QuoteIdentifier(i.name) + " " + keys);
            }
            return r;
          },
          [&](const steps::DropTable& s) -> Result<RenderedStep> {
            return Ddl({"DROP TABLE IF EXISTS " + Table(s.table)});
          },
          [&](const steps::RenameTable& s) -> Result<RenderedStep> {
            RenderedStep r = Ddl({Guarded(Absent("TABLES", "TABLE_NAME = " + QuoteString(s.to)),
                                          "RENAME TABLE " + Table(s.from) + " TO " + Table(s.to))},
                                 "exclusive metadata lock (brief); views on it break until "
                                 "redefined (brief view outage)");
            return r;
          },
          [&](const steps::AddColumn& s) -> Result<RenderedStep> {
            if (s.column.identity) {
              // The server wants the AUTO_INCREMENT column's key in the same ALTER, and the key
              // bellows would add is a separate step with its own name.
              return BELLOWS_ERR(kUnsupported,
                                 "mysql: bellows cannot add an AUTO_INCREMENT "
                                 "column to an existing table yet")
                  .WithHint("create a new table with the identity column and copy the rows");
            }
            return Ddl({kOnlineAlter + std::string("ALTER TABLE ") + Table(s.table) +
                        " ADD COLUMN IF NOT EXISTS " + ColumnSql(s.column)});
          },
          [&](const steps::DropColumn& s) -> Result<RenderedStep> {
            return Ddl({kOnlineAlter + std::string("ALTER TABLE ") + Table(s.table) +
                        " DROP COLUMN IF EXISTS " + QuoteIdentifier(s.column)});
          },
          [&](const steps::RenameColumn& s) -> Result<RenderedStep> {
            return Ddl(
                {Guarded(Absent("COLUMNS", "TABLE_NAME = " + QuoteString(s.table) +
                                               " AND COLUMN_NAME = " + QuoteString(s.to)),
                         CutoverAlter("ALTER TABLE " + Table(s.table) + " RENAME COLUMN " +
                                          QuoteIdentifier(s.from) + " TO " + QuoteIdentifier(s.to),
                                      s.table, s.from, s.to)),
                 RedefineViewsNaming(s.table, s.from, s.to)},
                "metadata lock on the table and its version views (brief); the views are "
                "redefined before any statement reads them again");
          },
          [&](const steps::AlterColumn& s) -> Result<RenderedStep> {
            const bellows::Table* t = physical.FindTable(s.table);
            const Column* from = t ? t->FindColumn(s.column) : nullptr;
            if (from == nullptr)
              return BELLOWS_ERR(kNotFound,
                                 "column " + s.table + "." + s.column + " does not exist");
            Column to = s.to;
            to.name = s.column;
            bool type_change = !SameType(from->type, to.type);
            bool rebuild = type_change || (!to.nullable && from->nullable);
            RenderedStep r = Ddl({});
            const char* mode = type_change ? kCopyAlter : kOnlineAlter;
            const std::string alter = "ALTER TABLE " + Table(s.table) + " MODIFY COLUMN ";
            if (!s.using_expr.empty()) {
              // The new type first (nullable), then the values, then NOT NULL: MariaDB has no
              // ALTER ... USING.
              Column loose = to;
              loose.nullable = true;
              r.sql.push_back(mode + alter + ColumnSql(loose));
              r.sql.push_back("UPDATE " + Table(s.table) + " SET " + QuoteIdentifier(s.column) +
                              " = (" + s.using_expr + ")");
              if (!to.nullable) r.sql.push_back(kOnlineAlter + alter + ColumnSql(to));
              r.idempotent = false;
            } else {
              r.sql.push_back(mode + alter + ColumnSql(to));
            }
            if (type_change) {
              r.cost = "copy";
              r.blocks_writes = true;
              r.lock = "copies the table: blocks writes for O(rows)";
            } else if (rebuild) {
              r.cost = "rebuild";
              r.lock = "INPLACE rebuild, LOCK=NONE (reads and writes go on)";
            }
            return r;
          },
          [&](const steps::SwapColumn& s) -> Result<RenderedStep> {
            return RenderSwap(s, physical);
          },
          [&](const steps::CreateIndex& s) -> Result<RenderedStep> {
            BELLOWS_ASSIGN_OR_RETURN(std::string keys, IndexKeys(s.index));
            RenderedStep r =
                Ddl({kOnlineAlter + std::string("ALTER TABLE ") + Table(s.table) + " ADD " +
                     (s.index.unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " +
                     QuoteIdentifier(s.index.name) + " " + keys},
                    "INPLACE, LOCK=NONE (reads and writes go on; metadata lock "
                    "waits for older transactions at the end)");
            r.cost = "scan";
            r.patient = {0};
            return r;
          },
          [&](const steps::DropIndex& s) -> Result<RenderedStep> {
            std::string alter = "ALTER TABLE " + Table(s.table) + " DROP INDEX IF EXISTS " +
                                QuoteIdentifier(s.index.name);
            for (const std::string& add : IndexesKeysStillNeed(physical, s.table, s.index.name))
              alter += ", " + add;
            return Ddl({kOnlineAlter + alter});
          },
          [&](const steps::RenameIndex& s) -> Result<RenderedStep> {
            return Ddl({Guarded(Absent("STATISTICS", "TABLE_NAME = " + QuoteString(s.table) +
                                                         " AND INDEX_NAME = " + QuoteString(s.to)),
                                kOnlineAlter + std::string("ALTER TABLE ") + Table(s.table) +
                                    " RENAME INDEX " + QuoteIdentifier(s.from) + " TO " +
                                    QuoteIdentifier(s.to))});
          },
          [&](const steps::AddConstraint& s) -> Result<RenderedStep> {
            const Constraint& c = s.constraint;
            const std::string T = Table(s.table);
            if (c.kind == ConstraintKind::kUnique) {
              Index i{c.name, true, {}, "", true, ""};
              for (const std::string& col : c.columns) i.keys.push_back({col, "", false, ""});
              return RenderStep(steps::CreateIndex{s.table, i, s.online}, physical);
            }
            if (!c.validated) {
              RenderedStep r;  // enforced by bellows' triggers until complete
              r.lock = "none (enforced by bellows' triggers until complete)";
              r.cost = "catalog";
              return r;
            }
            if (c.kind == ConstraintKind::kForeignKey) {
              // No NOT VALID here: the rows are checked first (a consistent read), then the key
              // is added with foreign_key_checks=0, which MariaDB does INPLACE.
              std::vector<std::string> present, match;
              for (size_t i = 0; i < c.columns.size() && i < c.ref_columns.size(); ++i) {
                present.push_back("t." + QuoteIdentifier(c.columns[i]) + " IS NOT NULL");
                match.push_back("r." + QuoteIdentifier(c.ref_columns[i]) + " = t." +
                                QuoteIdentifier(c.columns[i]));
              }
              const std::string absent =
                  Absent("REFERENTIAL_CONSTRAINTS", "CONSTRAINT_NAME = " + QuoteString(c.name));
              RenderedStep r = Ddl(
                  {Guarded(
                       absent,
                       RefuseRows("SELECT 1 FROM " + T + " AS t WHERE " + Join(present, " AND ") +
                                      " AND NOT EXISTS (SELECT 1 FROM " + Table(c.ref_table) +
                                      " AS r WHERE " + Join(match, " AND ") + ") LIMIT 1",
                                  "rows of " + s.table + " violate foreign key " + c.name)),
                   Guarded(
                       absent,
                       kOnlineAlter +
                           std::string("SET STATEMENT foreign_key_checks = 0 FOR ALTER TABLE ") +
                           T + " ADD " + ConstraintSql(c))},
                  "reads the rows, then INPLACE with foreign_key_checks=0 (writes go on)");
              r.cost = "scan";
              return r;
            }
            RenderedStep r =
                Ddl({Guarded(
                        Absent("CHECK_CONSTRAINTS",
                               "TABLE_NAME = " + QuoteString(s.table) +
                                   " AND CONSTRAINT_NAME = " + QuoteString(c.name)),
                        kCopyAlter + std::string("ALTER TABLE ") + T + " ADD " + ConstraintSql(c))},
                    "copies the table to check every row: blocks writes for O(rows)");
            r.cost = "copy";
            r.blocks_writes = true;
            return r;
          },
          [&](const steps::ValidateConstraint& s) -> Result<RenderedStep> {
            // No NOT VALID here: a constraint not validated lives in bellows' triggers and
            // becomes real at the swap. Validating it reads the rows now, so a violation stops
            // the contract before anything is dropped.
            RenderedStep r;
            r.lock = "none (a consistent read of the rows)";
            r.cost = "scan";
            r.checks = ViolationChecks(*this, s.table, Table(s.table),
                                       Table(s.constraint.ref_table), s.constraint);
            return r;
          },
          [&](const steps::DropConstraint& s) -> Result<RenderedStep> {
            const Constraint& c = s.constraint;
            const std::string alter = kOnlineAlter + std::string("ALTER TABLE ") + Table(s.table);
            switch (c.kind) {
              case ConstraintKind::kUnique:
                return Ddl({alter + " DROP INDEX IF EXISTS " + QuoteIdentifier(c.name)});
              case ConstraintKind::kForeignKey:
                // InnoDB created an index named after the key when no index served it.
                return Ddl({alter + " DROP FOREIGN KEY IF EXISTS " + QuoteIdentifier(c.name),
                            alter + " DROP INDEX IF EXISTS " + QuoteIdentifier(c.name)});
              case ConstraintKind::kCheck:
                return Ddl({alter + " DROP CONSTRAINT IF EXISTS " + QuoteIdentifier(c.name)});
            }
            return Ddl({});
          },
          [&](const steps::SetComment& s) -> Result<RenderedStep> {
            if (s.column.empty()) {
              return Ddl({kOnlineAlter + std::string("ALTER TABLE ") + Table(s.table) +
                          " COMMENT = " + QuoteString(s.comment)});
            }
            const bellows::Table* t = physical.FindTable(s.table);
            const Column* col = t ? t->FindColumn(s.column) : nullptr;
            if (col == nullptr)
              return BELLOWS_ERR(kNotFound,
                                 "column " + s.table + "." + s.column + " does not exist");
            Column c = *col;
            c.comment = s.comment;
            return Ddl({kOnlineAlter + std::string("ALTER TABLE ") + Table(s.table) +
                        " MODIFY COLUMN " + ColumnSql(c)});
          },
          [&](const steps::CreateSync& s) -> Result<RenderedStep> { return RenderSync(s.sync); },
          [&](const steps::DropSync& s) -> Result<RenderedStep> {
            // The shadow takes its default before the triggers that supplied it go (the old
            // version is gone by now: nothing needs change detection any more).
            RenderedStep r = Ddl({});
            if (s.sync.shadow_default) {
              r.sql.push_back(
                  Guarded(Probe("COLUMNS", "TABLE_NAME = " + QuoteString(s.sync.table) +
                                               " AND COLUMN_NAME = " + QuoteString(s.sync.shadow)),
                          kOnlineAlter + std::string("ALTER TABLE ") + Table(s.sync.table) +
                              " ALTER COLUMN " + QuoteIdentifier(s.sync.shadow) + " SET DEFAULT " +
                              *s.sync.shadow_default));
            }
            for (const char* suffix : {"_i", "_u"}) {
              r.sql.push_back("DROP TRIGGER IF EXISTS " +
                              Table(s.sync.trigger_name.substr(0, 62) + suffix));
            }
            return r;
          },
          [&](const steps::Backfill&) -> Result<RenderedStep> {
            RenderedStep r;
            r.lock = "row locks, one batch of rows at a time";
            r.cost = "batched";
            return r;
          },
          [&](const steps::CreateVersion& s) -> Result<RenderedStep> {
            return RenderCreateVersion(s.version, physical);
          },
          [&](const steps::DropVersion& s) -> Result<RenderedStep> {
            return RenderDropVersion(s.version);
          },
          [&](const steps::RawSql& s) -> Result<RenderedStep> {
            RenderedStep r;
            r.sql = s.statements;
            // DDL commits on its own here: a file with DDL runs statement by statement.
            r.transactional =
                s.transactional && std::all_of(s.statements.begin(), s.statements.end(), IsDml);
            r.lock = "as written";
            r.cost = "as written";
            return r;
          },
      },
      step);
}

}  // namespace bellows::mysql
