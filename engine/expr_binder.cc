#include "engine/expr_binder.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "engine/strings.h"

namespace bellows {

bool IsSqlKeyword(std::string_view word) {
  static const std::set<std::string>* kWords = new std::set<std::string>{"ALL",
                                                                         "AND",
                                                                         "ANY",
                                                                         "ARRAY",
                                                                         "AS",
                                                                         "ASC",
                                                                         "AT",
                                                                         "BETWEEN",
                                                                         "BINARY",
                                                                         "BOTH",
                                                                         "BY",
                                                                         "CASE",
                                                                         "CAST",
                                                                         "COLLATE",
                                                                         "CROSS",
                                                                         "CURRENT_DATE",
                                                                         "CURRENT_TIME",
                                                                         "CURRENT_TIMESTAMP",
                                                                         "CURRENT_USER",
                                                                         "DAY",
                                                                         "DEFAULT",
                                                                         "DESC",
                                                                         "DISTINCT",
                                                                         "DIV",
                                                                         "ELSE",
                                                                         "END",
                                                                         "ESCAPE",
                                                                         "EXCEPT",
                                                                         "EXISTS",
                                                                         "FALSE",
                                                                         "FILTER",
                                                                         "FIRST",
                                                                         "FOLLOWING",
                                                                         "FOR",
                                                                         "FROM",
                                                                         "FULL",
                                                                         "GLOB",
                                                                         "GROUP",
                                                                         "HAVING",
                                                                         "HOUR",
                                                                         "ILIKE",
                                                                         "IN",
                                                                         "INNER",
                                                                         "INTERSECT",
                                                                         "INTERVAL",
                                                                         "INTO",
                                                                         "IS",
                                                                         "ISNULL",
                                                                         "JOIN",
                                                                         "LAST",
                                                                         "LATERAL",
                                                                         "LEADING",
                                                                         "LEFT",
                                                                         "LIKE",
                                                                         "LIMIT",
                                                                         "LOCALTIME",
                                                                         "LOCALTIMESTAMP",
                                                                         "MATCH",
                                                                         "MINUTE",
                                                                         "MOD",
                                                                         "MONTH",
                                                                         "NATURAL",
                                                                         "NOT",
                                                                         "NOTNULL",
                                                                         "NULL",
                                                                         "NULLS",
                                                                         "OF",
                                                                         "OFFSET",
                                                                         "ON",
                                                                         "OR",
                                                                         "ORDER",
                                                                         "OUTER",
                                                                         "OVER",
                                                                         "PARTITION",
                                                                         "PRECEDING",
                                                                         "RANGE",
                                                                         "REGEXP",
                                                                         "RIGHT",
                                                                         "RLIKE",
                                                                         "ROW",
                                                                         "ROWS",
                                                                         "SECOND",
                                                                         "SELECT",
                                                                         "SESSION_USER",
                                                                         "SIMILAR",
                                                                         "SOME",
                                                                         "SYMMETRIC",
                                                                         "THEN",
                                                                         "TIME",
                                                                         "TIMESTAMP",
                                                                         "TO",
                                                                         "TRAILING",
                                                                         "TRUE",
                                                                         "UNBOUNDED",
                                                                         "UNION",
                                                                         "UNKNOWN",
                                                                         "USER",
                                                                         "USING",
                                                                         "VALUES",
                                                                         "WHEN",
                                                                         "WHERE",
                                                                         "WINDOW",
                                                                         "WITH",
                                                                         "WITHOUT",
                                                                         "XOR",
                                                                         "YEAR",
                                                                         "ZONE",
                                                                         "DATE",
                                                                         "EXTRACT",
                                                                         "POSITION",
                                                                         "SUBSTRING",
                                                                         "TRIM",
                                                                         "OVERLAY",
                                                                         "PLACING",
                                                                         "EPOCH",
                                                                         "DOW",
                                                                         "DOY",
                                                                         "WEEK",
                                                                         "QUARTER",
                                                                         "MILLISECONDS",
                                                                         "MICROSECONDS",
                                                                         "UTC_TIMESTAMP",
                                                                         "UTC_DATE",
                                                                         "UTC_TIME",
                                                                         "SEPARATOR",
                                                                         "RAISE",
                                                                         "ABORT",
                                                                         "FAIL",
                                                                         "IGNORE",
                                                                         "ROLLBACK",
                                                                         "NOCASE",
                                                                         "RTRIM",
                                                                         "UNSIGNED",
                                                                         "SIGNED",
                                                                         "CHAR",
                                                                         "CHARACTER",
                                                                         "VARYING",
                                                                         "PRECISION",
                                                                         "DOUBLE",
                                                                         "INTEGER",
                                                                         "INT",
                                                                         "BIGINT",
                                                                         "SMALLINT",
                                                                         "TEXT",
                                                                         "VARCHAR",
                                                                         "NUMERIC",
                                                                         "DECIMAL",
                                                                         "REAL",
                                                                         "FLOAT",
                                                                         "BOOLEAN",
                                                                         "BOOL",
                                                                         "JSON",
                                                                         "JSONB",
                                                                         "UUID",
                                                                         "BYTEA",
                                                                         "BLOB",
                                                                         "TIMESTAMPTZ",
                                                                         "DATETIME",
                                                                         "NCHAR",
                                                                         "CURRENT_SCHEMA",
                                                                         "CURRENT_CATALOG",
                                                                         "CURRENT_ROLE",
                                                                         "NEW",
                                                                         "OLD"};
  return kWords->count(Upper(word)) > 0;
}

bool IsQueryExpression(std::string_view expr) {
  std::string_view t = Trim(expr);
  while (!t.empty() && t.front() == '(') t = Trim(t.substr(1));
  return StartsWithIgnoreCase(t, "SELECT") || StartsWithIgnoreCase(t, "WITH");
}

namespace {

// Visits each token of `expr` that is a candidate column reference.
template <typename Visit>
void ForEachCandidate(const std::vector<Token>& tokens, Visit visit) {
  const Token* prev = nullptr;  // previous significant token
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.IsTrivia()) continue;
    const Token* next = nullptr;
    for (size_t j = i + 1; j < tokens.size(); ++j) {
      if (!tokens[j].IsTrivia()) {
        next = &tokens[j];
        break;
      }
    }
    bool ident = t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdent;
    bool qualified = (prev && prev->IsPunct('.')) || (next && next->IsPunct('.'));
    bool function = next && next->IsPunct('(') && t.kind == TokenKind::kWord;
    bool type_position =
        prev && (prev->text == "::" || prev->IsWord("COLLATE") || prev->IsWord("AS"));
    bool table_position = prev && (prev->IsWord("FROM") || prev->IsWord("JOIN") ||
                                   prev->IsWord("INTO") || prev->IsWord("UPDATE"));
    if (ident && !qualified && !function && !type_position && !table_position) visit(t);
    prev = &t;
  }
}

}  // namespace

