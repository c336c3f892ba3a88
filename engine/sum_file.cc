#include "engine/sum_file.h"

#include <filesystem>
#include <fstream>
#include <map>

#include "engine/checksum.h"
#include "engine/strings.h"

namespace bellows {

std::string SumFilePath(const Directory& dir) {
  return (std::filesystem::path(dir.path) / "bellows.sum").string();
}

std::string SumFileText(const Directory& dir) {
  std::string out;
  for (const LoadedFile& f : dir.files) out += f.checksum + "  " + f.path + "\n";
  return out;
}

Status WriteSumFile(const Directory& dir) {
  std::string path = SumFilePath(dir);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << SumFileText(dir);
    if (!out) return BELLOWS_ERR(kUsage, "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return BELLOWS_ERR(kUsage, "cannot write " + path + ": " + ec.message());
  return Status::Ok();
}

bool DiffersOnlyInLineEndings(const std::string& file, const std::string& recorded) {
  Result<std::string> text = ReadFile(file);
  if (!text.ok()) return false;
  return Sha256Hex(ReplaceAll(*text, "\r\n", "\n")) == recorded ||
         Sha256Hex(ReplaceAll(ReplaceAll(*text, "\r\n", "\n"), "\n", "\r\n")) == recorded;
}
Status CheckSumFile(const Directory& dir, bool* missing) {
  std::string path = SumFilePath(dir);
  *missing = !std::filesystem::exists(path);
  if (*missing) return Status::Ok();
  BELLOWS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::map<std::string, std::pair<std::string, int>> recorded;  // file -> checksum, line
  int line_no = 0;
  for (const std::string& raw : Split(text, '\n')) {
    ++line_no;
    std::string line(Trim(raw));
    if (line.empty()) continue;
    size_t sep = line.find("  ");
    if (sep != 64 || line.find_first_not_of("0123456789abcdef") < 64) {
      return BELLOWS_ERR(kInvalid, "malformed line in bellows.sum")
          .WithLocation({path, line_no, 1})
          .WithHint("regenerate it with bellows hash");
    }
    recorded[line.substr(66)] = {line.substr(0, 64), line_no};
  }
  const std::string hint = "if the change is intended, run bellows hash and commit bellows.sum";
  for (const LoadedFile& f : dir.files) {
    auto it = recorded.find(f.path);
    if (it == recorded.end()) {
      return BELLOWS_ERR(kInvalid, "migration file " + f.path + " is not in bellows.sum")
          .WithLocation({path, 0, 0})
          .WithHint(hint);
    }
    if (it->second.first != f.checksum) {
      std::string file = (std::filesystem::path(dir.path) / f.path).string();
      if (DiffersOnlyInLineEndings(file, it->second.first)) {
        return BELLOWS_ERR(kInvalid, "migration file " + f.path +
                                         " differs from bellows.sum only in its line endings")
            .WithLocation({path, it->second.second, 1})
            .WithHint(
                "restore the original line endings (bellows init marks the directory -text in "
                ".gitattributes)");
      }
      return BELLOWS_ERR(kInvalid,
                         "migration file " + f.path + " was edited after bellows.sum was written")
          .WithLocation({path, it->second.second, 1})
          .WithHint(hint);
    }
    recorded.erase(it);
  }
  if (!recorded.empty()) {
    const auto& [file, entry] = *recorded.begin();
    return BELLOWS_ERR(kInvalid, "migration file " + file +
                                     " is in bellows.sum but missing from the directory")
        .WithLocation({path, entry.second, 1})
        .WithHint(hint);
  }
  return Status::Ok();
}

}  // namespace bellows
