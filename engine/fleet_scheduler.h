#pragma once
// Runs one job per fleet target: waves in order, at most `parallel` jobs at once in total and
// `per_server` per server, no new job once `max_failures` failed, and a wave with a failure
// stops the waves after it. Between waves: the bake time, then the health check.

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/duration.h"
#include "engine/fleet_targets.h"
#include "engine/status.h"

namespace bellows {

struct FleetLimits {
  int parallel = 1;
  int per_server = 1;
  int max_failures = 1;
  // Set (by a signal handler) to start no new target; running ones finish.
  const std::atomic<bool>* interrupt = nullptr;
};

struct FleetWave {
  std::string name;
  std::vector<size_t> targets;  // indexes into the target list, in file order
  Millis bake{0};
};

// Splits `selected` (indexes into `targets`) into waves: each spec takes the targets it
// selects that no earlier wave took; a spec without select takes the rest. Targets no spec
// takes form a last wave "rest". Without specs: one wave "all". Empty waves are dropped.
std::vector<FleetWave> BuildWaves(const std::vector<FleetTarget>& targets,
                                  const std::vector<size_t>& selected,
                                  const std::vector<FleetWaveSpec>& specs, Millis default_bake);

struct FleetOutcome {
  std::vector<std::optional<Status>> results;  // per target; nullopt: not started
  Status stopped;                              // why targets were left unstarted (ok: none were)
  int peak_parallel = 0;                       // most jobs that ran at once
  int peak_per_server = 0;                     // most jobs that ran at once against one server
};

class FleetScheduler {
 public:
  using Job = std::function<Status(size_t target)>;
  // Called once per finished job, one at a time (live progress, the run file).
  using Finished = std::function<void(size_t target, const Status& result)>;
  // After a wave that succeeded, before the next: bake, then health check. A failure stops.
  using BetweenWaves = std::function<Status(const FleetWave& done, const FleetWave& next)>;

  FleetScheduler(FleetLimits limits, std::vector<std::string> server_of)
      : limits_(limits), server_of_(std::move(server_of)) {}

  FleetOutcome Run(const std::vector<FleetWave>& waves, const Job& job, const Finished& finished,
                   const BetweenWaves& between);

 private:
  FleetLimits limits_;
  std::vector<std::string> server_of_;  // per target
};

}  // namespace bellows
