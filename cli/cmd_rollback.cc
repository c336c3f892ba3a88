// bellows rollback: undo the in-flight batch, or completed migrations (SPEC 4.5).

#include "cli/lifecycle.h"

namespace bellows::cli {

Command SetupRollback(CLI::App& app) {
  struct Options : LifecycleOptions {
    int steps = 0;
    std::string to_version;
    bool allow_data_loss = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("rollback",
                                     "Undo the in-flight batch; with --steps N or --to VERSION, "
                                     "undo completed migrations (blocking)");
  sub->add_option("--steps", o->steps, "Roll back the N newest completed migrations")
      ->check(CLI::PositiveNumber);
  sub->add_option("--to", o->to_version, "Roll back every completed migration above VERSION");
  sub->add_flag("--allow-data-loss", o->allow_data_loss,
                "Allow an undo that drops tables or columns holding data");
  return {sub, [o](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(Prepared p, Prepare(s, *o));
            p.run.rollback_steps = o->steps;
            p.run.rollback_to = o->to_version;
            p.run.allow_data_loss = o->allow_data_loss;
            Runner runner(*p.conn, p.dir, p.run, s.events());
            RunReport report;
            Status st = runner.Rollback(&report);
            ReportRun(s, report, "rolled back");
            return st;
          }};
}

}  // namespace bellows::cli
