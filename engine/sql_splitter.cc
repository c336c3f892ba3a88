#include "engine/sql_splitter.h"

#include "engine/strings.h"

namespace bellows {

namespace {

// Tracks whether the statement being read is a compound one whose body holds semicolons, and
// the BEGIN/END nesting inside it.
class CompoundTracker {
 public:
  void Reset() {
    words_.clear();
    compound_ = false;
    depth_ = 0;
    prev_end_ = false;
  }
  bool InsideBody() const { return compound_ && depth_ > 0; }

  // `next` is the next significant token (kEnd if none).
  void See(const Token& t, const Token& next) {
    if (words_.size() < 16) {
      words_.push_back(t.kind == TokenKind::kWord ? Upper(t.text) : std::string(t.text));
      Classify();
    }
    if (!compound_ || t.kind != TokenKind::kWord) {
      prev_end_ = false;
      return;
    }
    bool was_end = prev_end_;
    prev_end_ = t.IsWord("END");
    if (t.IsWord("END")) {
      if (depth_ > 0) --depth_;
      return;
    }
    if (was_end) return;  // END IF, END LOOP, END CASE ...
    if (t.IsWord("BEGIN") || t.IsWord("CASE")) {
      ++depth_;
    } else if (t.IsWord("IF") || t.IsWord("LOOP") || t.IsWord("WHILE") || t.IsWord("REPEAT")) {
      bool function_call = next.IsPunct('(');
      bool if_exists = next.IsWord("NOT") || next.IsWord("EXISTS");
      if (!function_call && !if_exists) ++depth_;
    }
  }

 private:
  void Classify() {
    if (compound_) return;
    if (words_.size() >= 2 && words_[0] == "BEGIN" && words_[1] == "NOT") {
      compound_ = true;  // MariaDB BEGIN NOT ATOMIC ... END
      depth_ = 1;        // the BEGIN was read before the statement was known to be compound
      return;
    }
    if (words_.empty() || words_[0] != "CREATE") return;
    for (size_t i = 1; i < words_.size(); ++i) {
      const std::string& w = words_[i];
      if (w == "(") return;
      if (w == "PROCEDURE" || w == "FUNCTION" || w == "TRIGGER" || w == "EVENT") {
        compound_ = true;
        return;
      }
    }
  }

  std::vector<std::string> words_;
  bool compound_ = false;
  int depth_ = 0;
  bool prev_end_ = false;
};

}  // namespace

namespace {

// Lexes on demand with a lookahead buffer, so the cursor can be moved (after a DELIMITER line
// or a custom delimiter found inside a word such as "END$$").
class TokenStream {
 public:
  TokenStream(std::string_view text, const LexOptions& options) : lexer_(text, options) {}

  // The next token (kEnd at the end), or kError with lexer().error().
  const Token& Peek(size_t ahead = 0) {
    while (buffer_.size() <= ahead) {
      Token t = lexer_.Next();
      buffer_.push_back(t);
      if (t.kind == TokenKind::kEnd || t.kind == TokenKind::kError) break;
    }
    return buffer_[std::min(ahead, buffer_.size() - 1)];
  }
  Token Take() {
    Token t = Peek();
    if (t.kind != TokenKind::kEnd && t.kind != TokenKind::kError) buffer_.erase(buffer_.begin());
    return t;
  }
  // The next significant token after the current one.
  Token PeekSignificant() {
    for (size_t i = 1;; ++i) {
      const Token& t = Peek(i);
      if (t.kind == TokenKind::kEnd || t.kind == TokenKind::kError || !t.IsTrivia()) return t;
    }
  }
  void Seek(size_t offset) {
    buffer_.clear();
    lexer_.Seek(offset);
  }
  const std::string& error() const { return lexer_.error(); }

 private:
  Lexer lexer_;
  std::vector<Token> buffer_;
};

}  // namespace

Result<std::vector<SqlStatement>> SplitSql(std::string_view text, const SplitOptions& options,
                                           std::string_view file, int first_line) {
  std::vector<SqlStatement> out;
  std::string delimiter = ";";
  CompoundTracker compound;
  size_t stmt_begin = std::string_view::npos;  // offset of the first significant token
  size_t stmt_end = 0;                         // end offset of the last significant token
  LineCounter lines(text);
  auto location = [&](size_t offset) {
    int line, column;
    lines.At(offset, &line, &column);
    return SourceLocation{std::string(file), line + first_line - 1, column};
  };
  auto flush = [&]() {
    if (stmt_begin != std::string_view::npos) {
      SqlStatement s;
      s.text = std::string(Trim(text.substr(stmt_begin, stmt_end - stmt_begin)));
      SourceLocation at = location(stmt_begin);
      s.line = at.line;
      s.column = at.column;
      if (!s.text.empty()) out.push_back(std::move(s));
    }
    stmt_begin = std::string_view::npos;
    compound.Reset();
  };

  TokenStream stream(text, options.lex);
  for (;;) {
    Token t = stream.Peek();
    if (t.kind == TokenKind::kEnd) break;
    if (t.kind == TokenKind::kError) {
      return BELLOWS_ERR(kInvalid, "unterminated " + stream.error())
          .WithLocation(location(t.offset))
          .WithHint("close the " + stream.error() + " that starts here");
    }
    bool quoted = t.kind == TokenKind::kString || t.kind == TokenKind::kQuotedIdent ||
                  t.kind == TokenKind::kComment;
    if (delimiter != ";" && !quoted) {
      size_t at = t.text.find(delimiter);
      if (at != std::string_view::npos) {
        if (at > 0) {  // "END$$": the word before the delimiter belongs to the statement
          if (stmt_begin == std::string_view::npos) stmt_begin = t.offset;
          stmt_end = t.offset + at;
        }
        flush();
        stream.Seek(t.offset + at + delimiter.size());
        continue;
      }
    }
    stream.Take();
    if (t.IsTrivia()) continue;
    if (options.delimiter_command && stmt_begin == std::string_view::npos &&
        t.IsWord("DELIMITER")) {
      size_t eol = text.find('\n', t.offset);
      if (eol == std::string_view::npos) eol = text.size();
      size_t after = t.offset + t.text.size();
      std::string_view rest = Trim(text.substr(after, eol - after));
      if (rest.empty()) {
        return BELLOWS_ERR(kInvalid, "DELIMITER without a delimiter")
            .WithLocation(location(t.offset))
            .WithHint("write the new delimiter after DELIMITER, for example DELIMITER $$");
      }
      delimiter = std::string(rest);
      stream.Seek(eol);
      continue;
    }
    if (delimiter == ";" && t.IsPunct(';') && !compound.InsideBody()) {
      flush();
      continue;
    }
    if (stmt_begin == std::string_view::npos) stmt_begin = t.offset;
    stmt_end = t.offset + t.text.size();
    compound.See(t, stream.Peek().IsTrivia() ? stream.PeekSignificant() : stream.Peek());
  }
  flush();
  return out;
}

}  // namespace bellows
