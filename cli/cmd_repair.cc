// bellows repair: accept reviewed changes (SPEC 6), each recorded with who and when.

#include "cli/lifecycle.h"

namespace bellows::cli {

Command SetupRepair(CLI::App& app) {
  struct Options : LifecycleOptions {
    bool resolve_failed = false;
    bool accept_checksums = false;
    bool accept_drift = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("repair", "Record changes made by hand after review");
  sub->add_flag("--resolve-failed", o->resolve_failed,
                "The failed (or interrupted) in-flight batch was put right by hand: record it as "
                "rolled back");
  sub->add_flag("--accept-checksums", o->accept_checksums,
                "Record the current checksums of applied migration files that were edited");
  sub->add_flag("--accept-drift", o->accept_drift,
                "The schema was changed outside bellows and reviewed: record it as it is now");
  return {sub, [o](Session& s) -> Status {
            if (!o->resolve_failed && !o->accept_checksums && !o->accept_drift) {
              return BELLOWS_ERR(
                  kUsage, "repair needs --resolve-failed, --accept-checksums or --accept-drift");
            }
            BELLOWS_ASSIGN_OR_RETURN(Prepared p, Prepare(s, *o));
            RunReport report;
            Status st;
            if (o->resolve_failed) {
              Runner runner(*p.conn, p.dir, p.run, s.events());
              st = runner.ResolveFailed(&report);
            }
            if (st.ok() && o->accept_checksums) {
              Runner runner(*p.conn, p.dir, p.run, s.events());
              st = runner.AcceptChecksums(&report);
            }
            if (st.ok() && o->accept_drift) {
              Runner runner(*p.conn, p.dir, p.run, s.events());
              st = runner.AcceptDrift(&report);
            }
            ReportRun(s, report, "accepted");
            return st;
          }};
}

}  // namespace bellows::cli
