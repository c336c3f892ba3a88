#pragma once
// Creating a project and new migration files (bellows init, bellows new).

#include <string>

#include "engine/loader.h"

namespace bellows {

struct InitResult {
  std::vector<std::string> created;  // paths written
  std::vector<std::string> kept;     // paths that already existed
};

// Writes bellows.yaml (unless present), the migration directory, its bellows.sum and a
// .gitattributes that keeps line endings of migrations unchanged (SPEC 2.4). `dir` is where
// the directory goes (relative to the working directory); bellows.yaml records it relative to
// its own folder, as it reads it.
Result<InitResult> InitProject(const std::string& config_path, const std::string& dir,
                               const std::string& url);

// The next version in the directory's scheme (SPEC 7): the next sequence number at the same
// width, else the UTC time YYYYMMDDhhmmss (always above the highest version).
std::string NextVersion(const Directory& dir);

// Writes <version>_<slug>.yaml (or .sql), with `text` or else a template, and appends it to
// bellows.sum when that exists.
// kInvalid for a slug that is not [a-z0-9_]; kUsage when the file cannot be written.
Result<std::string> NewMigration(const Directory& dir, const std::string& slug, bool sql,
                                 const std::string& text = "");

}  // namespace bellows
