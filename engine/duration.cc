#include "engine/duration.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <string>

#include "engine/strings.h"

namespace bellows {

Result<Millis> ParseDuration(std::string_view text) {
  std::string_view t = Trim(text);
  size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  std::string number(t.substr(0, i));
  std::string unit = Lower(t.substr(i));
  auto bad = [&]() {
    return BELLOWS_ERR(kUsage, "invalid duration \"" + std::string(text) + "\"")
        .WithHint("write a number with a unit: 500ms, 2s, 1m, 1h (a bare number is seconds)");
  };
  if (number.empty() || number == ".") return bad();
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end == nullptr || *end != '\0' || !std::isfinite(value) || value < 0) return bad();
  double factor;
  if (unit.empty() || unit == "s") {
    factor = 1000;
  } else if (unit == "ms") {
    factor = 1;
  } else if (unit == "m" || unit == "min") {
    factor = 60'000;
  } else if (unit == "h") {
    factor = 3'600'000;
  } else {
    return bad();
  }
  double ms = value * factor;
  if (ms > 1e15) return bad();
  return Millis(static_cast<long long>(std::llround(ms)));
}

std::string FormatDuration(Millis d) {
  long long ms = d.count();
  if (ms < 1000) return std::to_string(ms) + "ms";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  return buf;
}

}  // namespace bellows
