// bellows repair (SPEC 6): accept reviewed changes, each recorded with who and when.

#include <algorithm>
#include <map>

#include "engine/drift.h"
#include "engine/runner.h"
#include "engine/schema_json.h"
#include "engine/strings.h"

namespace bellows {

Status Runner::ResolveFailed(RunReport* report) {
  BELLOWS_TRY(Open());
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, Refresh(false));
  report->warnings = inv.warnings;
  if (!inv.in_flight) {
    report->nothing_to_do = true;
    report->lines.push_back("nothing to resolve: no batch is in flight");
    return Status::Ok();
  }
  const BatchRow& b = *inv.in_flight;
  BELLOWS_ASSIGN_OR_RETURN(std::vector<StepRow> rows, state_.Steps(b.id));
  bool interrupted =
      std::any_of(rows.begin(), rows.end(), [](const StepRow& r) { return r.status == kRunning; });
  if (b.state != kFailed && !interrupted) {
    return BELLOWS_ERR(kConflict, "batch " + std::to_string(b.id) + " is " + b.state +
                                      ", not failed: there is nothing to resolve by hand")
        .WithHint(b.state == kExpanded ? "run bellows complete or bellows rollback"
                                       : "run bellows status");
  }
  std::string note = "resolved by hand (" + options_.applied_by + ", " + NowUtc() + ")" +
                     (b.error.empty() ? "" : "; it had failed: " + b.error);
  BELLOWS_TRY(
      exec_->InTransaction([&] { return state_.ResolveBatch(b.id, options_.applied_by, note); }));
  report->batch = b.id;
  report->batch_state = kRolledBack;
  report->rolled_back = VersionsOf(b.id);
  report->lines.push_back("batch " + std::to_string(b.id) +
                          " is recorded as rolled back; its migrations are pending again");
  report->warnings.push_back(
      "bellows did not change the database: objects the batch left (_bellows_ columns, triggers, "
      "views) are "
      "yours to remove if you have not");
  return Status::Ok();
}

Status Runner::AcceptChecksums(RunReport* report) {
  BELLOWS_TRY(Open());
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, Refresh(false));
  std::map<std::string, const HistoryRow*> latest;
  for (const HistoryRow& h : inv.history) latest[h.version] = &h;
  std::vector<std::pair<const HistoryRow*, const Migration*>> edited;
  for (const auto& [version, row] : latest) {
    if (row->state != kCompleted) continue;
    const Migration* m = dir_.Find(version);
    if (m != nullptr && (m->checksum != row->checksum || m->down_checksum != row->down_checksum)) {
      edited.emplace_back(row, m);
    }
  }
  if (edited.empty()) {
    report->nothing_to_do = true;
    report->lines.push_back("nothing to accept: every applied file matches its recorded checksum");
    return Status::Ok();
  }
  BELLOWS_TRY(exec_->InTransaction([&]() -> Status {
    for (const auto& [row, m] : edited) {
      BELLOWS_TRY(state_.AcceptChecksum(row->id, m->checksum, m->down_checksum, options_.applied_by,
                                        m->file + ": " + row->checksum + " -> " + m->checksum));
    }
    return Status::Ok();
  }));
  for (const auto& [row, m] : edited) {
    report->lines.push_back("accepted the edited " + m->file);
    report->applied.push_back(m->VersionText());
  }
  report->warnings.push_back(
      "accepted edits are not applied to the database; write a new migration for a change");
  return Status::Ok();
}

Status Runner::AcceptDrift(RunReport* report) {
  BELLOWS_TRY(Open());
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, Refresh(false));
  report->warnings = inv.warnings;
  BELLOWS_ASSIGN_OR_RETURN(Schema live, conn_.Introspect());
  BELLOWS_ASSIGN_OR_RETURN(DriftReport drift, DetectDrift(state_, live));
  if (drift.recorded && !drift.drifted() && drift.set_aside.empty()) {
    report->nothing_to_do = true;
    report->lines.push_back("nothing to accept: the schema is as bellows recorded it");
    return Status::Ok();
  }
  std::vector<std::string> lines = Lines(drift.changes);
  for (const std::string& line : Lines(drift.set_aside)) lines.push_back(line);
  std::string detail = drift.recorded ? "fingerprint " + drift.recorded_fingerprint.substr(0, 12) +
                                            " -> " + drift.live_fingerprint.substr(0, 12)
                                      : "first fingerprint " + drift.live_fingerprint.substr(0, 12);
  if (!lines.empty()) detail += ":\n" + Join(lines, "\n");
  BELLOWS_TRY(exec_->InTransaction([&]() -> Status {
    BELLOWS_TRY(state_.SetFingerprint(drift.live_fingerprint, CanonicalJson(live).dump()));
    return state_.LogRepair(options_.applied_by, "accept-drift", detail);
  }));
  for (const std::string& line : lines) report->lines.push_back("accepted " + line);
  report->lines.push_back("recorded the live schema (fingerprint " +
                          drift.live_fingerprint.substr(0, 12) + ") as bellows' own");
  return Status::Ok();
}