Result<std::string> BindColumns(std::string_view expr, const LexOptions& lex,
                                const ColumnResolver& resolve) {
  std::vector<Token> tokens = Tokenize(expr, lex);
  if (!tokens.empty() && tokens.back().kind == TokenKind::kError) {
    return BELLOWS_ERR(kInvalid, "unterminated quote in expression: " + std::string(expr));
  }
  bool query = IsQueryExpression(expr);
  std::vector<std::pair<const Token*, std::string>> replacements;
  std::string unknown;
  ForEachCandidate(tokens, [&](const Token& t) {
    std::string name = IdentifierText(t);
    if (auto replacement = resolve(name)) {
      replacements.emplace_back(&t, *replacement);
    } else if (t.kind == TokenKind::kQuotedIdent || !IsSqlKeyword(name)) {
      if (!query && unknown.empty()) unknown = name;
    }
  });
  if (!unknown.empty()) {
    return BELLOWS_ERR(kInvalid, "unknown column \"" + unknown + "\" in expression `" +
                                     std::string(Trim(expr)) + "`");
  }
  std::string out;
  size_t pos = 0;
  for (const auto& [token, text] : replacements) {
    out.append(expr.substr(pos, token->offset - pos));
    out += text;
    pos = token->offset + token->text.size();
  }
  out.append(expr.substr(pos));
  return out;
}

std::string RenameIdentifier(std::string_view expr, std::string_view from, std::string_view to,
                             const LexOptions& lex) {
  std::vector<Token> tokens = Tokenize(expr, lex);
  bool plain = !to.empty() && (std::isalpha(static_cast<unsigned char>(to[0])) || to[0] == '_') &&
               std::all_of(to.begin(), to.end(), [](char c) {
                 return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
               });
  char quote = lex.double_quote_is_string ? '`' : '"';
  std::string quoted = std::string(1, quote) +
                       ReplaceAll(std::string(to), std::string(1, quote), std::string(2, quote)) +
                       quote;
  std::string out;
  size_t pos = 0;
  ForEachCandidate(tokens, [&](const Token& t) {
    bool match = t.kind == TokenKind::kQuotedIdent ? IdentifierText(t) == from
                                                   : EqualsIgnoreCase(t.text, from);
    if (!match) return;
    out.append(expr.substr(pos, t.offset - pos));
    out += (plain && t.kind == TokenKind::kWord) ? std::string(to) : quoted;
    pos = t.offset + t.text.size();
  });
  out.append(expr.substr(pos));
  return out;
}

std::vector<std::string> ReferencedColumns(std::string_view expr, const LexOptions& lex,
                                           const std::function<bool(std::string_view)>& is_column,
                                           std::string_view qualifier) {
  std::vector<Token> tokens = Tokenize(expr, lex);
  std::vector<std::string> out;
  ForEachCandidate(tokens, [&](const Token& t) {
    std::string name = IdentifierText(t);
    if (is_column(name)) out.push_back(name);
  });
  if (!qualifier.empty()) {
    std::vector<Token> s = Significant(tokens);
    auto ident = [](const Token& t) {
      return t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdent;
    };
    for (size_t i = 0; i + 2 < s.size(); ++i) {
      if (ident(s[i]) && EqualsIgnoreCase(IdentifierText(s[i]), qualifier) &&
          s[i + 1].IsPunct('.') && ident(s[i + 2]) && is_column(IdentifierText(s[i + 2]))) {
        out.push_back(IdentifierText(s[i + 2]));
      }
    }
  }
  return out;
}

}  // namespace bellows
