#pragma once
// Text that is one string for every dialect or a per-dialect map (SPEC 2.1): `up`, `down`,
// `default`, SQL sections, raw types.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bellows {

// The dialect names bellows knows, as written in files and URLs' normalised form.
inline constexpr std::string_view kDialectNames[] = {"sqlite", "postgres", "mysql"};
bool IsDialectName(std::string_view name);

class DialectText {
 public:
  DialectText() = default;
  explicit DialectText(std::string all) : all_(std::move(all)) {}
  static DialectText PerDialect(std::map<std::string, std::string> texts);

  bool empty() const { return !all_ && per_.empty(); }
  bool is_per_dialect() const { return !per_.empty(); }
  // The text for `dialect`; nullopt when the map lacks it.
  std::optional<std::string> For(std::string_view dialect) const;
  const std::map<std::string, std::string>& per_dialect() const { return per_; }
  const std::optional<std::string>& all() const { return all_; }

  bool operator==(const DialectText&) const = default;

 private:
  std::optional<std::string> all_;
  std::map<std::string, std::string> per_;
};

}  // namespace bellows
