#include "engine/fleet_scheduler.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace bellows {

std::vector<FleetWave> BuildWaves(const std::vector<FleetTarget>& targets,
                                  const std::vector<size_t>& selected,
                                  const std::vector<FleetWaveSpec>& specs, Millis default_bake) {
  std::vector<FleetWave> waves;
  std::vector<bool> taken(targets.size(), false);
  for (const FleetWaveSpec& spec : specs) {
    FleetWave w{spec.name, {}, spec.bake.value_or(default_bake)};
    for (size_t i : selected) {
      if (taken[i] || !Matches(targets[i], spec.select)) continue;
      taken[i] = true;
      w.targets.push_back(i);
    }
    waves.push_back(std::move(w));
  }
  FleetWave rest{specs.empty() ? "all" : "rest", {}, Millis{0}};
  for (size_t i : selected) {
    if (!taken[i]) rest.targets.push_back(i);
  }
  waves.push_back(std::move(rest));
  std::erase_if(waves, [](const FleetWave& w) { return w.targets.empty(); });
  return waves;
}

FleetOutcome FleetScheduler::Run(const std::vector<FleetWave>& waves, const Job& job,
                                 const Finished& finished, const BetweenWaves& between) {
  FleetOutcome out;
  out.results.resize(server_of_.size());
  std::mutex mu;
  std::condition_variable cv;
  int failures = 0;
  int running = 0;
  std::map<std::string, int> per_server;
  for (size_t w = 0; w < waves.size(); ++w) {
    const FleetWave& wave = waves[w];
    std::deque<size_t> queue(wave.targets.begin(), wave.targets.end());
    int wave_failures = 0;
    // Takes the first queued target whose server has room; nullopt when the wave is over for
    // this worker (queue empty or the run stopped). Called with `mu` held.
    auto next = [&](std::unique_lock<std::mutex>& lock) -> std::optional<size_t> {
      for (;;) {
        if (limits_.interrupt != nullptr && *limits_.interrupt && out.stopped.ok())
          out.stopped = BELLOWS_ERR(kNotRestored, "interrupted")
                            .WithHint("run the same command again to do what is left");
        if (!out.stopped.ok() || queue.empty()) return std::nullopt;
        for (auto it = queue.begin(); it != queue.end(); ++it) {
          if (per_server[server_of_[*it]] >= limits_.per_server) continue;
          size_t t = *it;
          queue.erase(it);
          return t;
        }
        cv.wait(lock);  // every queued target's server is full: wait for a job to end
      }
    };
    auto worker = [&] {
      std::unique_lock<std::mutex> lock(mu);
      while (std::optional<size_t> t = next(lock)) {
        const std::string& server = server_of_[*t];
        ++running;
        ++per_server[server];
        out.peak_parallel = std::max(out.peak_parallel, running);
        out.peak_per_server = std::max(out.peak_per_server, per_server[server]);
        lock.unlock();
        Status result = job(*t);
        lock.lock();
        --running;
        --per_server[server];
        out.results[*t] = result;
        if (!result.ok()) {
          ++wave_failures;
          if (++failures >= limits_.max_failures && out.stopped.ok()) {
            out.stopped = BELLOWS_ERR(kNotRestored, "the failure limit (--max-failures " +
                                                        std::to_string(limits_.max_failures) +
                                                        ") was reached")
                              .WithHint("fix the failed targets, then run the same command again");
          }
        }
        finished(*t, result);
        cv.notify_all();
      }
    };
    int workers = std::min<int>(limits_.parallel, static_cast<int>(wave.targets.size()));
    std::vector<std::thread> threads;
    for (int i = 1; i < workers; ++i) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    if (!out.stopped.ok()) break;
    if (w + 1 == waves.size()) break;
    if (wave_failures > 0) {
      out.stopped =
          BELLOWS_ERR(kNotRestored, "wave " + wave.name + " had " + std::to_string(wave_failures) +
                                        " failed target(s)")
              .WithHint(
                  "a failed wave stops the waves after it; fix it, then run the same "
                  "fleet command again to do what is left");
      break;
    }
    Status gate = between(wave, waves[w + 1]);
    if (!gate.ok()) {
      out.stopped = gate;
      break;
    }
  }
  return out;
}

}  // namespace bellows
