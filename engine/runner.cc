#include "engine/runner.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>
#include <unistd.h>

#include "engine/data_checks.h"
#include "engine/drift.h"
#include "engine/plan_file.h"
#include "engine/schema_json.h"
#include "engine/strings.h"
#include "engine/sum_file.h"

namespace bellows {

Result<Inventory> TakeInventory(Connection& conn, const Directory& dir, const RunOptions& options) {
  Inventory inv;
  StateStore state(conn);
  BELLOWS_ASSIGN_OR_RETURN(inv.state_exists, state.Exists());
  if (inv.state_exists) {
    BELLOWS_ASSIGN_OR_RETURN(inv.history, state.History());
    BELLOWS_ASSIGN_OR_RETURN(inv.in_flight, state.InFlight());
  }
  std::map<std::string, const HistoryRow*> latest;  // the newest row per version
  for (const HistoryRow& h : inv.history) latest[h.version] = &h;
  const long long in_flight = inv.in_flight ? inv.in_flight->id : -1;

  std::optional<Version> highest;
  for (const auto& [version, row] : latest) {
    if (row->state != kCompleted || row->kind == "repeatable") continue;
    const Migration* m = dir.Find(version);
    if (m == nullptr) {
      Status s = BELLOWS_ERR(kInvalid, "applied migration " + version + " (" + row->file +
                                           ") is missing from the migration directory");
      s.WithHint("restore the file, or pass --allow-missing if it was removed on purpose");
      if (!options.allow_missing)
        inv.problems.push_back(s);
      else
        inv.warnings.push_back(s.message());
    } else if (m->checksum != row->checksum || m->down_checksum != row->down_checksum) {
      bool down = m->checksum == row->checksum;
      std::string file =
          (std::filesystem::path(dir.path) / (down ? m->down_file : m->file)).string();
      if (DiffersOnlyInLineEndings(file, down ? row->down_checksum : row->checksum)) {
        inv.problems.push_back(
            BELLOWS_ERR(kInvalid, "applied migration " + (down ? m->down_file : m->file) +
                                      " differs from the applied version only in its line endings")
                .WithMigration(m->id)
                .WithHint("restore its line endings; git must not convert them (bellows init marks "
                          "the directory -text in .gitattributes)"));
      } else {
        inv.problems.push_back(
            BELLOWS_ERR(kInvalid, "applied migration " + (down ? m->down_file : m->file) +
                                      " was edited after it was applied (recorded checksum " +
                                      (down ? row->down_checksum : row->checksum).substr(0, 12) +
                                      "..., file " +
                                      (down ? m->down_checksum : m->checksum).substr(0, 12) +
                                      "...)")
                .WithMigration(m->id)
                .WithHint("restore the file as it was applied (git checkout); an applied "
                          "migration's file must not change"));
      }
    }
    std::optional<Version> v = Version::Parse(version);
    if (v && (!highest || *highest < *v)) highest = v;
  }
  for (const Migration& m : dir.migrations) {
    auto it = latest.find(m.VersionText());
    const HistoryRow* row = it == latest.end() ? nullptr : it->second;
    if (row != nullptr && row->batch_id == in_flight) continue;
    bool done = row != nullptr && row->state == kCompleted &&
                (m.kind != MigrationKind::kRepeatable || row->checksum == m.checksum);
    if (done) {
      inv.applied.push_back(&m);
      continue;
    }
    if (m.kind != MigrationKind::kRepeatable && highest && m.version < *highest &&
        !options.allow_out_of_order && !m.allow_out_of_order) {
      inv.problems.push_back(
          BELLOWS_ERR(kInvalid, "pending migration " + m.file + " has version " +
                                    m.version.canonical() + ", below the highest applied version " +
                                    highest->canonical() + " (out of order)")
              .WithMigration(m.id)
              .WithHint("give it a higher version, or pass --allow-out-of-order (or mark the file "
                        "-- bellows:allow-out-of-order) to apply it anyway"));
    }
    inv.pending.push_back(&m);
  }
  if (highest) inv.current_version = highest->canonical();
  return inv;
}

Runner::Runner(Connection& conn, const Directory& dir, RunOptions options, EventSink& events)
    : conn_(conn), dir_(dir), options_(std::move(options)), events_(events), state_(conn) {}

Runner::~Runner() {
  if (lock_) {
    Status ignored = lock_->Release();
    (void)ignored;
  }
}

Status Runner::Acquire() {
  BELLOWS_ASSIGN_OR_RETURN(lock_, conn_.OpenRunnerLock(options_.lock_stale));
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  LockOwner me{
      std::string("bellows/") + BELLOWS_VERSION + ":" + host + ":" + std::to_string(getpid()), host,
      static_cast<long>(getpid())};
  auto deadline = std::chrono::steady_clock::now() + options_.lock_wait;
  bool announced = false;
  for (;;) {
    std::string holder;
    Result<bool> got = lock_->TryAcquire(me, &holder);
    if (!got.ok() && got.status().code() != Code::kLockTimeout) return got.status();
    if (got.ok() && *got) return Status::Ok();
    if (holder.empty()) holder = "another bellows run";
    if (std::chrono::steady_clock::now() >= deadline) {
      lock_.reset();
      return BELLOWS_ERR(kLockBusy, "the runner lock is held by " + holder + "; waited " +
                                        FormatDuration(options_.lock_wait))
          .WithHint("wait for that run to finish, or raise --lock-wait");
    }
    if (!announced) {
      nlohmann::json e = Event("lock_wait");
      e["holder"] = holder;
      e["wait_ms"] = options_.lock_wait.count();
      events_.Emit(e);
      announced = true;
    }
    std::this_thread::sleep_for(Millis(200));
  }
}

Status Runner::Open() {
  BELLOWS_TRY(conn_.SetLockTimeout(options_.exec.lock_timeout));
  // A replica whose lag cannot be read (on MariaDB: no report_host, no access) stops the run
  // before anything changes, not at its first backfill batch.
  if (options_.exec.max_replica_lag.count() > 0) BELLOWS_TRY(conn_.ReplicaLag().status());
  // The state tables are created (or upgraded) under the runner lock: runners that start
  // together must not race to create them.
  BELLOWS_TRY(Acquire());
  BELLOWS_TRY(state_.Ensure());
  // One writer for the whole database: small steps share a transaction for up to 50 ms (the
  // longest extra wait an application writer sees), so that a long directory of small
  // migrations does not pay a commit each (decision 41).
  if (conn_.dialect().Supports(Capability::kSingleWriter) &&
      options_.exec.group_budget.count() == 0)
    options_.exec.group_budget = Millis(50);
  exec_ = std::make_unique<Executor>(conn_, state_, *lock_, options_.exec, events_);
  return Status::Ok();
}

std::string Runner::VersionPrefix() const {
  return options_.version_prefix.empty()
             ? conn_.dialect().DefaultVersionPrefix(conn_.DatabaseName())
             : options_.version_prefix;
}

Result<Inventory> Runner::Refresh(bool strict) {
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, TakeInventory(conn_, dir_, options_));
  if (!inv.problems.empty() && strict) return inv.problems.front();
  for (const Status& p : inv.problems) inv.warnings.push_back(p.message());
  history_ = inv.history;
  if (!options_.to.empty()) {
    std::optional<Version> to = Version::Parse(options_.to);
    if (!to) return BELLOWS_ERR(kUsage, "--to " + options_.to + " is not a version");
    std::erase_if(inv.pending, [&](const Migration* m) {
      return m->kind == MigrationKind::kRepeatable || *to < m->version;
    });
  }
  return inv;
}

