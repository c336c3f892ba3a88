// Versions on PostgreSQL (SPEC 4.2): a version is a schema of simple views WITH
// (security_invoker = true) that an application selects with its search_path; BEFORE
// INSERT OR UPDATE triggers on the base tables keep old and new columns in sync.
// Who wrote a row: the session setting bellows.version when set, else the first schema of
// the writer's search_path that is the base schema or the new version. Anything else is the
// old version (pgroll compares the whole search_path string; "app_v2, public" works here).

#include "dialects/postgres/postgres_dialect.h"
#include "engine/checksum.h"
#include "engine/expr_binder.h"
#include "engine/strings.h"

namespace bellows::postgres {

namespace {

ColumnResolver NewRow(const PostgresDialect& d,
                      const std::vector<std::pair<std::string, std::string>>& names) {
  return [&d, &names](std::string_view n) -> std::optional<std::string> {
    for (const auto& [name, phys] : names) {
      if (name == n) return "NEW." + d.QuoteIdentifier(phys);
    }
    return std::nullopt;
  };
}

// PL/pgSQL that sets `writer` to the version that wrote the row: the session setting
// bellows.version, else the first schema of the effective search path that is the base
// schema or `new_version` (docs/postgres.md).
std::string WriterDetection(const PostgresDialect& d, const std::string& schema,
                            const std::string& new_version) {
  return "  IF writer IS NULL OR writer = '' THEN\n"
         "    SELECT s INTO writer FROM unnest(current_schemas(false)) WITH ORDINALITY AS x(s, n)\n"
         "      WHERE s IN (" +
         d.QuoteString(schema) + ", " + d.QuoteString(new_version) +
         ") ORDER BY n LIMIT 1;\n"
         "  END IF;\n";
}

// The trigger (and its function) that fills, on the new version's writes, the physical
// columns its view does not show (TableView::fill): one per table, named after it.
std::string FillTriggerName(const std::string& table) {
  std::string name = "_bellows_fill_" + table;
  if (name.size() > 50) name = name.substr(0, 50);
  return name + "_" + Sha256Hex(table).substr(0, 8);
}

}  // namespace

Result<RenderedStep> PostgresDialect::RenderSync(const ShadowSync& sync) const {
  const LexOptions lex = SqlSplitOptions().lex;
  BELLOWS_ASSIGN_OR_RETURN(std::string up, BindColumns(sync.up.empty() ? "NULL" : sync.up, lex,
                                                       NewRow(*this, sync.old_names)));
  std::string down;
  if (!sync.column.empty() && !sync.down.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(down, BindColumns(sync.down, lex, NewRow(*this, sync.new_names)));
  }
  const std::string fn = QuoteIdentifier(schema_) + "." + QuoteIdentifier(sync.trigger_name);
  std::string body = "CREATE OR REPLACE FUNCTION " + fn +
                     "() RETURNS trigger LANGUAGE plpgsql AS $bellows$\n"
                     "DECLARE\n"
                     "  writer text := current_setting('bellows.version', true);\n"
                     "BEGIN\n"
                     "  IF writer = '_backfill' THEN\n"
                     "    RETURN NEW;  -- the backfill's UPDATE sets the shadow from `up` itself\n"
                     "  END IF;\n" +
                     WriterDetection(*this, schema_, sync.new_version) +
                     "  IF writer = " + QuoteString(sync.new_version) + " THEN\n";
  if (!down.empty()) {
    body += "    NEW." + QuoteIdentifier(sync.column) + " := (" + down + ");\n";
  } else {
    body += "    NULL;  -- the new version writes the new column itself\n";
  }
  body += "  ELSE\n    NEW." + QuoteIdentifier(sync.shadow) + " := (" + up + ");\n";
  if (sync.not_null) {
    body += "    IF NEW." + QuoteIdentifier(sync.shadow) +
            " IS NULL THEN\n"
            "      RAISE EXCEPTION USING ERRCODE = 'not_null_violation', MESSAGE = " +
            QuoteString("bellows: the new version of " + sync.table +
                        " needs a value here; the row written by "
                        "the old version computes NULL") +
            ";\n    END IF;\n";
  }
  body += "  END IF;\n  RETURN NEW;\nEND\n$bellows$";
  RenderedStep r;
  r.lock = "SHARE ROW EXCLUSIVE (brief)";
  r.cost = "catalog";
  r.sql = {
      body,
      "DROP TRIGGER IF EXISTS " + QuoteIdentifier(sync.trigger_name) + " ON " + Table(sync.table),
      "CREATE TRIGGER " + QuoteIdentifier(sync.trigger_name) + " BEFORE INSERT OR UPDATE ON " +
          Table(sync.table) + " FOR EACH ROW EXECUTE FUNCTION " + fn + "()"};
  return r;
}

Result<RenderedStep> PostgresDialect::RenderCreateVersion(const VersionSpec& version) const {
  RenderedStep r;
  r.lock = "ACCESS EXCLUSIVE on the version's views (new objects)";
  r.cost = "catalog";
  const std::string v = QuoteIdentifier(version.name);
  r.sql.push_back("CREATE SCHEMA IF NOT EXISTS " + v);
  std::vector<std::string> tables;
  // The views' statements go to the server together, one round trip per version rather than
  // two or three per table: a version of a thousand tables is made at every start and
  // complete.
  std::vector<std::string> views;
  for (const TableView& t : version.tables) {
    const std::string view = v + "." + QuoteIdentifier(t.name);
    std::vector<std::string> select;
    for (const ViewColumn& c : t.columns) {
      select.push_back(QuoteIdentifier(c.physical) + " AS " + QuoteIdentifier(c.name));
    }
    views.push_back("DROP VIEW IF EXISTS " + view);
    views.push_back("CREATE VIEW " + view + " WITH (security_invoker = true) AS SELECT " +
                    Join(select, ", ") + " FROM " + Table(t.physical));
    for (const ViewColumn& c : t.columns) {
      // A shadow column has no default until complete: the view gives the new version's.
      if (c.def.default_expr && !c.def.identity) {
        views.push_back("ALTER VIEW " + view + " ALTER COLUMN " + QuoteIdentifier(c.name) +
                        " SET DEFAULT " + *c.def.default_expr);
      }
    }
    tables.push_back("(" + QuoteString(t.physical) + ", " + QuoteString(t.name) + ")");
  }
  if (!views.empty()) r.sql.push_back(Join(views, ";\n"));
  for (const TableView& t : version.tables) BELLOWS_TRY(AddFillTrigger(version, t, r));
  if (!tables.empty()) {
    // Whoever may use a base table may use its view (and the version's schema).
    r.sql.push_back(
        "DO $bellows$ DECLARE r record; BEGIN\n"
        "  FOR r IN SELECT g.grantee, g.privilege_type, m.view_name\n"
        "    FROM information_schema.role_table_grants g\n"
        "    JOIN (VALUES " +
        Join(tables, ", ") +
        ") AS m(table_name, view_name) ON m.table_name = g.table_name\n"
        "    WHERE g.table_schema = " +
        QuoteString(schema_) +
        " AND g.grantee <> current_user\n"
        "      AND g.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE') LOOP\n"
        "    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %s', " +
        QuoteString(version.name) +
        ", CASE WHEN r.grantee = 'PUBLIC' THEN 'PUBLIC' ELSE quote_ident(r.grantee) END);\n"
        "    EXECUTE format('GRANT %s ON %I.%I TO %s', r.privilege_type, " +
        QuoteString(version.name) +
        ", r.view_name, CASE WHEN r.grantee = 'PUBLIC' THEN 'PUBLIC' ELSE quote_ident(r.grantee) "
        "END);\n"
        "  END LOOP;\nEND $bellows$");
  }
  return r;
}

Status PostgresDialect::AddFillTrigger(const VersionSpec& version, const TableView& t,
                                       RenderedStep& r) const {
  std::vector<std::string> sets;
  for (const auto& [physical, expr] : t.fill) {
    if (expr.empty()) continue;  // the column default fills it
    BELLOWS_ASSIGN_OR_RETURN(std::string bound,
                             BindColumns(expr, SqlSplitOptions().lex,
                                         [&](std::string_view n) -> std::optional<std::string> {
                                           for (const ViewColumn& c : t.columns) {
                                             if (c.name == n)
                                               return "NEW." + QuoteIdentifier(c.physical);
                                           }
                                           return std::nullopt;
                                         }));
    sets.push_back("    NEW." + QuoteIdentifier(physical) + " := (" + bound + ");\n");
  }
  if (sets.empty()) return Status::Ok();
  const std::string name = FillTriggerName(t.physical);
  const std::string fn = QuoteIdentifier(schema_) + "." + QuoteIdentifier(name);
  std::string body = "CREATE OR REPLACE FUNCTION " + fn +
                     "() RETURNS trigger LANGUAGE plpgsql AS $bellows$\n"
                     "DECLARE\n"
                     "  writer text := current_setting('bellows.version', true);\n"
                     "BEGIN\n" +
                     WriterDetection(*this, schema_, version.name) +
                     "  IF writer = " + QuoteString(version.name) + " THEN\n";
  for (const std::string& s : sets) body += s;
  body += "  END IF;\n  RETURN NEW;\nEND\n$bellows$";
  r.sql.push_back(body);
  r.sql.push_back("DROP TRIGGER IF EXISTS " + QuoteIdentifier(name) + " ON " + Table(t.physical));
  r.sql.push_back("CREATE TRIGGER " + QuoteIdentifier(name) + " BEFORE INSERT OR UPDATE ON " +
                  Table(t.physical) + " FOR EACH ROW EXECUTE FUNCTION " + fn + "()");
  return Status::Ok();
}

std::string PostgresDialect::DropFillTriggers() const {
  // Fills serve the old version only; once it is gone (contract) or the new version is
  // (rollback), every fill trigger of the schema goes.
  return "DO $bellows$ DECLARE r record; BEGIN\n"
         "  FOR r IN SELECT t.tgname, c.relname, t.tgfoid::regprocedure AS fn FROM pg_trigger t\n"
         "    JOIN pg_class c ON c.oid = t.tgrelid\n"
         "    WHERE c.relnamespace = " +
         QuoteString(QuoteIdentifier(schema_)) +
         "::regnamespace AND NOT t.tgisinternal\n"
         "      AND t.tgname LIKE '\\_bellows\\_fill\\_%' LOOP\n"
         "    EXECUTE format('DROP TRIGGER %I ON %I.%I', r.tgname, " +
         QuoteString(schema_) +
         ", r.relname);\n"
         "    EXECUTE format('DROP FUNCTION IF EXISTS %s', r.fn);\n"
         "  END LOOP;\nEND $bellows$";
}

RenderedStep PostgresDialect::RenderDropVersion(const VersionSpec& version) const {
  RenderedStep r;
  r.lock = "ACCESS EXCLUSIVE on the version's views (brief)";
  r.cost = "catalog";
  std::vector<std::string> views;  // one round trip, as in RenderCreateVersion
  for (const TableView& t : version.tables)
    views.push_back("DROP VIEW IF EXISTS " + QuoteIdentifier(version.name) + "." +
                    QuoteIdentifier(t.name));
  if (!views.empty()) r.sql.push_back(Join(views, ";\n"));
  r.sql.push_back("DROP SCHEMA IF EXISTS " + QuoteIdentifier(version.name));
  // After the views: applications lock a view, then its table; so does this step.
  r.sql.push_back(DropFillTriggers());
  return r;
}

}  // namespace bellows::postgres
