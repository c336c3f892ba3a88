#include "engine/executor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <signal.h>
#include <thread>
#include <unistd.h>

#include "engine/backfill.h"
#include "engine/strings.h"

namespace bellows {

using Clock = std::chrono::steady_clock;

Executor::Executor(Connection& conn, StateStore& state, RunnerLock& lock,
                   const ExecOptions& options, EventSink& events)
    : conn_(conn), state_(state), lock_(lock), options_(options), events_(events) {}

void Executor::Recorded() {
  ++recorded_;
  if (options_.fault_after > 0 && recorded_ == options_.fault_after) {
    // Testing aid: die like a killed deploy job, leaving whatever a crash leaves.
    kill(getpid(), SIGKILL);
  }
}

Status Executor::WithRetries(const std::string& what, const std::function<Status()>& attempt) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  for (int tries = 0;; ++tries) {
    Status s = attempt();
    if (s.ok() || s.code() != Code::kLockTimeout || tries >= options_.lock_retries) {
      if (!s.ok() && s.code() == Code::kLockTimeout) {
        s.With(what + ": still waiting for a lock after " + std::to_string(tries + 1) +
               " attempts");
        std::string holders = conn_.DescribeLockHolders();
        if (!holders.empty()) {
          s.WithHint("sessions holding locks on the tables:\n" + holders +
                     "\nend or wait for them, or raise --lock-timeout / --lock-retries, then run "
                     "the command again");
        }
      }
      return s;
    }
    // Exponential back-off from 0.5 s to 30 s with full jitter.
    long long cap = std::min<long long>(30000, 500LL << std::min(tries, 6));
    long long wait = std::uniform_int_distribution<long long>(0, cap)(rng);
    nlohmann::json e = Event("retry");
    e["attempt"] = tries + 1;
    e["wait_ms"] = wait;
    e["what"] = what;
    e["error"] = s.message();
    Emit(e);
    std::this_thread::sleep_for(Millis(wait));
  }
}

Status Executor::InTransaction(const std::function<Status()>& work) {
  return WithRetries("state update", [&]() -> Status {
    Status s = conn_.Begin();
    if (s.ok()) s = lock_.Touch(conn_);
    if (s.ok()) s = work();
    if (s.ok()) s = conn_.Commit();
    if (!s.ok()) {
      Status ignored = conn_.Rollback();
      (void)ignored;
      return s;
    }
    Recorded();
    return Status::Ok();
  });
}

Status Executor::Record(const std::function<Status()>& statement) {
  if (lock_.TouchSharesTransaction()) return InTransaction(statement);
  return WithRetries("state update", [&]() -> Status {
    BELLOWS_TRY(lock_.Touch(conn_));
    BELLOWS_TRY(statement());
    Recorded();
    return Status::Ok();
  });
}

Status Executor::RunStatement(const RenderedStep& r, size_t i) {
  if (i < r.guards.size() && !r.guards[i].empty()) {
    BELLOWS_ASSIGN_OR_RETURN(Rows when, conn_.Query(r.guards[i]));
    if (when.empty()) return Status::Ok();  // its effect is already there
  }
  bool patient = std::find(r.patient.begin(), r.patient.end(), i) != r.patient.end() &&
                 options_.concurrent_wait != options_.lock_timeout;
  if (!patient) return conn_.Execute(r.sql[i]);
  BELLOWS_TRY(conn_.SetLockTimeout(options_.concurrent_wait));
  Status s = conn_.Execute(r.sql[i]);
  Status restored = conn_.SetLockTimeout(options_.lock_timeout);
  if (s.ok() && !restored.ok() && !conn_.InTransaction()) return restored;
  return s;
}

Status Executor::RunAt(const RenderedStep& r, size_t i, size_t* next) {
  const size_t to = std::min(r.unordered_to, r.sql.size());
  // A range of two or more starts here, and none of its statements is guarded or patient.
  bool plain = i == r.unordered_from && to > i + 1;
  for (size_t k = i; k < to && plain; ++k) {
    plain = (k >= r.guards.size() || r.guards[k].empty()) &&
            std::find(r.patient.begin(), r.patient.end(), k) == r.patient.end();
  }
  if (plain) {
    *next = to;
    return conn_.ExecuteUnordered(std::vector<std::string>(r.sql.begin() + static_cast<long>(i),
                                                           r.sql.begin() + static_cast<long>(to)));
  }
  *next = i + 1;
  return RunStatement(r, i);
}

