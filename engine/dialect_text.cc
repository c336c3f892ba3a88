#include "engine/dialect_text.h"

namespace bellows {

bool IsDialectName(std::string_view name) {
  for (std::string_view d : kDialectNames) {
    if (d == name) return true;
  }
  return false;
}

DialectText DialectText::PerDialect(std::map<std::string, std::string> texts) {
  DialectText t;
  t.per_ = std::move(texts);
  return t;
}

std::optional<std::string> DialectText::For(std::string_view dialect) const {
  if (all_) return all_;
  auto it = per_.find(std::string(dialect));
  if (it == per_.end()) return std::nullopt;
  return it->second;
}

}  // namespace bellows
