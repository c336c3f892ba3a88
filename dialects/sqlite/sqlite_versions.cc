// Versions on SQLite (SPEC 4.2; reference/verified-mechanisms.md):
// - old-version connections use the base tables; AFTER INSERT/UPDATE triggers with WHEN change
//   detection compute shadow columns from their writes (SQLite triggers cannot assign NEW.x);
// - a new-version connection runs `bellows latest sql`: TEMP views with the tables' own names
//   whose TEMP INSTEAD OF triggers write a helper view _bellows_<table>_w in main, whose own
//   INSTEAD OF triggers write the base table with both shapes.

#include <algorithm>

#include "dialects/sqlite/sqlite_dialect.h"
#include "engine/expr_binder.h"
#include "engine/strings.h"

namespace bellows::sqlite {

namespace {

std::string HelperView(const TableView& v) { return "_bellows_" + v.name + "_w"; }

std::optional<std::string> LookupName(const std::vector<std::pair<std::string, std::string>>& names,
                                      std::string_view name) {
  for (const auto& [n, phys] : names) {
    if (n == name) return phys;
  }
  return std::nullopt;
}

bool HasRowid(const Table& t) {
  return Upper(t.options).find("WITHOUT ROWID") == std::string::npos;
}

}  // namespace

Result<RenderedStep> SqliteDialect::RenderSync(const ShadowSync& sync,
                                               const Schema& physical) const {
  const Table* t = physical.FindTable(sync.table);
  if (t == nullptr) return BELLOWS_ERR(kNotFound, "table \"" + sync.table + "\" does not exist");
  const LexOptions lex = SqlSplitOptions().lex;
  using Names = std::vector<std::pair<std::string, std::string>>;
  // Qualified by the table, so that a subquery's own columns never capture the row's names.
  auto quoted = [this, &sync](const Names& names) -> ColumnResolver {
    return [this, &names, &sync](std::string_view n) -> std::optional<std::string> {
      if (auto p = LookupName(names, n))
        return QuoteIdentifier(sync.table) + "." + QuoteIdentifier(*p);
      return std::nullopt;
    };
  };
  std::string up = sync.up.empty() ? "NULL" : sync.up;
  BELLOWS_ASSIGN_OR_RETURN(std::string up_sql, BindColumns(up, lex, quoted(sync.old_names)));

  const std::string T = QuoteIdentifier(sync.table);
  const std::string S = QuoteIdentifier(sync.shadow);
  const std::string row_match = KeyPredicate(*t, "NEW");
  const std::string where_row = " WHERE " + row_match;
  const std::string label = sync.table + "." + sync.shadow;

  std::string body = "  UPDATE " + T + " SET " + S + " = (" + up_sql + ")" + where_row + ";\n";
  auto raise = [&](const std::string& condition, const std::string& message) {
    body += "  SELECT RAISE(ABORT, " + QuoteString("bellows: " + message) + ") FROM " + T +
            where_row + " AND " + condition + ";\n";
  };
  if (sync.not_null) {
    raise(S + " IS NULL", "the new version of " + sync.table + " requires a value in " +
                              sync.shadow + "; the row written by the old version computes NULL");
  }
  for (const Constraint& c : sync.checks) {
    if (c.kind == ConstraintKind::kCheck) {
      BELLOWS_ASSIGN_OR_RETURN(std::string check,
                               BindColumns(c.check, lex, quoted(sync.new_names)));
      raise("NOT (" + check + ")",
            "row violates check constraint " + c.name + " of the new version");
    } else if (c.kind == ConstraintKind::kForeignKey && c.columns.size() == c.ref_columns.size()) {
      std::vector<std::string> match, present;
      for (size_t i = 0; i < c.columns.size(); ++i) {
        std::string local = T + "." + QuoteIdentifier(c.columns[i]);
        present.push_back(local + " IS NOT NULL");
        match.push_back(QuoteIdentifier(c.ref_table) + "." + QuoteIdentifier(c.ref_columns[i]) +
                        " = " + local);
      }
      raise(Join(present, " AND ") + " AND NOT EXISTS (SELECT 1 FROM " +
                QuoteIdentifier(c.ref_table) + " WHERE " + Join(match, " AND ") + ")",
            "row violates foreign key " + c.name + " of the new version");
    }
  }

  RenderedStep r;
  r.lock = "write lock (brief)";
  r.cost = "catalog";
  r.sql.push_back("CREATE TRIGGER " + QuoteIdentifier(sync.trigger_name + "_ins") +
                  " AFTER INSERT ON " + T + " WHEN NEW." + S + " IS NULL\nBEGIN\n" + body + "END");

  std::vector<std::string> sources;
  for (const std::string& name : ReferencedColumns(
           up, lex, [&](std::string_view n) { return LookupName(sync.old_names, n).has_value(); },
           sync.table)) {
    std::string phys = *LookupName(sync.old_names, name);
    if (std::find(sources.begin(), sources.end(), phys) == sources.end()) sources.push_back(phys);
  }
  if (!sources.empty()) {
    std::vector<std::string> of, changed;
    for (const std::string& s : sources) {
      of.push_back(QuoteIdentifier(s));
      changed.push_back("NEW." + QuoteIdentifier(s) + " IS NOT OLD." + QuoteIdentifier(s));
    }
    // The old version wrote when a source column changed and the shadow did not; the new
    // version's writes (through the helper view) set both.
    r.sql.push_back("CREATE TRIGGER " + QuoteIdentifier(sync.trigger_name + "_upd") +
                    " AFTER UPDATE OF " + Join(of, ", ") + " ON " + T + " WHEN NEW." + S +
                    " IS OLD." + S + " AND (" + Join(changed, " OR ") + ")\nBEGIN\n" + body +
                    "END");
  }
  return r;
}

Result<RenderedStep> SqliteDialect::RenderCreateVersion(const VersionSpec& version,
                                                        const Schema& physical) const {
  RenderedStep r;
  r.lock = "write lock (brief)";
  r.cost = "catalog";
  const LexOptions lex = SqlSplitOptions().lex;
  for (const TableView& v : version.tables) {
    if (!v.changed) continue;
    const Table* t = physical.FindTable(v.physical);
    if (t == nullptr) return BELLOWS_ERR(kNotFound, "table \"" + v.physical + "\" does not exist");
    ColumnResolver from_new = [&](std::string_view n) -> std::optional<std::string> {
      for (const ViewColumn& c : v.columns) {
        if (c.name == n) return "NEW." + QuoteIdentifier(c.name);
      }
      return std::nullopt;
    };
    auto version_name_of = [&](const std::string& phys) -> std::optional<std::string> {
      for (const ViewColumn& c : v.columns) {
        if (c.physical == phys) return c.name;
      }
      return std::nullopt;
    };
    std::vector<std::string> key_match;  // physical key = OLD.<version name>
    for (const std::string& k : v.key) {
      auto name = version_name_of(k);
      if (!name) {
        return BELLOWS_ERR(kUnsupported,
                           "the new version of " + v.name + " hides its key column " + k)
            .WithHint("keep the primary key visible in every version");
      }
      key_match.push_back(QuoteIdentifier(k) + " = OLD." + QuoteIdentifier(*name));
    }
    const std::string view = QuoteIdentifier(HelperView(v));
    const std::string T = QuoteIdentifier(v.physical);

    std::vector<std::string> select;
    for (const ViewColumn& c : v.columns) {
      select.push_back(QuoteIdentifier(c.physical) + " AS " + QuoteIdentifier(c.name));
    }
    r.sql.push_back("CREATE VIEW " + view + " AS SELECT " + Join(select, ", ") + " FROM " + T);

    std::string checks;
    std::string insert_checks;  // an insert that omits a column gets its default first
    auto raise = [&](const std::string& condition, const std::string& message) {
      checks += "  SELECT RAISE(ABORT, " + QuoteString("bellows: " + message) + ") WHERE " +
                condition + ";\n";
    };
    for (const std::string& n : v.not_null) {
      std::string message = "NOT NULL constraint failed: " + v.name + "." + n;
      std::string line = "  SELECT RAISE(ABORT, " + QuoteString("bellows: " + message) +
                         ") WHERE NEW." + QuoteIdentifier(n) + " IS NULL;\n";
      checks += line;
      auto c = std::find_if(v.columns.begin(), v.columns.end(),
                            [&](const ViewColumn& vc) { return vc.name == n; });
      if (c == v.columns.end() || !c->def.default_expr) insert_checks += line;
    }
    const size_t not_null_end = checks.size();
    for (const Constraint& c : v.checks) {
      if (c.kind == ConstraintKind::kCheck) {
        BELLOWS_ASSIGN_OR_RETURN(std::string check, BindColumns(c.check, lex, from_new));
        raise("NOT (" + check + ")", "CHECK constraint failed: " + c.name);
      } else if (c.kind == ConstraintKind::kForeignKey &&
                 c.columns.size() == c.ref_columns.size()) {
        std::vector<std::string> present, match;
        for (size_t i = 0; i < c.columns.size(); ++i) {
          present.push_back("NEW." + QuoteIdentifier(c.columns[i]) + " IS NOT NULL");
          match.push_back(QuoteIdentifier(c.ref_columns[i]) + " = NEW." +
                          QuoteIdentifier(c.columns[i]));
        }
        raise(Join(present, " AND ") + " AND NOT EXISTS (SELECT 1 FROM " +
                  QuoteIdentifier(c.ref_table) + " WHERE " + Join(match, " AND ") + ")",
              "FOREIGN KEY constraint failed: " + c.name);
      }
    }

    std::vector<std::string> ins_cols, ins_vals, upd_sets;
    for (const ViewColumn& c : v.columns) {
      std::string value = "NEW." + QuoteIdentifier(c.name);
      ins_cols.push_back(QuoteIdentifier(c.physical));
      // An INSTEAD OF trigger sees omitted columns as NULL: apply the default ourselves.
      ins_vals.push_back(c.def.default_expr && !c.def.identity
                             ? "COALESCE(" + value + ", " + *c.def.default_expr + ")"
                             : value);
      upd_sets.push_back(QuoteIdentifier(c.physical) + " = " + value);
    }
    for (const auto& [phys, expr] : v.fill) {
      if (expr.empty()) continue;
      BELLOWS_ASSIGN_OR_RETURN(std::string bound, BindColumns(expr, lex, from_new));
      ins_cols.push_back(QuoteIdentifier(phys));
      ins_vals.push_back("(" + bound + ")");
      upd_sets.push_back(QuoteIdentifier(phys) + " = (" + bound + ")");
    }
    std::string insert = "  INSERT INTO " + T + " (" + Join(ins_cols, ", ") + ") VALUES (" +
                         Join(ins_vals, ", ") + ");\n";
    // A NULL written by the new version into a shadow column looks like an old-version insert
    // to the base trigger, which then computes the shadow from `up`: put the NULL back.
    for (const ViewColumn& c : v.columns) {
      // With a default the insert above already put the default in; nothing to put back.
      if (!StartsWith(c.physical, "_bellows_") || (c.def.default_expr && !c.def.identity)) continue;
      std::string inserted_row;
      if (HasRowid(*t)) {
        inserted_row = "rowid = last_insert_rowid()";
      } else {
        std::vector<std::string> parts;
        for (const std::string& k : v.key)
          parts.push_back(QuoteIdentifier(k) + " = NEW." + QuoteIdentifier(*version_name_of(k)));
        inserted_row = Join(parts, " AND ");
      }
      insert += "  UPDATE " + T + " SET " + QuoteIdentifier(c.physical) + " = NULL WHERE " +
                inserted_row + " AND NEW." + QuoteIdentifier(c.name) + " IS NULL;\n";
    }
    std::string where_key = " WHERE " + Join(key_match, " AND ");
    insert_checks += checks.substr(not_null_end);
    r.sql.push_back("CREATE TRIGGER " + QuoteIdentifier(HelperView(v) + "_ins") +
                    " INSTEAD OF INSERT ON " + view + "\nBEGIN\n" + insert_checks + insert + "END");
    r.sql.push_back("CREATE TRIGGER " + QuoteIdentifier(HelperView(v) + "_upd") +
                    " INSTEAD OF UPDATE ON " + view + "\nBEGIN\n" + checks + "  UPDATE " + T +
                    " SET " + Join(upd_sets, ", ") + where_key + ";\nEND");
    r.sql.push_back("CREATE TRIGGER " + QuoteIdentifier(HelperView(v) + "_del") +
                    " INSTEAD OF DELETE ON " + view + "\nBEGIN\n  DELETE FROM " + T + where_key +
                    ";\nEND");
  }
  return r;
}

std::string SqliteDialect::LatestSql(const VersionSpec& version) const {
  std::string out =
      "-- bellows: run on each new connection of the application version " + version.name + "\n";
  for (const TableView& v : version.tables) {
    out += "DROP VIEW IF EXISTS temp." + QuoteIdentifier(v.name) + ";\n";
  }
  for (const TableView& v : version.tables) {
    if (!v.changed) continue;
    const std::string name = QuoteIdentifier(v.name);
    const std::string helper = QuoteIdentifier(HelperView(v));
    std::vector<std::string> cols, news, sets, key;
    for (const ViewColumn& c : v.columns) {
      cols.push_back(QuoteIdentifier(c.name));
      news.push_back("NEW." + QuoteIdentifier(c.name));
      sets.push_back(QuoteIdentifier(c.name) + " = NEW." + QuoteIdentifier(c.name));
    }
    for (const std::string& k : v.key) {
      for (const ViewColumn& c : v.columns) {
        if (c.physical == k)
          key.push_back(QuoteIdentifier(c.name) + " = OLD." + QuoteIdentifier(c.name));
      }
    }
    std::string where = " WHERE " + Join(key, " AND ");
    out += "CREATE TEMP VIEW " + name + " AS SELECT * FROM " + helper + ";\n";
    out += "CREATE TEMP TRIGGER " + QuoteIdentifier("_bellows_" + v.name + "_t_ins") +
           " INSTEAD OF INSERT ON " + name + " BEGIN INSERT INTO " + helper + " (" +
           Join(cols, ", ") + ") VALUES (" + Join(news, ", ") + "); END;\n";
    out += "CREATE TEMP TRIGGER " + QuoteIdentifier("_bellows_" + v.name + "_t_upd") +
           " INSTEAD OF UPDATE ON " + name + " BEGIN UPDATE " + helper + " SET " +
           Join(sets, ", ") + where + "; END;\n";
    out += "CREATE TEMP TRIGGER " + QuoteIdentifier("_bellows_" + v.name + "_t_del") +
           " INSTEAD OF DELETE ON " + name + " BEGIN DELETE FROM " + helper + where + "; END;\n";
  }
  return out;
}

std::string SqliteDialect::LatestSchema(const VersionSpec&) const { return "main"; }

std::string SqliteDialect::LatestEnv(const VersionSpec& version) const {
  return "BELLOWS_VERSION=" + version.name + "\n";
}

}  // namespace bellows::sqlite
