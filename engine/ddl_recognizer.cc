#include "engine/ddl_recognizer.h"

#include <algorithm>
#include <set>

#include "engine/ddl_parser.h"
#include "engine/strings.h"

namespace bellows {

namespace {

DdlEffect MarkOpaque(Schema& schema, const std::string& table) {
  if (Table* t = table.empty() ? nullptr : schema.FindTable(table)) {
    t->opaque = true;
  } else {
    schema.opaque = true;
  }
  return DdlEffect::kOpaque;
}

std::string QualifiedName(TokenCursor& c) {
  std::string name = c.TakeIdentifier();
  while (c.TakePunct('.')) name = c.TakeIdentifier();
  return name;
}

// "ADD [COLUMN] <def>" / "ADD [CONSTRAINT n] <table constraint>" parsed by wrapping the
// definition in a CREATE TABLE.
bool AddToTable(const std::string& definition, const LexOptions& lex, Table& table) {
  std::vector<std::string> unmodelled;
  Result<Table> parsed = ParseCreateTable("CREATE TABLE _x (" + definition + ")", lex, &unmodelled);
  if (!parsed.ok()) return false;
  for (Column& c : parsed->columns) table.columns.push_back(c);
  for (Constraint& c : parsed->constraints) table.constraints.push_back(c);
  for (Index& i : parsed->indexes) table.indexes.push_back(i);
  if (!parsed->primary_key.empty()) {
    table.primary_key = parsed->primary_key;
    table.primary_key_name = parsed->primary_key_name;
  }
  return unmodelled.empty();
}

DdlEffect AlterTable(TokenCursor& c, const LexOptions& lex, Schema& schema) {
  c.TakeWords({"IF", "EXISTS"});
  c.TakeWord("ONLY");
  std::string name = QualifiedName(c);
  Table* t = schema.FindTable(name);
  if (t == nullptr) return MarkOpaque(schema, "");
  if (c.TakeWords({"RENAME", "TO"})) {
    std::string to = QualifiedName(c);
    t->name = to;
    schema.RenameTableReferences(name, to);
    return DdlEffect::kApplied;
  }
  if (c.TakeWord("RENAME")) {
    c.TakeWord("COLUMN");
    std::string from = c.TakeIdentifier();
    if (!c.TakeWord("TO") || !t->FindColumn(from)) return MarkOpaque(schema, name);
    t->RenameColumnEverywhere(from, c.TakeIdentifier());
    return DdlEffect::kApplied;
  }
  if (c.TakeWord("ADD")) {
    bool constraint = c.Peek().IsWord("CONSTRAINT") || c.Peek().IsWord("PRIMARY") ||
                      c.Peek().IsWord("UNIQUE") || c.Peek().IsWord("CHECK") ||
                      c.Peek().IsWord("FOREIGN");
    if (!constraint) c.TakeWord("COLUMN");
    c.TakeWords({"IF", "NOT", "EXISTS"});
    size_t from = c.index();
    while (!c.AtEnd()) c.Take();
    std::string definition = c.TextSince(from);
    if (Upper(definition).find(" NOT VALID") != std::string::npos) {
      definition = definition.substr(0, Upper(definition).rfind(" NOT VALID"));
    }
    return AddToTable(definition, lex, *t) ? DdlEffect::kApplied : MarkOpaque(schema, name);
  }
  if (c.TakeWord("DROP")) {
    if (c.TakeWord("CONSTRAINT")) {
      c.TakeWords({"IF", "EXISTS"});
      std::string constraint = c.TakeIdentifier();
      size_t before = t->constraints.size();
      std::erase_if(t->constraints, [&](const Constraint& con) { return con.name == constraint; });
      return before != t->constraints.size() ? DdlEffect::kApplied : MarkOpaque(schema, name);
    }
    c.TakeWord("COLUMN");
    c.TakeWords({"IF", "EXISTS"});
    std::string column = c.TakeIdentifier();
    if (!t->FindColumn(column) || !c.AtEnd()) return MarkOpaque(schema, name);
    std::erase_if(t->columns, [&](const Column& col) { return col.name == column; });
    std::erase_if(t->indexes, [&](const Index& i) { return i.Covers(column); });
    std::erase_if(t->constraints, [&](const Constraint& con) {
      return std::find(con.columns.begin(), con.columns.end(), column) != con.columns.end();
    });
    return DdlEffect::kApplied;
  }
  return MarkOpaque(schema, name);
}

}  // namespace

DdlEffect ApplyDdl(std::string_view sql, const LexOptions& lex, Schema& schema) {
  TokenCursor c(sql, lex);
  if (c.AtEnd()) return DdlEffect::kNone;
  static const std::set<std::string> kNoSchemaEffect = {
      "INSERT",   "UPDATE",   "DELETE",  "SELECT",   "WITH",    "SET",        "BEGIN",
      "COMMIT",   "ROLLBACK", "START",   "ANALYZE",  "VACUUM",  "GRANT",      "REVOKE",
      "COMMENT",  "SHOW",     "EXPLAIN", "VALUES",   "REPLACE", "SAVEPOINT",  "RELEASE",
      "LOCK",     "UNLOCK",   "REINDEX", "OPTIMIZE", "NOTIFY",  "LISTEN",     "COPY",
      "TRUNCATE", "USE",      "DECLARE", "REFRESH",  "CLUSTER", "CHECKPOINT", "DEALLOCATE"};
  std::string first = Upper(c.Peek().text);
  if (c.Peek().exec_comment) return DdlEffect::kNone;
  if (first == "PRAGMA") {
    // Pragmas that change the schema are rare (writable_schema): follow only the harmless ones.
    return Upper(sql).find("WRITABLE_SCHEMA") == std::string::npos ? DdlEffect::kNone
                                                                   : MarkOpaque(schema, "");
  }
  if (kNoSchemaEffect.count(first) > 0) return DdlEffect::kNone;
  if (c.TakeWord("CREATE")) {
    c.TakeWords({"OR", "REPLACE"});
    size_t kind_at = c.index();
    while (c.TakeWord("TEMP") || c.TakeWord("TEMPORARY") || c.TakeWord("UNLOGGED")) {
    }
    if (c.Peek().IsWord("TABLE")) {
      std::vector<std::string> unmodelled;
      Result<Table> t = ParseCreateTable(sql, lex, &unmodelled);
      if (!t.ok()) return MarkOpaque(schema, "");
      if (Upper(sql).find(" AS SELECT") != std::string::npos) return MarkOpaque(schema, "");
      schema.DropTable(t->name);
      schema.tables.push_back(std::move(t).value());
      return DdlEffect::kApplied;
    }
    (void)kind_at;
    c.TakeWord("UNIQUE");
    if (c.Peek().IsWord("INDEX")) {
      Result<ParsedIndex> i = ParseCreateIndex(sql, lex);
      Table* t = i.ok() ? schema.FindTable(i->table) : nullptr;
      if (t == nullptr) return MarkOpaque(schema, i.ok() ? i->table : "");
      std::erase_if(t->indexes, [&](const Index& x) { return x.name == i->index.name; });
      t->indexes.push_back(i->index);
      return DdlEffect::kApplied;
    }
    if (c.TakeWord("VIEW")) {
      c.TakeWords({"IF", "NOT", "EXISTS"});
      std::string name = QualifiedName(c);
      while (!c.AtEnd() && !c.Peek().IsWord("AS")) c.Take();
      c.TakeWord("AS");
      size_t from = c.index();
      while (!c.AtEnd()) c.Take();
      schema.DropView(name);
      schema.views.push_back({name, c.TextSince(from)});
      return DdlEffect::kApplied;
    }
    if (c.TakeWord("TRIGGER")) {
      c.TakeWords({"IF", "NOT", "EXISTS"});
      std::string name = QualifiedName(c);
      while (!c.AtEnd() && !c.Peek().IsWord("ON")) c.Take();
      c.TakeWord("ON");
      std::string table = QualifiedName(c);
      std::erase_if(schema.triggers, [&](const Trigger& t) { return t.name == name; });
      schema.triggers.push_back({name, table, std::string(Trim(sql))});
      return DdlEffect::kApplied;
    }
    if (c.Peek().IsWord("FUNCTION") || c.Peek().IsWord("PROCEDURE") || c.Peek().IsWord("TYPE") ||
        c.Peek().IsWord("EXTENSION") || c.Peek().IsWord("SCHEMA") || c.Peek().IsWord("ROLE") ||
        c.Peek().IsWord("USER") || c.Peek().IsWord("DATABASE") || c.Peek().IsWord("DOMAIN") ||
        c.Peek().IsWord("SEQUENCE") || c.Peek().IsWord("EVENT") || c.Peek().IsWord("AGGREGATE")) {
      return DdlEffect::kNone;  // not modelled objects; tables are unchanged
    }
    return MarkOpaque(schema, "");
  }
  if (c.TakeWord("DROP")) {
    if (c.TakeWord("TABLE")) {
      c.TakeWords({"IF", "EXISTS"});
      do {
        std::string name = QualifiedName(c);
        schema.DropTable(name);
      } while (c.TakePunct(','));
      return DdlEffect::kApplied;
    }
    if (c.TakeWord("INDEX")) {
      c.TakeWord("CONCURRENTLY");
      c.TakeWords({"IF", "EXISTS"});
      std::string name = QualifiedName(c);
      Table* t = schema.FindIndexTable(name);
      if (t == nullptr) return DdlEffect::kNone;
      std::erase_if(t->indexes, [&](const Index& i) { return i.name == name; });
      return DdlEffect::kApplied;
    }
    if (c.TakeWord("VIEW")) {
      c.TakeWords({"IF", "EXISTS"});
      do {
        schema.DropView(QualifiedName(c));
      } while (c.TakePunct(','));
      return DdlEffect::kApplied;
    }
    if (c.TakeWord("TRIGGER")) {
      c.TakeWords({"IF", "EXISTS"});
      std::string name = QualifiedName(c);
      std::erase_if(schema.triggers, [&](const Trigger& t) { return t.name == name; });
      return DdlEffect::kApplied;
    }
    return DdlEffect::kNone;  // functions, types, sequences ... are not modelled
  }
  if (c.TakeWord("ALTER")) {
    if (c.TakeWord("TABLE")) return AlterTable(c, lex, schema);
    if (c.TakeWord("INDEX")) {
      c.TakeWords({"IF", "EXISTS"});
      std::string name = QualifiedName(c);
      if (c.TakeWords({"RENAME", "TO"})) {
        if (Table* t = schema.FindIndexTable(name)) {
          std::string to = QualifiedName(c);
          for (Index& i : t->indexes) {
            if (i.name == name) i.name = to;
          }
          return DdlEffect::kApplied;
        }
      }
      return DdlEffect::kNone;
    }
    return DdlEffect::kNone;
  }
  return MarkOpaque(schema, "");
}

}  // namespace bellows
