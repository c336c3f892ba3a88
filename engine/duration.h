#pragma once
// Durations on the command line and in bellows.yaml: "500ms", "2s", "1m", "1h"; a bare number
// is seconds (SPEC 7).

#include <chrono>
#include <string_view>

#include "engine/status.h"

namespace bellows {

using Millis = std::chrono::milliseconds;

Result<Millis> ParseDuration(std::string_view text);
std::string FormatDuration(Millis d);  // "1.5s", "250ms"

}  // namespace bellows
