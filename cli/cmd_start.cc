// bellows start: the expand phase of the pending batch (SPEC 4).

#include "cli/lifecycle.h"

namespace bellows::cli {

Command SetupStart(CLI::App& app) {
  auto o = std::make_shared<LifecycleOptions>();
  CLI::App* sub = app.add_subcommand(
      "start", "Expand the pending batch: old and new application versions both work");
  AddLifecycleFlags(sub, *o);
  return {sub, [o](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(Prepared p, Prepare(s, *o));
            Runner runner(*p.conn, p.dir, p.run, s.events());
            RunReport report;
            Status st = runner.Start(&report);
            ReportRun(s, report, "started");
            return st;
          }};
}

}  // namespace bellows::cli
