// libFuzzer target: bellows.yaml (LoadConfig), a fleet's target list (ParseTargetList) and
// database URLs: MaskUrl, MaskSecrets, UrlDialect, UrlWithDatabase and the MySQL URL parser. The
// input is read as a config file (written to a scratch file under $TMPDIR, as LoadConfig reads only
// files), then as a URL; a config's url is checked as well. Any text gives a value or a Status,
// never a crash, and MaskUrl never leaves the password the MySQL connection would use (SPEC 7).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

#include "dialects/mysql/mysql_url.h"
#include "engine/config.h"
#include "engine/dialect_text.h"
#include "engine/fleet_targets.h"
#include "engine/strings.h"
#include "engine/url.h"

namespace {

namespace fs = std::filesystem;

// Written with fwrite: fuzzed text may hold NUL bytes.
[[noreturn]] void Fail(std::string_view url, const std::string& what) {
  std::string line = "fuzz_config_url: " + what + " (url: " + std::string(url) + ")\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::abort();
}

// Occurrences of `needle` in `text`, overlapping ones included.
size_t Count(std::string_view text, std::string_view needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

void CheckUrl(std::string_view url) {
  std::string dialect = bellows::UrlDialect(url);
  if (!dialect.empty() && !bellows::IsDialectName(dialect)) Fail(url, "dialect " + dialect);
  std::string masked = bellows::MaskUrl(url);
  bool has_secret = url.find('@') != std::string_view::npos ||
                    bellows::Lower(url).find("password=") != std::string::npos;
  // A client library's message that quotes the URL (cli/output.cc masks every line).
  std::string message = "cannot connect to " + std::string(url);
  std::string masked_message = bellows::MaskSecrets(message, url);
  if (!has_secret && masked != url) Fail(url, "masked a URL without a password: " + masked);
  if (!has_secret && masked_message != message)
    Fail(url, "masked a message for a URL without a password: " + masked_message);
  if (bellows::UrlWithDatabase(url, "fuzz_db").find("fuzz_db") == std::string::npos)
    Fail(url, "UrlWithDatabase lost the database");

  bellows::Result<bellows::mysql::MysqlUrl> parsed =
      bellows::mysql::ParseMysqlUrl(std::string(url));
  if (!parsed.ok()) {
    (void)parsed.status().ToString();
    return;
  }
  // The password the connection would send. Without %-escapes it is written literally in the
  // URL, and masking must remove that occurrence: replacing a span that covers it with "***"
  // removes at least one occurrence and creates none (the password holds no '*').
  const std::string& password = parsed->password;
  if (password.empty() || password.find('*') != std::string::npos ||
      url.find('%') != std::string_view::npos)
    return;
  if (Count(masked, password) >= Count(url, password))
    Fail(url, "MaskUrl left the password \"" + password + "\" in " + masked);
}

class ScratchFile {
 public:
  ScratchFile() {
    std::string tmpl = (fs::temp_directory_path() / "bellows-fuzz-config-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) Fail("", "cannot create a scratch directory in " + tmpl);
    dir_ = tmpl;
    path_ = (fs::path(dir_) / "bellows.yaml").string();
  }
  ~ScratchFile() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ScratchFile config;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  {
    std::ofstream out(config.path(), std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) Fail("", "cannot write " + config.path());
  }
  bellows::Result<bellows::ProjectConfig> c = bellows::LoadConfig(config.path());
  if (!c.ok()) {
    (void)c.status().ToString();
  } else if (c->url) {
    CheckUrl(*c->url);
  }
  CheckUrl(text);
  // A target list accepts no URL with a password written in it, and a target's server key
  // (the per-server limit's) never holds one.
  bellows::Result<std::vector<bellows::FleetTarget>> targets =
      bellows::ParseTargetList(text, "fuzz targets");
  if (!targets.ok()) {
    (void)targets.status().ToString();
    return 0;
  }
  for (const bellows::FleetTarget& t : *targets) {
    if (t.url.empty()) continue;
    CheckUrl(t.url);
    if (t.url.find("${") == std::string::npos && bellows::MaskUrl(t.url) != t.url)
      Fail(t.url, "a target with a password written in its URL was accepted");
    std::string key = bellows::ServerKey(t.url);
    std::string dialect = bellows::UrlDialect(t.url);
    if (dialect != "sqlite" && !dialect.empty() && key.find('@') != std::string::npos)
      Fail(t.url, "the server key " + key + " holds a userinfo");
  }
  return 0;
}
