// bellows validate: parse every file, check bellows.sum, plan the directory offline for each
// target dialect, and with a database URL check applied migrations' checksums.

#include "cli/commands.h"
#include "dialects/open.h"
#include "engine/planner.h"
#include "engine/strings.h"

namespace bellows::cli {

Command SetupValidate(CLI::App& app) {
  struct Options {
    std::vector<std::string> dialects;
    bool require_sum = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "validate", "Check migration files, bellows.sum and (with a URL) applied checksums");
  sub->add_option("--dialect", o->dialects,
                  "Dialect to check the files for (repeatable; default: bellows.yaml's dialects)")
      ->check(CLI::IsMember({"sqlite", "postgres", "mysql"}));
  sub->add_flag("--require-sum", o->require_sum, "A missing bellows.sum is an error");
  return {
      sub, [o](Session& s) -> Status {
        BELLOWS_ASSIGN_OR_RETURN(Directory dir, s.LoadDir());
        BELLOWS_TRY(CheckSum(s, dir, o->require_sum || s.config().require_sum.value_or(false)));
        std::vector<std::string> dialects = o->dialects;
        if (dialects.empty()) dialects = s.config().dialects;
        if (dialects.empty()) dialects = {"sqlite", "postgres", "mysql"};
        std::vector<const Migration*> all;
        for (const Migration& m : dir.migrations) all.push_back(&m);
        nlohmann::json checked = nlohmann::json::array();
        for (const std::string& name : dialects) {
          Result<std::unique_ptr<Dialect>> d = OpenDialect(name, s.MakeDialectOptions());
          if (!d.ok() && !o->dialects.empty()) return d.status();  // asked for by name
          if (!d.ok()) {
            s.out().Warn("dialect " + name + " not checked: " + d.status().message());
            continue;
          }
          PlanRequest req;
          req.dialect = d->get();
          req.pending = all;
          req.version_prefix = (*d)->DefaultVersionPrefix("app");
          req.split = true;
          req.one_per_batch = true;  // each migration applied on top of the ones before
          req.lean = true;
          Result<PlannedBatches> planned = PlanBatches(req);
          if (!planned.ok()) {
            Status e = planned.status();
            return e.With("for " + name);
          }
          for (const BatchPlan& b : planned->batches) s.out().Warnings(b.warnings);
          checked.push_back(name);
        }
        if (!s.Url().empty()) {
          BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, s.Connect());
          BELLOWS_ASSIGN_OR_RETURN(RunOptions run, s.MakeRunOptions());
          BELLOWS_ASSIGN_OR_RETURN(Inventory inv, TakeInventory(*conn, dir, run));
          if (!inv.problems.empty()) return inv.problems.front();
          s.out().fields()["applied"] = inv.applied.size();
        }
        s.out().Line("ok: " + Count(static_cast<long long>(dir.migrations.size()), "migration") +
                     " in " + dir.path + " (" + DirFormatName(dir.format) +
                     (dir.detected ? ", detected" : "") + ")" +
                     (checked.empty()
                          ? ""
                          : ", valid for " + Join(checked.get<std::vector<std::string>>(), ", ")));
        s.out().fields()["migrations"] = dir.migrations.size();
        s.out().fields()["dialects"] = checked;
        s.out().fields()["dir_format"] = DirFormatName(dir.format);
        return Status::Ok();
      }};
}

}  // namespace bellows::cli
