#pragma once
// Small string helpers used across the engine. Pure functions, no I/O.

#include <string>
#include <string_view>
#include <vector>

namespace bellows {

std::string Lower(std::string_view s);
std::string Upper(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWith(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
std::string_view Trim(std::string_view s);
std::vector<std::string> Split(std::string_view s, char sep);
std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string ReplaceAll(std::string s, std::string_view from, std::string_view to);
// `s` as a LIKE pattern matching itself: backslash, _ and % escaped with a backslash (the
// default LIKE escape of PostgreSQL and MySQL; SQLite needs ESCAPE '\').
std::string EscapeLike(std::string_view s);
// Collapses runs of whitespace to one space and trims.
std::string NormalizeSpace(std::string_view s);
// 1-based line and column of byte `offset` in `text`.
void LineColumn(std::string_view text, size_t offset, int* line, int* column);
// LineColumn for many offsets into one text: each is counted on from the one before (from the
// start again only when an offset goes back), so a file's statements cost one pass.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}
  void At(size_t offset, int* line, int* column);

 private:
  std::string_view text_;
  size_t offset_ = 0;
  int line_ = 1;
  int column_ = 1;
};
// Number of lines in `text` before byte `offset` (0-based line index).
int LineOf(std::string_view text, size_t offset);
// Plural helper: Count(3, "row") = "3 rows".
std::string Count(long long n, std::string_view noun);

}  // namespace bellows
