#pragma once
// What apply, start, complete and rollback share: their flags, the preparation before a run
// (directory, bellows.sum, connection, run options) and the report of what the run did.

#include <memory>
#include <string>

#include "cli/commands.h"

namespace bellows::cli {

struct LifecycleOptions {
  std::string to;
  bool allow_out_of_order = false;
  bool allow_missing = false;
  bool require_sum = false;
};

void AddLifecycleFlags(CLI::App* sub, LifecycleOptions& o);

struct Prepared {
  Directory dir;
  std::unique_ptr<Connection> conn;
  RunOptions run;
};

// Loads the directory, checks bellows.sum, connects and fills the run options.
Result<Prepared> Prepare(Session& s, const LifecycleOptions& o);

}  // namespace bellows::cli
