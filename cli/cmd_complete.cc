// bellows complete: the contract phase of the in-flight batch.

#include "cli/lifecycle.h"

namespace bellows::cli {

Command SetupComplete(CLI::App& app) {
  auto o = std::make_shared<LifecycleOptions>();
  CLI::App* sub = app.add_subcommand(
      "complete", "Contract the in-flight batch once the old application version is gone");
  return {sub, [o](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(Prepared p, Prepare(s, *o));
            Runner runner(*p.conn, p.dir, p.run, s.events());
            RunReport report;
            Status st = runner.Complete(&report);
            ReportRun(s, report, "completed");
            return st;
          }};
}

}  // namespace bellows::cli
