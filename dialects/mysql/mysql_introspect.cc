// The live MariaDB schema from information_schema, one query per kind of object, restricted to
// the target database. Types are COLUMN_TYPE as the server prints it; defaults as MariaDB 10.2+
// keeps them (string literals quoted, expressions as written). bellows' own objects (state
// tables, _bellows_ triggers) are left out; shadow columns are physical and kept. A JSON column
// is LONGTEXT with a json_valid CHECK here: it reads back as type json, without that check.

#include <map>
#include <set>

#include "dialects/mysql/mysql_connection.h"
#include "engine/strings.h"

namespace bellows::mysql {

namespace {

std::string Action(const std::optional<std::string>& rule) {
  std::string r = rule.value_or("");
  return r == "RESTRICT" || r == "NO ACTION" ? "" : r;  // InnoDB treats both alike
}

}  // namespace

Result<Schema> MysqlConnection::Introspect() {
  const std::string prefix = dialect_.QuoteString(EscapeLike(options_.state_prefix) + "%");
  BELLOWS_ASSIGN_OR_RETURN(
      Rows tables,
      Query("SELECT TABLE_NAME, TABLE_COMMENT, TABLE_COLLATION FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT "
            "LIKE " +
            prefix + " ORDER BY CREATE_TIME, TABLE_NAME"));
  BELLOWS_ASSIGN_OR_RETURN(
      Rows columns,
      Query("SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, "
            "COLLATION_NAME, COLUMN_COMMENT, GENERATION_EXPRESSION FROM "
            "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, "
            "ORDINAL_POSITION"));
  BELLOWS_ASSIGN_OR_RETURN(
      Rows indexes,
      Query("SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, COLLATION, SUB_PART, "
            "INDEX_TYPE FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
            "ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"));
  BELLOWS_ASSIGN_OR_RETURN(
      Rows checks,
      Query("SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL FROM "
            "information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY "
            "TABLE_NAME, CONSTRAINT_NAME"));
  // The join costs several times what its two tables do alone (and, without the schema on
  // both, reads every database's tables): it runs only when there is a foreign key.
  BELLOWS_ASSIGN_OR_RETURN(Rows any_fk,
                           Query("SELECT 1 FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE "
                                 "CONSTRAINT_SCHEMA = DATABASE() LIMIT 1"));
  Rows fks;
  if (!any_fk.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(
        fks,
        Query("SELECT r.TABLE_NAME, r.CONSTRAINT_NAME, r.REFERENCED_TABLE_NAME, r.DELETE_RULE, "
              "r.UPDATE_RULE, k.COLUMN_NAME, k.REFERENCED_COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA "
              "FROM information_schema.REFERENTIAL_CONSTRAINTS r JOIN "
              "information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA "
              "AND k.TABLE_NAME = r.TABLE_NAME AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME WHERE "
              "r.CONSTRAINT_SCHEMA = DATABASE() AND k.TABLE_SCHEMA = DATABASE() ORDER BY "
              "r.TABLE_NAME, r.CONSTRAINT_NAME, k.ORDINAL_POSITION"));
  }
  BELLOWS_ASSIGN_OR_RETURN(
      Rows views, Query("SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS WHERE "
                        "TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME"));
  // The application's triggers and bellows' (_bellows_...) in one read: the server reads
  // every table's trigger file for it.
  BELLOWS_ASSIGN_OR_RETURN(
      Rows triggers,
      Query("SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, CONCAT(ACTION_TIMING, ' ', "
            "EVENT_MANIPULATION, ' ', ACTION_STATEMENT) FROM information_schema.TRIGGERS WHERE "
            "TRIGGER_SCHEMA = DATABASE() ORDER BY EVENT_OBJECT_TABLE, TRIGGER_NAME"));

  Schema schema;
  std::map<std::string, size_t> index_of;
  std::map<std::string, std::string> table_collation;
  for (const Row& r : tables.rows) {
    Table t;
    t.name = *r[0];
    t.comment = r[1].value_or("");
    table_collation[t.name] = r[2].value_or("");
    index_of[t.name] = schema.tables.size();
    schema.tables.push_back(std::move(t));
  }
  auto table = [&](const std::optional<std::string>& name) -> Table* {
    auto it = index_of.find(name.value_or(""));
    return it == index_of.end() ? nullptr : &schema.tables[it->second];
  };

  // json_valid checks MariaDB adds to JSON columns: (table, column).
  std::set<std::pair<std::string, std::string>> json_columns;
  for (const Row& r : checks.rows) {
    std::string clause = r[2].value_or("");
    std::string column = r[1].value_or("");
    if (r[3] == "Column" && clause == "json_valid(" + dialect_.QuoteIdentifier(column) + ")")
      json_columns.insert({r[0].value_or(""), column});
  }

  for (const Row& r : columns.rows) {
    Table* t = table(r[0]);
    if (t == nullptr) continue;
    Column c;
    c.name = *r[1];
    c.type = r[2].value_or("");
    if (json_columns.count({t->name, c.name})) c.type = "json";
    c.nullable = r[3] == "YES";
    std::string extra = Lower(r[5].value_or(""));
    if (extra.find("generated") != std::string::npos) {
      c.generated = r[8];
      c.generated_stored = extra.find("stored") != std::string::npos;
    } else if (r[4] && *r[4] != "NULL") {
      c.default_expr = r[4];
    }
    if (extra.find("auto_increment") != std::string::npos) {
      c.identity = true;
      c.identity_detail = "AUTO_INCREMENT";
    }
    if (extra.find("on update") != std::string::npos)
      t->unmodelled.push_back("column " + c.name + " has " + r[5].value_or(""));
    std::string collation = r[6].value_or("");
    if (!collation.empty() && collation != table_collation[t->name] && c.type != "json")
      c.collation = collation;
    c.comment = r[7].value_or("");
    t->columns.push_back(std::move(c));
  }

  std::set<std::pair<std::string, std::string>> fk_names;
  for (const Row& r : fks.rows) {
    Table* t = table(r[0]);
    if (t == nullptr) continue;
    const std::string name = *r[1];
    fk_names.insert({t->name, name});
    if (t->constraints.empty() || t->constraints.back().name != name ||
        t->constraints.back().kind != ConstraintKind::kForeignKey) {
      Constraint c;
      c.name = name;
      c.kind = ConstraintKind::kForeignKey;
      c.ref_table = r[2].value_or("");
      c.on_delete = Action(r[3]);
      c.on_update = Action(r[4]);
      if (r[7] && *r[7] != dialect_.database())
        t->unmodelled.push_back("foreign key " + name + " references " + *r[7] + "." + c.ref_table);
      t->constraints.push_back(std::move(c));
    }
    t->constraints.back().columns.push_back(r[5].value_or(""));
    t->constraints.back().ref_columns.push_back(r[6].value_or(""));
  }

  for (const Row& r : checks.rows) {
    Table* t = table(r[0]);
    if (t == nullptr || json_columns.count({t->name, r[1].value_or("")})) continue;
    Constraint c;
    c.name = *r[1];
    c.kind = ConstraintKind::kCheck;
    c.check = r[2].value_or("");
    t->constraints.push_back(std::move(c));
  }

  for (const Row& r : indexes.rows) {
    Table* t = table(r[0]);
    if (t == nullptr) continue;
    const std::string name = *r[1];
    const std::string column = r[3].value_or("");
    if (name == "PRIMARY") {
      t->primary_key.push_back(column);
      continue;
    }
    // InnoDB names the index it creates for a foreign key after the key.
    if (fk_names.count({t->name, name})) continue;
    if (t->indexes.empty() || t->indexes.back().name != name) {
      Index index;
      index.name = name;
      index.unique = r[2] == "0";
      std::string type = r[6].value_or("BTREE");
      if (type != "BTREE") index.method = Lower(type);
      t->indexes.push_back(std::move(index));
    }
    IndexKey key;
    key.column = column;
    key.descending = r[4] == "D";
    if (r[5]) t->unmodelled.push_back("index " + name + " has a prefix length on " + column);
    t->indexes.back().keys.push_back(std::move(key));
  }

  // MariaDB qualifies every name in a view with the database: left out, so two databases with
  // the same views (staging, production) read the same.
  const std::string own = dialect_.QuoteIdentifier(dialect_.database()) + ".";
  for (const Row& r : views.rows)
    schema.views.push_back({*r[0], ReplaceAll(r[1].value_or(""), own, "")});
  std::vector<std::string> own_triggers;
  for (const Row& r : triggers.rows) {
    // as the server's LIKE '\_bellows\_%' matched it: without regard to case
    if (StartsWithIgnoreCase(*r[0], "_bellows_")) {
      own_triggers.push_back("trigger " + *r[0] + " on " + r[1].value_or(""));
    } else {
      schema.triggers.push_back({*r[0], *r[1], r[2].value_or("")});
    }
  }
  BELLOWS_ASSIGN_OR_RETURN(schema.bellows_objects, BellowsObjects(std::move(own_triggers)));
  return schema;
}

// bellows' own objects (drift compares them with the recorded set): `triggers` (its triggers in
// the database, as Introspect read them), and the version databases with their views.
Result<std::vector<std::string>> MysqlConnection::BellowsObjects(
    std::vector<std::string> triggers) {
  const std::string prefix =
      options_.version_prefix.empty() ? dialect_.database() : options_.version_prefix;
  const std::string like = dialect_.QuoteString(EscapeLike(prefix) + "\\_%");
  BELLOWS_ASSIGN_OR_RETURN(
      Rows rows,
      Query("SELECT 'database', SCHEMA_NAME, NULL FROM information_schema.SCHEMATA "
            "WHERE SCHEMA_NAME LIKE " +
            like +
            " UNION ALL SELECT 'view', TABLE_NAME, TABLE_SCHEMA FROM information_schema.TABLES "
            "WHERE TABLE_TYPE = 'VIEW' AND TABLE_SCHEMA LIKE " +
            like));
  std::vector<std::string> out = std::move(triggers);
  for (const Row& r : rows.rows) {
    const std::string kind = r[0].value_or(""), name = r[1].value_or("");
    const std::string other = r[2].value_or("");
    if (kind == "database") {
      if (IsVersionName(name, prefix)) out.push_back("database " + name);
    } else if (IsVersionName(other, prefix)) {
      out.push_back("view " + other + "." + name);
    }
  }
  return out;
}

}  // namespace bellows::mysql