Result<BatchPlan> Runner::PlanNext(const Inventory& inv,
                                   const std::vector<const Migration*>& pending, bool split) {
  PlanRequest req;
  req.dialect = &conn_.dialect();
  BELLOWS_ASSIGN_OR_RETURN(req.base, LiveSchema());
  BELLOWS_ASSIGN_OR_RETURN(std::optional<BatchRow> last, state_.LastCompleted());
  if (last && !last->version.name.empty()) req.previous = Finalized(last->version);
  req.pending = pending;
  req.version_prefix = VersionPrefix();
  req.split = split;
  req.max_batches = 1;
  BELLOWS_ASSIGN_OR_RETURN(PlannedBatches planned, PlanBatches(req));
  BatchPlan plan = std::move(planned.batches.front());
  BELLOWS_TRY(RunDataChecks(conn_, req.base, plan));
  BELLOWS_ASSIGN_OR_RETURN(PlanInputs inputs, CurrentInputs(conn_, inv, pending, &req.base));
  plan_hash_ = PlanHash(inputs, {plan});
  return plan;
}

Result<long long> Runner::Record(const BatchPlan& plan, const std::string& command,
                                 const std::string& kind, std::vector<StepRow>* rows) {
  rows->clear();
  for (const PlannedStep& s : plan.steps) {
    StepRow r;
    r.step = s;
    r.migration_version = plan.migrations[static_cast<size_t>(s.migration)].version;
    r.status = kPending;
    rows->push_back(std::move(r));
  }
  long long id = 0;
  BELLOWS_TRY(exec_->InTransaction([&]() -> Status {
    BatchRow b;
    b.state = kStarting;
    b.command = command;
    b.kind = kind;
    b.version_name = plan.version.name;
    b.version = plan.version;
    b.latest_sql = plan.latest_sql;
    b.applied_by = options_.applied_by;
    b.plan_hash = plan_hash_;
    BELLOWS_ASSIGN_OR_RETURN(id, state_.InsertBatch(b));
    if (kind == "forward") {
      std::vector<HistoryRow> history;
      for (const MigrationPlan& m : plan.migrations) {
        HistoryRow h;
        h.version = m.version;
        h.name = m.name;
        h.file = m.file;
        h.kind = m.kind;
        h.checksum = m.checksum;
        h.down_checksum = m.down_checksum;
        h.batch_id = id;
        h.state = kStarting;
        h.applied_by = options_.applied_by;
        h.bellows_version = BELLOWS_VERSION;
        h.plan_hash = plan_hash_;
        h.inverse = m.irreversible.empty() ? m.inverse.dump() : "";
        h.irreversible = m.irreversible;
        history.push_back(std::move(h));
      }
      BELLOWS_TRY(state_.InsertHistory(history));
    }
    return state_.InsertSteps(id, *rows);
  }));
  if (kind == "forward") {
    for (const MigrationPlan& m : plan.migrations) recorded_[id].push_back(m.version);
  }
  return id;
}

