#pragma once
// bellows.sum (SPEC 2.4): "<sha256>  <file>" per line for every file the loader reads, in the
// format of sha256sum, so `sha256sum -c bellows.sum` works in the migration directory.

#include <string>

#include "engine/loader.h"

namespace bellows {

std::string SumFilePath(const Directory& dir);
std::string SumFileText(const Directory& dir);
// Whether file `path` has checksum `recorded` once its line endings are changed (CRLF <-> LF).
bool DiffersOnlyInLineEndings(const std::string& path, const std::string& recorded);

// Writes the sum file. kUsage when it cannot be written.
Status WriteSumFile(const Directory& dir);
// kInvalid naming the first file added, edited or removed without updating the sum file (and
// whether only line endings differ). `missing` is set when there is no sum file (not an error).
Status CheckSumFile(const Directory& dir, bool* missing);

}  // namespace bellows
