#pragma once
// The step executor (SPEC 4.0). Runs recorded steps, never migrations:
// - transactional steps (and groups of them) commit their statements together with their
//   own state update, after refreshing the runner lock's heartbeat;
// - non-transactional steps are recorded as running before and done after;
// - backfill steps run batch after batch, each batch a short transaction that commits its
//   checkpoint, so a restart resumes from the last batch;
// - statements that time out waiting for a lock are retried with exponential back-off and
//   full jitter.
// Undo runs the inverses of done steps, newest first, each recorded as undone.
// A step found "running" (a killed non-transactional step) is probed, never guessed.

#include <vector>

#include "engine/events.h"
#include "engine/state.h"

namespace bellows {

struct ExecOptions {
  Millis lock_timeout{2000};
  // Lock waits of statements that block no application (RenderedStep::patient); 0: no limit.
  Millis concurrent_wait{0};
  int lock_retries = 10;
  int batch_size = 1000;
  Millis batch_pause{0};
  // After each backfill batch, sleep this many times the batch's own duration (gh-ost's
  // --nice-ratio): 1 doubles the backfill's time and halves its share of the server.
  double nice_ratio = 0;
  // Before each backfill batch, wait while the furthest-behind replica is more than this far
  // behind (Connection::ReplicaLag). 0: off.
  Millis max_replica_lag{0};
  // Single-writer databases (SQLite): consecutive transactional step groups share one
  // transaction until it has run this long, so that many small migrations do not pay a commit
  // (and its fsyncs) each. 0: every group commits on its own.
  Millis group_budget{0};
  // Testing aid (BELLOWS_FAULT_AFTER_STEP=N): the process kills itself with SIGKILL right
  // after its N-th state record commits. 0 = off.
  int fault_after = 0;
};

class Executor {
 public:
  Executor(Connection& conn, StateStore& state, RunnerLock& lock, const ExecOptions& options,
           EventSink& events);

  // Runs the steps of `steps` (one batch, in order) that belong to the expand half (expand
  // and backfill phases) or the contract half and are not done. Stops at the first failure
  // and returns it, naming the step; the failed step's own changes are rolled back.
  Status Forward(long long batch, std::vector<StepRow>& steps, bool contract_half);

  // Undoes the done steps of `steps`, newest first. kNotRestored when a step has no inverse
  // or its inverse fails.
  Status Undo(long long batch, std::vector<StepRow>& steps);

  // Runs `work` in a transaction that first refreshes the runner lock, retrying lock
  // timeouts. Used for the runner's own state updates too.
  Status InTransaction(const std::function<Status()>& work);

  // How many times steps have started running (forward or undo): while it stays the same,
  // nothing this executor ran can have changed the schema.
  long long steps_started() const { return steps_started_; }

 private:
  Status RunGroup(long long batch, std::vector<StepRow*>& group, bool undo);
  // Before a backfill batch: returns once the replicas are no more than max_replica_lag
  // behind, emitting a replica_lag event when it starts to wait and every 10 s of waiting.
  Status WaitForReplicas(long long batch, const StepRow& row);
  // Runs `groups` in order in one transaction, committing once `group_budget` has passed after
  // a group (at least one group runs). Returns how many groups committed.
  Result<size_t> RunGroups(long long batch, std::vector<std::vector<StepRow*>>& groups, bool undo);
  // `next`: the step that runs right after this one (forward, non-transactional, pending); it
  // is marked running in the same record as this step's done.
  Status RunNonTransactional(long long batch, StepRow& row, const RenderedStep& r, bool undo,
                             StepRow* next = nullptr);
  // A state record of one statement: in a transaction with the lock's check when the check
  // writes on the connection, else the check and the statement alone (no BEGIN/COMMIT).
  Status Record(const std::function<Status()>& statement);
  Status RunBackfill(long long batch, StepRow& row);
  Status RunStatements(const RenderedStep& r);
  // Statement `i` of `r`, under --concurrent-wait when it is patient.
  Status RunStatement(const RenderedStep& r, size_t i);
  // Statement `i` of `r`, or the whole unordered range when it starts at `i` (through
  // Connection::ExecuteUnordered); sets `*next` to the statement after what it ran.
  Status RunAt(const RenderedStep& r, size_t i, size_t* next);
  Status WithRetries(const std::string& what, const std::function<Status()>& attempt);
  void Recorded();  // counts commits for the fault point
  void Emit(nlohmann::json event) { events_.Emit(event); }

  Connection& conn_;
  StateStore& state_;
  RunnerLock& lock_;
  ExecOptions options_;
  EventSink& events_;
  int recorded_ = 0;
  int premarked_seq_ = -1;  // the step the last record marked running ahead of its turn
  long long steps_started_ = 0;
};

}  // namespace bellows