Status Executor::RunStatements(const RenderedStep& r) {
  for (size_t i = 0; i < r.sql.size();) BELLOWS_TRY(RunAt(r, i, &i));
  for (const StepCheck& check : r.checks) {
    BELLOWS_ASSIGN_OR_RETURN(Rows rows, conn_.Query(check.query));
    if (!rows.empty()) {
      std::vector<std::string> values;
      for (const auto& v : rows.rows[0]) values.push_back(v.value_or("NULL"));
      return BELLOWS_ERR(kDatabase, check.message + " (first row: " + Join(values, ", ") + ")");
    }
  }
  return Status::Ok();
}

Status Executor::RunGroup(long long batch, std::vector<StepRow*>& group, bool undo) {
  std::vector<std::vector<StepRow*>> one = {group};
  BELLOWS_ASSIGN_OR_RETURN(size_t ran, RunGroups(batch, one, undo));
  (void)ran;
  return Status::Ok();
}

Result<size_t> Executor::RunGroups(long long batch, std::vector<std::vector<StepRow*>>& groups,
                                   bool undo) {
  ++steps_started_;
  auto started = Clock::now();
  auto rendered = [&](StepRow* row) -> const RenderedStep& {
    return undo ? *row->step.inverse : row->step.forward;
  };
  size_t announced = 0;  // groups whose step_started events went out (a retry repeats none)
  auto announce = [&](size_t g) {
    if (g < announced) return;
    announced = g + 1;
    for (StepRow* row : groups[g]) {
      nlohmann::json e = Event(undo ? "undo_started" : "step_started");
      e["batch"] = batch;
      e["seq"] = row->step.seq;
      e["kind"] = row->step.kind;
      e["description"] = row->step.description;
      e["migration"] = row->migration_version;
      Emit(e);
    }
  };
  // Statements that must run outside the transaction: only a single group has them (the
  // executor merges groups without).
  for (StepRow* row : groups.front()) {
    for (const std::string& sql : rendered(row).outside_before) BELLOWS_TRY(conn_.Execute(sql));
  }
  size_t ran = 0;
  Status s =
      WithRetries("step " + std::to_string(groups.front().front()->step.seq), [&]() -> Status {
        auto begun = Clock::now();
        ran = 0;
        Status st = conn_.Begin();
        if (st.ok()) st = lock_.Touch(conn_);
        for (size_t g = 0; g < groups.size() && st.ok(); ++g) {
          announce(g);
          for (StepRow* row : groups[g]) {
            st = RunStatements(rendered(row));
            if (!st.ok()) {
              st.WithStep(std::to_string(row->step.seq) + " " + row->step.description);
              break;
            }
            st = state_.SetStepStatus(batch, row->step.seq, undo ? kUndone : kDone, "");
            if (!st.ok()) break;
          }
          if (!st.ok()) break;
          ran = g + 1;
          if (Clock::now() - begun >= options_.group_budget) break;
        }
        if (st.ok()) st = conn_.Commit();
        if (!st.ok()) {
          Status ignored = conn_.Rollback();
          (void)ignored;
        }
        return st;
      });
  for (StepRow* row : groups.front()) {
    for (const std::string& sql : rendered(row).outside_after) {
      Status after = conn_.Execute(sql);
      if (s.ok() && !after.ok()) s = after;
    }
  }
  if (!s.ok()) return s;
  Recorded();
  long long ms = std::chrono::duration_cast<Millis>(Clock::now() - started).count();
  for (size_t g = 0; g < ran; ++g) {
    for (StepRow* row : groups[g]) {
      row->status = undo ? kUndone : kDone;
      nlohmann::json e = Event(undo ? "undo_finished" : "step_finished");
      e["batch"] = batch;
      e["seq"] = row->step.seq;
      e["duration_ms"] = ms;
      Emit(e);
    }
  }
  return ran;
}

