#include "engine/ddl_parser.h"

#include <set>

#include "engine/strings.h"

namespace bellows {

TokenCursor::TokenCursor(std::string_view sql, const LexOptions& lex)
    : sql_(sql), tokens_(Significant(Tokenize(sql, lex))) {
  end_.kind = TokenKind::kEnd;
  end_.offset = sql.size();
}

const Token& TokenCursor::Peek(size_t ahead) const {
  return pos_ + ahead < tokens_.size() ? tokens_[pos_ + ahead] : end_;
}

Token TokenCursor::Take() {
  Token t = Peek();
  if (pos_ < tokens_.size()) ++pos_;
  return t;
}

bool TokenCursor::TakeWord(std::string_view word) {
  if (!Peek().IsWord(word)) return false;
  ++pos_;
  return true;
}

bool TokenCursor::TakeWords(std::initializer_list<std::string_view> words) {
  size_t i = 0;
  for (std::string_view w : words) {
    if (!Peek(i).IsWord(w)) return false;
    ++i;
  }
  pos_ += i;
  return true;
}

bool TokenCursor::TakePunct(char c) {
  if (!Peek().IsPunct(c)) return false;
  ++pos_;
  return true;
}

std::string TokenCursor::TakeIdentifier() {
  const Token& t = Peek();
  if (t.kind != TokenKind::kWord && t.kind != TokenKind::kQuotedIdent) return "";
  ++pos_;
  return IdentifierText(t);
}

Result<std::string> TokenCursor::TakeParenthesized() {
  if (!Peek().IsPunct('(')) return Error("expected \"(\"");
  size_t open_end = Peek().offset + 1;
  int depth = 0;
  while (!AtEnd()) {
    Token t = Take();
    if (t.IsPunct('(')) ++depth;
    if (t.IsPunct(')') && --depth == 0) {
      return std::string(Trim(sql_.substr(open_end, t.offset - open_end)));
    }
  }
  return Error("unbalanced parentheses");
}

std::string TokenCursor::TextSince(size_t from) const {
  if (from >= tokens_.size() || from >= pos_) return "";
  size_t begin = tokens_[from].offset;
  const Token& last = tokens_[pos_ - 1];
  return std::string(sql_.substr(begin, last.offset + last.text.size() - begin));
}

Status TokenCursor::Error(std::string message) const {
  const Token& t = Peek();
  std::string near =
      t.kind == TokenKind::kEnd ? "end of statement" : "\"" + std::string(t.text) + "\"";
  int line, column;
  LineColumn(sql_, t.offset, &line, &column);
  return BELLOWS_ERR(kInvalid, message + " near " + near + " (statement line " +
                                   std::to_string(line) + ", column " + std::to_string(column) +
                                   ")");
}

namespace {

bool IsColumnConstraintStart(const Token& t) {
  static const std::set<std::string> kWords = {
      "CONSTRAINT", "PRIMARY",        "NOT",           "NULL",       "UNIQUE",
      "CHECK",      "DEFAULT",        "COLLATE",       "REFERENCES", "GENERATED",
      "AS",         "AUTO_INCREMENT", "AUTOINCREMENT", "COMMENT",    "ON"};
  return t.kind == TokenKind::kWord && kWords.count(Upper(t.text)) > 0;
}

// A table element that starts with one of these unquoted words is a constraint; a column with
// such a name must be quoted. KEY and INDEX are reserved only in MySQL (hash comments tell).
bool IsTableConstraintStart(const Token& t, const LexOptions& lex) {
  static const std::set<std::string> kWords = {"CONSTRAINT", "PRIMARY", "UNIQUE",
                                               "CHECK",      "FOREIGN", "EXCLUDE"};
  static const std::set<std::string> kMysqlWords = {"KEY", "INDEX", "FULLTEXT", "SPATIAL"};
  if (t.kind != TokenKind::kWord) return false;
  std::string w = Upper(t.text);
  return kWords.count(w) > 0 || (lex.hash_comments && kMysqlWords.count(w) > 0);
}

bool AtItemEnd(const TokenCursor& c) {
  return c.AtEnd() || c.Peek().IsPunct(',') || c.Peek().IsPunct(')');
}

Result<std::vector<std::string>> ColumnList(TokenCursor& c, const LexOptions& lex) {
  BELLOWS_ASSIGN_OR_RETURN(std::string inner, c.TakeParenthesized());
  BELLOWS_ASSIGN_OR_RETURN(std::vector<IndexKey> keys, ParseKeyList(inner, lex));
  std::vector<std::string> out;
  for (const IndexKey& k : keys) out.push_back(k.column.empty() ? k.expression : k.column);
  return out;
}

// REFERENCES t [(cols)] [ON DELETE a] [ON UPDATE a] [MATCH x] [[NOT] DEFERRABLE [INITIALLY x]]
Status ParseReferences(TokenCursor& c, const LexOptions& lex, Constraint* fk) {
  fk->kind = ConstraintKind::kForeignKey;
  fk->ref_table = c.TakeIdentifier();
  if (c.TakePunct('.')) fk->ref_table = c.TakeIdentifier();  // schema-qualified: keep the table
  if (fk->ref_table.empty()) return c.Error("expected the referenced table");
  if (c.Peek().IsPunct('(')) {
    BELLOWS_ASSIGN_OR_RETURN(fk->ref_columns, ColumnList(c, lex));
  }
  for (;;) {
    std::string* target = nullptr;
    if (c.TakeWords({"ON", "DELETE"})) {
      target = &fk->on_delete;
    } else if (c.TakeWords({"ON", "UPDATE"})) {
      target = &fk->on_update;
    }
    if (target != nullptr) {
      if (c.TakeWords({"SET", "NULL"}))
        *target = "SET NULL";
      else if (c.TakeWords({"SET", "DEFAULT"}))
        *target = "SET DEFAULT";
      else if (c.TakeWords({"NO", "ACTION"}))
        *target = "";
      else if (c.TakeWord("CASCADE"))
        *target = "CASCADE";
      else if (c.TakeWord("RESTRICT"))
        *target = "RESTRICT";
      else
        return c.Error("expected a foreign key action");
      continue;
    }
    if (c.TakeWord("MATCH")) {
      c.Take();
      continue;
    }
    size_t from = c.index();
    if (c.TakeWords({"NOT", "DEFERRABLE"}) || c.TakeWord("DEFERRABLE")) {
      if (c.TakeWord("INITIALLY")) c.Take();
      fk->deferrable = NormalizeSpace(c.TextSince(from));
      if (Upper(fk->deferrable) == "NOT DEFERRABLE") fk->deferrable.clear();
      continue;
    }
    break;
  }
  return Status::Ok();
}

// DEFAULT's value: "(expr)", a literal, a signed number, or an expression running up to the
// next column constraint (PostgreSQL: now(), 'x'::text).
std::string ParseDefaultValue(TokenCursor& c) {
  size_t from = c.index();
  int depth = 0;
  while (!c.AtEnd()) {
    const Token& t = c.Peek();
    if (depth == 0 && (t.IsPunct(',') || t.IsPunct(')'))) break;
    if (depth == 0 && c.index() > from && IsColumnConstraintStart(t) && !t.IsWord("NULL")) break;
    if (depth == 0 && c.index() > from && t.IsWord("NOT")) break;
    if (t.IsPunct('(')) ++depth;
    if (t.IsPunct(')')) --depth;
    c.Take();
  }
  std::string text = c.TextSince(from);
  // SQLite keeps "(expr)"; the model keeps the expression.
  if (text.size() >= 2 && text.front() == '(' && text.back() == ')') {
    int d = 0;
    bool wraps = true;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '(') ++d;
      if (text[i] == ')' && --d == 0 && i + 1 < text.size()) wraps = false;
    }
    if (wraps) text = std::string(Trim(text.substr(1, text.size() - 2)));
  }
  return text;
}

