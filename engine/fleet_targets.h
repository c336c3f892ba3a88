#pragma once
// The fleet's targets file (bellows.fleet.yaml, docs/fleet.md): the databases `bellows fleet`
// migrates, their labels and servers, the waves they run in and the run's limits. Secrets stay
// in the environment: a target names `url_env`, or writes `${VAR}` where its URL has a secret.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/duration.h"
#include "engine/node.h"
#include "engine/status.h"

namespace bellows {

struct FleetTarget {
  std::string id;
  std::string url;      // as written: a URL, maybe with ${VAR}; "" when url_env names it
  std::string url_env;  // the variable that holds the whole URL
  std::string server;   // per-server limit key; "" = derived from the URL (ServerKey)
  std::map<std::string, std::string> labels;
  SourceLocation where;  // file:line:column of the entry, or the command/query it came from
};

// One label condition: key=value, or key=v1,v2 (any of them). The key "id" matches the id.
struct Selector {
  std::string key;
  std::vector<std::string> values;
};
Result<Selector> ParseSelector(std::string_view text);
bool Matches(const FleetTarget& target, const std::vector<Selector>& selectors);  // all of them

struct FleetWaveSpec {
  std::string name;
  std::vector<Selector> select;  // empty: every target no earlier wave took
  std::optional<Millis> bake;    // pause after this wave before the next one
};

// Where more targets come from: a command printing a YAML or JSON list shaped like
// `targets:`, or a query whose columns are id, url or url_env, server, and labels.
struct FleetQuery {
  std::string url_env;  // the database holding the list
  std::string sql;
};

struct FleetFile {
  std::string path;
  std::vector<FleetTarget> targets;
  std::string targets_command;
  std::optional<FleetQuery> targets_query;
  std::vector<FleetWaveSpec> waves;
  std::string health_check;
  std::optional<long long> parallel, per_server, max_failures;
};

// Reads and checks the targets file: unknown fields, duplicate ids, a literal password in a
// URL (kInvalid, at file:line:column, with a hint to use url_env or ${VAR}).
Result<FleetFile> LoadFleetFile(const std::string& path);
// A list of targets in the targets: shape (the output of targets_command). `what` names the
// source in errors.
Result<std::vector<FleetTarget>> ParseTargetList(std::string_view text, const std::string& what);
// Adds `more` to `targets`; kInvalid on an id that is already there.
Status AddTargets(std::vector<FleetTarget>& targets, std::vector<FleetTarget> more,
                  const std::string& what);

// The URL to connect to: url_env's value, or url with every ${VAR} replaced. kUsage naming
// the variable when it is not set.
Result<std::string> ResolveUrl(const FleetTarget& target);
// The per-server limit key of a resolved URL: "postgres://host:port" (no user, password or
// database); a SQLite file is its own server.
std::string ServerKey(std::string_view url);

}  // namespace bellows
