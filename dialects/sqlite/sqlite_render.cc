// Step -> SQL for SQLite: native ALTER TABLE where SQLite 3.40 has it, otherwise the
// 12-step rebuild (https://www.sqlite.org/lang_altertable.html#otheralter).

#include <algorithm>

#include "dialects/sqlite/sqlite_dialect.h"
#include "engine/overloaded.h"
#include "engine/strings.h"

namespace bellows::sqlite {

namespace {

constexpr const char* kBriefLock = "write lock (brief)";
constexpr const char* kRowsLock = "write lock for O(rows): blocks writers";

RenderedStep Catalog(std::vector<std::string> sql) {
  RenderedStep r;
  r.sql = std::move(sql);
  r.lock = kBriefLock;
  r.cost = "catalog";
  return r;
}

bool IsConstantDefault(const std::optional<std::string>& d) {
  if (!d) return true;
  std::string t = Upper(Trim(*d));
  if (t.empty() || t.front() == '(') return false;
  return t.find("CURRENT_") != 0;
}

bool ColumnHasDependents(const Table& t, const std::string& column) {
  if (std::find(t.primary_key.begin(), t.primary_key.end(), column) != t.primary_key.end()) {
    return true;
  }
  for (const Index& i : t.indexes) {
    if (i.Covers(column)) return true;
  }
  for (const Constraint& c : t.constraints) {
    if (std::find(c.columns.begin(), c.columns.end(), column) != c.columns.end()) return true;
    if (c.kind == ConstraintKind::kCheck && MentionsIdentifier(c.check, column)) return true;
  }
  return false;
}

}  // namespace

Result<RenderedStep> SqliteDialect::Rebuild(
    const Schema& physical, const Table& before, const Table& after,
    const std::vector<std::pair<std::string, std::string>>& sources) const {
  if (!before.unmodelled.empty()) {
    return BELLOWS_ERR(kUnsupported,
                       "this change needs a rebuild of table " + before.name +
                           ", and its definition has parts bellows cannot reproduce: " +
                           Join(before.unmodelled, ", "))
        .WithHint("rebuild the table with an sql migration");
  }
  RenderedStep r;
  r.lock = kRowsLock;
  r.cost = "rewrite";
  r.blocks_writes = true;
  // foreign_keys must be off while the table is dropped and renamed; the pragma is a no-op
  // inside a transaction, so it runs around it.
  r.outside_before.push_back("PRAGMA foreign_keys = OFF");
  r.outside_after.push_back("PRAGMA foreign_keys = ON");

  const std::string tmp = "_bellows_rebuild_" + after.name;
  Table staged = after;
  staged.name = tmp;
  staged.indexes.clear();
  r.sql.push_back(CreateTableSql(staged));

  std::vector<std::string> cols, exprs;
  for (const Column& c : after.columns) {
    if (c.generated) continue;
    auto src = std::find_if(sources.begin(), sources.end(),
                            [&](const auto& s) { return s.first == c.name; });
    if (src != sources.end()) {
      cols.push_back(QuoteIdentifier(c.name));
      exprs.push_back(src->second);
    } else if (before.FindColumn(c.name) && !before.FindColumn(c.name)->generated) {
      cols.push_back(QuoteIdentifier(c.name));
      exprs.push_back(QuoteIdentifier(c.name));
    }
  }
  if (!cols.empty()) {
    r.sql.push_back("INSERT INTO " + QuoteIdentifier(tmp) + " (" + Join(cols, ", ") + ") SELECT " +
                    Join(exprs, ", ") + " FROM " + QuoteIdentifier(before.name));
  }
  bool autoincrement =
      std::any_of(before.columns.begin(), before.columns.end(),
                  [](const Column& c) { return c.identity_detail == "AUTOINCREMENT"; });
  if (autoincrement) {
    // Keep AUTOINCREMENT's high-water mark: dropping the table forgets it.
    r.sql.push_back(
        "UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE "
        "name = " +
        QuoteString(before.name) + "), 0)) WHERE name = " + QuoteString(tmp));
  }
  r.sql.push_back("DROP TABLE " + QuoteIdentifier(before.name));
  // Views and triggers elsewhere name the table; legacy mode keeps RENAME from rewriting or
  // re-checking them, since they refer to the final name already.
  r.sql.push_back("PRAGMA legacy_alter_table = ON");
  r.sql.push_back("ALTER TABLE " + QuoteIdentifier(tmp) + " RENAME TO " +
                  QuoteIdentifier(after.name));
  r.sql.push_back("PRAGMA legacy_alter_table = OFF");
  for (const Index& index : after.indexes) r.sql.push_back(CreateIndexSql(after.name, index));
  for (const Trigger* trigger : physical.TriggersOn(before.name))
    r.sql.push_back(trigger->definition);

  r.checks.push_back({"PRAGMA foreign_key_check(" + QuoteString(after.name) + ")",
                      "foreign key violation in " + after.name + " after rebuilding it"});
  for (const Table* child : physical.ReferencingTables(before.name)) {
    r.checks.push_back({"PRAGMA foreign_key_check(" + QuoteString(child->name) + ")",
                        "rows of " + child->name + " reference missing rows of " + after.name});
  }
  return r;
}

Result<RenderedStep> SqliteDialect::Render(const Step& step, const Schema& physical) const {
  auto table = [&](const std::string& name) -> Result<const Table*> {
    const Table* t = physical.FindTable(name);
    if (t == nullptr) return BELLOWS_ERR(kNotFound, "table \"" + name + "\" does not exist");
    return t;
  };
  auto apply = [&](const Table& before) {
    Schema copy;
    copy.tables.push_back(before);
    ApplyStep(step, copy);
    return copy.tables.front();
  };
  return std::visit(
      Overloaded{
          [&](const steps::CreateTable& s) -> Result<RenderedStep> {
            RenderedStep r = Catalog({CreateTableSql(s.table)});
            for (const Index& i : s.table.indexes) r.sql.push_back(CreateIndexSql(s.table.name, i));
            return r;
          },
          [&](const steps::DropTable& s) -> Result<RenderedStep> {
            RenderedStep r = Catalog({"DROP TABLE " + QuoteIdentifier(s.table)});
            r.lock = kRowsLock;
            r.cost = "rewrite";
            return r;
          },
          [&](const steps::RenameTable& s) -> Result<RenderedStep> {
            return Catalog(
                {"ALTER TABLE " + QuoteIdentifier(s.from) + " RENAME TO " + QuoteIdentifier(s.to)});
          },
          [&](const steps::AddColumn& s) -> Result<RenderedStep> {
            BELLOWS_ASSIGN_OR_RETURN(const Table* t, table(s.table));
            const Column& c = s.column;
            if (c.identity)
              return BELLOWS_ERR(kUnsupported,
                                 "sqlite: table " + s.table +
                                     " cannot gain an identity column: SQLite's only identity "
                                     "is the INTEGER PRIMARY KEY of a new table")
                  .WithHint("create a new table with the identity column and copy the rows");
            bool native =
                !c.identity && IsConstantDefault(c.default_expr) &&
                (c.nullable || (c.default_expr && Upper(Trim(*c.default_expr)) != "NULL")) &&
                !(c.generated && c.generated_stored);
            if (native) {
              return Catalog({"ALTER TABLE " + QuoteIdentifier(s.table) + " ADD COLUMN " +
                              ColumnSql(c, false)});
            }
            return Rebuild(physical, *t, apply(*t), {});
          },
          [&](const steps::DropColumn& s) -> Result<RenderedStep> {
            BELLOWS_ASSIGN_OR_RETURN(const Table* t, table(s.table));
            if (!ColumnHasDependents(*t, s.column)) {
              RenderedStep r = Catalog({"ALTER TABLE " + QuoteIdentifier(s.table) +
                                        " DROP COLUMN " + QuoteIdentifier(s.column)});
              r.lock = kRowsLock;  // DROP COLUMN rewrites the table to purge the data
              r.cost = "rewrite";
              r.blocks_writes = true;
              return r;
            }
            return Rebuild(physical, *t, apply(*t), {});
          },
          [&](const steps::RenameColumn& s) -> Result<RenderedStep> {
            return Catalog({"ALTER TABLE " + QuoteIdentifier(s.table) + " RENAME COLUMN " +
                            QuoteIdentifier(s.from) + " TO " + QuoteIdentifier(s.to)});
          },
          [&](const steps::AlterColumn& s) -> Result<RenderedStep> {
            BELLOWS_ASSIGN_OR_RETURN(const Table* t, table(s.table));
            std::string source =
                s.using_expr.empty() ? QuoteIdentifier(s.column) : "(" + s.using_expr + ")";
            return Rebuild(physical, *t, apply(*t), {{s.column, source}});
          },
          [&](const steps::SwapColumn& s) -> Result<RenderedStep> {
            BELLOWS_ASSIGN_OR_RETURN(const Table* t, table(s.table));
            // A new column that ends nullable, without default or constraints, only needs its
            // name: RENAME COLUMN is a catalog change (indexes on it follow).
            const Column& f = s.final_def;
            bool constrained =
                std::any_of(t->constraints.begin(), t->constraints.end(), [&](const Constraint& c) {
                  return std::find(c.columns.begin(), c.columns.end(), s.shadow) !=
                             c.columns.end() ||
                         (c.kind == ConstraintKind::kCheck &&
                          MentionsIdentifier(c.check, s.shadow));
                });
            if (t->FindColumn(s.column) == nullptr && f.nullable && !f.default_expr &&
                !f.generated && f.collation.empty() && s.renames.empty() && !constrained) {
              return Catalog({"ALTER TABLE " + QuoteIdentifier(s.table) + " RENAME COLUMN " +
                              QuoteIdentifier(s.shadow) + " TO " + QuoteIdentifier(s.column)});
            }
            return Rebuild(physical, *t, apply(*t), {{s.column, QuoteIdentifier(s.shadow)}});
          },
          [&](const steps::CreateIndex& s) -> Result<RenderedStep> {
            RenderedStep r = Catalog({CreateIndexSql(s.table, s.index)});
            r.lock = kRowsLock;
            r.cost = "scan";
            r.blocks_writes = true;
            return r;
          },
          [&](const steps::DropIndex& s) -> Result<RenderedStep> {
            return Catalog({"DROP INDEX " + QuoteIdentifier(s.index.name)});
          },
          [&](const steps::RenameIndex& s) -> Result<RenderedStep> {
            BELLOWS_ASSIGN_OR_RETURN(const Table* t, table(s.table));
            const Index* index = t->FindIndex(s.from);
            if (index == nullptr)
              return BELLOWS_ERR(kNotFound, "index \"" + s.from + "\" does not exist");
            Index renamed = *index;
            renamed.name = s.to;
            RenderedStep r = Catalog(
                {"DROP INDEX " + QuoteIdentifier(s.from), CreateIndexSql(s.table, renamed)});
            r.lock = kRowsLock;  // SQLite cannot rename an index: it is built again
            r.cost = "scan";
            r.blocks_writes = true;
            return r;
          },
          [&](const steps::AddConstraint& s) -> Result<RenderedStep> {
            BELLOWS_ASSIGN_OR_RETURN(const Table* t, table(s.table));
            if (s.constraint.kind == ConstraintKind::kUnique) {
              Index index{s.constraint.name, true, {}, "", true};
              for (const std::string& c : s.constraint.columns)
                index.keys.push_back({c, "", false, ""});
              RenderedStep r = Catalog({CreateIndexSql(s.table, index)});
              r.lock = kRowsLock;
              r.cost = "scan";
              r.blocks_writes = true;
              return r;
            }
            if (!s.constraint.validated) {
              RenderedStep r;  // enforced by bellows' triggers until complete
              r.lock = "none";
              r.cost = "catalog";
              return r;
            }
            return Rebuild(physical, *t, apply(*t), {});
          },
          [&](const steps::ValidateConstraint& s) -> Result<RenderedStep> {
            // SQLite has no NOT VALID: a constraint not validated lives in bellows' triggers
            // and becomes part of the table at the swap's rebuild. Validating it checks the
            // rows now, so a violation stops the contract before anything is dropped.
            RenderedStep r;
            r.lock = "write lock while the rows are read";
            r.cost = "scan";
            r.checks = ViolationChecks(*this, s.table, QuoteIdentifier(s.table),
                                       QuoteIdentifier(s.constraint.ref_table), s.constraint);
            return r;
          },
          [&](const steps::DropConstraint& s) -> Result<RenderedStep> {
            BELLOWS_ASSIGN_OR_RETURN(const Table* t, table(s.table));
            if (s.constraint.kind == ConstraintKind::kUnique && t->FindIndex(s.constraint.name)) {
              return Catalog({"DROP INDEX " + QuoteIdentifier(s.constraint.name)});
            }
            return Rebuild(physical, *t, apply(*t), {});
          },
          [&](const steps::SetComment&) -> Result<RenderedStep> {
            RenderedStep r;  // SQLite keeps no comments: only the model records it
            r.lock = "none";
            r.cost = "catalog";
            return r;
          },
          [&](const steps::CreateSync& s) -> Result<RenderedStep> {
            return RenderSync(s.sync, physical);
          },
          [&](const steps::DropSync& s) -> Result<RenderedStep> {
            return Catalog(
                {"DROP TRIGGER IF EXISTS " + QuoteIdentifier(s.sync.trigger_name + "_ins"),
                 "DROP TRIGGER IF EXISTS " + QuoteIdentifier(s.sync.trigger_name + "_upd")});
          },
          [&](const steps::Backfill&) -> Result<RenderedStep> {
            RenderedStep r;
            r.lock = "write lock per batch (brief)";
            r.cost = "batched";
            return r;
          },
          [&](const steps::CreateVersion& s) -> Result<RenderedStep> {
            return RenderCreateVersion(s.version, physical);
          },
          [&](const steps::DropVersion& s) -> Result<RenderedStep> {
            RenderedStep r = Catalog({});
            for (const TableView& v : s.version.tables) {
              if (v.changed)
                r.sql.push_back("DROP VIEW IF EXISTS " +
                                QuoteIdentifier("_bellows_" + v.name + "_w"));
            }
            return r;
          },
          [&](const steps::RawSql& s) -> Result<RenderedStep> {
            RenderedStep r;
            r.sql = s.statements;
            r.transactional = s.transactional;
            r.lock = "write lock for the whole migration";
            r.cost = "as written";
            r.blocks_writes = true;
            return r;
          },
      },
      step);
}

}  // namespace bellows::sqlite
