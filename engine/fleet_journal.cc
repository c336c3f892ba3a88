#include "engine/fleet_journal.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "engine/checksum.h"

namespace bellows {

using nlohmann::json;

std::string DirectoryFingerprint(const Directory& dir) {
  std::string all;
  for (const Migration& m : dir.migrations)
    all += m.VersionText() + " " + m.checksum + " " + m.down_checksum + "\n";
  return Sha256Hex(all).substr(0, 16);
}

Result<std::optional<FleetRun>> ReadFleetRun(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) {
    if (errno == ENOENT) return std::optional<FleetRun>();
    return BELLOWS_ERR(kUsage,
                       "cannot read the fleet run file " + path + ": " + std::strerror(errno));
  }
  FleetRun run;
  std::string line;
  int number = 0;
  int c;
  auto take = [&]() -> Status {
    ++number;
    if (line.empty()) return Status::Ok();
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      // A line cut short by a crash is the last one; anything else is not our file.
      return Status::Ok();
    }
    if (j.contains("run")) {
      run.run_id = j.value("run", "");
      run.command = j.value("command", "");
      run.fingerprint = j.value("fingerprint", "");
      run.started_at = j.value("started_at", "");
    } else if (j.contains("target")) {
      run.finished[j.value("target", "")] = j.value("exit_code", 1);
    } else if (j.value("complete", false)) {
      run.complete = true;
    }
    return Status::Ok();
  };
  while ((c = std::fgetc(f)) != EOF) {
    if (c == '\n') {
      Status s = take();
      line.clear();
      if (!s.ok()) {
        std::fclose(f);
        return s;
      }
    } else {
      line.push_back(static_cast<char>(c));
    }
  }
  std::fclose(f);
  (void)take();
  if (run.run_id.empty())
    return BELLOWS_ERR(kInvalid, path + " is not a bellows fleet run file (no run header)")
        .WithHint("remove it, or pass --run-file with another path");
  return std::optional<FleetRun>(std::move(run));
}

Result<std::unique_ptr<FleetRunWriter>> FleetRunWriter::Open(const std::string& path,
                                                             const FleetRun& run, bool resume) {
  std::FILE* f = std::fopen(path.c_str(), resume ? "a" : "w");
  if (f == nullptr)
    return BELLOWS_ERR(kUsage,
                       "cannot write the fleet run file " + path + ": " + std::strerror(errno))
        .WithHint("pass --run-file with a writable path");
  std::unique_ptr<FleetRunWriter> w(new FleetRunWriter(path, f));
  if (!resume) {
    w->Append(json{{"run", run.run_id},
                   {"command", run.command},
                   {"fingerprint", run.fingerprint},
                   {"started_at", run.started_at}}
                  .dump());
  }
  return w;
}

FleetRunWriter::~FleetRunWriter() { std::fclose(file_); }

void FleetRunWriter::Append(const std::string& line) {
  std::lock_guard<std::mutex> lock(mu_);
  std::fputs((line + "\n").c_str(), file_);
  std::fflush(file_);  // a killed fleet run keeps every finished target
}

void FleetRunWriter::Record(const std::string& target, int exit_code) {
  Append(json{{"target", target}, {"exit_code", exit_code}}.dump());
}

void FleetRunWriter::Complete() { Append(json{{"complete", true}}.dump()); }

}  // namespace bellows
