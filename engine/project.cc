#include "engine/project.h"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>

#include "engine/checksum.h"
#include "engine/config.h"
#include "engine/strings.h"
#include "engine/sum_file.h"

namespace bellows {

namespace fs = std::filesystem;

namespace {
Status WriteNew(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) return BELLOWS_ERR(kUsage, "cannot write " + path);
  return Status::Ok();
}
}  // namespace

Result<InitResult> InitProject(const std::string& config_path, const std::string& dir_setting,
                               const std::string& url) {
  InitResult r;
  std::error_code ec;
  fs::path base = fs::path(config_path).parent_path();
  const std::string& dir = dir_setting;
  fs::path from = fs::absolute(base.empty() ? fs::path(".") : base, ec);
  std::string recorded =
      fs::absolute(dir, ec).lexically_relative(from.lexically_normal()).generic_string();
  if (recorded.empty()) recorded = dir;
  if (fs::exists(config_path)) {
    r.kept.push_back(config_path);
  } else {
    if (!base.empty()) fs::create_directories(base, ec);
    BELLOWS_TRY(WriteNew(config_path, DefaultConfigText(url, recorded)));
    r.created.push_back(config_path);
  }
  if (fs::is_directory(dir)) {
    r.kept.push_back(dir);
  } else {
    fs::create_directories(dir, ec);
    if (ec) return BELLOWS_ERR(kUsage, "cannot create " + dir + ": " + ec.message());
    r.created.push_back(dir);
  }
  std::string sum = (fs::path(dir) / "bellows.sum").string();
  if (!fs::exists(sum)) {
    BELLOWS_TRY(WriteNew(sum, ""));
    r.created.push_back(sum);
  }
  std::string attributes = (fs::path(dir) / ".gitattributes").string();
  if (!fs::exists(attributes)) {
    BELLOWS_TRY(WriteNew(
        attributes,
        "# Checksums cover the exact bytes: git must not change line endings of migrations.\n"
        "* -text\n"));
    r.created.push_back(attributes);
  }
  return r;
}

std::string NextVersion(const Directory& dir) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
  const Migration* last = nullptr;
  for (const Migration& m : dir.migrations) {
    if (m.kind != MigrationKind::kRepeatable) last = &m;
  }
  if (last == nullptr) return "0001";
  std::string written = last->id.substr(0, last->id.find('_'));
  bool timestamp = written.size() == 14 && StartsWith(written, "20");
  if (!timestamp && written.find_first_not_of("0123456789") == std::string::npos &&
      written.size() < 14) {
    std::string next = std::to_string(std::stoll(written) + 1);
    if (next.size() < written.size()) next = std::string(written.size() - next.size(), '0') + next;
    return next;
  }
  // A timestamp scheme (or one that cannot be continued): the UTC time, above the highest.
  std::optional<Version> v = Version::Parse(stamp);
  if (v && last->version < *v) return stamp;
  return std::to_string(std::stoll(last->version.canonical()) + 1);
}

Result<std::string> NewMigration(const Directory& dir, const std::string& slug, bool sql,
                                 const std::string& given) {
  static const std::regex kSlug("^[a-z0-9][a-z0-9_]*$");
  if (!std::regex_match(slug, kSlug)) {
    return BELLOWS_ERR(kInvalid, "\"" + slug + "\" is not a valid migration name")
        .WithHint("use lowercase letters, digits and underscores, for example add_user_email");
  }
  if (dir.format != DirFormat::kBellows) {
    return BELLOWS_ERR(kUsage, std::string("bellows new writes bellows files; this directory is ") +
                                   DirFormatName(dir.format));
  }
  std::string version = NextVersion(dir);
  std::string name = version + "_" + slug + (sql ? ".sql" : ".yaml");
  std::string path = (fs::path(dir.path) / name).string();
  std::string text = sql ? "-- bellows:up\n\n-- bellows:down\n"
                         : "description: " + ReplaceAll(slug, "_", " ") +
                               "\noperations:\n"
                               "  # - add_column:\n"
                               "  #     table: users\n"
                               "  #     column: {name: email, type: text}\n";
  if (!sql) text += "  []\n";
  if (!given.empty()) text = given;
  BELLOWS_TRY(WriteNew(path, text));
  std::string sum = SumFilePath(dir);
  if (fs::exists(sum)) {
    std::ofstream out(sum, std::ios::binary | std::ios::app);
    out << Sha256Hex(text) << "  " << name << "\n";
    if (!out) return BELLOWS_ERR(kUsage, "cannot append to " + sum);
  }
  return path;
}

}  // namespace bellows
