#include "cli/session.h"

#include <cstdlib>
#include <filesystem>
#include <pwd.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "dialects/open.h"
#include "engine/duration.h"
#include "engine/url.h"

namespace bellows::cli {

namespace fs = std::filesystem;

void AddGlobalFlags(CLI::App& app, GlobalOptions& o) {
  app.add_option("--url", o.url,
                 "Database URL: sqlite:path.db, postgres://..., mysql://... (else BELLOWS_URL, "
                 "DATABASE_URL, bellows.yaml)");
  app.add_option("--dir", o.dir, "Migration directory (default: migrations/ beside bellows.yaml)");
  app.add_option("--dir-format", o.dir_format,
                 "Directory format: auto, bellows, golang-migrate, flyway, dbmate, goose")
      ->check(CLI::IsMember({"auto", "bellows", "golang-migrate", "flyway", "dbmate", "goose"}));
  app.add_option("--format", o.format,
                 "Output: text or json (plan, drift, lint also markdown; lint also sarif)")
      ->check(CLI::IsMember({"text", "json", "markdown", "sarif"}));
  app.add_option("--config", o.config, "Settings file (default: ./bellows.yaml when present)");
  app.add_option("--schema", o.schema, "Target schema (PostgreSQL)");
  app.add_option("--version-prefix", o.version_prefix,
                 "Prefix of version names (default: the schema, database or 'main')");
  app.add_option("--lock-timeout", o.lock_timeout,
                 "How long a statement waits for a lock that blocks the application (default 2s)");
  app.add_option("--concurrent-wait", o.concurrent_wait,
                 "PostgreSQL: how long CREATE INDEX CONCURRENTLY and VALIDATE CONSTRAINT wait for "
                 "older transactions; they block no application (default 0 = no limit)");
  app.add_option("--lock-retries", o.lock_retries,
                 "Retries of a statement that timed out on a lock (default 10)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--lock-wait", o.lock_wait,
                 "How long to wait for another bellows run's lock (default 60s)");
  app.add_option("--lock-stale", o.lock_stale,
                 "SQLite: take over a lock whose heartbeat stopped this long ago (default 30s)");
  app.add_option("--batch-size", o.batch_size, "Rows per backfill batch (default 1000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--batch-pause", o.batch_pause, "Pause between backfill batches (default 0)");
  app.add_option("--nice-ratio", o.nice_ratio,
                 "After each backfill batch, sleep this many times the batch's duration, so the "
                 "backfill yields the server to the application (0 to 100, default 0)")
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--max-replica-lag", o.max_replica_lag,
                 "Before each backfill batch, wait while a replica (PostgreSQL standby, MariaDB "
                 "replica) is further behind than this (default off)");
  app.add_flag("--allow-drift", o.allow_drift,
               "Run although the schema was changed outside bellows (the run records that it did)");
  app.add_flag("-v,--verbose", o.verbose, "Show where in bellows an error was raised");
  app.add_flag("-q,--quiet", o.quiet, "No progress lines on stderr");
}

Session::Session(const GlobalOptions& options, Output& out)
    : options_(options), out_(out), events_(options.format == "json", options.quiet) {}

Status Session::Init(bool config_optional) {
  std::string path = options_.config;
  if (path.empty() && fs::exists("bellows.yaml")) path = "bellows.yaml";
  if (path.empty()) return Status::Ok();
  if (!fs::exists(path)) {
    if (config_optional) return Status::Ok();
    return BELLOWS_ERR(kUsage, "settings file " + path + " does not exist");
  }
  BELLOWS_ASSIGN_OR_RETURN(config_, LoadConfig(path));
  out_.set_url(Url());
  return Status::Ok();
}

std::string Session::Url() const {
  if (!options_.url.empty()) return options_.url;
  for (const char* env : {"BELLOWS_URL", "DATABASE_URL"}) {
    const char* v = std::getenv(env);
    if (v != nullptr && *v != '\0') return v;
  }
  return config_.url.value_or("");
}

std::string Session::DirPath() const {
  if (!options_.dir.empty()) return options_.dir;
  if (const char* v = std::getenv("BELLOWS_DIR"); v != nullptr && *v != '\0') return v;
  std::string base = config_.path.empty() ? "" : fs::path(config_.path).parent_path().string();
  std::string dir = config_.dir.value_or("migrations");
  if (base.empty() || fs::path(dir).is_absolute()) return dir;
  return (fs::path(base) / dir).string();
}

Result<Directory> Session::LoadDir() {
  std::string format =
      !options_.dir_format.empty() ? options_.dir_format : config_.dir_format.value_or("auto");
  BELLOWS_ASSIGN_OR_RETURN(DirFormat f, ParseDirFormat(format));
  BELLOWS_ASSIGN_OR_RETURN(Directory dir, LoadDirectory(DirPath(), f));
  out_.Warnings(dir.warnings);
  return dir;
}