Status ParseColumn(TokenCursor& c, const LexOptions& lex, Table* table,
                   std::vector<std::string>* unmodelled) {
  Column col;
  col.name = c.TakeIdentifier();
  if (col.name.empty()) return c.Error("expected a column name");
  size_t type_from = c.index();
  int depth = 0;
  while (!c.AtEnd()) {
    const Token& t = c.Peek();
    if (depth == 0 && (t.IsPunct(',') || t.IsPunct(')'))) break;
    if (depth == 0 && IsColumnConstraintStart(t)) break;
    if (t.IsPunct('(')) ++depth;
    if (t.IsPunct(')')) --depth;
    c.Take();
  }
  col.type = NormalizeSpace(c.TextSince(type_from));
  std::string constraint_name;
  while (!AtItemEnd(c)) {
    if (c.TakeWord("CONSTRAINT")) {
      constraint_name = c.TakeIdentifier();
      continue;
    }
    if (c.TakeWords({"PRIMARY", "KEY"})) {
      table->primary_key = {col.name};
      table->primary_key_name = constraint_name;
      col.nullable = false;
      if (c.TakeWord("ASC") || c.TakeWord("DESC")) {
      }
      if (c.TakeWords({"ON", "CONFLICT"})) {
        unmodelled->push_back("ON CONFLICT on " + col.name);
        c.Take();
      }
      if (c.TakeWord("AUTOINCREMENT")) {
        col.identity = true;
        col.identity_detail = "AUTOINCREMENT";
      }
    } else if (c.TakeWords({"NOT", "NULL"})) {
      col.nullable = false;
      if (c.TakeWords({"ON", "CONFLICT"})) {
        unmodelled->push_back("ON CONFLICT on " + col.name);
        c.Take();
      }
    } else if (c.TakeWord("NULL")) {
      col.nullable = true;
    } else if (c.TakeWord("UNIQUE")) {
      c.TakeWord("KEY");
      table->constraints.push_back(
          MakeConstraint(constraint_name, ConstraintKind::kUnique, {col.name}));
    } else if (c.TakeWord("CHECK")) {
      Constraint check = MakeConstraint(constraint_name, ConstraintKind::kCheck);
      BELLOWS_ASSIGN_OR_RETURN(check.check, c.TakeParenthesized());
      table->constraints.push_back(check);
    } else if (c.TakeWord("DEFAULT")) {
      col.default_expr = ParseDefaultValue(c);
    } else if (c.TakeWord("COLLATE")) {
      col.collation = c.TakeIdentifier();
    } else if (c.TakeWord("REFERENCES")) {
      Constraint fk = MakeConstraint(constraint_name, ConstraintKind::kForeignKey, {col.name});
      BELLOWS_TRY(ParseReferences(c, lex, &fk));
      table->constraints.push_back(fk);
    } else if (c.TakeWords({"GENERATED", "ALWAYS", "AS"}) || c.TakeWord("AS")) {
      if (c.TakeWord("IDENTITY")) {
        col.identity = true;
        col.identity_detail = "ALWAYS";
        if (c.Peek().IsPunct('(')) BELLOWS_TRY(c.TakeParenthesized().status());
        continue;
      }
      BELLOWS_ASSIGN_OR_RETURN(std::string expr, c.TakeParenthesized());
      col.generated = expr;
      if (c.TakeWord("STORED")) {
        col.generated_stored = true;
      } else {
        c.TakeWord("VIRTUAL");
      }
    } else if (c.TakeWords({"GENERATED", "BY", "DEFAULT", "AS", "IDENTITY"})) {
      col.identity = true;
      col.identity_detail = "BY DEFAULT";
      if (c.Peek().IsPunct('(')) BELLOWS_TRY(c.TakeParenthesized().status());
    } else if (c.TakeWord("AUTO_INCREMENT") || c.TakeWord("AUTOINCREMENT")) {
      col.identity = true;
    } else if (c.TakeWord("COMMENT")) {
      col.comment = IdentifierText(c.Take());
      if (col.comment.size() >= 2 && col.comment.front() == '\'') {
        col.comment = ReplaceAll(col.comment.substr(1, col.comment.size() - 2), "''", "'");
      }
    } else if (c.TakeWords({"ON", "UPDATE"})) {
      unmodelled->push_back("ON UPDATE on " + col.name);
      ParseDefaultValue(c);
    } else {
      return c.Error("unexpected text in the definition of column " + col.name);
    }
    constraint_name.clear();
  }
  table->columns.push_back(std::move(col));
  return Status::Ok();
}