std::string Runner::FirstNotDone(const std::vector<StepRow>& rows) {
  for (const StepRow& r : rows) {
    if (r.status != kDone) return r.migration_version;
  }
  return "";
}

std::string Runner::MigrationId(const std::string& version) const {
  const Migration* m = dir_.Find(version);
  return m != nullptr ? m->id : version;
}

std::vector<std::string> Runner::VersionsOf(long long batch) const {
  auto it = recorded_.find(batch);
  if (it != recorded_.end()) return it->second;
  std::vector<std::string> out;
  for (const HistoryRow& h : history_) {
    if (h.batch_id == batch) out.push_back(h.version);
  }
  return out;
}

Result<Schema> Runner::LiveSchema() {
  if (!exec_) return conn_.Introspect();
  if (known_ && known_->steps_started == exec_->steps_started()) return known_->schema;
  BELLOWS_ASSIGN_OR_RETURN(Schema live, conn_.Introspect());
  known_ = Known{live, exec_->steps_started()};
  return live;
}

Result<Runner::Captured> Runner::Capture() {
  BELLOWS_ASSIGN_OR_RETURN(Schema live, LiveSchema());
  return Captured{Fingerprint(live), CanonicalJson(live).dump()};
}

Status Runner::CheckDrift(RunReport* report) {
  BELLOWS_ASSIGN_OR_RETURN(Schema live, LiveSchema());
  BELLOWS_ASSIGN_OR_RETURN(DriftReport drift, DetectDrift(state_, live));
  if (!drift.set_aside.empty()) {
    report->warnings.push_back(
        std::to_string(drift.set_aside.size()) + " change(s) on objects interrupted batch " +
        std::to_string(drift.interrupted_batch) + " touches were not checked for drift");
  }
  if (!drift.drifted()) return Status::Ok();
  if (!options_.allow_drift) return DriftError(drift);
  std::vector<std::string> lines = Lines(drift.changes);
  report->warnings.push_back("proceeding despite drift (--allow-drift): " + Join(lines, "; "));
  return exec_->InTransaction(
      [&] { return state_.LogRepair(options_.applied_by, "allow-drift", Join(lines, "\n")); });
}

