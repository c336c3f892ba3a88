// Step -> SQL for PostgreSQL 15. Lock levels from
// https://www.postgresql.org/docs/15/explicit-locking.html; every statement runs under the
// session's lock_timeout and is retried by the executor.

#include <algorithm>

#include "dialects/postgres/postgres_dialect.h"
#include "engine/overloaded.h"
#include "engine/strings.h"

namespace bellows::postgres {

namespace {

constexpr const char* kBriefAel = "ACCESS EXCLUSIVE (catalog change only)";

RenderedStep Catalog(std::vector<std::string> sql, const char* lock = kBriefAel) {
  RenderedStep r;
  r.sql = std::move(sql);
  r.lock = lock;
  r.cost = "catalog";
  return r;
}

// Functions whose value changes per row: a DEFAULT calling one rewrites the table.
bool VolatileDefault(const std::optional<std::string>& d) {
  if (!d) return false;
  std::string t = Lower(*d);
  for (const char* f : {"random(", "clock_timestamp(", "gen_random_uuid(", "uuid_generate",
                        "nextval(", "timeofday("}) {
    if (t.find(f) != std::string::npos) return true;
  }
  return false;
}

// Views bind to a column's number, not its name: a view on the column a swap replaces would
// block its DROP COLUMN. These two statements bracket the swap in its transaction: the first
// records every view depending on `column` (and views on those views) with definition,
// options, owner, grants, comment and column defaults in a transaction-local setting, then
// drops them; the second creates them again, now bound to the new column. Materialized views
// are refused: filling one again is not a catalog change.
std::string SaveDependentViews(const std::string& table_regclass,
                               const std::string& column_literal) {
  return "DO $bellows$\n"
         "DECLARE v record; saved jsonb := '[]'::jsonb;\n"
         "BEGIN\n"
         "  FOR v IN WITH RECURSIVE dep(oid, depth) AS (\n"
         "      SELECT r.ev_class, 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid\n"
         "       WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass\n"
         "         AND d.refobjid = " +
         table_regclass +
         "::regclass AND r.ev_class <> d.refobjid\n"
         "         AND d.refobjsubid = (SELECT attnum FROM pg_attribute WHERE attrelid = " +
         table_regclass + "::regclass AND attname = " + column_literal +
         ")\n"
         "      UNION ALL\n"
         "      SELECT r.ev_class, dep.depth + 1 FROM dep\n"
         "        JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = "
         "dep.oid\n"
         "         AND d.classid = 'pg_rewrite'::regclass\n"
         "        JOIN pg_rewrite r ON r.oid = d.objid WHERE r.ev_class <> dep.oid AND dep.depth < "
         "100)\n"
         "    SELECT n.nspname, c.relname, c.relkind, c.reloptions, pg_get_userbyid(c.relowner) AS "
         "owner,\n"
         "           c.relacl::text AS acl, obj_description(c.oid, 'pg_class') AS comment,\n"
         "           regexp_replace(pg_get_viewdef(c.oid), ';\\s*$', '') AS def,\n"
         "           (SELECT jsonb_agg(jsonb_build_array(a.attname, pg_get_expr(ad.adbin, "
         "ad.adrelid)))\n"
         "              FROM pg_attrdef ad JOIN pg_attribute a ON a.attrelid = ad.adrelid AND "
         "a.attnum = ad.adnum\n"
         "             WHERE ad.adrelid = c.oid) AS defaults\n"
         "      FROM dep JOIN pg_class c ON c.oid = dep.oid JOIN pg_namespace n ON n.oid = "
         "c.relnamespace\n"
         "     GROUP BY c.oid, n.nspname ORDER BY max(dep.depth) DESC\n"
         "  LOOP\n"
         "    IF v.relkind = 'm' THEN\n"
         "      RAISE EXCEPTION 'bellows: materialized view %.% depends on the column being "
         "replaced', v.nspname, v.relname\n"
         "        USING HINT = 'drop it before bellows complete and create it again afterwards';\n"
         "    END IF;\n"
         "    saved := jsonb_build_array(to_jsonb(v)) || saved;\n"
         "    EXECUTE format('DROP VIEW %I.%I', v.nspname, v.relname);\n"
         "  END LOOP;\n"
         "  PERFORM set_config('bellows.saved_views', saved::text, true);\n"
         "END $bellows$";
}

std::string RestoreDependentViews() {
  return "DO $bellows$\n"
         "DECLARE v jsonb; g record; d jsonb;\n"
         "BEGIN\n"
         "  FOR v IN SELECT * FROM "
         "jsonb_array_elements(coalesce(nullif(current_setting('bellows.saved_views', true), ''), "
         "'[]')::jsonb)\n"
         "  LOOP\n"
         "    EXECUTE format('CREATE VIEW %I.%I%s AS %s', v->>'nspname', v->>'relname',\n"
         "      CASE WHEN jsonb_typeof(v->'reloptions') = 'array' THEN ' WITH (' ||\n"
         "        (SELECT string_agg(o, ', ') FROM jsonb_array_elements_text(v->'reloptions') o) "
         "|| ')' ELSE '' END,\n"
         "      v->>'def');\n"
         "    EXECUTE format('ALTER VIEW %I.%I OWNER TO %I', v->>'nspname', v->>'relname', "
         "v->>'owner');\n"
         "    IF v->>'acl' IS NOT NULL THEN\n"
         "      FOR g IN SELECT * FROM aclexplode((v->>'acl')::aclitem[]) LOOP\n"
         "        EXECUTE format('GRANT %s ON %I.%I TO %s%s', g.privilege_type, v->>'nspname', "
         "v->>'relname',\n"
         "          CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE "
         "quote_ident(pg_get_userbyid(g.grantee)) END,\n"
         "          CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);\n"
         "      END LOOP;\n"
         "    END IF;\n"
         "    IF v->>'comment' IS NOT NULL THEN\n"
         "      EXECUTE format('COMMENT ON VIEW %I.%I IS %L', v->>'nspname', v->>'relname', "
         "v->>'comment');\n"
         "    END IF;\n"
         "    FOR d IN SELECT * FROM jsonb_array_elements(CASE jsonb_typeof(v->'defaults')\n"
         "               WHEN 'array' THEN v->'defaults' ELSE '[]'::jsonb END) LOOP\n"
         "      EXECUTE format('ALTER VIEW %I.%I ALTER COLUMN %I SET DEFAULT %s', v->>'nspname', "
         "v->>'relname',\n"
         "        d->>0, d->>1);\n"
         "    END LOOP;\n"
         "  END LOOP;\n"
         "  PERFORM set_config('bellows.saved_views', '', true);\n"
         "END $bellows$";
}

}  // namespace

Result<RenderedStep> PostgresDialect::RenderSwap(const steps::SwapColumn& s,
                                                 const Schema& physical) const {
  const bellows::Table* t = physical.FindTable(s.table);
  if (t == nullptr) return BELLOWS_ERR(kNotFound, "table \"" + s.table + "\" does not exist");
  const std::string T = Table(s.table);
  const std::string C = QuoteIdentifier(s.column);
  RenderedStep r = Catalog({});
  const bool replaces = t->FindColumn(s.column) != nullptr;
  if (replaces) {
    r.sql.push_back(SaveDependentViews(QuoteString(T), QuoteString(s.column)));
    r.sql.push_back("ALTER TABLE " + T + " DROP COLUMN " + C);
  }
  r.sql.push_back("ALTER TABLE " + T + " RENAME COLUMN " + QuoteIdentifier(s.shadow) + " TO " + C);
  if (s.final_def.default_expr) {
    r.sql.push_back("ALTER TABLE " + T + " ALTER COLUMN " + C + " SET DEFAULT " +
                    *s.final_def.default_expr);
  }
  if (!s.final_def.nullable) {
    // The validated CHECK (col IS NOT NULL) lets SET NOT NULL skip the scan (PostgreSQL 12+).
    r.sql.push_back("ALTER TABLE " + T + " ALTER COLUMN " + C + " SET NOT NULL");
  }
  if (!s.not_null_check.empty()) {
    r.sql.push_back("ALTER TABLE " + T + " DROP CONSTRAINT IF EXISTS " +
                    QuoteIdentifier(s.not_null_check));
  }
  for (const auto& [from, to] : s.renames) {
    if (to.empty() || from == to) continue;
    if (t->FindConstraint(from) != nullptr) {
      r.sql.push_back("ALTER TABLE " + T + " RENAME CONSTRAINT " + QuoteIdentifier(from) + " TO " +
                      QuoteIdentifier(to));
    } else {
      r.sql.push_back("ALTER INDEX " + QuoteIdentifier(schema_) + "." + QuoteIdentifier(from) +
                      " RENAME TO " + QuoteIdentifier(to));
    }
  }
  if (!s.final_def.comment.empty()) {
    r.sql.push_back("COMMENT ON COLUMN " + T + "." + C + " IS " + QuoteString(s.final_def.comment));
  }
  if (replaces) r.sql.push_back(RestoreDependentViews());
  return r;
}

Result<RenderedStep> PostgresDialect::Render(const Step& step, const Schema& physical) const {
  return std::visit(
      Overloaded{
          [&](const steps::CreateTable& s) -> Result<RenderedStep> {
            RenderedStep r =
                Catalog({CreateTableSql(s.table)}, "ACCESS EXCLUSIVE on the new table");
            for (const Index& i : s.table.indexes)
              r.sql.push_back(IndexSql(s.table.name, i, false));
            if (!s.table.comment.empty()) {
              r.sql.push_back("COMMENT ON TABLE " + Table(s.table.name) + " IS " +
                              QuoteString(s.table.comment));
            }
            for (const Column& c : s.table.columns) {
              if (c.comment.empty()) continue;
              r.sql.push_back("COMMENT ON COLUMN " + Table(s.table.name) + "." +
                              QuoteIdentifier(c.name) + " IS " + QuoteString(c.comment));
            }
            bool references = std::any_of(
                s.table.constraints.begin(), s.table.constraints.end(),
                [](const Constraint& c) { return c.kind == ConstraintKind::kForeignKey; });
            if (references)
              r.lock =
                  "ACCESS EXCLUSIVE on the new table, SHARE ROW EXCLUSIVE on referenced tables "
                  "(brief)";
            return r;
          },
          [&](const steps::DropTable& s) -> Result<RenderedStep> {
            return Catalog({"DROP TABLE " + Table(s.table)});
          },
          [&](const steps::RenameTable& s) -> Result<RenderedStep> {
            return Catalog(
                {"ALTER TABLE " + Table(s.from) + " RENAME TO " + QuoteIdentifier(s.to)});
          },
          [&](const steps::AddColumn& s) -> Result<RenderedStep> {
            RenderedStep r =
                Catalog({"ALTER TABLE " + Table(s.table) + " ADD COLUMN " + ColumnSql(s.column)});
            if (!s.column.comment.empty()) {
              r.sql.push_back("COMMENT ON COLUMN " + Table(s.table) + "." +
                              QuoteIdentifier(s.column.name) + " IS " +
                              QuoteString(s.column.comment));
            }
            if (s.column.identity || VolatileDefault(s.column.default_expr) ||
                (s.column.generated && s.column.generated_stored)) {
              r.lock = "ACCESS EXCLUSIVE for O(rows): blocks reads and writes";
              r.cost = "rewrite";
              r.blocks_writes = true;
            }
            return r;
          },
          [&](const steps::DropColumn& s) -> Result<RenderedStep> {
            return Catalog(
                {"ALTER TABLE " + Table(s.table) + " DROP COLUMN " + QuoteIdentifier(s.column)});
          },
          [&](const steps::RenameColumn& s) -> Result<RenderedStep> {
            return Catalog({"ALTER TABLE " + Table(s.table) + " RENAME COLUMN " +
                            QuoteIdentifier(s.from) + " TO " + QuoteIdentifier(s.to)});
          },
          [&](const steps::AlterColumn& s) -> Result<RenderedStep> {
            const bellows::Table* t = physical.FindTable(s.table);
            const Column* from = t ? t->FindColumn(s.column) : nullptr;
            if (from == nullptr)
              return BELLOWS_ERR(kNotFound,
                                 "column " + s.table + "." + s.column + " does not exist");
            const std::string C = QuoteIdentifier(s.column);
            std::vector<std::string> actions;
            bool type_change = !SameType(from->type, s.to.type) || !s.using_expr.empty();
            if (type_change) {
              actions.push_back("ALTER COLUMN " + C + " TYPE " + s.to.type +
                                (s.using_expr.empty() ? "" : " USING (" + s.using_expr + ")"));
            }
            if (from->default_expr != s.to.default_expr) {
              actions.push_back(
                  "ALTER COLUMN " + C +
                  (s.to.default_expr ? " SET DEFAULT " + *s.to.default_expr : " DROP DEFAULT"));
            }
            if (from->nullable != s.to.nullable) {
              actions.push_back("ALTER COLUMN " + C +
                                (s.to.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
            }
            RenderedStep r = Catalog({});
            if (!actions.empty())
              r.sql.push_back("ALTER TABLE " + Table(s.table) + " " + Join(actions, ", "));
            if (from->comment != s.to.comment) {
              r.sql.push_back("COMMENT ON COLUMN " + Table(s.table) + "." + C + " IS " +
                              (s.to.comment.empty() ? "NULL" : QuoteString(s.to.comment)));
            }
            if (type_change || (!s.to.nullable && from->nullable)) {
              r.lock = "ACCESS EXCLUSIVE for O(rows): blocks reads and writes";
              r.cost = type_change ? "rewrite" : "scan";
              r.blocks_writes = true;
            }
            return r;
          },
          [&](const steps::SwapColumn& s) -> Result<RenderedStep> {
            return RenderSwap(s, physical);
          },
          [&](const steps::CreateIndex& s) -> Result<RenderedStep> {
            if (!s.online)
              return Catalog({IndexSql(s.table, s.index, false)},
                             "SHARE (blocks writes; the table is new)");
            // CONCURRENTLY runs outside a transaction; an INVALID index a failed attempt left
            // is dropped before the next one (the name is bellows' to use).
            RenderedStep r;
            r.transactional = false;
            r.sql = {"DROP INDEX CONCURRENTLY IF EXISTS " + QuoteIdentifier(schema_) + "." +
                         QuoteIdentifier(s.index.name),
                     IndexSql(s.table, s.index, true)};
            r.restart_on_retry = true;
            r.patient = {0, 1};
            r.probe =
                "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN "
                "pg_namespace n ON "
                "n.oid = c.relnamespace WHERE n.nspname = " +
                QuoteString(schema_) + " AND c.relname = " + QuoteString(s.index.name) +
                " AND i.indisvalid";
            r.lock =
                "SHARE UPDATE EXCLUSIVE (reads and writes go on; waits for older transactions)";
            r.cost = "scan";
            return r;
          },
          [&](const steps::DropIndex& s) -> Result<RenderedStep> {
            std::string name = QuoteIdentifier(schema_) + "." + QuoteIdentifier(s.index.name);
            if (!s.online) return Catalog({"DROP INDEX IF EXISTS " + name});
            RenderedStep r;
            r.transactional = false;
            r.sql = {"DROP INDEX CONCURRENTLY IF EXISTS " + name};
            // Run again after a crash, it drops what is left (an index a killed CONCURRENTLY
            // drop left INVALID too) or finds nothing: found by the crash matrix.
            r.idempotent = true;
            r.patient = {0};
            r.lock = "SHARE UPDATE EXCLUSIVE (reads and writes go on)";
            r.cost = "catalog";
            return r;
          },
          [&](const steps::RenameIndex& s) -> Result<RenderedStep> {
            return Catalog({"ALTER INDEX " + QuoteIdentifier(schema_) + "." +
                            QuoteIdentifier(s.from) + " RENAME TO " + QuoteIdentifier(s.to)});
          },
          [&](const steps::AddConstraint& s) -> Result<RenderedStep> {
            const Constraint& c = s.constraint;
            const std::string T = Table(s.table);
            if (c.kind == ConstraintKind::kUnique && s.online) {
              // CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX (brief).
              Index index;
              index.name = c.name;
              index.unique = true;
              for (const std::string& col : c.columns) index.keys.push_back({col, "", false, ""});
              RenderedStep r;
              r.transactional = false;
              r.sql = {"ALTER TABLE " + T + " DROP CONSTRAINT IF EXISTS " + QuoteIdentifier(c.name),
                       "DROP INDEX CONCURRENTLY IF EXISTS " + QuoteIdentifier(schema_) + "." +
                           QuoteIdentifier(c.name),
                       IndexSql(s.table, index, true),
                       "ALTER TABLE " + T + " ADD CONSTRAINT " + QuoteIdentifier(c.name) +
                           " UNIQUE USING INDEX " + QuoteIdentifier(c.name)};
              r.restart_on_retry = true;
              r.patient = {1, 2};
              r.probe =
                  "SELECT 1 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN "
                  "pg_namespace n ON "
                  "n.oid = c.relnamespace WHERE n.nspname = " +
                  QuoteString(schema_) + " AND c.relname = " + QuoteString(s.table) +
                  " AND k.conname = " + QuoteString(c.name);
              r.lock =
                  "SHARE UPDATE EXCLUSIVE while the index builds, then ACCESS EXCLUSIVE (brief)";
              r.cost = "scan";
              return r;
            }
            RenderedStep r = Catalog({"ALTER TABLE " + T + " ADD " + ConstraintSql(c)});
            if (c.kind == ConstraintKind::kForeignKey) {
              r.lock = "SHARE ROW EXCLUSIVE on both tables (brief)";
            }
            if (c.validated && c.kind != ConstraintKind::kUnique) {
              r.cost = "scan";
              r.blocks_writes = true;
              r.lock = c.kind == ConstraintKind::kForeignKey
                           ? "SHARE ROW EXCLUSIVE on both tables while rows are checked"
                           : "ACCESS EXCLUSIVE while rows are checked";
            }
            return r;
          },
          [&](const steps::ValidateConstraint& s) -> Result<RenderedStep> {
            RenderedStep r = Catalog({"ALTER TABLE " + Table(s.table) + " VALIDATE CONSTRAINT " +
                                      QuoteIdentifier(s.constraint.name)},
                                     "SHARE UPDATE EXCLUSIVE (reads and writes go on)");
            r.cost = "scan";
            r.patient = {0};
            return r;
          },
          [&](const steps::DropConstraint& s) -> Result<RenderedStep> {
            return Catalog({"ALTER TABLE " + Table(s.table) + " DROP CONSTRAINT IF EXISTS " +
                            QuoteIdentifier(s.constraint.name)});
          },
          [&](const steps::SetComment& s) -> Result<RenderedStep> {
            std::string target = s.column.empty()
                                     ? "TABLE " + Table(s.table)
                                     : "COLUMN " + Table(s.table) + "." + QuoteIdentifier(s.column);
            return Catalog({"COMMENT ON " + target + " IS " +
                            (s.comment.empty() ? "NULL" : QuoteString(s.comment))},
                           "SHARE UPDATE EXCLUSIVE (brief)");
          },
          [&](const steps::CreateSync& s) -> Result<RenderedStep> { return RenderSync(s.sync); },
          [&](const steps::DropSync& s) -> Result<RenderedStep> {
            return Catalog({"DROP TRIGGER IF EXISTS " + QuoteIdentifier(s.sync.trigger_name) +
                                " ON " + Table(s.sync.table),
                            "DROP FUNCTION IF EXISTS " + QuoteIdentifier(schema_) + "." +
                                QuoteIdentifier(s.sync.trigger_name) +
                                "()"});  // DROP TRIGGER: ACCESS EXCLUSIVE
          },
          [&](const steps::Backfill&) -> Result<RenderedStep> {
            RenderedStep r;
            r.lock = "ROW EXCLUSIVE, one batch of rows at a time";
            r.cost = "batched";
            return r;
          },
          [&](const steps::CreateVersion& s) -> Result<RenderedStep> {
            return RenderCreateVersion(s.version);
          },
          [&](const steps::DropVersion& s) -> Result<RenderedStep> {
            return RenderDropVersion(s.version);
          },
          [&](const steps::RawSql& s) -> Result<RenderedStep> {
            RenderedStep r;
            r.sql = s.statements;
            r.transactional = s.transactional;
            r.lock = "as written";
            r.cost = "as written";
            return r;
          },
      },
      step);
}

}  // namespace bellows::postgres