Status Executor::RunNonTransactional(long long batch, StepRow& row, const RenderedStep& r,
                                     bool undo, StepRow* next) {
  ++steps_started_;
  // Marked running together with the done of the step before it (no crash in between).
  bool premarked = !undo && premarked_seq_ == row.step.seq && row.status == kRunning;
  premarked_seq_ = -1;
  nlohmann::json e = Event(undo ? "undo_started" : "step_started");
  e["batch"] = batch;
  e["seq"] = row.step.seq;
  e["kind"] = row.step.kind;
  e["description"] = row.step.description;
  e["migration"] = row.migration_version;
  Emit(e);
  auto started = Clock::now();
  if (!undo && row.status == kRunning && !premarked) {
    // Killed while this step ran: probe, never guess (an idempotent step simply runs again).
    if (r.probe.empty() && !r.idempotent) {
      return BELLOWS_ERR(kConflict, "step " + std::to_string(row.step.seq) + " (" +
                                        row.step.description +
                                        ") was interrupted while it ran, and bellows cannot "
                                        "tell whether it took effect")
          .WithStep(std::to_string(row.step.seq))
          .WithHint(
              "bellows does not guess: check what the statement did, then run bellows rollback to "
              "undo the batch");
    }
    Rows found;
    if (!r.probe.empty()) {
      BELLOWS_ASSIGN_OR_RETURN(found, conn_.Query(r.probe));
    }
    if (!found.empty()) {
      BELLOWS_TRY(Record([&] { return state_.SetStepStatus(batch, row.step.seq, kDone, ""); }));
      row.status = kDone;
      return Status::Ok();
    }
  }
  if (!premarked) {
    BELLOWS_TRY(Record([&] { return state_.SetStepStatus(batch, row.step.seq, kRunning, ""); }));
    row.status = kRunning;
  }
  for (const std::string& sql : r.outside_before) BELLOWS_TRY(conn_.Execute(sql));
  std::string what = "step " + std::to_string(row.step.seq);
  auto fail = [&](Status s) {
    return s.WithStep(std::to_string(row.step.seq) + " " + row.step.description);
  };
  // When the first statement fails, nothing ran (each statement is atomic): the step goes back
  // to pending, so an undo does not need its inverse.
  bool changed = false;
  auto not_run = [&](Status s) -> Status {
    if (!changed && !undo) {
      Status reset =
          Record([&] { return state_.SetStepStatus(batch, row.step.seq, kPending, ""); });
      if (reset.ok()) row.status = kPending;
    }
    return fail(s);
  };
  if (r.restart_on_retry) {
    Status s = WithRetries(what, [&]() -> Status {
      for (size_t i = 0; i < r.sql.size();) BELLOWS_TRY(RunAt(r, i, &i));
      return Status::Ok();
    });
    if (!s.ok()) return fail(s);
  } else {
    for (size_t i = 0; i < r.sql.size();) {
      size_t after = i + 1;
      Status s = WithRetries(what, [&] { return RunAt(r, i, &after); });
      // A range that failed may have run in part: only a single statement's failure is nothing.
      if (!s.ok()) return after > i + 1 ? fail(s) : not_run(s);
      if (after > r.leading_checks) changed = true;
      i = after;
    }
  }
  for (const std::string& sql : r.outside_after) BELLOWS_TRY(conn_.Execute(sql));
  RenderedStep checks_only;
  checks_only.checks = r.checks;
  BELLOWS_TRY(RunStatements(checks_only));
  bool chain = !undo && next != nullptr;
  BELLOWS_TRY(Record([&] {
    return chain ? state_.MarkDoneThenRunning(batch, row.step.seq, next->step.seq)
                 : state_.SetStepStatus(batch, row.step.seq, undo ? kUndone : kDone, "");
  }));
  row.status = undo ? kUndone : kDone;
  if (chain) {
    next->status = kRunning;
    premarked_seq_ = next->step.seq;
  }
  nlohmann::json f = Event(undo ? "undo_finished" : "step_finished");
  f["batch"] = batch;
  f["seq"] = row.step.seq;
  f["duration_ms"] = std::chrono::duration_cast<Millis>(Clock::now() - started).count();
  Emit(f);
  return Status::Ok();
}

