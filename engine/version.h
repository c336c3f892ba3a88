#pragma once
// Migration versions: a sequence of non-negative integers compared component-wise
// (SPEC 2.3). "0001" equals "1"; Flyway's "13.1" and "13_1" are {13, 1}; missing trailing
// components count as 0, so "1" equals "1.0".

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bellows {

class Version {
 public:
  Version() = default;

  // Parses digits separated by '.' or '_'. nullopt when `text` is empty or not of that form.
  static std::optional<Version> Parse(std::string_view text);

  // "13.1": components without leading zeros, joined by '.'.
  const std::string& canonical() const { return canonical_; }
  bool empty() const { return components_.empty(); }

  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const { return (*this <=> other) == 0; }

 private:
  std::vector<std::string> components_;  // digits, leading zeros stripped ("0" for zero)
  std::string canonical_;
};

}  // namespace bellows
