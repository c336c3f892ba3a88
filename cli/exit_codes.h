#pragma once
// The one place Status codes become exit codes (SPEC 7.1).

#include "engine/status.h"

namespace bellows::cli {

int ExitCode(const Status& status);

}  // namespace bellows::cli