Status Runner::Finish(long long batch, const std::string& state, RunReport* report) {
  BELLOWS_ASSIGN_OR_RETURN(Captured now, Capture());
  BELLOWS_TRY(exec_->InTransaction([&]() -> Status {
    BELLOWS_TRY(state_.SetBatchState(batch, state, ""));
    BELLOWS_TRY(state_.SetFingerprint(now.fingerprint, now.snapshot));
    return state_.SetHistoryState(batch, state, "", now.fingerprint);
  }));
  report->batch = batch;
  report->batch_state = state;
  return Status::Ok();
}

namespace {

// The connection went away in the middle of a batch: nothing more can be undone or recorded
// through it. The records say how far the batch got, and the next run resumes or undoes it
// from there: failed, not restored (SPEC 7.1).
Status LostMidBatch(Status s) {
  if (s.ok() || s.code() != Code::kConnection) return s;
  return s.WithCode(Code::kNotRestored)
      .WithHint(
          "the connection to the database was lost mid-batch; the batch stays where it stopped "
          "(bellows status shows where): once the database is reachable, run the same command "
          "again to resume, or bellows rollback to undo it");
}

}  // namespace

Status Runner::UndoBatch(long long batch, std::vector<StepRow>& rows, const Status& cause,
                         RunReport* report) {
  report->batch = batch;
  const std::string failed_version = FirstNotDone(rows);
  if (cause.code() == Code::kLockBusy) {
    // Another runner may own the database now: touching it would race that runner.
    Status s = cause;
    return s.WithCode(Code::kNotRestored)
        .WithMigration(MigrationId(failed_version))
        .WithHint(
            "the runner lock was lost mid-batch, so bellows stopped without touching the database "
            "again: check bellows status, then run the same command again to resume, or bellows "
            "rollback to undo it");
  }
  if (cause.code() == Code::kConnection) {
    Status s = cause;
    return LostMidBatch(s.WithMigration(MigrationId(failed_version)));
  }
  // A terminated session reports itself as an SQL error first; only the next statement finds
  // the connection gone. The cause is told first, then what the lost connection stopped.
  auto lost = [&](const Status& after) {
    Status s = BELLOWS_ERR(kConnection,
                           cause.message() + "; then the connection was lost: " + after.message());
    return LostMidBatch(s.WithMigration(MigrationId(failed_version)));
  };
  Status marked = exec_->InTransaction(
      [&] { return state_.SetBatchState(batch, kRollingBack, cause.message()); });
  if (marked.code() == Code::kConnection) return lost(marked);
  BELLOWS_TRY(marked);
  Status undo = exec_->Undo(batch, rows);
  if (undo.ok()) {
    Result<Captured> captured = Capture();
    if (!captured.ok() && captured.status().code() == Code::kConnection)
      return lost(captured.status());
    BELLOWS_ASSIGN_OR_RETURN(Captured now, std::move(captured));
    BELLOWS_TRY(exec_->InTransaction([&]() -> Status {
      BELLOWS_TRY(state_.SetFingerprint(now.fingerprint, now.snapshot));
      BELLOWS_TRY(state_.SetBatchState(batch, kRolledBack, cause.message()));
      BELLOWS_TRY(state_.SetHistoryState(batch, kRolledBack, "", ""));
      return state_.SetHistoryStateFor(batch, failed_version, kFailed, cause.message());
    }));
    report->batch_state = kRolledBack;
    report->rolled_back = VersionsOf(batch);
    Status s = cause;
    return s.WithMigration(MigrationId(failed_version))
        .WithHint(cause.hint().empty() ? "the batch was undone; fix the migration and run it again"
                                       : cause.hint());
  }
  Status recorded = exec_->InTransaction([&]() -> Status {
    BELLOWS_TRY(
        state_.SetBatchState(batch, kFailed, cause.message() + "; undo failed: " + undo.message()));
    return state_.SetHistoryState(batch, kFailed, cause.message(), "");
  });
  (void)recorded;
  report->batch_state = kFailed;
  Status s = BELLOWS_ERR(kNotRestored,
                         cause.message() + "; undoing the batch failed too: " + undo.message());
  return s.WithMigration(MigrationId(failed_version))
      .WithStep(undo.step())
      .WithHint(
          "bellows status shows what is left; fix what the error says, then run bellows rollback "
          "again to finish the undo");
}

