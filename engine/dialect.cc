#include "engine/dialect.h"

#include <algorithm>
#include <cctype>

#include "engine/strings.h"

namespace bellows {

bool IsPortableType(std::string_view type) {
  std::string t = Lower(Trim(type));
  static const char* kSimple[] = {"integer", "bigint", "smallint", "boolean",   "text",
                                  "real",    "double", "date",     "timestamp", "timestamptz",
                                  "uuid",    "json",   "bytes"};
  for (const char* s : kSimple) {
    if (t == s) return true;
  }
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
  };
  if (StartsWith(t, "varchar(") && EndsWith(t, ")"))
    return digits(Trim(std::string_view(t).substr(8, t.size() - 9)));
  if (StartsWith(t, "decimal(") && EndsWith(t, ")")) {
    std::vector<std::string> parts = Split(t.substr(8, t.size() - 9), ',');
    return parts.size() <= 2 && digits(Trim(parts[0])) &&
           (parts.size() == 1 || digits(Trim(parts[1])));
  }
  return false;
}

}  // namespace bellows
