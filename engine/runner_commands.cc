// start, complete, apply and rollback (SPEC 4, 4.1, 4.5).

#include <algorithm>
#include <map>

#include "engine/data_checks.h"
#include "engine/ops/registry.h"
#include "engine/plan_file.h"
#include "engine/runner.h"
#include "engine/strings.h"

namespace bellows {

namespace {

Status InFlightConflict(const BatchRow& b, const std::string& what) {
  return BELLOWS_ERR(kConflict, "batch " + std::to_string(b.id) + " is " + b.state +
                                    " (started by " + b.command + "): " + what);
}

}  // namespace

Status Runner::Start(RunReport* report) {
  BELLOWS_TRY(Open());
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, Refresh());
  report->warnings = inv.warnings;
  BELLOWS_TRY(CheckDrift(report));
  if (inv.in_flight) {
    const BatchRow& b = *inv.in_flight;
    if (b.state == kStarting) {
      BELLOWS_ASSIGN_OR_RETURN(std::vector<StepRow> rows, state_.Steps(b.id));
      report->lines.push_back("resuming batch " + std::to_string(b.id) + " (starting)");
      BELLOWS_TRY(Expand(b.id, rows, report));
      report->started = VersionsOf(b.id);
      report->batch = b.id;
      report->batch_state = kExpanded;
      report->version_name = b.version_name;
      return Status::Ok();
    }
    if (b.state == kFailed) {
      return InFlightConflict(b, "its undo did not finish")
          .WithHint("run bellows rollback to retry the undo");
    }
    return InFlightConflict(b, "run complete or rollback first")
        .WithHint("bellows complete, or bellows rollback");
  }
  std::vector<const Migration*> pending = inv.pending;
  std::erase_if(pending, [](const Migration* m) { return m->kind == MigrationKind::kRepeatable; });
  if (pending.empty()) {
    report->nothing_to_do = true;
    report->lines.push_back("nothing to do: no pending migrations");
    return Status::Ok();
  }
  BELLOWS_ASSIGN_OR_RETURN(BatchPlan plan, PlanNext(inv, pending, false));
  report->warnings.insert(report->warnings.end(), plan.warnings.begin(), plan.warnings.end());
  std::vector<StepRow> rows;
  BELLOWS_ASSIGN_OR_RETURN(long long batch, Record(plan, "start", "forward", &rows));
  BELLOWS_TRY(Expand(batch, rows, report));
  for (const MigrationPlan& m : plan.migrations) report->started.push_back(m.version);
  report->batch = batch;
  report->batch_state = kExpanded;
  report->version_name = plan.version.name;
  return Status::Ok();
}

Status Runner::Complete(RunReport* report) {
  BELLOWS_TRY(Open());
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, Refresh(false));
  report->warnings = inv.warnings;
  BELLOWS_TRY(CheckDrift(report));
  if (!inv.in_flight) {
    report->nothing_to_do = true;
    report->lines.push_back("nothing to do: no batch is in flight");
    return Status::Ok();
  }
  const BatchRow& b = *inv.in_flight;
  if (b.state == kStarting) {
    return InFlightConflict(b, "its expand phase did not finish")
        .WithHint("run bellows start to resume it, or rollback");
  }
  if (b.state != kExpanded && b.state != kCompleting) {
    return InFlightConflict(b, "it cannot be completed").WithHint("run bellows rollback");
  }
  BELLOWS_ASSIGN_OR_RETURN(std::vector<StepRow> rows, state_.Steps(b.id));
  BELLOWS_TRY(Contract(b.id, rows, report));
  report->applied = VersionsOf(b.id);
  report->version_name = b.version_name;
  return Status::Ok();
}

Status Runner::Apply(RunReport* report) {
  BELLOWS_TRY(Open());
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, Refresh());
  report->warnings = inv.warnings;
  BELLOWS_TRY(CheckDrift(report));
  if (inv.in_flight) {
    const BatchRow& b = *inv.in_flight;
    if (b.state == kFailed) {
      return InFlightConflict(b, "its undo did not finish")
          .WithHint("run bellows rollback to retry the undo");
    }
    if (b.state == kRollingBack) return InFlightConflict(b, "run rollback to finish it");
    if (b.state == kExpanded && b.command == "start" && !options_.complete_in_flight) {
      return InFlightConflict(b,
                              "it was started by start; complete it (bellows complete) or pass "
                              "--complete-in-flight")
          .WithHint("bellows complete, or bellows apply --complete-in-flight");
    }
    BELLOWS_ASSIGN_OR_RETURN(std::vector<StepRow> rows, state_.Steps(b.id));
    report->lines.push_back("resuming batch " + std::to_string(b.id) + " (" + b.state + ")");
    if (b.state == kStarting) BELLOWS_TRY(Expand(b.id, rows, report));
    BELLOWS_TRY(Contract(b.id, rows, report));
    for (const std::string& v : VersionsOf(b.id)) report->applied.push_back(v);
    BELLOWS_ASSIGN_OR_RETURN(inv, Refresh());
  }
  for (;;) {
    std::vector<const Migration*> pending = inv.pending;
    if (pending.empty()) break;
    BELLOWS_ASSIGN_OR_RETURN(BatchPlan plan, PlanNext(inv, pending, true));
    report->warnings.insert(report->warnings.end(), plan.warnings.begin(), plan.warnings.end());
    BELLOWS_TRY(ApplyBatch(plan, report));
    BELLOWS_ASSIGN_OR_RETURN(inv, Refresh());
  }
  if (report->applied.empty()) {
    report->nothing_to_do = true;
    report->lines.push_back("nothing to do: the database is up to date");
  }
  return Status::Ok();
}

