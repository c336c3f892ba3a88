#pragma once
// What the fleet tests share on every dialect: a five-migration project, a targets file, and
// running `bellows fleet` in the project directory.

#include <functional>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

// 0001 create items, 0002 seed two rows (SQL), 0003 add price, 0004 index name, 0005 rename
// price to amount (expand/contract: a version view per batch).
void WriteFleetProject(Project& p);

struct FleetEntry {
  std::string id;
  std::string url;     // written as url: (may hold ${VAR}); "" uses url_env
  std::string labels;  // YAML flow map body: "tier: canary"
  std::string url_env;
};

// Writes bellows.fleet.yaml in the project directory: the targets, then `extra` (waves,...).
void WriteTargets(const Project& p, const std::vector<FleetEntry>& targets,
                  const std::string& extra = "");

// bellows --dir migrations fleet <args>, in the project directory.
Run Fleet(const Project& p, const std::string& args,
          const std::map<std::string, std::string>& env = {});
// The per-target rows of a --format json fleet run, by id.
std::map<std::string, nlohmann::json> TargetsOf(const nlohmann::json& report);

// The fleet test on a server dialect: databases of one server, migrated in a canary wave and
// the rest with 4 at once in total but 2 per server (observed from the server), then a batch
// expanded everywhere and completed only once every database is expanded.
struct FleetServer {
  std::vector<std::string> urls;           // one database each, as the targets file writes them
  std::map<std::string, std::string> env;  // what ${VAR} in the URLs reads
  std::string sleep_sql;                   // sleeps 0.3 s (appended to 0002)
  std::function<int()> sleeping;           // sessions running sleep_sql right now
  std::function<Table(size_t, const std::string&)> query;  // reads database i
};
void FleetOnServer(const FleetServer& s);

}  // namespace bellows::e2e
