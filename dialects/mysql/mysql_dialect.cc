#include "dialects/mysql/mysql_dialect.h"

#include <cctype>
#include <map>

#include "engine/strings.h"

namespace bellows::mysql {

MysqlDialect::MysqlDialect(DialectOptions options, std::string database)
    : options_(std::move(options)), database_(std::move(database)) {}

bool MysqlDialect::Supports(Capability capability) const {
  switch (capability) {
    case Capability::kVersionSchemas:
      return true;
    case Capability::kTransactionalDdl:
    case Capability::kNotValidConstraints:
    case Capability::kConcurrentIndex:
    case Capability::kUniqueConstraints:
    case Capability::kSingleWriter:
      return false;
  }
  return false;
}

std::string MysqlDialect::QuoteIdentifier(std::string_view name) const {
  return "`" + ReplaceAll(std::string(name), "`", "``") + "`";
}

// Without NO_BACKSLASH_ESCAPES (bellows leaves it off: users' SQL files expect the default),
// a backslash escapes in string literals.
std::string MysqlDialect::QuoteString(std::string_view value) const {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') {
      out += "''";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\0') {
      out += "\\0";
    } else {
      out += c;
    }
  }
  return out + "'";
}

SplitOptions MysqlDialect::SqlSplitOptions() const {
  SplitOptions o;
  o.lex.hash_comments = true;
  o.lex.dash_comment_needs_space = true;
  o.lex.backtick_identifiers = true;
  o.lex.double_quote_is_string = true;
  o.lex.backslash_escapes = true;
  o.delimiter_command = true;
  return o;
}

std::string CanonicalType(std::string_view type) {
  std::string t = Lower(NormalizeSpace(type));
  std::string args;
  std::string base = t;
  std::string suffix;
  size_t paren = t.find('(');
  if (paren != std::string::npos) {
    size_t close = t.find(')', paren);
    base = std::string(Trim(t.substr(0, paren)));
    args = ReplaceAll(
        t.substr(paren, close == std::string::npos ? std::string::npos : close - paren + 1), " ",
        "");
    if (close != std::string::npos) suffix = std::string(Trim(t.substr(close + 1)));
  } else if (size_t space = t.find(' ');
             space != std::string::npos && (EndsWith(t, " unsigned") || EndsWith(t, " zerofill"))) {
    base = t.substr(0, space);
    suffix = t.substr(space + 1);
  }
  static const std::map<std::string, std::string> kSynonyms = {
      {"integer", "int"},
      {"int", "int"},
      {"int4", "int"},
      {"bigint", "bigint"},
      {"int8", "bigint"},
      {"smallint", "smallint"},
      {"int2", "smallint"},
      {"mediumint", "mediumint"},
      {"tinyint", "tinyint"},
      {"bool", "tinyint(1)"},
      {"boolean", "tinyint(1)"},
      {"dec", "decimal"},
      {"numeric", "decimal"},
      {"decimal", "decimal"},
      {"fixed", "decimal"},
      {"real", "double"},
      {"double precision", "double"},
      {"double", "double"},
      {"float", "float"},
      {"character varying", "varchar"},
      {"varchar", "varchar"},
      {"character", "char"},
      {"char", "char"},
  };
  auto it = kSynonyms.find(base);
  if (it != kSynonyms.end()) base = it->second;
  const bool integer = base == "int" || base == "bigint" || base == "smallint" ||
                       base == "mediumint" || (base == "tinyint" && args != "(1)");
  if (integer) args.clear();  // display widths mean nothing (MySQL 8 drops them)
  if (base == "decimal" && args.empty()) args = "(10,0)";
  if (base == "decimal" && args.find(',') == std::string::npos && !args.empty())
    args = args.substr(0, args.size() - 1) + ",0)";
  std::string out = base == "tinyint(1)" ? base : base + args;
  return suffix.empty() ? out : out + " " + suffix;
}

