#pragma once
// The commands that change a database: start, complete, apply, rollback (SPEC 4), and the
// read-only inventory they share with status and plan. A Runner takes the runner lock, reads
// the state tables, checks the migration files against them, plans, records the plan as
// steps and runs it through the Executor, undoing on failure.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/executor.h"
#include "engine/loader.h"
#include "engine/planner.h"
#include "engine/state.h"

namespace bellows {

struct RunOptions {
  std::string to;  // --to VERSION: plan up to and including it
  bool allow_out_of_order = false;
  bool allow_missing = false;
  bool complete_in_flight = false;  // apply: complete a batch that `start` started
  bool allow_data_loss = false;
  bool allow_drift = false;  // run although the schema drifted; the run records that it did
  bool require_sum = false;
  int rollback_steps = 0;   // rollback --steps N
  std::string rollback_to;  // rollback --to VERSION
  Millis lock_wait{60000};
  Millis lock_stale{30000};
  ExecOptions exec;
  std::string version_prefix;  // "" = the dialect's default
  std::string applied_by;      // user@host
};

// What a run did, for the text output and the JSON fields (docs/cli.md).
struct RunReport {
  bool nothing_to_do = false;
  std::vector<std::string> applied;      // versions completed by this run
  std::vector<std::string> started;      // versions expanded by this run
  std::vector<std::string> rolled_back;  // versions undone by this run
  long long batch = 0;
  std::string batch_state;
  std::string version_name;
  std::vector<std::string> warnings;
  std::vector<std::string> lines;  // human summary
};

// The migrations as the state tables see them.
struct Inventory {
  bool state_exists = false;
  std::vector<HistoryRow> history;
  std::vector<const Migration*> applied;  // completed, in version order
  std::vector<const Migration*> pending;  // in version order (repeatables last)
  std::optional<BatchRow> in_flight;
  std::string current_version;  // highest completed version
  std::vector<std::string> warnings;
  // What stops a run (kInvalid): an applied file edited or missing, a pending file below the
  // highest applied version. Commands that change the database refuse on the first one;
  // status lists them.
  std::vector<Status> problems;
};

// Reads the state (without creating it) and checks the directory against it.
Result<Inventory> TakeInventory(Connection& conn, const Directory& dir, const RunOptions& options);

class Runner {
 public:
  Runner(Connection& conn, const Directory& dir, RunOptions options, EventSink& events);
  ~Runner();

  Status Start(RunReport* report);
  Status Complete(RunReport* report);
  Status Apply(RunReport* report);
  Status Rollback(RunReport* report);
  // Runs a saved plan exactly (SPEC 3), after checking that its inputs still hold.
  Status ApplyPlan(const struct PlanDocument& doc, RunReport* report);
  // bellows repair --resolve-failed: the in-flight batch that failed (or is blocked by an
  // interrupted step) was put right by hand; record it as rolled back.
  Status ResolveFailed(RunReport* report);
  // bellows repair --accept-checksums: record the current checksums of edited applied files.
  Status AcceptChecksums(RunReport* report);
  // bellows repair --accept-drift: record the live schema as bellows' own after review.
  Status AcceptDrift(RunReport* report);
  // bellows baseline VERSION: record the directory's migrations up to VERSION as applied,
  // without running them, with the live schema's fingerprint (SPEC 6).
  Status Baseline(const std::string& version, RunReport* report);
  // Records `adopted` as applied without running them, as `command` ("baseline", "import")
  // with `detail` in the repairs log. Refuses a database bellows already migrated. SQL
  // migrations keep their down section as their inverse; others are irreversible.
  Status Adopt(const std::vector<const Migration*>& adopted, const std::string& command,
               const std::string& detail, RunReport* report);

 private:
  Status Open();  // state tables, lock, executor
  // Stops the run with kDrift when the schema changed outside bellows (SPEC 6), unless
  // --allow-drift, which proceeds and records that it did. Once per run, before any change.
  Status CheckDrift(RunReport* report);
  // The live schema as this run leaves it, for recording (fingerprint and snapshot).
  struct Captured {
    std::string fingerprint, snapshot;
  };
  Result<Captured> Capture();
  // The live schema: the one read last while no step has run since (CheckDrift's read serves
  // the first plan; Expand's record serves Contract's when the contract ran nothing), else a
  // new read.
  Result<Schema> LiveSchema();
  Status Acquire();
  std::string VersionPrefix() const;
  // The inventory under the lock. `strict`: the directory's problems (an edited or missing
  // applied file, out of order) are errors; otherwise warnings, for commands that run
  // recorded steps only (complete, rollback).
  Result<Inventory> Refresh(bool strict = true);
  // Plans the next batch of `pending` from the live schema.
  // Sets plan_hash_ for the batch (SPEC 3: the hash is stored on the history rows).
  Result<BatchPlan> PlanNext(const Inventory& inv, const std::vector<const Migration*>& pending,
                             bool split);
  Result<long long> Record(const BatchPlan& plan, const std::string& command,
                           const std::string& kind, std::vector<StepRow>* rows);
  // Runs the expand half of a recorded batch and records it as `reached` (expanded, or
  // completed when nothing is left to contract); on failure undoes it and sets its final state.
  Status Expand(long long batch, std::vector<StepRow>& rows, RunReport* report,
                const std::string& reached = kExpanded);
  Status Contract(long long batch, std::vector<StepRow>& rows, RunReport* report);
  Status UndoBatch(long long batch, std::vector<StepRow>& rows, const Status& cause,
                   RunReport* report);
  Status Finish(long long batch, const std::string& state, RunReport* report);
  // Records `plan` and runs both halves (apply).
  Status ApplyBatch(const BatchPlan& plan, RunReport* report);
  Status RollbackCompleted(const Inventory& inv, RunReport* report);
  std::vector<std::string> VersionsOf(long long batch) const;
  // "0003_add_email" for version "3": what errors name (as planning errors do).
  std::string MigrationId(const std::string& version) const;
  // The version of the first step that is not done (where a run stopped).
  static std::string FirstNotDone(const std::vector<StepRow>& rows);

  Connection& conn_;
  const Directory& dir_;
  RunOptions options_;
  EventSink& events_;
  StateStore state_;
  std::unique_ptr<RunnerLock> lock_;
  std::unique_ptr<Executor> exec_;
  struct Known {
    Schema schema;
    long long steps_started = 0;  // exec_->steps_started() when it was read
  };
  std::optional<Known> known_;  // see LiveSchema
  std::vector<HistoryRow> history_;
  std::string plan_hash_;                                   // recorded on batches and history rows
  std::map<long long, std::vector<std::string>> recorded_;  // versions of batches this run recorded
};

}  // namespace bellows
