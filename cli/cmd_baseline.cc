// bellows baseline VERSION: adopt a database built by hand or by another tool (SPEC 6).

#include "cli/lifecycle.h"

namespace bellows::cli {

Command SetupBaseline(CLI::App& app) {
  struct Options : LifecycleOptions {
    std::string version;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "baseline",
      "Record the migrations up to VERSION as applied without running them (an existing database)");
  sub->add_option("version", o->version, "The last migration the database already has")->required();
  return {sub, [o](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(Prepared p, Prepare(s, *o));
            Runner runner(*p.conn, p.dir, p.run, s.events());
            RunReport report;
            Status st = runner.Baseline(o->version, &report);
            ReportRun(s, report, "baselined");
            return st;
          }};
}

}  // namespace bellows::cli
