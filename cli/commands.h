#pragma once
// The subcommands. Each Setup adds its subcommand to the main app, binding its own options,
// and returns how to run it once the command line is parsed.

#include <functional>

#include <CLI/CLI.hpp>

#include "cli/session.h"

namespace bellows::cli {

struct Command {
  CLI::App* app;
  std::function<Status(Session&)> run;
  bool writes_config = false;  // init: a --config file may not exist yet
};

Command SetupInit(CLI::App& app);
Command SetupNew(CLI::App& app);
Command SetupHash(CLI::App& app);
Command SetupValidate(CLI::App& app);
Command SetupPlan(CLI::App& app);
Command SetupApply(CLI::App& app);
Command SetupStart(CLI::App& app);
Command SetupComplete(CLI::App& app);
Command SetupRollback(CLI::App& app);
Command SetupStatus(CLI::App& app);
Command SetupHistory(CLI::App& app);
Command SetupLatest(CLI::App& app);
Command SetupRepair(CLI::App& app);
Command SetupDrift(CLI::App& app);
Command SetupBaseline(CLI::App& app);
Command SetupDiff(CLI::App& app);
Command SetupLint(CLI::App& app);
Command SetupImport(CLI::App& app);
Command SetupFleet(CLI::App& app);

// Shared by apply/start/complete/rollback: prints a run's report (text lines and JSON fields).
void ReportRun(Session& s, const RunReport& report, const std::string& verb);
// Checks bellows.sum before a command that changes the database: an out-of-date sum file is
// kInvalid; a missing one is a warning, or kInvalid with --require-sum.
Status CheckSum(Session& s, const Directory& dir, bool require_sum);

}  // namespace bellows::cli
