#include "dialects/sqlite/sqlite_dialect.h"

#include <algorithm>
#include <cctype>

#include "engine/strings.h"

namespace bellows::sqlite {

bool SqliteDialect::Supports(Capability capability) const {
  return capability == Capability::kTransactionalDdl || capability == Capability::kSingleWriter;
}

std::string SqliteDialect::QuoteIdentifier(std::string_view name) const {
  return "\"" + ReplaceAll(std::string(name), "\"", "\"\"") + "\"";
}

std::string SqliteDialect::QuoteString(std::string_view value) const {
  return "'" + ReplaceAll(std::string(value), "'", "''") + "'";
}

SplitOptions SqliteDialect::SqlSplitOptions() const {
  SplitOptions o;
  o.lex.backtick_identifiers = true;
  o.lex.bracket_identifiers = true;
  return o;
}

std::string SqliteDialect::MapType(std::string_view type, bool identity) const {
  std::string t = Lower(Trim(type));
  // INTEGER PRIMARY KEY is the rowid alias only when the type is exactly INTEGER.
  if (identity && (t == "integer" || t == "bigint" || t == "smallint")) return "INTEGER";
  static const std::pair<const char*, const char*> kSimple[] = {
      {"integer", "INTEGER"},     {"bigint", "BIGINT"},
      {"smallint", "SMALLINT"},   {"boolean", "BOOLEAN"},
      {"text", "TEXT"},           {"real", "REAL"},
      {"double", "DOUBLE"},       {"date", "DATE"},
      {"timestamp", "TIMESTAMP"}, {"timestamptz", "TIMESTAMPTZ"},
      {"uuid", "TEXT"},           {"json", "TEXT"},
      {"bytes", "BLOB"}};
  for (const auto& [portable, native] : kSimple) {
    if (t == portable) return native;
  }
  if (StartsWith(t, "varchar(")) return "VARCHAR" + std::string(Trim(type)).substr(7);
  if (StartsWith(t, "decimal(")) return "DECIMAL" + std::string(Trim(type)).substr(7);
  return std::string(Trim(type));
}

bool SqliteDialect::SameType(std::string_view a, std::string_view b) const {
  auto norm = [](std::string_view t) {
    std::string out;
    for (char c : NormalizeSpace(t)) {
      if (c != ' ') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
  };
  return norm(a) == norm(b);
}

std::string SqliteDialect::StateTable(std::string_view name) const {
  return QuoteIdentifier(options_.state_prefix + std::string(name));
}

std::string SqliteDialect::StateTextType(bool) const { return "TEXT"; }

namespace {
// SQLite accepts DEFAULT followed by a literal, a signed number or a parenthesised expression.
std::string DefaultSql(const std::string& expr) {
  std::string t(Trim(expr));
  if (t.empty()) return "NULL";
  std::string upper = Upper(t);
  static const char* kKeywords[] = {"NULL",         "TRUE",        "FALSE", "CURRENT_TIMESTAMP",
                                    "CURRENT_DATE", "CURRENT_TIME"};
  for (const char* k : kKeywords) {
    if (upper == k) return t;
  }
  bool quoted =
      t.size() >= 2 && t.front() == '\'' && t.back() == '\'' && t.find('\'', 1) == t.size() - 1;
  bool blob = (t[0] == 'x' || t[0] == 'X') && t.size() >= 3 && t[1] == '\'' && t.back() == '\'';
  bool number =
      !t.empty() &&
      std::all_of(t.begin() + ((t[0] == '-' || t[0] == '+') ? 1 : 0), t.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
  if (quoted || blob || (number && t != "-" && t != "+")) return t;
  if (t.front() == '(' && t.back() == ')') return t;
  return "(" + t + ")";
}
}  // namespace

std::string SqliteDialect::ColumnSql(const Column& c, bool inline_primary_key) const {
  std::string out = QuoteIdentifier(c.name);
  if (!c.type.empty()) out += " " + c.type;
  if (inline_primary_key) {
    out += " PRIMARY KEY";
    if (c.identity_detail == "AUTOINCREMENT") out += " AUTOINCREMENT";
  }
  if (!c.nullable && !inline_primary_key) out += " NOT NULL";
  if (!c.nullable && inline_primary_key && c.type != "INTEGER") out += " NOT NULL";
  if (c.default_expr) out += " DEFAULT " + DefaultSql(*c.default_expr);
  if (!c.collation.empty()) out += " COLLATE " + c.collation;
  if (c.generated) {
    out += " GENERATED ALWAYS AS (" + *c.generated + ")";
    out += c.generated_stored ? " STORED" : " VIRTUAL";
  }
  return out;
}

std::string SqliteDialect::ConstraintSql(const Constraint& c) const {
  std::string out;
  if (!c.name.empty()) out += "CONSTRAINT " + QuoteIdentifier(c.name) + " ";
  auto list = [&](const std::vector<std::string>& cols) {
    std::vector<std::string> q;
    for (const std::string& col : cols) q.push_back(QuoteIdentifier(col));
    return "(" + Join(q, ", ") + ")";
  };
  switch (c.kind) {
    case ConstraintKind::kUnique:
      out += "UNIQUE " + list(c.columns);
      break;
    case ConstraintKind::kCheck:
      out += "CHECK (" + c.check + ")";
      break;
    case ConstraintKind::kForeignKey:
      out += "FOREIGN KEY " + list(c.columns) + " REFERENCES " + QuoteIdentifier(c.ref_table);
      if (!c.ref_columns.empty()) out += " " + list(c.ref_columns);
      if (!c.on_delete.empty()) out += " ON DELETE " + c.on_delete;
      if (!c.on_update.empty()) out += " ON UPDATE " + c.on_update;
      if (!c.deferrable.empty()) out += " " + c.deferrable;
      break;
  }
  return out;
}

std::string SqliteDialect::CreateTableSql(const Table& t) const {
  std::vector<std::string> parts;
  bool inline_pk = t.primary_key.size() == 1 && t.primary_key_name.empty();
  for (const Column& c : t.columns) {
    parts.push_back(ColumnSql(c, inline_pk && c.name == t.primary_key[0]));
  }
  if (!t.primary_key.empty() && !inline_pk) {
    std::vector<std::string> q;
    for (const std::string& k : t.primary_key) q.push_back(QuoteIdentifier(k));
    parts.push_back((t.primary_key_name.empty()
                         ? ""
                         : "CONSTRAINT " + QuoteIdentifier(t.primary_key_name) + " ") +
                    "PRIMARY KEY (" + Join(q, ", ") + ")");
  }
  for (const Constraint& c : t.constraints) parts.push_back(ConstraintSql(c));
  std::string out =
      "CREATE TABLE " + QuoteIdentifier(t.name) + " (\n  " + Join(parts, ",\n  ") + "\n)";
  if (!t.options.empty()) out += " " + t.options;
  return out;
}

std::string SqliteDialect::CreateIndexSql(const std::string& table, const Index& index) const {
  std::vector<std::string> keys;
  for (const IndexKey& k : index.keys) {
    std::string key = k.column.empty() ? "(" + k.expression + ")" : QuoteIdentifier(k.column);
    if (!k.collation.empty()) key += " COLLATE " + k.collation;
    if (k.descending) key += " DESC";
    keys.push_back(key);
  }
  std::string out = std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " +
                    QuoteIdentifier(index.name) + " ON " + QuoteIdentifier(table) + " (" +
                    Join(keys, ", ") + ")";
  if (!index.where.empty()) out += " WHERE " + index.where;
  return out;
}

std::string SqliteDialect::KeyPredicate(const Table& table, std::string_view row) const {
  if (Upper(table.options).find("WITHOUT ROWID") == std::string::npos) {
    return "rowid = " + std::string(row) + ".rowid";
  }
  std::vector<std::string> parts;
  for (const std::string& k : table.primary_key) {
    parts.push_back(QuoteIdentifier(k) + " = " + std::string(row) + "." + QuoteIdentifier(k));
  }
  return Join(parts, " AND ");
}

}  // namespace bellows::sqlite