// Portable types (SPEC 2.1) in MariaDB's words. `text` is unbounded elsewhere: LONGTEXT here.
// timestamp (no zone) is DATETIME(6); timestamptz is TIMESTAMP(6), which stores UTC and
// converts by the session time_zone (and ends in 2038): docs/mysql.md.
std::string MysqlDialect::MapType(std::string_view type, bool) const {
  std::string t = Lower(Trim(type));
  static const std::map<std::string, std::string> kMap = {
      {"integer", "int"},           {"bigint", "bigint"},
      {"smallint", "smallint"},     {"boolean", "tinyint(1)"},
      {"text", "longtext"},         {"real", "float"},
      {"double", "double"},         {"date", "date"},
      {"timestamp", "datetime(6)"}, {"timestamptz", "timestamp(6)"},
      {"uuid", "char(36)"},         {"json", "json"},
      {"bytes", "longblob"},
  };
  auto it = kMap.find(t);
  if (it != kMap.end()) return it->second;
  if (IsPortableType(t)) return CanonicalType(t);  // varchar(n), decimal(p,s)
  return std::string(Trim(type));
}

bool MysqlDialect::SameType(std::string_view a, std::string_view b) const {
  auto norm = [](std::string_view t) {
    std::string c = CanonicalType(t);
    // MariaDB keeps JSON as LONGTEXT with a json_valid CHECK.
    if (c == "json") return std::string("longtext");
    if (c == "float") return std::string("float");
    return c;
  };
  return norm(a) == norm(b);
}

std::string MysqlDialect::Table(std::string_view table) const {
  if (database_.empty()) return QuoteIdentifier(table);
  return QuoteIdentifier(database_) + "." + QuoteIdentifier(table);
}

std::string MysqlDialect::StateTable(std::string_view name) const {
  return QuoteIdentifier(options_.state_prefix + std::string(name));
}

std::string MysqlDialect::StateTextType(bool long_text) const {
  return long_text ? "LONGTEXT" : "VARCHAR(255)";
}

// bellows' own backfill counts as an old-version write (SPEC 4.2); the connection clears the
// variable when the batch's transaction ends.
std::vector<std::string> MysqlDialect::BackfillPrelude() const {
  return {"SET @bellows_version = '_backfill'"};
}

std::string MysqlDialect::ColumnSql(const Column& c) const {
  std::string out = QuoteIdentifier(c.name) + " " + c.type;
  if (!c.collation.empty()) out += " COLLATE " + c.collation;
  if (c.generated) {
    out += " AS (" + *c.generated + ")" + (c.generated_stored ? " STORED" : " VIRTUAL");
    return out + (c.comment.empty() ? "" : " COMMENT " + QuoteString(c.comment));
  }
  out += c.nullable ? " NULL" : " NOT NULL";
  if (c.default_expr && !c.identity) {
    const std::string& d = *c.default_expr;
    // A literal is written as is; anything else is an expression default (MariaDB 10.2+).
    bool literal = !d.empty() &&
                   (d[0] == '\'' || d[0] == '-' || std::isdigit(static_cast<unsigned char>(d[0])) ||
                    EqualsIgnoreCase(d, "NULL") || EqualsIgnoreCase(d, "TRUE") ||
                    EqualsIgnoreCase(d, "FALSE") || StartsWithIgnoreCase(d, "CURRENT_TIMESTAMP"));
    out += " DEFAULT " + (literal ? d : "(" + d + ")");
  }
  if (c.identity) out += " AUTO_INCREMENT";
  if (!c.comment.empty()) out += " COMMENT " + QuoteString(c.comment);
  return out;
}

std::string MysqlDialect::ConstraintSql(const Constraint& c) const {
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
      break;
  }
  return out;
}

Result<std::string> MysqlDialect::IndexKeys(const Index& index) const {
  if (!index.where.empty()) {
    return BELLOWS_ERR(kUnsupported, "index " + index.name +
                                         ": MySQL and MariaDB have no partial indexes (WHERE " +
                                         index.where + ")")
        .WithHint("drop the where clause, or index a generated column");
  }
  std::vector<std::string> keys;
  for (const IndexKey& k : index.keys) {
    if (k.column.empty()) {
      return BELLOWS_ERR(kUnsupported, "index " + index.name +
                                           ": MariaDB has no expression indexes (" + k.expression +
                                           ")")
          .WithHint("index a generated column that holds the expression");
    }
    keys.push_back(QuoteIdentifier(k.column) + (k.descending ? " DESC" : ""));
  }
  return "(" + Join(keys, ", ") + ")";
}

