// bellows: the command line. Parses flags, runs one subcommand, maps its Status to the exit
// code (cli/exit_codes.cc) and prints text or one JSON object.

#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/session.h"

int main(int argc, char** argv) {
  using namespace bellows;
  using namespace bellows::cli;
  CLI::App app{
      "bellows " BELLOWS_VERSION
      ": versioned schema migrations with zero-downtime expand/contract\n"
      "for SQLite, PostgreSQL and MySQL/MariaDB.\n\n"
      "Lifecycle: start (expand; old and new application versions both work) -> deploy the\n"
      "application -> complete (contract). apply = start + complete. rollback undoes an in-flight\n"
      "batch, or completed migrations with --steps/--to.\n\n"
      "Exit codes: 0 ok, 1 failed and undone, 2 usage/connection, 3 drift, 4 validation,\n"
      "5 lock not acquired, 6 failed and not restored, 7 refused by recorded state.",
      "bellows"};
  app.set_version_flag("--version", std::string("bellows ") + BELLOWS_VERSION);
  app.require_subcommand(1);
  GlobalOptions global;
  AddGlobalFlags(app, global);
  std::vector<Command> commands = {
      SetupInit(app),     SetupNew(app),    SetupHash(app),     SetupValidate(app),
      SetupPlan(app),     SetupApply(app),  SetupStart(app),    SetupComplete(app),
      SetupRollback(app), SetupStatus(app), SetupHistory(app),  SetupLatest(app),
      SetupRepair(app),   SetupDrift(app),  SetupBaseline(app), SetupDiff(app),
      SetupLint(app),     SetupImport(app), SetupFleet(app)};
  for (Command& c : commands) c.app->fallthrough();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  for (Command& c : commands) {
    if (!c.app->parsed()) continue;
    Output out(c.app->get_name(), global.format);
    out.set_verbose(global.verbose);
    Session session(global, out);
    Status s = session.Init(c.writes_config);
    if (s.ok()) s = c.run(session);
    return out.Finish(s);
  }
  return 2;
}
