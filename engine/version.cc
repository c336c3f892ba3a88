#include "engine/version.h"

#include <cctype>

namespace bellows {

std::optional<Version> Version::Parse(std::string_view text) {
  if (text.empty()) return std::nullopt;
  Version v;
  std::string current;
  bool have_digit = false;
  auto flush = [&]() -> bool {
    if (!have_digit) return false;
    size_t nz = current.find_first_not_of('0');
    v.components_.push_back(nz == std::string::npos ? "0" : current.substr(nz));
    current.clear();
    have_digit = false;
    return true;
  };
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      current += c;
      have_digit = true;
    } else if (c == '.' || c == '_') {
      if (!flush()) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  if (!flush()) return std::nullopt;
  // "1.0" equals "1": trailing zero components do not count, in comparisons or in the text.
  while (v.components_.size() > 1 && v.components_.back() == "0") v.components_.pop_back();
  for (size_t i = 0; i < v.components_.size(); ++i) {
    if (i) v.canonical_ += '.';
    v.canonical_ += v.components_[i];
  }
  return v;
}

std::strong_ordering Version::operator<=>(const Version& other) const {
  size_t n = std::max(components_.size(), other.components_.size());
  static const std::string kZero = "0";
  for (size_t i = 0; i < n; ++i) {
    const std::string& a = i < components_.size() ? components_[i] : kZero;
    const std::string& b = i < other.components_.size() ? other.components_[i] : kZero;
    if (a.size() != b.size()) return a.size() <=> b.size();
    if (int c = a.compare(b); c != 0) return c <=> 0;
  }
  return std::strong_ordering::equal;
}

}  // namespace bellows
