// Where the fleet's targets come from: the targets file's list, the output of its
// targets_command and the rows of its targets_query.

#include <cstdio>
#include <sys/wait.h>

#include "cli/fleet.h"
#include "dialects/open.h"

namespace bellows::cli {

namespace {

Result<std::vector<FleetTarget>> FromCommand(const std::string& command) {
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return BELLOWS_ERR(kUsage, "cannot run targets_command: " + command);
  std::string text;
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
  int status = pclose(pipe);
  if (status != 0) {
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return BELLOWS_ERR(kUsage,
                       "targets_command exited with " + std::to_string(code) + ": " + command)
        .WithHint("it must print a YAML or JSON list of targets and exit 0");
  }
  return ParseTargetList(text, "targets_command output");
}

Result<std::vector<FleetTarget>> FromQuery(Session& s, const FleetFile& file,
                                           const FleetQuery& query) {
  FleetTarget source;
  source.id = "targets_query";
  source.url_env = query.url_env;
  BELLOWS_ASSIGN_OR_RETURN(std::string url, ResolveUrl(source));
  Result<std::unique_ptr<Connection>> conn = OpenConnection(url, s.MakeDialectOptions());
  if (!conn.ok())
    return MaskStatus(conn.status(), url).With("targets_query (" + query.url_env + ")");
  Result<Rows> rows = (*conn)->Query(query.sql);
  if (!rows.ok()) return MaskStatus(rows.status(), url).With("targets_query in " + file.path);
  std::vector<FleetTarget> out;
  int line = 0;
  for (const Row& row : rows->rows) {
    FleetTarget t;
    t.where = {file.path + " targets_query row", ++line, 0};
    for (size_t c = 0; c < rows->columns.size(); ++c) {
      const std::string& name = rows->columns[c];
      std::string value = row[c].value_or("");
      if (name == "id") {
        t.id = value;
      } else if (name == "url") {
        t.url = value;
      } else if (name == "url_env") {
        t.url_env = value;
      } else if (name == "server") {
        t.server = value;
      } else if (row[c]) {
        t.labels[name] = value;
      }
    }
    if (t.url.empty() == t.url_env.empty())
      return BELLOWS_ERR(kInvalid, "targets_query row " + std::to_string(line) + " (id " + t.id +
                                       ") needs exactly one of url and url_env")
          .WithHint("select the columns id, url or url_env, server and any labels");
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

Result<std::vector<FleetTarget>> GatherTargets(Session& s, const FleetFile& file) {
  std::vector<FleetTarget> targets = file.targets;
  if (!file.targets_command.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(std::vector<FleetTarget> more, FromCommand(file.targets_command));
    BELLOWS_TRY(AddTargets(targets, std::move(more), "targets_command"));
  }
  if (file.targets_query) {
    BELLOWS_ASSIGN_OR_RETURN(std::vector<FleetTarget> more,
                             FromQuery(s, file, *file.targets_query));
    BELLOWS_TRY(AddTargets(targets, std::move(more), "targets_query"));
  }
  if (targets.empty())
    return BELLOWS_ERR(kInvalid, file.path + " lists no targets")
        .WithHint("add targets:, targets_command: or targets_query:");
  return targets;
}

}  // namespace bellows::cli
