#pragma once
// Parses the DDL statements bellows needs to understand into the schema model: CREATE TABLE
// (columns, keys, constraints, options), CREATE INDEX. Shared by SQLite introspection (SQLite
// keeps CHECK constraints only in the CREATE TABLE text) and the offline DDL recogniser.
// Syntax accepted: the common subset of SQLite, PostgreSQL and MySQL/MariaDB.

#include <string>
#include <string_view>
#include <vector>

#include "engine/schema.h"
#include "engine/sql_lexer.h"
#include "engine/status.h"

namespace bellows {

// A cursor over the significant tokens of one statement.
class TokenCursor {
 public:
  TokenCursor(std::string_view sql, const LexOptions& lex);

  const Token& Peek(size_t ahead = 0) const;
  Token Take();
  bool AtEnd() const { return pos_ >= tokens_.size(); }
  bool TakeWord(std::string_view word);  // consumes it when the next token is `word`
  bool TakeWords(std::initializer_list<std::string_view> words);  // all, or none consumed
  bool TakePunct(char c);
  // Reads an identifier (word or quoted); empty when the next token is not one.
  std::string TakeIdentifier();
  // Reads a balanced "( ... )" and returns the text inside; REQUIRES: next token is '('.
  Result<std::string> TakeParenthesized();
  // Raw text from token `from` (an index) up to, not including, the current token.
  std::string TextSince(size_t from) const;
  size_t index() const { return pos_; }
  std::string_view sql() const { return sql_; }
  Status Error(std::string message) const;  // names the offending token

 private:
  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  Token end_;
};

// Reads "a, b DESC, (expr)" inside parentheses as index keys.
Result<std::vector<IndexKey>> ParseKeyList(std::string_view text, const LexOptions& lex);

// Parses "CREATE TABLE ...". Parts bellows does not model are recorded in
// `Table::options` when they are table options, or reported through `unmodelled` (so a
// rebuild can refuse rather than drop them).
Result<Table> ParseCreateTable(std::string_view sql, const LexOptions& lex,
                               std::vector<std::string>* unmodelled = nullptr);

struct ParsedIndex {
  std::string table;
  Index index;
};
Result<ParsedIndex> ParseCreateIndex(std::string_view sql, const LexOptions& lex);

}  // namespace bellows