Status Executor::WaitForReplicas(long long batch, const StepRow& row) {
  if (options_.max_replica_lag.count() == 0) return Status::Ok();
  const double limit = static_cast<double>(options_.max_replica_lag.count()) / 1000;
  auto waiting_since = Clock::now();
  auto last_event = waiting_since - std::chrono::hours(1);
  for (;;) {
    BELLOWS_ASSIGN_OR_RETURN(double lag, conn_.ReplicaLag());
    if (lag <= limit) return Status::Ok();
    auto now = Clock::now();
    if (now - last_event >= std::chrono::seconds(10)) {
      last_event = now;
      nlohmann::json e = Event("replica_lag");
      e["batch"] = batch;
      e["seq"] = row.step.seq;
      e["table"] = row.step.backfill->table;
      // null: the lag is unknown (a MariaDB replica whose SQL thread is stopped)
      e["lag_s"] = std::isfinite(lag) ? nlohmann::json(std::round(lag * 1000) / 1000) : nullptr;
      e["max_s"] = limit;
      e["waited_ms"] = std::chrono::duration_cast<Millis>(now - waiting_since).count();
      Emit(e);
    }
    std::this_thread::sleep_for(std::min(Millis(500), options_.max_replica_lag));
  }
}

Status Executor::RunBackfill(long long batch, StepRow& row) {
  nlohmann::json e = Event("step_started");
  e["batch"] = batch;
  e["seq"] = row.step.seq;
  e["kind"] = row.step.kind;
  e["description"] = row.step.description;
  e["migration"] = row.migration_version;
  Emit(e);
  Backfiller backfiller(conn_, *row.step.backfill, options_.batch_size);
  BELLOWS_TRY(backfiller.Prepare(row.checkpoint));
  auto started = Clock::now();
  // Reconnections in a row, without a committed batch between them.
  constexpr int kReconnects = 3;
  int reconnects = 0;
  for (;;) {
    bool finished = false;
    if (Status w = WaitForReplicas(batch, row); !w.ok())
      return w.WithStep(std::to_string(row.step.seq) + " " + row.step.description);
    auto batch_started = Clock::now();
    Status s = WithRetries("backfill of " + row.step.backfill->table, [&]() -> Status {
      Status st = conn_.Begin();
      if (st.ok()) st = lock_.Touch(conn_);
      if (st.ok()) st = backfiller.RunBatch(&finished);
      if (st.ok()) st = state_.SetCheckpoint(batch, row.step.seq, backfiller.Checkpoint());
      if (st.ok() && finished) st = state_.SetStepStatus(batch, row.step.seq, kDone, "");
      if (st.ok()) st = conn_.Commit();
      if (!st.ok()) {
        Status ignored = conn_.Rollback();
        (void)ignored;
        backfiller.Retry();
      }
      return st;
    });
    if (!s.ok() && s.code() != Code::kLockTimeout && reconnects < kReconnects && !conn_.Alive()) {
      // The session is gone (a network cut, a DBA, a failover) but the runner lock's is not:
      // the batch rolled back with it, so a new session redoes it from the checkpoint. The next
      // attempt's lock check fails the run if the lock went too.
      ++reconnects;
      std::this_thread::sleep_for(Millis(500LL << (reconnects - 1)));
      Status again = conn_.Reconnect();
      if (again.ok()) {
        nlohmann::json r = Event("reconnect");
        r["batch"] = batch;
        r["seq"] = row.step.seq;
        r["attempt"] = reconnects;
        r["attempts"] = kReconnects;
        r["error"] = s.message();
        Emit(r);
        continue;
      }
      s.With("reconnecting failed too (" + again.message() + ")");
    }
    if (!s.ok()) return s.WithStep(std::to_string(row.step.seq) + " " + row.step.description);
    reconnects = 0;
    backfiller.Committed();
    row.checkpoint = backfiller.Checkpoint();
    Recorded();
    auto took = Clock::now() - batch_started;
    Millis pause{0};
    if (!finished) {
      pause = options_.batch_pause + std::chrono::duration_cast<Millis>(took * options_.nice_ratio);
    }
    nlohmann::json p = Event("backfill_progress");
    p["batch"] = batch;
    p["seq"] = row.step.seq;
    p["table"] = row.step.backfill->table;
    p["rows_done"] = backfiller.rows_done();
    p["rows_total"] = backfiller.rows_total();
    p["batch_ms"] = std::chrono::duration_cast<Millis>(took).count();
    p["pause_ms"] = pause.count();
    Emit(p);
    if (finished) break;
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
  }
  row.status = kDone;
  nlohmann::json f = Event("step_finished");
  f["batch"] = batch;
  f["seq"] = row.step.seq;
  f["duration_ms"] = std::chrono::duration_cast<Millis>(Clock::now() - started).count();
  Emit(f);
  return Status::Ok();
}

