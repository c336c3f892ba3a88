// bellows repair (SPEC 6): accept reviewed changes, each recorded with who and when.

#include <algorithm>
#include <map>

#include "engine/runner.h"
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

}  // namespace bellows