Status Runner::Baseline(const std::string& version, RunReport* report) {
  std::optional<Version> upto = Version::Parse(version);
  if (!upto) {
    return BELLOWS_ERR(kUsage, "baseline " + version + ": not a version")
        .WithHint("give the version of the last migration the database already has");
  }
  std::vector<const Migration*> adopted;
  for (const Migration& m : dir_.migrations) {
    if (m.kind != MigrationKind::kRepeatable && !(*upto < m.version)) adopted.push_back(&m);
  }
  BELLOWS_TRY(Adopt(adopted, "baseline",
                    "adopted the database at version " + upto->canonical() + " (" +
                        std::to_string(adopted.size()) + " migration file(s))",
                    report));
  report->lines.push_back("baselined at " + upto->canonical() + ": " +
                          std::to_string(adopted.size()) +
                          " migration(s) recorded as applied without running them");
  return Status::Ok();
}

Status Runner::Adopt(const std::vector<const Migration*>& adopted, const std::string& command,
                     const std::string& detail, RunReport* report) {
  BELLOWS_TRY(Open());
  BELLOWS_ASSIGN_OR_RETURN(Inventory inv, Refresh(false));
  report->warnings = inv.warnings;
  if (!inv.history.empty()) {
    return BELLOWS_ERR(kConflict, command +
                                      " adopts a database bellows has not migrated yet; this "
                                      "one has " +
                                      std::to_string(inv.history.size()) + " history row(s)")
        .WithHint("bellows status shows what is recorded; bellows repair fixes a record");
  }
  BELLOWS_ASSIGN_OR_RETURN(Captured now, Capture());
  BELLOWS_TRY(exec_->InTransaction([&]() -> Status {
    BatchRow b;
    b.state = kCompleted;
    b.command = command;
    b.kind = "forward";
    b.applied_by = options_.applied_by;
    BELLOWS_ASSIGN_OR_RETURN(long long id, state_.InsertBatch(b));
    BELLOWS_TRY(state_.SetBatchState(id, kCompleted, ""));
    for (const Migration* m : adopted) {
      HistoryRow h;
      h.version = m->VersionText();
      h.name = m->name;
      h.file = m->file;
      h.kind = MigrationKindName(m->kind);
      h.checksum = m->checksum;
      h.down_checksum = m->down_checksum;
      h.batch_id = id;
      h.state = kCompleted;
      h.applied_by = options_.applied_by;
      h.bellows_version = BELLOWS_VERSION;
      h.fingerprint = now.fingerprint;
      // A SQL migration's down section undoes it whatever the schema; operations need the
      // schema they were planned on, which bellows never saw.
      nlohmann::json inverse = nlohmann::json::array();
      std::string why;
      for (const OperationPtr& op : m->operations) {
        if (op->Kind() != "sql") {
          why = "adopted by bellows " + command + " without running it";
          break;
        }
        std::optional<std::vector<OperationPtr>> undo = op->Inverse(Schema{}, &why);
        if (!undo) break;
        for (const OperationPtr& o : *undo) inverse.insert(inverse.begin(), o->ToJson());
      }
      if (why.empty()) {
        h.inverse = inverse.dump();
      } else {
        h.irreversible = why;
      }
      BELLOWS_TRY(state_.InsertHistory(h));
    }
    BELLOWS_TRY(state_.SetHistoryState(id, kCompleted, "", now.fingerprint));
    BELLOWS_TRY(state_.SetFingerprint(now.fingerprint, now.snapshot));
    return state_.LogRepair(options_.applied_by, command, detail);
  }));
  for (const Migration* m : adopted) report->applied.push_back(m->VersionText());
  return Status::Ok();
}

}  // namespace bellows
