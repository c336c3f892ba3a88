#include "engine/drift.h"

#include <algorithm>
#include <set>

#include "engine/schema_json.h"
#include "engine/strings.h"

namespace bellows {

namespace {

// Steps that change only bellows' own objects or the rows, never the user's schema.
bool TouchesOnlyBellowsObjects(const std::string& kind) {
  return kind == "create_version" || kind == "drop_version" || kind == "create_sync" ||
         kind == "drop_sync" || kind == "backfill";
}

// The tables the steps of an interrupted batch may have changed: those their SQL names.
std::set<std::string> TouchedTables(const std::vector<StepRow>& rows, const Schema& a,
                                    const Schema& b) {
  std::set<std::string> names;
  for (const Schema* s : {&a, &b}) {
    for (const Table& t : s->tables) names.insert(t.name);
    for (const View& v : s->views) names.insert(v.name);
  }
  std::set<std::string> touched;
  for (const StepRow& r : rows) {
    if (r.status == kPending || TouchesOnlyBellowsObjects(r.step.kind)) continue;
    std::vector<const RenderedStep*> rendered = {&r.step.forward};
    if (r.step.inverse) rendered.push_back(&*r.step.inverse);
    for (const RenderedStep* step : rendered) {
      std::vector<std::string> sql = step->sql;
      sql.insert(sql.end(), step->outside_before.begin(), step->outside_before.end());
      sql.insert(sql.end(), step->outside_after.begin(), step->outside_after.end());
      for (const std::string& statement : sql) {
        for (const std::string& name : names) {
          if (MentionsIdentifier(statement, name)) touched.insert(name);
        }
      }
    }
  }
  return touched;
}

}  // namespace

Result<DriftReport> DetectDrift(StateStore& state, const Schema& live) {
  DriftReport report;
  report.live_fingerprint = Fingerprint(live);
  BELLOWS_ASSIGN_OR_RETURN(report.recorded_fingerprint, state.RecordedFingerprint());
  if (report.recorded_fingerprint.empty()) return report;
  report.recorded = true;
  if (report.recorded_fingerprint == report.live_fingerprint) return report;

  BELLOWS_ASSIGN_OR_RETURN(std::optional<std::string> snapshot,
                           state.Snapshot(report.recorded_fingerprint));
  if (!snapshot) {
    return BELLOWS_ERR(kDrift, "the live schema differs from the recorded one (fingerprint " +
                                   report.recorded_fingerprint.substr(0, 12) + "... -> " +
                                   report.live_fingerprint.substr(0, 12) +
                                   "...) and the recorded snapshot is missing, so bellows "
                                   "cannot say what changed")
        .WithHint("review the database, then bellows repair --accept-drift");
  }
  Schema recorded = SchemaFromJson(nlohmann::json::parse(*snapshot));
  std::vector<SchemaChange> changes = DiffSchemas(recorded, live);

  BELLOWS_ASSIGN_OR_RETURN(std::optional<BatchRow> in_flight, state.InFlight());
  std::set<std::string> touched;
  bool interrupted = false;
  if (in_flight) {
    BELLOWS_ASSIGN_OR_RETURN(std::vector<StepRow> rows, state.Steps(in_flight->id));
    // An expanded batch whose steps were left running (a killed complete) is interrupted too.
    interrupted = in_flight->state != kExpanded ||
                  std::any_of(rows.begin(), rows.end(),
                              [](const StepRow& r) { return r.status == kRunning; });
    if (interrupted) {
      report.interrupted_batch = in_flight->id;
      touched = TouchedTables(rows, recorded, live);
    }
  }
  for (SchemaChange& c : changes) {
    bool aside = interrupted && (c.kind == "bellows object" || c.kind == "orphan" ||
                                 touched.count(c.table.empty() ? c.name : c.table) > 0);
    (aside ? report.set_aside : report.changes).push_back(std::move(c));
  }
  return report;
}

Status DriftError(const DriftReport& report) {
  return BELLOWS_ERR(kDrift,
                     "the database was changed outside bellows since its last recorded "
                     "run (" +
                         Count(static_cast<long long>(report.changes.size()), "change") + "):\n  " +
                         Join(Lines(report.changes), "\n  "))
      .WithHint(
          "undo the changes by hand, or write them into a migration; after review, bellows repair "
          "--accept-drift records the schema as it is, and --allow-drift runs anyway");
}

nlohmann::json ToJson(const DriftReport& report) {
  nlohmann::json changes = nlohmann::json::array();
  for (const SchemaChange& c : report.changes) changes.push_back(ToJson(c));
  nlohmann::json aside = nlohmann::json::array();
  for (const SchemaChange& c : report.set_aside) aside.push_back(ToJson(c));
  return {{"drifted", report.drifted()},
          {"recorded", report.recorded},
          {"recorded_fingerprint", report.recorded_fingerprint.empty()
                                       ? nlohmann::json(nullptr)
                                       : nlohmann::json(report.recorded_fingerprint)},
          {"live_fingerprint", report.live_fingerprint},
          {"changes", changes},
          {"set_aside", aside},
          {"interrupted_batch", report.interrupted_batch == 0
                                    ? nlohmann::json(nullptr)
                                    : nlohmann::json(report.interrupted_batch)}};
}

}  // namespace bellows
