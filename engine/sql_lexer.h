#pragma once
// A tokenizer for the SQL of all three dialects, parameterised by LexOptions. It knows only
// what is needed to find statement boundaries, bind identifiers in expressions and recognise
// DDL: quotes, quoted identifiers, comments, dollar quotes, numbers, words, punctuation.
// Tokens are views into the input, which must outlive them.

#include <string>
#include <string_view>
#include <vector>

namespace bellows {

struct LexOptions {
  bool dollar_quotes = false;             // PostgreSQL $tag$ ... $tag$
  bool nested_block_comments = false;     // PostgreSQL /* /* */ */
  bool hash_comments = false;             // MySQL # comment
  bool dash_comment_needs_space = false;  // MySQL: "--" starts a comment only before a space
  bool backtick_identifiers = false;      // MySQL, SQLite
  bool bracket_identifiers = false;       // SQLite [name]
  bool double_quote_is_string = false;    // MySQL without ANSI_QUOTES
  bool backslash_escapes = false;         // MySQL strings
  bool escape_strings = false;            // PostgreSQL E'...'
};

enum class TokenKind {
  kSpace,
  kComment,      // -- ..., # ..., /* ... */ (MySQL /*! ... */ has exec_comment set)
  kWord,         // unquoted identifier or keyword
  kQuotedIdent,  // "x", `x`, [x]
  kString,       // '...', E'...', $tag$...$tag$, MySQL "..."
  kNumber,
  kPunct,  // one character, or "::" / "||"
  kEnd,
  kError,  // unterminated quote or comment; `text` runs to the end of input
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;
  size_t offset = 0;
  bool exec_comment = false;  // MySQL executable comment /*! ... */

  bool IsWord(std::string_view word) const;  // case-insensitive keyword test
  bool IsPunct(char c) const {
    return kind == TokenKind::kPunct && text.size() == 1 && text[0] == c;
  }
  bool IsTrivia() const {
    return kind == TokenKind::kSpace || (kind == TokenKind::kComment && !exec_comment);
  }
};

class Lexer {
 public:
  Lexer(std::string_view text, const LexOptions& options) : text_(text), options_(options) {}

  Token Next();
  size_t position() const { return pos_; }
  // Moves the cursor (used by the splitter after a DELIMITER line).
  void Seek(size_t pos) { pos_ = pos; }

  // For kError tokens: what was left open ("string", "quoted identifier", "dollar quote $x$",
  // "block comment").
  const std::string& error() const { return error_; }

 private:
  Token Make(TokenKind kind, size_t start);
  Token Error(size_t start, std::string what);
  Token LexQuoted(size_t start, char quote, TokenKind kind, bool backslash);

  std::string_view text_;
  LexOptions options_;
  size_t pos_ = 0;
  std::string error_;
};

// All tokens of `text`, without the final kEnd; stops after a kError token.
std::vector<Token> Tokenize(std::string_view text, const LexOptions& options);

// Tokens without whitespace and plain comments (executable comments stay).
std::vector<Token> Significant(const std::vector<Token>& tokens);

// The identifier a kWord or kQuotedIdent token names: quotes removed, doubled quotes undone.
std::string IdentifierText(const Token& token);

}  // namespace bellows