Status ParseTableConstraint(TokenCursor& c, const LexOptions& lex, Table* table,
                            std::vector<std::string>* unmodelled) {
  std::string name;
  if (c.TakeWord("CONSTRAINT")) name = c.TakeIdentifier();
  if (c.TakeWords({"PRIMARY", "KEY"})) {
    BELLOWS_ASSIGN_OR_RETURN(table->primary_key, ColumnList(c, lex));
    table->primary_key_name = name;
    for (const std::string& k : table->primary_key) {
      if (Column* col = table->FindColumn(k)) col->nullable = false;
    }
  } else if (c.TakeWord("UNIQUE")) {
    if (c.TakeWord("KEY") || c.TakeWord("INDEX")) {
      if (!c.Peek().IsPunct('(')) name = c.TakeIdentifier();
    }
    Constraint u = MakeConstraint(name, ConstraintKind::kUnique);
    BELLOWS_ASSIGN_OR_RETURN(u.columns, ColumnList(c, lex));
    table->constraints.push_back(u);
  } else if (c.TakeWord("CHECK")) {
    Constraint check = MakeConstraint(name, ConstraintKind::kCheck);
    BELLOWS_ASSIGN_OR_RETURN(check.check, c.TakeParenthesized());
    table->constraints.push_back(check);
  } else if (c.TakeWords({"FOREIGN", "KEY"})) {
    Constraint fk = MakeConstraint(name, ConstraintKind::kForeignKey);
    if (!c.Peek().IsPunct('(')) c.TakeIdentifier();  // MySQL: FOREIGN KEY idx_name (...)
    BELLOWS_ASSIGN_OR_RETURN(fk.columns, ColumnList(c, lex));
    if (!c.TakeWord("REFERENCES")) return c.Error("expected REFERENCES");
    BELLOWS_TRY(ParseReferences(c, lex, &fk));
    table->constraints.push_back(fk);
  } else if (c.TakeWord("KEY") || c.TakeWord("INDEX")) {
    Index index;
    if (!c.Peek().IsPunct('(')) index.name = c.TakeIdentifier();
    BELLOWS_ASSIGN_OR_RETURN(std::string inner, c.TakeParenthesized());
    BELLOWS_ASSIGN_OR_RETURN(index.keys, ParseKeyList(inner, lex));
    table->indexes.push_back(index);
  } else {
    unmodelled->push_back("table constraint " + std::string(c.Peek().text));
    while (!AtItemEnd(c)) {
      if (c.Peek().IsPunct('(')) {
        BELLOWS_TRY(c.TakeParenthesized().status());
      } else {
        c.Take();
      }
    }
  }
  while (!AtItemEnd(c)) {
    if (c.TakeWords({"ON", "CONFLICT"})) {
      unmodelled->push_back("ON CONFLICT clause");
      c.Take();
    } else {
      return c.Error("unexpected text after a table constraint");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<IndexKey>> ParseKeyList(std::string_view text, const LexOptions& lex) {
  std::vector<IndexKey> keys;
  TokenCursor c(text, lex);
  while (!c.AtEnd()) {
    IndexKey key;
    size_t from = c.index();
    bool simple =
        (c.Peek().kind == TokenKind::kWord || c.Peek().kind == TokenKind::kQuotedIdent) &&
        (c.Peek(1).kind == TokenKind::kEnd || c.Peek(1).IsPunct(',') || c.Peek(1).IsWord("ASC") ||
         c.Peek(1).IsWord("DESC") || c.Peek(1).IsWord("COLLATE") || c.Peek(1).IsPunct('('));
    if (simple && c.Peek(1).IsPunct('(') && c.Peek().kind == TokenKind::kWord) simple = false;
    if (simple) {
      key.column = c.TakeIdentifier();
      if (c.Peek().IsPunct('('))
        BELLOWS_TRY(c.TakeParenthesized().status());  // MySQL prefix length
    } else {
      int depth = 0;
      while (!c.AtEnd()) {
        const Token& t = c.Peek();
        if (depth == 0 &&
            (t.IsPunct(',') || t.IsWord("ASC") || t.IsWord("DESC") || t.IsWord("COLLATE")))
          break;
        if (t.IsPunct('(')) ++depth;
        if (t.IsPunct(')')) --depth;
        c.Take();
      }
      key.expression = c.TextSince(from);
      if (key.expression.size() >= 2 && key.expression.front() == '(' &&
          key.expression.back() == ')') {
        key.expression = std::string(Trim(key.expression.substr(1, key.expression.size() - 2)));
      }
    }
    if (c.TakeWord("COLLATE")) key.collation = c.TakeIdentifier();
    if (c.TakeWord("DESC")) key.descending = true;
    c.TakeWord("ASC");
    if (!c.AtEnd() && !c.TakePunct(',')) return c.Error("unexpected text in a key list");
    keys.push_back(std::move(key));
  }
  return keys;
}

Result<Table> ParseCreateTable(std::string_view sql, const LexOptions& lex,
                               std::vector<std::string>* unmodelled) {
  std::vector<std::string> ignored;
  if (unmodelled == nullptr) unmodelled = &ignored;
  TokenCursor c(sql, lex);
  if (!c.TakeWord("CREATE")) return c.Error("expected CREATE TABLE");
  while (c.TakeWord("TEMP") || c.TakeWord("TEMPORARY") || c.TakeWord("UNLOGGED") ||
         c.TakeWord("GLOBAL") || c.TakeWord("LOCAL")) {
  }
  if (!c.TakeWord("TABLE")) return c.Error("expected TABLE");
  c.TakeWords({"IF", "NOT", "EXISTS"});
  Table table;
  table.name = c.TakeIdentifier();
  if (c.TakePunct('.')) table.name = c.TakeIdentifier();
  if (table.name.empty()) return c.Error("expected a table name");
  if (!c.TakePunct('(')) return c.Error("expected \"(\" after the table name");
  while (!c.AtEnd() && !c.Peek().IsPunct(')')) {
    if (IsTableConstraintStart(c.Peek(), lex)) {
      BELLOWS_TRY(ParseTableConstraint(c, lex, &table, unmodelled));
    } else {
      BELLOWS_TRY(ParseColumn(c, lex, &table, unmodelled));
    }
    if (!c.TakePunct(',')) break;
  }
  if (!c.TakePunct(')')) return c.Error("expected \")\" closing the table definition");
  size_t options_from = c.index();
  while (!c.AtEnd() && !c.Peek().IsPunct(';')) c.Take();
  table.options = NormalizeSpace(c.TextSince(options_from));
  for (const std::string& k : table.primary_key) {
    if (Column* col = table.FindColumn(k)) col->nullable = false;
  }
  return table;
}

Result<ParsedIndex> ParseCreateIndex(std::string_view sql, const LexOptions& lex) {
  TokenCursor c(sql, lex);
  ParsedIndex out;
  if (!c.TakeWord("CREATE")) return c.Error("expected CREATE INDEX");
  out.index.unique = c.TakeWord("UNIQUE");
  if (!c.TakeWord("INDEX")) return c.Error("expected INDEX");
  c.TakeWord("CONCURRENTLY");
  c.TakeWords({"IF", "NOT", "EXISTS"});
  out.index.name = c.TakeIdentifier();
  if (c.TakePunct('.')) out.index.name = c.TakeIdentifier();
  if (!c.TakeWord("ON")) return c.Error("expected ON");
  c.TakeWord("ONLY");
  out.table = c.TakeIdentifier();
  if (c.TakePunct('.')) out.table = c.TakeIdentifier();
  if (c.TakeWord("USING")) c.Take();
  BELLOWS_ASSIGN_OR_RETURN(std::string inner, c.TakeParenthesized());
  BELLOWS_ASSIGN_OR_RETURN(out.index.keys, ParseKeyList(inner, lex));
  if (c.TakeWord("WHERE")) {
    size_t from = c.index();
    while (!c.AtEnd() && !c.Peek().IsPunct(';')) c.Take();
    out.index.where = std::string(Trim(c.TextSince(from)));
  }
  return out;
}

}  // namespace bellows
