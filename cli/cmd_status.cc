// bellows status: where the database stands. Exit 0 unless it cannot connect.

#include <algorithm>
#include <map>

#include "cli/commands.h"
#include "engine/drift.h"
#include "engine/strings.h"

namespace bellows::cli {

Command SetupStatus(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "status", "Current version, in-flight batch, pending and failed migrations");
  return {
      sub, [](Session& s) -> Status {
        BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, s.Connect());
        BELLOWS_ASSIGN_OR_RETURN(RunOptions run, s.MakeRunOptions());
        // A directory that does not load is a problem to report, not a reason to fail.
        Result<Directory> loaded = s.LoadDir();
        Directory dir;
        if (loaded.ok()) {
          dir = std::move(loaded).value();
        } else {
          run.allow_missing = true;
        }
        BELLOWS_ASSIGN_OR_RETURN(Inventory inv, TakeInventory(*conn, dir, run));
        if (!loaded.ok()) inv.problems.insert(inv.problems.begin(), loaded.status());
        auto& f = s.out().fields();
        s.out().Line("database: " + s.out().Mask(conn->Describe()) + " (" +
                     std::string(conn->dialect().Name()) + " " + conn->ServerVersion() + ")");
        std::map<std::string, const HistoryRow*> latest;
        for (const HistoryRow& h : inv.history) latest[h.version] = &h;
        long long applied = std::count_if(latest.begin(), latest.end(), [](const auto& l) {
          return l.second->state == kCompleted;
        });
        s.out().Line(
            "current version: " + (inv.current_version.empty() ? "none" : inv.current_version) +
            " (" + Count(applied, "migration") + " applied)");
        f["current_version"] = inv.current_version.empty() ? nlohmann::json(nullptr)
                                                           : nlohmann::json(inv.current_version);
        f["applied_count"] = applied;
        f["state_tables"] = inv.state_exists;
        if (inv.in_flight) {
          const BatchRow& b = *inv.in_flight;
          StateStore state(*conn);
          BELLOWS_ASSIGN_OR_RETURN(std::vector<StepRow> steps, state.Steps(b.id));
          int done = 0;
          const StepRow* next = nullptr;
          nlohmann::json remaining = nlohmann::json::array();
          for (const StepRow& r : steps) {
            if (r.status == kDone) {
              ++done;
            } else {
              if (next == nullptr && r.status != kUndone) next = &r;
              remaining.push_back({{"seq", r.step.seq},
                                   {"phase", PhaseName(r.step.phase)},
                                   {"description", r.step.description},
                                   {"status", r.status},
                                   {"migration", r.migration_version}});
            }
          }
          std::vector<std::string> versions;
          for (const HistoryRow& h : inv.history) {
            if (h.batch_id == b.id) versions.push_back(h.version);
          }
          s.out().Line("in flight: batch " + std::to_string(b.id) + " (" + Join(versions, ", ") +
                       ") is " + b.state + ", started by " + b.command + " at " + b.started_at +
                       "; " + std::to_string(done) + "/" + std::to_string(steps.size()) +
                       " steps done");
          if (!b.version_name.empty()) s.out().Line("  new version: " + b.version_name);
          if (next != nullptr) {
            s.out().Line("  next step: [" + std::to_string(next->step.seq) + "] " +
                         PhaseName(next->step.phase) + " " + next->step.description +
                         (next->status == kRunning ? " (interrupted while running)" : ""));
          }
          if (!b.error.empty()) s.out().Line("  error: " + b.error);
          bool interrupted = next != nullptr && next->status == kRunning;
          // An interrupted step bellows can check (a probe) or run again safely resumes like any
          // other; so does an interrupted undo (rollback runs the inverse again).
          bool checkable =
              interrupted && (b.state == kRollingBack || !next->step.forward.probe.empty() ||
                              next->step.forward.idempotent);
          std::string todo =
              interrupted && !checkable
                  ? "check what the interrupted step did; then run rollback, or put it right by "
                    "hand and run repair --resolve-failed"
              : b.state == kStarting && b.command == "apply" ? "run apply to resume, or rollback"
              : b.state == kStarting                         ? "run start to resume, or rollback"
              : b.state == kExpanded && b.command == "apply"
                  ? "run apply (or complete) to finish, or rollback"
              : b.state == kExpanded   ? "deploy the new version, then complete (or rollback)"
              : b.state == kCompleting ? "run complete to finish"
              : b.state == kFailed ? "fix what the error says, then run rollback again (or put it "
                                     "right by hand and run repair --resolve-failed)"
                                   : "run rollback to finish";
          s.out().Line("  to do: " + todo);
          f["in_flight"] = {
              {"batch", b.id},
              {"state", b.state},
              {"command", b.command},
              {"version", b.version_name},
              {"migrations", versions},
              {"steps_done", done},
              {"steps_total", steps.size()},
              {"remaining_steps", remaining},
              {"error", b.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(b.error)}};
        } else {
          s.out().Line("in flight: none");
          f["in_flight"] = nullptr;
        }
        nlohmann::json pending = nlohmann::json::array();
        for (const Migration* m : inv.pending) {
          pending.push_back({{"version", m->VersionText()}, {"name", m->name}, {"file", m->file}});
        }
        f["pending"] = pending;
        s.out().Line("pending: " +
                     (!loaded.ok() ? std::string("unknown (the migration directory did not load)")
                      : inv.pending.empty() ? std::string("none")
                                            : std::to_string(inv.pending.size())));
        for (const Migration* m : inv.pending)
          s.out().Line("  " + m->VersionText() + " " + m->name + " (" + m->file + ")");
        nlohmann::json failed = nlohmann::json::array(), irreversible = nlohmann::json::array();
        for (const auto& [version, h] : latest) {
          if (h->state == kFailed) {
            failed.push_back({{"version", version}, {"name", h->name}, {"error", h->error}});
            s.out().Line("failed: " + version + " " + h->name + ": " + h->error);
          }
          if (h->state == kCompleted && h->inverse.empty() && !h->irreversible.empty()) {
            irreversible.push_back({{"version", version}, {"reason", h->irreversible}});
          }
        }
        f["failed"] = failed;
        f["irreversible"] = irreversible;
        if (!irreversible.empty())
          s.out().Line("irreversible once completed: " + std::to_string(irreversible.size()) +
                       " migration(s); rollback stops above them");
        nlohmann::json problems = nlohmann::json::array();
        for (const Status& p : inv.problems) {
          problems.push_back(p.ToString());
          s.out().Line("problem: " + p.ToString());
        }
        f["problems"] = problems;
        // The drift result, as bellows drift reports it (SPEC 7: status shows it, exit 0).
        f["drift"] = nullptr;
        if (inv.state_exists) {
          StateStore state(*conn);
          Result<Schema> live = conn->Introspect();
          Result<DriftReport> drift =
              live.ok() ? DetectDrift(state, *live) : Result<DriftReport>(live.status());
          if (!drift.ok()) {
            s.out().Line("drift: unknown (" + drift.status().message() + ")");
          } else if (!drift->recorded) {
            s.out().Line("drift: not checked (no schema recorded yet)");
          } else if (!drift->drifted()) {
            s.out().Line("drift: none");
          } else {
            s.out().Line(
                "drift: " + Count(static_cast<long long>(drift->changes.size()), "change") +
                " made outside bellows (bellows drift lists them)");
          }
          if (drift.ok()) f["drift"] = ToJson(*drift);
        }
        // When the directory did not load, every applied file looks missing: say it once.
        if (loaded.ok()) s.out().Warnings(inv.warnings);
        return Status::Ok();
      }};
}

}  // namespace bellows::cli
