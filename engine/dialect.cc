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

std::vector<StepCheck> ViolationChecks(const Dialect& d, const std::string& table,
                                       const std::string& t, const std::string& ref_sql,
                                       const Constraint& c) {
  if (c.kind == ConstraintKind::kCheck) {
    return {{"SELECT 1 FROM " + t + " WHERE NOT (" + c.check + ") LIMIT 1",
             "rows of " + table + " violate " + c.name}};
  }
  if (c.kind != ConstraintKind::kForeignKey || c.columns.size() != c.ref_columns.size()) return {};
  std::vector<std::string> present, match;
  for (size_t i = 0; i < c.columns.size(); ++i) {
    present.push_back(t + "." + d.QuoteIdentifier(c.columns[i]) + " IS NOT NULL");
    match.push_back("_bellows_r." + d.QuoteIdentifier(c.ref_columns[i]) + " = " + t + "." +
                    d.QuoteIdentifier(c.columns[i]));
  }
  return {{"SELECT 1 FROM " + t + " WHERE " + Join(present, " AND ") +
               " AND NOT EXISTS (SELECT 1 FROM " + ref_sql + " AS _bellows_r WHERE " +
               Join(match, " AND ") + ") LIMIT 1",
           "rows of " + table + " violate foreign key " + c.name}};
}

bool IsVersionName(std::string_view name, std::string_view prefix) {
  return name.size() > prefix.size() + 1 && name.substr(0, prefix.size()) == prefix &&
         name[prefix.size()] == '_' && name[prefix.size() + 1] >= '0' &&
         name[prefix.size() + 1] <= '9';
}

}  // namespace bellows
