// Shared by apply, start, complete and rollback.

#include "cli/lifecycle.h"

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
  f["batch_state"] =
      r.batch_state.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.batch_state);
  f["version"] = r.version_name.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.version_name);
  if (!r.applied.empty()) s.out().Line(verb + ": " + Join(r.applied, ", "));
  if (!r.started.empty()) {
    s.out().Line("expanded " + Join(r.started, ", ") + " (batch " + std::to_string(r.batch) +
                 "): old and new versions both work");
    s.out().Line("new version: " + r.version_name +
                 " (bellows latest sql|schema|env tells an application how to use it)");
    s.out().Line(
        "next: deploy the new application version, then bellows complete (or bellows rollback)");
  }
  if (!r.rolled_back.empty()) s.out().Line("rolled back " + Join(r.rolled_back, ", "));
}

void AddLifecycleFlags(CLI::App* sub, LifecycleOptions& o) {
  sub->add_option("--to", o.to, "Only migrations up to and including this version");
  sub->add_flag("--allow-out-of-order", o.allow_out_of_order,
                "Apply pending files below the highest applied version");
  sub->add_flag("--allow-missing", o.allow_missing, "Accept applied versions whose files are gone");
  sub->add_flag("--require-sum", o.require_sum, "A missing bellows.sum is an error");
}

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

}  // namespace bellows::cli