std::string MysqlDialect::CreateTableSql(const bellows::Table& t) const {
  std::vector<std::string> parts;
  for (const Column& c : t.columns) parts.push_back(ColumnSql(c));
  if (!t.primary_key.empty()) {
    std::vector<std::string> q;
    for (const std::string& k : t.primary_key) q.push_back(QuoteIdentifier(k));
    parts.push_back("PRIMARY KEY (" + Join(q, ", ") + ")");
  }
  for (const Constraint& c : t.constraints) parts.push_back(ConstraintSql(c));
  std::string out =
      "CREATE TABLE IF NOT EXISTS " + Table(t.name) + " (\n  " + Join(parts, ",\n  ") + "\n)";
  if (!t.comment.empty()) out += " COMMENT " + QuoteString(t.comment);
  return out;
}

std::string MysqlDialect::LatestSql(const VersionSpec& version) const {
  return "USE " + QuoteIdentifier(version.name) +
         ";\nSET @bellows_version = " + QuoteString(version.name) + ";\n";
}

std::string MysqlDialect::LatestSchema(const VersionSpec& version) const { return version.name; }

std::string MysqlDialect::LatestEnv(const VersionSpec& version) const {
  return "MYSQL_DATABASE=" + version.name + "\nMYSQL_INIT_COMMAND=\"SET @bellows_version = '" +
         version.name + "'\"\n";
}

}  // namespace bellows::mysql

namespace bellows::mysql {

namespace {
constexpr std::string_view kGuardOpen = "/*bellows:when ";
}  // namespace

namespace {

std::string Hex(std::string_view text) {
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : text) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

std::string Unhex(std::string_view hex) {
  std::string text;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    if (!std::isxdigit(static_cast<unsigned char>(hex[i])) ||
        !std::isxdigit(static_cast<unsigned char>(hex[i + 1]))) {
      break;  // not bellows' own marker: what was read so far
    }
    text.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return text;
}

// Text in a marker comment: the characters `keep` accepts as they are, any other as %XX, so
// the text cannot end the comment.
std::string Percent(std::string_view text, bool (*keep)(unsigned char)) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    if (keep(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A name: letters, digits, `_` and `$` as they are (nor can it hold a space, the separator).
std::string PercentName(std::string_view name) {
  return Percent(name, [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '$'; });
}

std::string Unpercent(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Splits `sql` that starts with the marker `open`: the text up to "*/" and the statement after
// it. False when `sql` carries no such marker.
bool SplitMarker(std::string_view sql, std::string_view open, std::string_view* text,
                 std::string* statement) {
  if (!StartsWith(sql, open)) return false;
  size_t end = sql.find("*/", open.size());
  if (end == std::string_view::npos) return false;
  *text = sql.substr(open.size(), end - open.size());
  *statement = std::string(Trim(sql.substr(end + 2)));
  return true;
}

}  // namespace

std::string Guarded(std::string_view guard, std::string_view statement) {
  return std::string(kGuardOpen) + Hex(guard) + "*/ " + std::string(statement);
}

bool SplitGuard(std::string_view sql, std::string* guard, std::string* statement) {
  std::string_view hex;
  if (!SplitMarker(sql, kGuardOpen, &hex, statement)) return false;
  *guard = Unhex(hex);
  return true;
}

std::string CutoverAlter(std::string_view alter, std::string_view table, std::string_view from,
                         std::string_view to) {
  return std::string(kCutover) + PercentName(table) + " " + PercentName(from) + " " +
         PercentName(to) + "*/ " + std::string(alter);
}

std::string RefuseRows(std::string_view query, std::string_view message) {
  return std::string(kRefuseRows) +
         Percent(message, [](unsigned char c) { return c != '%' && c != '*'; }) + "*/ " +
         std::string(query);
}

bool SplitRefuseRows(std::string_view sql, std::string* query, std::string* message) {
  std::string_view text;
  if (!SplitMarker(sql, kRefuseRows, &text, query)) return false;
  *message = Unpercent(text);
  return true;
}

std::optional<Cutover> ParseCutover(std::string_view sql) {
  std::string_view text;
  Cutover c;
  if (!SplitMarker(sql, kCutover, &text, &c.alter)) return std::nullopt;
  std::vector<std::string> names = Split(text, ' ');
  if (names.size() != 3) return std::nullopt;
  c.table = Unpercent(names[0]);
  c.from = Unpercent(names[1]);
  c.to = Unpercent(names[2]);
  return c;
}

}  // namespace bellows::mysql