DialectOptions Session::MakeDialectOptions() const {
  DialectOptions d;
  if (config_.state_schema) d.state_schema = *config_.state_schema;
  if (config_.state_prefix) d.state_prefix = *config_.state_prefix;
  d.schema = !options_.schema.empty() ? options_.schema : config_.schema.value_or("");
  d.version_prefix = !options_.version_prefix.empty() ? options_.version_prefix
                                                      : config_.version_prefix.value_or("");
  return d;
}

Result<std::unique_ptr<Connection>> Session::Connect() {
  std::string url = Url();
  out_.set_url(url);
  if (url.empty()) {
    return BELLOWS_ERR(kUsage, "no database URL")
        .WithHint("pass --url, set BELLOWS_URL or DATABASE_URL, or put url: in bellows.yaml");
  }
  out_.fields()["database"] = MaskUrl(url);
  Result<std::unique_ptr<Connection>> conn = OpenConnection(url, MakeDialectOptions());
  if (!conn.ok()) return MaskStatus(conn.status(), url);
  return conn;
}

Status MaskStatus(const Status& s, const std::string& url) {
  if (s.ok()) return s;
  Status out = Status::Error(s.code(), MaskSecrets(s.message(), url), __FILE__, __LINE__);
  out.WithHint(MaskSecrets(s.hint(), url)).WithMigration(s.migration());
  out.WithStep(MaskSecrets(s.step(), url)).WithSqlState(s.sql_state());
  if (s.location()) out.WithLocation(*s.location());
  return out;
}

Result<RunOptions> Session::MakeRunOptions() {
  RunOptions r;
  auto duration = [&](const std::string& flag, const std::optional<std::string>& file,
                      Millis* out) -> Status {
    std::string text = !flag.empty() ? flag : file.value_or("");
    if (text.empty()) return Status::Ok();
    BELLOWS_ASSIGN_OR_RETURN(*out, ParseDuration(text));
    return Status::Ok();
  };
  BELLOWS_TRY(duration(options_.lock_timeout, config_.lock_timeout, &r.exec.lock_timeout));
  BELLOWS_TRY(duration(options_.concurrent_wait, config_.concurrent_wait, &r.exec.concurrent_wait));
  BELLOWS_TRY(duration(options_.lock_wait, config_.lock_wait, &r.lock_wait));
  BELLOWS_TRY(duration(options_.lock_stale, config_.lock_stale, &r.lock_stale));
  BELLOWS_TRY(duration(options_.batch_pause, config_.batch_pause, &r.exec.batch_pause));
  BELLOWS_TRY(duration(options_.max_replica_lag, config_.max_replica_lag, &r.exec.max_replica_lag));
  if (options_.lock_retries >= 0)
    r.exec.lock_retries = options_.lock_retries;
  else if (config_.lock_retries)
    r.exec.lock_retries = static_cast<int>(*config_.lock_retries);
  if (options_.batch_size > 0)
    r.exec.batch_size = options_.batch_size;
  else if (config_.batch_size)
    r.exec.batch_size = static_cast<int>(*config_.batch_size);
  if (r.exec.batch_size < 1)
    return BELLOWS_ERR(kUsage, "batch_size in bellows.yaml must be at least 1");
  if (options_.nice_ratio >= 0) {
    r.exec.nice_ratio = options_.nice_ratio;
  } else if (config_.nice_ratio) {
    char* end = nullptr;
    double v = std::strtod(config_.nice_ratio->c_str(), &end);
    if (config_.nice_ratio->empty() || *end != '\0' || !(v >= 0 && v <= 100)) {
      return BELLOWS_ERR(kUsage, "nice_ratio in bellows.yaml is \"" + *config_.nice_ratio +
                                     "\", not a number from 0 to 100")
          .WithHint("nice_ratio: 1 sleeps as long as each backfill batch took");
    }
    r.exec.nice_ratio = v;
  }
  if (const char* fault = std::getenv("BELLOWS_FAULT_AFTER_STEP"))
    r.exec.fault_after = std::atoi(fault);
  r.require_sum = config_.require_sum.value_or(false);
  r.allow_drift = options_.allow_drift;
  r.version_prefix = MakeDialectOptions().version_prefix;
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  const char* user = std::getenv("USER");
  if (user == nullptr) {
    struct passwd* pw = getpwuid(getuid());
    user = pw != nullptr ? pw->pw_name : "unknown";
  }
  r.applied_by = std::string(user) + "@" + host;
  return r;
}

}  // namespace bellows::cli
