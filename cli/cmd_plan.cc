// bellows plan: the dry run. Online it plans the pending migrations against the live schema
// (and runs the data checks); --offline --dialect D plans the whole directory without a
// database. --out saves the plan for apply --plan.

#include <fstream>

#include "cli/commands.h"
#include "cli/plan_output.h"
#include "dialects/open.h"
#include "engine/data_checks.h"
#include "engine/plan_file.h"
#include "engine/planner.h"
#include "engine/strings.h"

namespace bellows::cli {

Command SetupPlan(CLI::App& app) {
  struct Options {
    bool offline = false;
    std::string dialect;
    std::string out;
    std::string to;
    bool allow_out_of_order = false;
    bool allow_missing = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "plan", "Show what apply/start would do: batches, steps, SQL, locks, undo");
  sub->add_flag("--offline", o->offline,
                "Plan the whole directory without a database (needs --dialect)");
  sub->add_option("--dialect", o->dialect, "Dialect for --offline")
      ->check(CLI::IsMember({"sqlite", "postgres", "mysql"}));
  sub->add_option("--out", o->out,
                  "Save the plan (with its plan_hash) for bellows apply --plan FILE");
  sub->add_option("--to", o->to, "Plan up to and including this version");
  sub->add_flag("--allow-out-of-order", o->allow_out_of_order,
                "Accept pending files below the highest applied version");
  sub->add_flag("--allow-missing", o->allow_missing,
                "Accept applied versions whose files are gone");
  return {
      sub, [o](Session& s) -> Status {
        BELLOWS_ASSIGN_OR_RETURN(Directory dir, s.LoadDir());
        PlanRequest req;
        req.split = true;
        std::unique_ptr<Dialect> offline_dialect;
        std::unique_ptr<Connection> conn;
        std::string header;
        Inventory inv;
        std::vector<const Migration*> pending;
        if (o->offline || s.Url().empty()) {
          std::string name = o->dialect;
          if (name.empty() && !s.config().dialects.empty()) name = s.config().dialects.front();
          if (name.empty()) {
            return BELLOWS_ERR(kUsage, "plan needs a database URL, or --offline --dialect D")
                .WithHint("pass --url, or --offline --dialect sqlite|postgres|mysql");
          }
          BELLOWS_ASSIGN_OR_RETURN(offline_dialect, OpenDialect(name, s.MakeDialectOptions()));
          req.dialect = offline_dialect.get();
          req.version_prefix = offline_dialect->DefaultVersionPrefix("app");
          for (const Migration& m : dir.migrations) pending.push_back(&m);
          // Each migration its own batch, on top of the ones before: as deploys run them,
          // so the checks for existing tables apply.
          req.one_per_batch = true;
          req.lean = true;
          header = "offline plan for " + name +
                   ": every migration from an empty database, each as its own deploy (without "
                   "the version views: a plan against a database shows them)";
          s.out().fields()["offline"] = true;
        } else {
          BELLOWS_ASSIGN_OR_RETURN(conn, s.Connect());
          BELLOWS_ASSIGN_OR_RETURN(RunOptions run, s.MakeRunOptions());
          run.allow_out_of_order = o->allow_out_of_order;
          run.allow_missing = o->allow_missing;
          BELLOWS_ASSIGN_OR_RETURN(inv, TakeInventory(*conn, dir, run));
          if (!inv.problems.empty()) return inv.problems.front();
          if (inv.in_flight) {
            s.out().Warn("batch " + std::to_string(inv.in_flight->id) + " is " +
                         inv.in_flight->state +
                         ": complete or roll it back before the pending migrations can start");
          }
          req.dialect = &conn->dialect();
          BELLOWS_ASSIGN_OR_RETURN(req.base, conn->Introspect());
          req.version_prefix = run.version_prefix.empty()
                                   ? conn->dialect().DefaultVersionPrefix(conn->DatabaseName())
                                   : run.version_prefix;
          pending = inv.pending;
          header = "plan for " + s.out().Mask(conn->Describe()) + " (" +
                   std::string(conn->dialect().Name()) + " " + conn->ServerVersion() +
                   "), current version " +
                   (inv.current_version.empty() ? "none" : inv.current_version);
          s.out().fields()["offline"] = false;
        }
        if (!o->to.empty()) {
          std::optional<Version> to = Version::Parse(o->to);
          if (!to) return BELLOWS_ERR(kUsage, "--to " + o->to + " is not a version");
          std::erase_if(pending, [&](const Migration* m) {
            return m->kind == MigrationKind::kRepeatable || *to < m->version;
          });
        }
        req.pending = pending;
        BELLOWS_ASSIGN_OR_RETURN(PlannedBatches planned, PlanBatches(req));
        if (conn && !planned.batches.empty())
          BELLOWS_TRY(RunDataChecks(*conn, req.base, planned.batches.front()));
        if (!conn) {
          for (const BatchPlan& b : planned.batches) {
            for (const DataCheck& c : b.data_checks)
              s.out().Warn(c.op + ": checked online only: " + c.message);
          }
        }
        s.out().fields()["dialect"] = std::string(req.dialect->Name());
        if (s.out().json()) {
          // Only JSON prints the batches; building them costs more than planning.
          nlohmann::json batches = nlohmann::json::array();
          for (const BatchPlan& b : planned.batches) batches.push_back(ToJson(b));
          s.out().fields()["batches"] = std::move(batches);
        }
        if (!o->out.empty()) {
          if (!conn)
            return BELLOWS_ERR(kUsage, "--out needs a database: a saved plan is tied to its state");
          if (inv.in_flight) {
            return BELLOWS_ERR(kConflict, "batch " + std::to_string(inv.in_flight->id) + " is " +
                                              inv.in_flight->state +
                                              ": a saved plan runs only when no "
                                              "batch is in flight")
                .WithHint("complete or roll back that batch first");
          }
          PlanDocument doc;
          BELLOWS_ASSIGN_OR_RETURN(doc.inputs, CurrentInputs(*conn, inv, inv.pending));
          doc.batches = planned.batches;
          doc.plan_hash = PlanHash(doc.inputs, doc.batches);
          std::ofstream file(o->out, std::ios::trunc);
          file << ToJson(doc).dump(2) << "\n";
          if (!file) return BELLOWS_ERR(kUsage, "cannot write " + o->out);
          s.out().fields()["plan_hash"] = doc.plan_hash;
          s.out().fields()["out"] = o->out;
          header += "\nsaved to " + o->out + " (plan_hash " + doc.plan_hash + ")";
        }
        for (const BatchPlan& b : planned.batches) s.out().Warnings(b.warnings);
        if (s.out().format() == "markdown") {
          // The pull-request view: lint findings under each migration.
          BELLOWS_ASSIGN_OR_RETURN(LintReport lint, RunLint({req.dialect}, req.base, pending,
                                                            std::vector<bool>(pending.size(), true),
                                                            dir.path, s.config().lint_disable));
          // With a database: the rows of each table a migration touches.
          std::map<std::string, std::vector<std::pair<std::string, long long>>> rows;
          if (conn) {
            for (const Migration* m : pending) {
              BELLOWS_ASSIGN_OR_RETURN(rows[m->id], RowsTouched(*conn, req.base, *m, kRowCap));
            }
          }
          s.out().Raw(PlanMarkdown(planned.batches, header, &lint, conn ? &rows : nullptr));
        } else {
          s.out().Line(PlanText(planned.batches, header));
        }
        return Status::Ok();
      }};
}

}  // namespace bellows::cli
