#include "cli/exit_codes.h"

namespace bellows::cli {

int ExitCode(const Status& status) {
  switch (status.code()) {
    case Code::kOk:
      return 0;
    case Code::kUsage:
    case Code::kConnection:
      return 2;
    case Code::kDrift:
      return 3;
    case Code::kInvalid:
    case Code::kNotFound:
    case Code::kUnsupported:
      return 4;
    case Code::kLockBusy:
      return 5;
    case Code::kLockTimeout:
    case Code::kDatabase:
    case Code::kInternal:
      return 1;
    case Code::kNotRestored:
      return 6;
    case Code::kConflict:
      return 7;
  }
  return 1;
}

}  // namespace bellows::cli
