#pragma once
// Which column types hold which values, for the lint rules on type changes (up-not-total,
// down-not-total, raw-type-change). Works on dialect type text ("character varying(20)",
// "BIGINT", "decimal(10,2)"); nullopt where bellows cannot tell.

#include <optional>
#include <string_view>

namespace bellows {

struct TypeInfo {
  enum class Family { kInteger, kDecimal, kFloat, kText, kOther };
  Family family = Family::kOther;
  int bytes = 0;          // integers and floats: storage size
  long long length = -1;  // text: maximum characters; -1 = unbounded
  bool fixed = false;     // char(n)
  int precision = -1;     // decimal: -1 = unbounded
  int scale = 0;
};

TypeInfo ClassifyType(std::string_view type, std::string_view dialect);

// Whether every value of type `from` fits type `to` (nullopt: unknown).
std::optional<bool> Fits(std::string_view from, std::string_view to, std::string_view dialect);

// PostgreSQL changes that need no rewrite: varchar(n) to varchar(m >= n) or text, numeric
// precision raised with the same scale.
bool PostgresBinaryWidening(std::string_view from, std::string_view to);

}  // namespace bellows