Status Executor::Forward(long long batch, std::vector<StepRow>& steps, bool contract_half) {
  size_t i = 0;
  while (i < steps.size()) {
    StepRow& row = steps[i];
    bool in_half = (row.step.phase == Phase::kContract) == contract_half;
    if (!in_half || row.status == kDone) {
      ++i;
      continue;
    }
    if (row.step.backfill) {
      BELLOWS_TRY(RunBackfill(batch, row));
      ++i;
      continue;
    }
    if (!row.step.forward.transactional) {
      // The next step is marked running with this one's done when it runs right after it.
      StepRow* next = nullptr;
      if (i + 1 < steps.size()) {
        StepRow& n = steps[i + 1];
        bool next_in_half = (n.step.phase == Phase::kContract) == contract_half;
        if (next_in_half && n.status == kPending && !n.step.backfill &&
            !n.step.forward.transactional) {
          next = &n;
        }
      }
      BELLOWS_TRY(RunNonTransactional(batch, row, row.step.forward, false, next));
      ++i;
      continue;
    }
    // The group, then (single-writer databases) the groups after it that may share its
    // transaction: transactional, nothing to run outside a transaction, in this half.
    auto group_at = [&](size_t k, std::vector<StepRow*>* group) -> size_t {
      const StepRow& first = steps[k];
      group->push_back(&steps[k]);
      size_t j = k + 1;
      while (j < steps.size() && first.step.group != 0 && steps[j].step.group == first.step.group &&
             steps[j].status != kDone && steps[j].step.forward.transactional &&
             !steps[j].step.backfill) {
        group->push_back(&steps[j]);
        ++j;
      }
      return j;
    };
    auto mergeable = [&](const std::vector<StepRow*>& group) {
      for (const StepRow* r : group) {
        const RenderedStep& f = r->step.forward;
        if (!f.outside_before.empty() || !f.outside_after.empty() || !f.patient.empty())
          return false;
      }
      return true;
    };
    std::vector<std::vector<StepRow*>> groups(1);
    std::vector<size_t> ends = {group_at(i, &groups[0])};
    constexpr size_t kMaxGroups = 1000;
    while (options_.group_budget.count() > 0 && mergeable(groups.back()) &&
           groups.size() < kMaxGroups && ends.back() < steps.size()) {
      const StepRow& n = steps[ends.back()];
      bool next_in_half = (n.step.phase == Phase::kContract) == contract_half;
      if (!next_in_half || n.status != kPending || n.step.backfill || !n.step.forward.transactional)
        break;
      std::vector<StepRow*> next;
      size_t end = group_at(ends.back(), &next);
      if (!mergeable(next)) break;
      groups.push_back(std::move(next));
      ends.push_back(end);
    }
    BELLOWS_ASSIGN_OR_RETURN(size_t ran, RunGroups(batch, groups, false));
    i = ends[ran - 1];
  }
  return Status::Ok();
}

Status Executor::Undo(long long batch, std::vector<StepRow>& steps) {
  for (size_t k = steps.size(); k-- > 0;) {
    StepRow& row = steps[k];
    if (row.status != kDone && row.status != kRunning) continue;
    if (!row.step.inverse) {
      return BELLOWS_ERR(kNotRestored, "step " + std::to_string(row.step.seq) + " (" +
                                           row.step.description + ") cannot be undone")
          .WithStep(std::to_string(row.step.seq));
    }
    Status s;
    if (!row.step.inverse->transactional) {
      s = RunNonTransactional(batch, row, *row.step.inverse, true);
    } else {
      std::vector<StepRow*> group = {&row};
      s = RunGroup(batch, group, true);
    }
    if (!s.ok()) {
      return s.WithCode(Code::kNotRestored)
          .With("undoing step " + std::to_string(row.step.seq) + " (" + row.step.description + ")");
    }
  }
  return Status::Ok();
}

}  // namespace bellows
