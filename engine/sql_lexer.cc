#include "engine/sql_lexer.h"

#include <cctype>

#include "engine/strings.h"

namespace bellows {

namespace {
bool IsWordStart(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || u >= 0x80;
}
bool IsWordChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}
}  // namespace

bool Token::IsWord(std::string_view word) const {
  return kind == TokenKind::kWord && EqualsIgnoreCase(text, word);
}

Token Lexer::Make(TokenKind kind, size_t start) {
  Token t;
  t.kind = kind;
  t.offset = start;
  t.text = text_.substr(start, pos_ - start);
  return t;
}

Token Lexer::Error(size_t start, std::string what) {
  error_ = std::move(what);
  pos_ = text_.size();
  return Make(TokenKind::kError, start);
}

Token Lexer::LexQuoted(size_t start, char quote, TokenKind kind, bool backslash) {
  ++pos_;  // opening quote
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (backslash && c == '\\') {
      pos_ += 2;
      continue;
    }
    if (c == quote) {
      if (pos_ + 1 < text_.size() && text_[pos_ + 1] == quote) {
        pos_ += 2;  // doubled quote
        continue;
      }
      ++pos_;
      return Make(kind, start);
    }
    ++pos_;
  }
  return Error(start, kind == TokenKind::kString ? "string" : "quoted identifier");
}

Token Lexer::Next() {
  if (pos_ >= text_.size()) return Make(TokenKind::kEnd, pos_);
  size_t start = pos_;
  char c = text_[pos_];
  char n = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';

  if (std::isspace(static_cast<unsigned char>(c))) {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return Make(TokenKind::kSpace, start);
  }
  bool dash_comment = c == '-' && n == '-' &&
                      (!options_.dash_comment_needs_space || pos_ + 2 >= text_.size() ||
                       std::isspace(static_cast<unsigned char>(text_[pos_ + 2])));
  if (dash_comment || (c == '#' && options_.hash_comments)) {
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    return Make(TokenKind::kComment, start);
  }
  if (c == '/' && n == '*') {
    bool exec = pos_ + 2 < text_.size() && text_[pos_ + 2] == '!';
    int depth = 1;
    pos_ += 2;
    while (pos_ < text_.size()) {
      if (text_[pos_] == '*' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
        pos_ += 2;
        if (--depth == 0) {
          Token t = Make(TokenKind::kComment, start);
          t.exec_comment = exec && options_.hash_comments;
          return t;
        }
        continue;
      }
      if (options_.nested_block_comments && text_[pos_] == '/' && pos_ + 1 < text_.size() &&
          text_[pos_ + 1] == '*') {
        ++depth;
        pos_ += 2;
        continue;
      }
      ++pos_;
    }
    return Error(start, "block comment");
  }
  if (c == '\'') return LexQuoted(start, '\'', TokenKind::kString, options_.backslash_escapes);
  if (c == '"') {
    return options_.double_quote_is_string
               ? LexQuoted(start, '"', TokenKind::kString, options_.backslash_escapes)
               : LexQuoted(start, '"', TokenKind::kQuotedIdent, false);
  }
  if (c == '`' && options_.backtick_identifiers) {
    return LexQuoted(start, '`', TokenKind::kQuotedIdent, false);
  }
  if (c == '[' && options_.bracket_identifiers) {
    size_t close = text_.find(']', pos_ + 1);
    if (close == std::string_view::npos) return Error(start, "quoted identifier");
    pos_ = close + 1;
    return Make(TokenKind::kQuotedIdent, start);
  }
  if (c == '$' && options_.dollar_quotes && (n == '$' || IsWordStart(n))) {
    size_t tag_end = pos_ + 1;
    while (tag_end < text_.size() && IsWordChar(text_[tag_end]) && text_[tag_end] != '$') ++tag_end;
    if (tag_end < text_.size() && text_[tag_end] == '$') {
      std::string_view tag = text_.substr(pos_, tag_end - pos_ + 1);
      size_t close = text_.find(tag, tag_end + 1);
      if (close == std::string_view::npos) {
        return Error(start, "dollar quote " + std::string(tag));
      }
      pos_ = close + tag.size();
      return Make(TokenKind::kString, start);
    }
  }
  if (IsWordStart(c)) {
    if ((c == 'E' || c == 'e') && n == '\'' && options_.escape_strings) {
      ++pos_;
      Token t = LexQuoted(pos_, '\'', TokenKind::kString, true);
      if (t.kind == TokenKind::kError) return t;
      return Make(TokenKind::kString, start);
    }
    while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
    return Make(TokenKind::kWord, start);
  }
  if (std::isdigit(static_cast<unsigned char>(c)) ||
      (c == '.' && std::isdigit(static_cast<unsigned char>(n)))) {
    while (pos_ < text_.size()) {
      char d = text_[pos_];
      if (std::isalnum(static_cast<unsigned char>(d)) || d == '.' || d == '_') {
        ++pos_;
      } else if ((d == '+' || d == '-') && (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E')) {
        ++pos_;
      } else {
        break;
      }
    }
    return Make(TokenKind::kNumber, start);
  }
  if ((c == ':' && n == ':') || (c == '|' && n == '|')) {
    pos_ += 2;
    return Make(TokenKind::kPunct, start);
  }
  ++pos_;
  return Make(TokenKind::kPunct, start);
}

std::vector<Token> Tokenize(std::string_view text, const LexOptions& options) {
  Lexer lexer(text, options);
  std::vector<Token> out;
  for (;;) {
    Token t = lexer.Next();
    if (t.kind == TokenKind::kEnd) break;
    out.push_back(t);
    if (t.kind == TokenKind::kError) break;
  }
  return out;
}

std::vector<Token> Significant(const std::vector<Token>& tokens) {
  std::vector<Token> out;
  for (const Token& t : tokens) {
    if (!t.IsTrivia()) out.push_back(t);
  }
  return out;
}

std::string IdentifierText(const Token& token) {
  if (token.kind != TokenKind::kQuotedIdent || token.text.size() < 2)
    return std::string(token.text);
  char open = token.text.front();
  std::string_view inner = token.text.substr(1, token.text.size() - 2);
  if (open == '[') return std::string(inner);
  std::string doubled(2, open);
  return ReplaceAll(std::string(inner), doubled, std::string(1, open));
}

}  // namespace bellows
