// Versions on MySQL/MariaDB (SPEC 4.2): a version is a database of ALGORITHM=MERGE SQL SECURITY
// INVOKER single-table views (insertable and updatable); BEFORE INSERT and BEFORE UPDATE
// triggers on the base tables keep old and new columns in step.
// Who wrote a row: the session variable @bellows_version (the new version sets it in its
// driver's init command, `bellows latest sql` prints it) names the new version exactly.
// Without it, change detection (reference/verified-mechanisms.md): on INSERT a shadow column the
// writer's view does not expose arrives NULL; on UPDATE the new version changed the shadow and
// left the old column alone. bellows' own backfill sets '_backfill' and is left alone.

#include <algorithm>

#include "dialects/mysql/mysql_dialect.h"
#include "engine/checksum.h"
#include "engine/expr_binder.h"
#include "engine/strings.h"

namespace bellows::mysql {

namespace {

// The column a shadow stands for, as the application knows it ("_bellows_new_score" -> "score").
std::string ShownColumn(const std::string& shadow) {
  const std::string prefix = "_bellows_new_";
  return shadow.rfind(prefix, 0) == 0 ? shadow.substr(prefix.size()) : shadow;
}

// A trigger name within 64 characters: `base` + suffix ("_i", "_u").
std::string TriggerName(const std::string& base, const char* suffix) {
  return base.substr(0, 62) + suffix;
}

// The triggers that fill, on the new version's writes, what its view does not show.
std::string FillTriggerBase(const std::string& table) {
  std::string name = "_bellows_fill_" + table;
  if (name.size() > 50) name = name.substr(0, 50);
  return name + "_" + Sha256Hex(table).substr(0, 8);
}

ColumnResolver NewRow(const MysqlDialect& d,
                      const std::vector<std::pair<std::string, std::string>>& names) {
  return [&d, &names](std::string_view n) -> std::optional<std::string> {
    for (const auto& [name, phys] : names) {
      if (name == n) return "NEW." + d.QuoteIdentifier(phys);
    }
    return std::nullopt;
  };
}

std::string Signal(const MysqlDialect& d, const char* state, const std::string& message) {
  // MESSAGE_TEXT holds at most 128 characters.
  return "SIGNAL SQLSTATE '" + std::string(state) +
         "' SET MESSAGE_TEXT = " + d.QuoteString(message.substr(0, 128));
}

const char* kUnset = "(@bellows_version IS NULL OR @bellows_version = '')";

}  // namespace

Result<RenderedStep> MysqlDialect::RenderSync(const ShadowSync& sync) const {
  const LexOptions lex = SqlSplitOptions().lex;
  BELLOWS_ASSIGN_OR_RETURN(std::string up, BindColumns(sync.up.empty() ? "NULL" : sync.up, lex,
                                                       NewRow(*this, sync.old_names)));
  std::string down;
  if (!sync.column.empty() && !sync.down.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(down, BindColumns(sync.down, lex, NewRow(*this, sync.new_names)));
  }
  const std::string S = "NEW." + QuoteIdentifier(sync.shadow);
  const std::string V = QuoteString(sync.new_version);
  // What a write by the old version does: the shadow follows `up`, and must satisfy the new
  // shape's constraints, which are not real constraints until complete.
  std::string old_branch = "    SET " + S + " = (" + up + ");\n";
  if (sync.not_null) {
    old_branch += "    IF " + S + " IS NULL THEN " +
                  Signal(*this, "23000",
                         "bellows: " + sync.table +
                             " needs a value for the new version; the old version's row gives "
                             "NULL") +
                  "; END IF;\n";
  }
  for (const Constraint& c : sync.checks) {
    if (c.kind == ConstraintKind::kCheck) {
      BELLOWS_ASSIGN_OR_RETURN(std::string check,
                               BindColumns(c.check, lex, NewRow(*this, sync.new_names)));
      old_branch += "    IF NOT (" + check + ") THEN " +
                    Signal(*this, "23000", "bellows: check " + c.name + " of the new version") +
                    "; END IF;\n";
    } else if (c.kind == ConstraintKind::kForeignKey) {
      std::vector<std::string> present, match;
      ColumnResolver row = NewRow(*this, sync.new_names);
      for (size_t i = 0; i < c.columns.size() && i < c.ref_columns.size(); ++i) {
        std::string col = row(c.columns[i]).value_or("NEW." + QuoteIdentifier(c.columns[i]));
        present.push_back(col + " IS NOT NULL");
        match.push_back("_bellows_r." + QuoteIdentifier(c.ref_columns[i]) + " = " + col);
      }
      old_branch +=
          "    IF " + Join(present, " AND ") + " AND NOT EXISTS (SELECT 1 FROM " +
          Table(c.ref_table) + " AS _bellows_r WHERE " + Join(match, " AND ") + ") THEN " +
          Signal(*this, "23000", "bellows: foreign key " + c.name + " of the new version") +
          "; END IF;\n";
    }
  }
  // What a write by the new version does: the shadow gets the new shape's default when the
  // insert left it out (it has no DEFAULT of its own yet), must not be NULL when the new shape
  // says so, and the old column follows `down`.
  auto new_branch = [&](bool insert) {
    std::string b;
    if (insert && sync.shadow_default)
      b += "    IF " + S + " IS NULL THEN SET " + S + " = " + *sync.shadow_default + "; END IF;\n";
    if (sync.not_null)
      b += "    IF " + S + " IS NULL THEN " +
           Signal(*this, "23000",
                  "bellows: " + sync.table + "." + ShownColumn(sync.shadow) +
                      " cannot be NULL in the new version") +
           "; END IF;\n";
    if (!down.empty()) b += "    SET NEW." + QuoteIdentifier(sync.column) + " = (" + down + ");\n";
    return b.empty() ? std::string("    DO 0;\n") : b;
  };
  const std::string old_col = sync.column.empty() ? "" : "NEW." + QuoteIdentifier(sync.column);
  auto trigger = [&](const char* suffix, const char* event, const std::string& detect) {
    const bool insert = std::string_view(event) == "INSERT";
    return "CREATE OR REPLACE TRIGGER " + Table(TriggerName(sync.trigger_name, suffix)) +
           " BEFORE " + event + " ON " + Table(sync.table) +
           " FOR EACH ROW BEGIN\n"
           "  IF @bellows_version IS NULL OR @bellows_version <> '_backfill' THEN\n"
           "   IF @bellows_version = " +
           V + " OR (" + kUnset + " AND " + detect + ") THEN\n" + new_branch(insert) + "   ELSE\n" +
           old_branch + "   END IF;\n  END IF;\nEND";
  };
  std::string insert_detect = S + " IS NOT NULL";
  std::string update_detect =
      "NOT (" + S + " <=> OLD." + QuoteIdentifier(sync.shadow) + ")" +
      (old_col.empty() ? std::string()
                       : " AND " + old_col + " <=> OLD." + QuoteIdentifier(sync.column));
  RenderedStep r;
  r.transactional = false;
  r.idempotent = true;
  r.lock = "exclusive metadata lock (brief)";
  r.cost = "catalog";
  r.sql = {trigger("_i", "INSERT", insert_detect), trigger("_u", "UPDATE", update_detect)};
  return r;
}

Result<RenderedStep> MysqlDialect::RenderCreateVersion(const VersionSpec& version,
                                                       const Schema& physical) const {
  RenderedStep r;
  r.transactional = false;
  r.idempotent = true;
  r.lock = "none on the tables (new views)";
  r.cost = "catalog";
  const std::string v = QuoteIdentifier(version.name);
  r.sql.push_back("CREATE DATABASE IF NOT EXISTS " + v);
  const LexOptions lex = SqlSplitOptions().lex;
  for (const TableView& t : version.tables) {
    std::vector<std::string> select;
    for (const ViewColumn& c : t.columns)
      select.push_back(QuoteIdentifier(c.physical) + " AS " + QuoteIdentifier(c.name));
    r.sql.push_back("CREATE OR REPLACE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW " + v + "." +
                    QuoteIdentifier(t.name) + " AS SELECT " + Join(select, ", ") + " FROM " +
                    Table(t.physical));
    // The new version's inserts: shadow columns have no DEFAULT during the window (a default
    // would hide which version wrote), so the trigger gives them the version's default; hidden
    // columns are filled from their expressions.
    const bellows::Table* pt = physical.FindTable(t.physical);
    ColumnResolver row = [&](std::string_view n) -> std::optional<std::string> {
      for (const ViewColumn& c : t.columns) {
        if (c.name == n) return "NEW." + QuoteIdentifier(c.physical);
      }
      return std::nullopt;
    };
    std::string on_insert, on_update;
    for (const ViewColumn& c : t.columns) {
      const Column* pc = pt ? pt->FindColumn(c.physical) : nullptr;
      if (!c.def.default_expr || c.def.identity || pc == nullptr || pc->default_expr) continue;
      on_insert += "    IF NEW." + QuoteIdentifier(c.physical) + " IS NULL THEN SET NEW." +
                   QuoteIdentifier(c.physical) + " = " + *c.def.default_expr + "; END IF;\n";
    }
    for (const auto& [phys, expr] : t.fill) {
      if (expr.empty()) continue;  // the column default fills it
      BELLOWS_ASSIGN_OR_RETURN(std::string bound, BindColumns(expr, lex, row));
      const std::string P = "NEW." + QuoteIdentifier(phys);
      on_insert += "    IF @bellows_version = " + QuoteString(version.name) + " OR " + P +
                   " IS NULL THEN SET " + P + " = (" + bound + "); END IF;\n";
      on_update += "    IF @bellows_version = " + QuoteString(version.name) + " THEN SET " + P +
                   " = (" + bound + "); END IF;\n";
    }
    const std::string base = FillTriggerBase(t.physical);
    auto trigger = [&](const char* suffix, const char* event, const std::string& body) {
      return "CREATE OR REPLACE TRIGGER " + Table(TriggerName(base, suffix)) + " BEFORE " + event +
             " ON " + Table(t.physical) +
             " FOR EACH ROW BEGIN\n"
             "  IF @bellows_version = " +
             QuoteString(version.name) + " OR " + kUnset + " THEN\n" + body + "  END IF;\nEND";
    };
    if (!on_insert.empty()) r.sql.push_back(trigger("_i", "INSERT", on_insert));
    if (!on_update.empty()) r.sql.push_back(trigger("_u", "UPDATE", on_update));
  }
  // The database's own views, so an application on the version reads them as before.
  for (const View& view : physical.views) {
    bool shadowed = false;
    for (const TableView& t : version.tables) shadowed = shadowed || t.name == view.name;
    if (shadowed) continue;
    r.sql.push_back("CREATE OR REPLACE SQL SECURITY INVOKER VIEW " + v + "." +
                    QuoteIdentifier(view.name) + " AS SELECT * FROM " + Table(view.name));
  }
  // The views and triggers depend neither on one another nor on their order.
  r.unordered_from = 1;
  r.unordered_to = r.sql.size();
  // Whoever may use the base database or one of its tables may use the version's views.
  r.sql.push_back(
      "BEGIN NOT ATOMIC\n"
      "  FOR g IN (SELECT GRANTEE, PRIVILEGE_TYPE FROM information_schema.SCHEMA_PRIVILEGES\n"
      "            WHERE TABLE_SCHEMA = DATABASE() AND PRIVILEGE_TYPE IN ('SELECT', 'INSERT', "
      "'UPDATE', 'DELETE')) DO\n"
      "    EXECUTE IMMEDIATE CONCAT('GRANT ', g.PRIVILEGE_TYPE, ' ON " +
      ReplaceAll(v, "'", "''") +
      ".* TO ', g.GRANTEE);\n"
      "  END FOR;\n"
      "END");
  return r;
}

RenderedStep MysqlDialect::RenderDropVersion(const VersionSpec& version) const {
  RenderedStep r;
  r.transactional = false;
  r.idempotent = true;
  r.lock = "exclusive metadata lock on the version's views (brief)";
  r.cost = "catalog";
  const std::string v = QuoteIdentifier(version.name);
  // The views of its tables, a thousand to a statement: one statement per view costs the
  // server about three times as much (docs/benchmarks.md). Then whatever else the version
  // database holds.
  constexpr size_t kViewsPerDrop = 1000;
  for (size_t i = 0; i < version.tables.size(); i += kViewsPerDrop) {
    std::vector<std::string> names;
    for (size_t k = i; k < std::min(i + kViewsPerDrop, version.tables.size()); ++k)
      names.push_back(v + "." + QuoteIdentifier(version.tables[k].name));
    r.sql.push_back("DROP VIEW IF EXISTS " + Join(names, ", "));
  }
  // Fills serve the new version while the old one lives; once either is gone, they go, in any
  // order (several at a time).
  r.unordered_from = r.sql.size();
  for (const TableView& t : version.tables) {
    const std::string base = FillTriggerBase(t.physical);
    for (const char* suffix : {"_i", "_u"}) {
      r.sql.push_back("DROP TRIGGER IF EXISTS " + Table(TriggerName(base, suffix)));
    }
  }
  r.unordered_to = r.sql.size();
  // Every view of the version database is bellows' (one per table, one per view of the base).
  r.sql.push_back(
      "BEGIN NOT ATOMIC\n"
      "  FOR w IN (SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = " +
      QuoteString(version.name) +
      ") DO\n"
      "    EXECUTE IMMEDIATE CONCAT('DROP VIEW IF EXISTS " +
      ReplaceAll(v, "'", "''") +
      ".`', REPLACE(w.TABLE_NAME, '`', '``'), '`');\n"
      "  END FOR;\n"
      "END");
  // Only what bellows put there: a database holding anything else is left in place.
  r.sql.push_back(Guarded(
      "SELECT 1 FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM information_schema.TABLES WHERE "
      "TABLE_SCHEMA = " +
          QuoteString(version.name) +
          ") AND NOT EXISTS (SELECT 1 FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = " +
          QuoteString(version.name) + ")",
      "DROP DATABASE IF EXISTS " + v));
  return r;
}

}  // namespace bellows::mysql
