// bellows apply: start + complete for every pending batch, or exactly a saved plan.

#include "cli/lifecycle.h"
#include "engine/plan_file.h"

namespace bellows::cli {

Command SetupApply(CLI::App& app) {
  struct Options : LifecycleOptions {
    std::string plan;
    bool complete_in_flight = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub =
      app.add_subcommand("apply", "start + complete every pending batch (no compatibility window)");
  AddLifecycleFlags(sub, *o);
  sub->add_option("--plan", o->plan,
                  "Run exactly this saved plan (bellows plan --out); refused when it is stale");
  sub->add_flag("--complete-in-flight", o->complete_in_flight,
                "Also complete a batch that bellows start started");
  return {sub, [o](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(Prepared p, Prepare(s, *o));
            p.run.complete_in_flight = o->complete_in_flight;
            Runner runner(*p.conn, p.dir, p.run, s.events());
            RunReport report;
            Status st;
            if (!o->plan.empty()) {
              Result<PlanDocument> doc = ReadPlanFile(o->plan);
              st = doc.ok() ? runner.ApplyPlan(*doc, &report) : doc.status();
            } else {
              st = runner.Apply(&report);
            }
            ReportRun(s, report, "applied");
            return st;
          }};
}

}  // namespace bellows::cli
