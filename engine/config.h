#pragma once
// bellows.yaml (SPEC 7): project settings. Precedence is flags > environment > file; the CLI
// merges them, this reads the file.

#include <optional>
#include <string>
#include <vector>

#include "engine/status.h"

namespace bellows {

struct ProjectConfig {
  std::string path;  // the file read ("" = none)
  std::optional<std::string> url;
  std::optional<std::string> dir;  // relative to the file's directory
  std::optional<std::string> dir_format;
  std::optional<std::string> schema;
  std::optional<std::string> state_schema;
  std::optional<std::string> state_prefix;
  std::optional<std::string> version_prefix;
  std::optional<std::string> lock_timeout, concurrent_wait, lock_wait, lock_stale, batch_pause;
  std::optional<std::string> max_replica_lag;
  std::optional<long long> lock_retries, batch_size;
  std::optional<std::string> nice_ratio;  // a number from 0 to 100
  std::optional<bool> require_sum;
  std::vector<std::string> dialects;      // dialects the project targets (validate, lint)
  std::vector<std::string> lint_disable;  // lint: {disable: [CODE, ...]}
};

// Reads `path`. kUsage when it cannot be read, kInvalid (file:line:column) when it is
// malformed or has an unknown key.
Result<ProjectConfig> LoadConfig(const std::string& path);

// The text `bellows init` writes.
std::string DefaultConfigText(const std::string& url, const std::string& dir);

}  // namespace bellows
