#pragma once
// bellows fleet: the ordinary commands on every target of a targets file (docs/fleet.md).
// cmd_fleet.cc parses the flags and runs the targets; fleet_sources.cc gathers the targets;
// fleet_report.cc prints the live progress and the report.

#include <mutex>
#include <string>
#include <vector>

#include "cli/session.h"
#include "engine/fleet_scheduler.h"
#include "engine/fleet_targets.h"
#include "engine/runner.h"

namespace bellows::cli {

// What one target did, for the report.
struct TargetReport {
  std::string result = "not_started";  // ok, failed, not_started, done_earlier
  int exit_code = 0;
  Status error;          // masked
  std::string database;  // the URL as shown (no password)
  std::string wave;
  std::string version_before, version_after;
  RunReport run;
  nlohmann::json details = nlohmann::json::object();  // status and plan fields
  Millis duration{0};
};

// The targets of the targets file, its command and its query, in that order.
Result<std::vector<FleetTarget>> GatherTargets(Session& s, const FleetFile& file);

// Progress on stderr while targets run: a line per finished target (text), or JSON lines with
// the target's id added to each engine event. One lock for all threads.
class FleetProgress {
 public:
  FleetProgress(bool json, bool quiet, size_t total) : json_(json), quiet_(quiet), total_(total) {}
  void Event(const std::string& target, nlohmann::json event);
  void Finished(const std::string& id, const TargetReport& report);
  void Note(const std::string& text);  // a fleet-level line: wave started, baking, health check

 private:
  std::mutex mu_;
  bool json_, quiet_;
  size_t total_, done_ = 0;
};

// The engine's events of one target, tagged with its id.
class TargetEvents final : public EventSink {
 public:
  TargetEvents(FleetProgress& progress, std::string id) : progress_(progress), id_(std::move(id)) {}
  void Emit(const nlohmann::json& event) override { progress_.Event(id_, event); }

 private:
  FleetProgress& progress_;
  std::string id_;
};

// One line of the report: "none -> 0005", "0005", "0003 -> 0002".
std::string VersionsText(const TargetReport& r);

// The report: a table (text or markdown) on stdout, the JSON fields, and the run's status:
// OK when every target succeeded, else the worst target's class (exit 6 > 1 > 3 > 7 > 5 > 4 >
// 2) with a message counting the failures, or `stopped` when targets were left unstarted.
Status ReportFleet(Session& s, const std::string& command, const std::vector<FleetTarget>& targets,
                   const std::vector<TargetReport>& reports, const FleetOutcome& outcome);

}  // namespace bellows::cli