Status Runner::Expand(long long batch, std::vector<StepRow>& rows, RunReport* report,
                      const std::string& reached) {
  Status s = exec_->Forward(batch, rows, false);
  // A refusal (an interrupted step bellows cannot probe) leaves the batch as it is.
  if (!s.ok() && s.code() == Code::kConflict)
    return s.WithMigration(MigrationId(FirstNotDone(rows)));
  if (!s.ok()) return UndoBatch(batch, rows, s, report);
  report->batch = batch;
  Result<Captured> now = Capture();
  if (!now.ok()) return LostMidBatch(now.status());
  return LostMidBatch(exec_->InTransaction([&]() -> Status {
    BELLOWS_TRY(state_.SetBatchState(batch, reached, ""));
    BELLOWS_TRY(state_.SetFingerprint(now->fingerprint, now->snapshot));
    return state_.SetHistoryState(batch, reached, "", now->fingerprint);
  }));
}

Status Runner::Contract(long long batch, std::vector<StepRow>& rows, RunReport* report) {
  report->batch = batch;
  BELLOWS_TRY(LostMidBatch(exec_->InTransaction([&]() -> Status {
    BELLOWS_TRY(state_.SetBatchState(batch, kCompleting, ""));
    return state_.SetHistoryState(batch, kCompleting, "", "");
  })));
  Status s = exec_->Forward(batch, rows, true);
  if (s.ok()) return LostMidBatch(Finish(batch, kCompleted, report));
  s.WithMigration(MigrationId(FirstNotDone(rows)));
  if (s.code() == Code::kConflict) return s;
  if (s.code() == Code::kConnection) {
    report->batch_state = kCompleting;
    return LostMidBatch(s);
  }
  bool past_point_of_no_return = std::any_of(rows.begin(), rows.end(), [](const StepRow& r) {
    return r.step.phase == Phase::kContract && r.step.destructive && r.status == kDone;
  });
  if (past_point_of_no_return || s.code() == Code::kLockBusy || s.code() == Code::kNotRestored) {
    report->batch_state = kCompleting;
    return s.WithCode(Code::kNotRestored)
        .WithHint(
            "the batch passed a step that cannot be undone; fix the cause and run bellows complete "
            "again");
  }
  // Back to expanded: undo the contract steps that ran.
  std::vector<StepRow> contract;
  for (const StepRow& r : rows) {
    if (r.step.phase == Phase::kContract) contract.push_back(r);
  }
  Status undo = exec_->Undo(batch, contract);
  if (!undo.ok()) {
    report->batch_state = kCompleting;
    return BELLOWS_ERR(kNotRestored,
                       s.message() + "; undoing the contract steps failed too: " + undo.message())
        .WithHint("bellows status shows what is left");
  }
  BELLOWS_ASSIGN_OR_RETURN(Captured now, Capture());
  BELLOWS_TRY(exec_->InTransaction([&]() -> Status {
    BELLOWS_TRY(state_.SetFingerprint(now.fingerprint, now.snapshot));
    BELLOWS_TRY(state_.SetBatchState(batch, kExpanded, s.message()));
    return state_.SetHistoryState(batch, kExpanded, s.message(), "");
  }));
  report->batch_state = kExpanded;
  return s.WithHint(
      "the batch is back to expanded; both versions still work. Fix the cause and run complete "
      "again, "
      "or roll back");
}

}  // namespace bellows
