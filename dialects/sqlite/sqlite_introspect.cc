// The live SQLite schema: sqlite_schema for tables, indexes, views and triggers, and the
// table-valued pragma_table_xinfo for columns, in two set-based queries. CHECK constraints,
// collations and foreign keys are only in the CREATE TABLE text, which the DDL parser reads.

#include <algorithm>
#include <map>
#include <set>

#include "dialects/sqlite/sqlite_connection.h"
#include "engine/ddl_parser.h"
#include "engine/state.h"
#include "engine/strings.h"

namespace bellows::sqlite {

Result<Schema> SqliteConnection::Introspect() {
  std::set<std::string> state;
  for (const char* t : kStateTableNames) state.insert(options_.state_prefix + t);
  auto internal = [&](const std::string& name) {
    return StartsWith(name, "sqlite_") || state.count(name) > 0;
  };

  BELLOWS_ASSIGN_OR_RETURN(
      Rows objects, Query("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid"));
  BELLOWS_ASSIGN_OR_RETURN(
      Rows columns,
      Query("SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden "
            "FROM sqlite_schema AS m JOIN pragma_table_xinfo(m.name) AS p "
            "WHERE m.type = 'table' ORDER BY m.rowid, p.cid"));
  const LexOptions lex = dialect_.SqlSplitOptions().lex;

  Schema schema;
  std::map<std::string, size_t> table_index;
  std::map<std::string, std::vector<Column>> declared;  // columns as the CREATE TABLE text has them
  for (const Row& r : objects.rows) {
    if (*r[0] != "table" || internal(*r[1]) || !r[3]) continue;
    Table t;
    std::vector<std::string> unmodelled;
    Result<Table> parsed = ParseCreateTable(*r[3], lex, &unmodelled);
    if (parsed.ok()) {
      t = std::move(parsed).value();
      declared[*r[1]] = std::move(t.columns);
      t.columns.clear();  // the pragma's columns are authoritative
    } else {
      unmodelled.push_back("a definition bellows cannot parse (" + parsed.status().message() + ")");
    }
    t.name = *r[1];
    t.unmodelled = unmodelled;
    table_index[t.name] = schema.tables.size();
    schema.tables.push_back(std::move(t));
  }

  std::map<std::string, std::vector<std::pair<int, std::string>>> keys;
  for (const Row& r : columns.rows) {
    auto it = table_index.find(*r[0]);
    if (it == table_index.end()) continue;
    Table& t = schema.tables[it->second];
    Column c;
    c.name = *r[1];
    c.type = r[2].value_or("");
    c.nullable = r[3].value_or("0") == "0";
    if (r[4]) c.default_expr = *r[4];
    int pk = std::stoi(r[5].value_or("0"));
    if (pk > 0) keys[t.name].emplace_back(pk, c.name);
    t.columns.push_back(c);
  }

  // What only the CREATE TABLE text has: collations, generated columns, AUTOINCREMENT.
  for (size_t ti = 0; ti < schema.tables.size(); ++ti) {
    Table& t = schema.tables[ti];
    for (Column& c : t.columns) {
      for (const Column& d : declared[t.name]) {
        if (d.name != c.name) continue;
        c.collation = d.collation;
        c.generated = d.generated;
        c.generated_stored = d.generated_stored;
        c.identity = d.identity;
        c.identity_detail = d.identity_detail;
      }
    }
  }

  for (size_t ti = 0; ti < schema.tables.size(); ++ti) {
    Table& t = schema.tables[ti];
    auto& k = keys[t.name];
    std::sort(k.begin(), k.end());
    t.primary_key.clear();
    for (const auto& [pos, name] : k) t.primary_key.push_back(name);
    bool without_rowid = Upper(t.options).find("WITHOUT ROWID") != std::string::npos;
    if (t.primary_key.size() == 1 && !without_rowid) {
      Column* c = t.FindColumn(t.primary_key[0]);
      if (c != nullptr && Upper(c->type) == "INTEGER") {
        c->identity = true;  // INTEGER PRIMARY KEY is the rowid: auto-numbered, never NULL
        c->nullable = false;
      }
    }
    for (const std::string& name : t.primary_key) {
      if (Column* c = t.FindColumn(name); c != nullptr && without_rowid) c->nullable = false;
    }
  }

  for (const Row& r : objects.rows) {
    const std::string& type = *r[0];
    const std::string& name = *r[1];
    if (internal(name) || internal(*r[2])) continue;
    if (type == "index" && r[3]) {
      Result<ParsedIndex> idx = ParseCreateIndex(*r[3], lex);
      auto it = table_index.find(*r[2]);
      if (idx.ok() && it != table_index.end())
        schema.tables[it->second].indexes.push_back(idx->index);
    } else if (StartsWith(name, "_bellows_") && (type == "view" || type == "trigger")) {
      // bellows' own (drift compares them with the recorded set)
      schema.bellows_objects.push_back(type + " " + name +
                                       (type == "trigger" ? " on " + *r[2] : ""));
    } else if (type == "view" && r[3]) {
      schema.views.push_back({name, *r[3]});
    } else if (type == "trigger" && r[3]) {
      schema.triggers.push_back({name, *r[2], *r[3]});
    }
  }
  return schema;
}

}  // namespace bellows::sqlite
