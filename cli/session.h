#pragma once
// What every command shares: the global flags, merged with the environment and bellows.yaml
// (flags > environment > file), the migration directory, the connection, the output.

#include <memory>
#include <string>

#include "cli/output.h"
#include "engine/config.h"
#include "engine/dialect.h"
#include "engine/loader.h"
#include "engine/runner.h"

namespace CLI {
class App;
}

namespace bellows::cli {

struct GlobalOptions {
  std::string url, dir, dir_format, format = "text", config, schema, version_prefix;
  std::string lock_timeout, concurrent_wait, lock_wait, lock_stale, batch_pause;
  std::string max_replica_lag;
  int lock_retries = -1;   // -1: not given (CLI11 refuses a negative one)
  int batch_size = 0;      // 0: not given (CLI11 refuses 0)
  double nice_ratio = -1;  // -1: not given
  bool verbose = false;
  bool quiet = false;
  bool allow_drift = false;
};

class Session {
 public:
  Session(const GlobalOptions& options, Output& out);

  // Reads bellows.yaml (--config, else ./bellows.yaml when present). `config_optional`: a
  // --config file that does not exist yet is fine (bellows init writes it).
  Status Init(bool config_optional = false);
  const ProjectConfig& config() const { return config_; }
  const GlobalOptions& options() const { return options_; }
  Output& out() { return out_; }
  CliEvents& events() { return events_; }

  std::string Url() const;  // "" when none is set anywhere
  std::string DirPath() const;
  Result<Directory> LoadDir();
  Result<std::unique_ptr<Connection>> Connect();
  Result<RunOptions> MakeRunOptions();
  DialectOptions MakeDialectOptions() const;

 private:
  GlobalOptions options_;
  Output& out_;
  CliEvents events_;
  ProjectConfig config_;
};

// `s` with every password of `url` masked (message, hint, step): what an error about a
// connection to `url` may show.
Status MaskStatus(const Status& s, const std::string& url);

// Adds the global flags to `app` (the main app; subcommands fall through to it).
void AddGlobalFlags(CLI::App& app, GlobalOptions& options);

}  // namespace bellows::cli