Status Runner::ApplyBatch(const BatchPlan& plan, RunReport* report) {
  std::vector<StepRow> rows;
  BELLOWS_ASSIGN_OR_RETURN(long long batch, Record(plan, "apply", "forward", &rows));
  const bool contract = std::any_of(
      rows.begin(), rows.end(), [](const StepRow& r) { return r.step.phase == Phase::kContract; });
  if (contract) {
    BELLOWS_TRY(Expand(batch, rows, report));
    BELLOWS_TRY(Contract(batch, rows, report));
  } else {
    // Nothing to contract (no previous version to drop, no swap: a first batch of SQL
    // migrations): the expand records the batch completed, one record instead of three
    // (expanded, completing, completed). Killed before it, the next apply resumes the starting
    // batch as ever.
    BELLOWS_TRY(Expand(batch, rows, report, kCompleted));  // sets report->batch
    report->batch_state = kCompleted;
  }
  for (const MigrationPlan& m : plan.migrations) report->applied.push_back(m.version);
  report->version_name = plan.version.name;
  return Status::Ok();
}

Status Runner::ApplyPlan(const PlanDocument& doc, RunReport* report) {
  BELLOWS_TRY(Open());
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, Refresh());
  report->warnings = inv.warnings;
  BELLOWS_TRY(CheckDrift(report));
  if (inv.in_flight) {
    return InFlightConflict(*inv.in_flight, "a saved plan runs only when no batch is in flight")
        .WithHint("complete or roll back that batch, then make the plan again");
  }
  BELLOWS_ASSIGN_OR_RETURN(PlanInputs now, CurrentInputs(conn_, inv, inv.pending));
  std::vector<std::string> differences = CompareInputs(doc.inputs, now);
  if (!differences.empty()) {
    return BELLOWS_ERR(kConflict, "the saved plan is stale: " + Join(differences, "; "))
        .WithHint("make the plan again with bellows plan --out, review it, then apply it");
  }
  if (doc.batches.empty()) {
    report->nothing_to_do = true;
    report->lines.push_back("nothing to do: the plan is empty");
    return Status::Ok();
  }
  plan_hash_ = doc.plan_hash;
  BELLOWS_ASSIGN_OR_RETURN(Schema live, conn_.Introspect());
  BELLOWS_TRY(RunDataChecks(conn_, live, doc.batches.front()));
  for (const BatchPlan& plan : doc.batches) BELLOWS_TRY(ApplyBatch(plan, report));
  return Status::Ok();
}

Status Runner::Rollback(RunReport* report) {
  BELLOWS_TRY(Open());
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, Refresh(false));
  report->warnings = inv.warnings;
  BELLOWS_TRY(CheckDrift(report));
  if (!inv.in_flight) {
    if (options_.rollback_steps > 0 || !options_.rollback_to.empty())
      return RollbackCompleted(inv, report);
    report->nothing_to_do = true;
    report->lines.push_back(
        "nothing to do: no batch is in flight (to undo completed migrations pass --steps N or --to "
        "VERSION)");
    return Status::Ok();
  }
  if (options_.rollback_steps > 0 || !options_.rollback_to.empty()) {
    return InFlightConflict(
        *inv.in_flight,
        "roll it back (bellows rollback without --steps/--to) before older migrations");
  }
  const BatchRow& b = *inv.in_flight;
  BELLOWS_ASSIGN_OR_RETURN(std::vector<StepRow> rows, state_.Steps(b.id));
  // Refuse before touching anything when a step that ran cannot be undone.
  for (const StepRow& r : rows) {
    if (r.step.phase == Phase::kContract && r.step.destructive && r.status == kDone) {
      return InFlightConflict(
                 b, "step " + std::to_string(r.step.seq) + " (" + r.step.description +
                        ") already ran and cannot be undone; the batch can only go forward")
          .WithHint("run bellows complete");
    }
    if ((r.status == kDone || r.status == kRunning) && !r.step.inverse) {
      return InFlightConflict(b, "step " + std::to_string(r.step.seq) + " (" + r.step.description +
                                     ") ran and has no undo (migration " +
                                     MigrationId(r.migration_version) + " has no down section)")
          .WithHint("the batch can only go forward: run bellows complete");
    }
  }
  BELLOWS_TRY(exec_->InTransaction([&] { return state_.SetBatchState(b.id, kRollingBack, ""); }));
  Status undo = exec_->Undo(b.id, rows);
  report->batch = b.id;
  if (!undo.ok()) {
    Status recorded = exec_->InTransaction([&]() -> Status {
      BELLOWS_TRY(state_.SetBatchState(b.id, kFailed, undo.message()));
      return state_.SetHistoryState(b.id, kFailed, undo.message(), "");
    });
    (void)recorded;
    report->batch_state = kFailed;
    return undo.WithCode(Code::kNotRestored)
        .WithHint("bellows status shows what is left; fix it and run rollback again");
  }
  BELLOWS_TRY(Finish(b.id, kRolledBack, report));
  report->rolled_back = VersionsOf(b.id);
  return Status::Ok();
}

