#pragma once
// Opens connections and dialects by URL or name. Only the CLI and tests call these; the
// engine sees the Connection and Dialect interfaces.

#include <memory>
#include <string>
#include <string_view>

#include "engine/dialect.h"

namespace bellows {

// `url`: sqlite:path (relative to the working directory), sqlite:///abs/path,
// postgres://..., mysql://... kUsage for a malformed or unknown URL, kConnection when the
// database cannot be reached. Messages never contain the password.
Result<std::unique_ptr<Connection>> OpenConnection(const std::string& url,
                                                   const DialectOptions& options);

// A dialect for offline work (plan --offline, lint). kUsage for an unknown name.
Result<std::unique_ptr<Dialect>> OpenDialect(std::string_view name, const DialectOptions& options);

}  // namespace bellows
