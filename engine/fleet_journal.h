#pragma once
// The fleet's run file: which fleet command ran with which migration directory, and which
// targets it finished. JSON lines, appended as targets finish, so a run killed half-way
// leaves an exact record: the same command run again skips the targets it finished, and is
// refused when the directory changed in between (the fleet must not end on two plans).

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "engine/loader.h"
#include "engine/status.h"

namespace bellows {

// What the directory would make a database: every migration's version and checksums, hashed.
std::string DirectoryFingerprint(const Directory& dir);

struct FleetRun {
  std::string run_id;  // "20261206T061500Z-4242"
  std::string command;
  std::string fingerprint;
  std::string started_at;
  std::map<std::string, int> finished;  // target id -> exit code of its last attempt
  bool complete = false;                // every target succeeded
};

// nullopt when the file does not exist; kInvalid (file:line) when it is not a run file.
Result<std::optional<FleetRun>> ReadFleetRun(const std::string& path);

// Appends to the run file; Record may be called from several threads.
class FleetRunWriter {
 public:
  // `resume`: append to the existing run; otherwise the file is replaced by a new run.
  static Result<std::unique_ptr<FleetRunWriter>> Open(const std::string& path, const FleetRun& run,
                                                      bool resume);
  ~FleetRunWriter();
  void Record(const std::string& target, int exit_code);
  void Complete();

 private:
  FleetRunWriter(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  void Append(const std::string& line);
  std::string path_;
  std::FILE* file_;
  std::mutex mu_;
};

}  // namespace bellows