Status Runner::RollbackCompleted(const Inventory& inv, RunReport* report) {
  // Applied migrations, newest first.
  std::vector<const HistoryRow*> applied;
  std::map<std::string, const HistoryRow*> latest;
  for (const HistoryRow& h : inv.history) latest[h.version] = &h;
  for (const auto& [version, row] : latest) {
    if (row->state == kCompleted && row->kind != "repeatable") applied.push_back(row);
  }
  std::sort(applied.begin(), applied.end(), [](const HistoryRow* a, const HistoryRow* b) {
    return *Version::Parse(b->version) < *Version::Parse(a->version);
  });
  std::vector<const HistoryRow*> targets;
  if (!options_.rollback_to.empty()) {
    std::optional<Version> to = Version::Parse(options_.rollback_to);
    if (!to) return BELLOWS_ERR(kUsage, "--to " + options_.rollback_to + " is not a version");
    for (const HistoryRow* h : applied) {
      if (*to < *Version::Parse(h->version)) targets.push_back(h);
    }
  } else {
    for (size_t i = 0; i < applied.size() && static_cast<int>(i) < options_.rollback_steps; ++i) {
      targets.push_back(applied[i]);
    }
  }
  if (targets.empty()) {
    report->nothing_to_do = true;
    report->lines.push_back("nothing to do: no applied migration above that point");
    return Status::Ok();
  }
  // Every target must be reversible before anything runs.
  std::vector<Migration> inverse_migrations;
  for (const HistoryRow* h : targets) {
    if (h->inverse.empty()) {
      return BELLOWS_ERR(kInvalid,
                         "migration " + MigrationId(h->version) + " (" + h->file +
                             ") cannot be rolled back: " +
                             (h->irreversible.empty() ? "it has no down section" : h->irreversible))
          .WithMigration(MigrationId(h->version))
          .WithHint("roll back to a version above it, or write a new migration that undoes it");
    }
    Migration m;
    m.version = *Version::Parse(h->version);
    m.name = "rollback of " + h->name;
    m.id = MigrationId(h->version);
    m.file = h->file;
    m.kind = MigrationKind::kYaml;
    nlohmann::json ops = nlohmann::json::parse(h->inverse);
    for (const nlohmann::json& op : ops) {
      BELLOWS_ASSIGN_OR_RETURN(OperationPtr parsed, OperationFromJson(op));
      m.operations.push_back(parsed);
    }
    inverse_migrations.push_back(std::move(m));
  }
  BELLOWS_ASSIGN_OR_RETURN(Schema live, conn_.Introspect());
  BELLOWS_TRY(CheckDataLoss(conn_, live, inverse_migrations, options_.allow_data_loss));
  PlanRequest req;
  req.dialect = &conn_.dialect();
  req.base = live;
  for (const Migration& m : inverse_migrations) req.pending.push_back(&m);
  req.version_prefix = VersionPrefix();
  req.direct = true;
  BELLOWS_ASSIGN_OR_RETURN(std::optional<BatchRow> last, state_.LastCompleted());
  if (last && !last->version.name.empty()) req.previous = Finalized(last->version);
  req.landing_version =
      applied.size() > targets.size() ? applied[targets.size()]->version : std::string();
  BELLOWS_ASSIGN_OR_RETURN(PlannedBatches planned, PlanBatches(req));
  if (planned.batches.empty()) return Status::Ok();
  BatchPlan& plan = planned.batches.front();
  std::vector<StepRow> rows;
  BELLOWS_ASSIGN_OR_RETURN(long long batch, Record(plan, "rollback", "rollback", &rows));
  BELLOWS_TRY(Expand(batch, rows, report));
  BELLOWS_TRY(Finish(batch, kCompleted, report));
  BELLOWS_TRY(exec_->InTransaction([&]() -> Status {
    for (const HistoryRow* h : targets) BELLOWS_TRY(state_.SetHistoryStateById(h->id, kRolledBack));
    return Status::Ok();
  }));
  for (const HistoryRow* h : targets) report->rolled_back.push_back(h->version);
  return Status::Ok();
}

}  // namespace bellows
