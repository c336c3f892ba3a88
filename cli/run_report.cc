// How apply, start, complete and rollback report what they did.

#include "cli/commands.h"
#include "engine/plan_file.h"
#include "engine/strings.h"

namespace bellows::cli {

void ReportRun(Session& s, const RunReport& r, const std::string& verb) {
  for (const std::string& line : r.lines) s.out().Line(line);
  s.out().Warnings(r.warnings);
  auto& f = s.out().fields();
  f["nothing_to_do"] = r.nothing_to_do;
  f["applied"] = r.applied;
  f["started"] = r.started;
  f["rolled_back"] = r.rolled_back;
  f["batch"] = r.batch == 0 ? nlohmann::json(nullptr) : nlohmann::json(r.batch);
  f["batch_state"] = r.batch_state.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.batch_state);
  f["version"] = r.version_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.version_name);
  if (!r.applied.empty()) s.out().Line(verb + ": " + Join(r.applied, ", "));
  if (!r.started.empty()) {
    s.out().Line("expanded " + Join(r.started, ", ") + " (batch " + std::to_string(r.batch) + "): old and new versions both work");
    s.out().Line("new version: " + r.version_name + " (bellows latest sql|schema|env tells an application how to use it)");
    s.out().Line("next: deploy the new application version, then bellows complete (or bellows rollback)");
  }
  if (!r.rolled_back.empty()) s.out().Line("rolled back " + Join(r.rolled_back, ", "));
}

namespace {

struct LifecycleOptions {
  std::string to;
  bool allow_out_of_order = false;
  bool allow_missing = false;
  bool require_sum = false;
};

void AddLifecycleFlags(CLI::App* sub, LifecycleOptions& o) {
  sub->add_option("--to", o.to, "Only migrations up to and including this version");
  sub->add_flag("--allow-out-of-order", o.allow_out_of_order, "Apply pending files below the highest applied version");
  sub->add_flag("--allow-missing", o.allow_missing, "Accept applied versions whose files are gone");
  sub->add_flag("--require-sum", o.require_sum, "A missing bellows.sum is an error");
}

// Loads the directory, checks bellows.sum, connects and fills the run options.
struct Prepared {
  Directory dir;
  std::unique_ptr<Connection> conn;
  RunOptions run;
};

Result<Prepared> Prepare(Session& s, const LifecycleOptions& o) {
  Prepared p;
  BELLOWS_ASSIGN_OR_RETURN(p.dir, s.LoadDir());
  BELLOWS_ASSIGN_OR_RETURN(p.run, s.MakeRunOptions());
  BELLOWS_TRY(CheckSum(s, p.dir, o.require_sum || p.run.require_sum));
  BELLOWS_ASSIGN_OR_RETURN(p.conn, s.Connect());
  p.run.to = o.to;
  p.run.allow_out_of_order = o.allow_out_of_order;
  p.run.allow_missing = o.allow_missing;
  return p;
}

}  // namespace

Command SetupApply(CLI::App& app) {
  struct Options : LifecycleOptions {
    std::string plan;
    bool complete_in_flight = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("apply", "start + complete every pending batch (no compatibility window)");
  AddLifecycleFlags(sub, *o);
  sub->add_option("--plan", o->plan, "Run exactly this saved plan (bellows plan --out); refused when it is stale");
  sub->add_flag("--complete-in-flight", o->complete_in_flight, "Also complete a batch that bellows start started");
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

Command SetupStart(CLI::App& app) {
  auto o = std::make_shared<LifecycleOptions>();
  CLI::App* sub = app.add_subcommand("start", "Expand the pending batch: old and new application versions both work");
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

Command SetupComplete(CLI::App& app) {
  auto o = std::make_shared<LifecycleOptions>();
  CLI::App* sub = app.add_subcommand("complete", "Contract the in-flight batch once the old application version is gone");
  return {sub, [o](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(Prepared p, Prepare(s, *o));
            Runner runner(*p.conn, p.dir, p.run, s.events());
            RunReport report;
            Status st = runner.Complete(&report);
            ReportRun(s, report, "completed");
            return st;
          }};
}

Command SetupRollback(CLI::App& app) {
  struct Options : LifecycleOptions {
    int steps = 0;
    std::string to_version;
    bool allow_data_loss = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "rollback", "Undo the in-flight batch; with --steps N or --to VERSION, undo completed migrations (blocking)");
  sub->add_option("--steps", o->steps, "Roll back the N newest completed migrations")->check(CLI::PositiveNumber);
  sub->add_option("--to", o->to_version, "Roll back every completed migration above VERSION");
  sub->add_flag("--allow-data-loss", o->allow_data_loss, "Allow an undo that drops tables or columns holding data");
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
