#pragma once
// Reads a migration directory (SPEC 2, 2.3): bellows files, or other tools' directories
// unchanged. Migrations come out versioned ascending, then repeatables by name.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/migration.h"
#include "engine/status.h"

namespace bellows {

enum class DirFormat { kAuto, kBellows, kGolangMigrate, kFlyway, kDbmate, kGoose };
const char* DirFormatName(DirFormat f);
Result<DirFormat> ParseDirFormat(std::string_view name);

struct LoadedFile {
  std::string path;      // relative to the directory
  std::string checksum;  // SHA-256 of its bytes
};

struct Directory {
  std::string path;
  DirFormat format = DirFormat::kBellows;
  bool detected = false;  // format chosen by auto-detection
  std::vector<Migration> migrations;
  std::vector<LoadedFile> files;  // every file read, in sum-file order
  std::vector<std::string> warnings;

  // The migration recorded as `version_text` (Migration::VersionText), or null.
  const Migration* Find(std::string_view version_text) const;
  // Indexes `migrations` for Find (LoadDirectory does; after changing `migrations`, call it
  // again, or Find falls back to a scan).
  void Index();

 private:
  std::unordered_map<std::string, size_t> by_version_;
};

// Fails with kUsage when the directory is missing, kInvalid (naming files) on a bad file or
// two files with one version.
Result<Directory> LoadDirectory(const std::string& path, DirFormat format);

// Reads a whole file; kUsage when it cannot be read.
Result<std::string> ReadFile(const std::string& path);

}  // namespace bellows
