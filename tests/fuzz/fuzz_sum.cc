// libFuzzer target: bellows.sum read and checked against a migration directory (CheckSumFile).
// The sum file is only read from disk, so each input is written to bellows.sum in a scratch
// directory (under $TMPDIR) holding two migrations, one with CRLF line endings so that the
// "differs only in line endings" check runs too. Any text gives OK or a Status, never a crash.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "engine/checksum.h"
#include "engine/loader.h"
#include "engine/sum_file.h"

namespace {

namespace fs = std::filesystem;

// Their checksums are in the seeds (corpus/fuzz_sum/): change both together.
constexpr const char* kFiles[][2] = {
    {"0001_create_users.yaml",
     "description: users\noperations:\n  - create_table:\n      table: users\n      columns:\n"
     "        - {name: id, type: bigint, primary_key: true}\n"},
    {"0002_add_email.sql",
     "-- bellows:up\r\nALTER TABLE users ADD COLUMN email text;\r\n-- bellows:down\r\n"
     "ALTER TABLE users DROP COLUMN email;\r\n"},
};

// Written with fwrite, like the other targets' (fuzzed text may hold NUL bytes).
[[noreturn]] void Fail(const std::string& what) {
  std::string line = "fuzz_sum: " + what + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::abort();
}

class Scratch {
 public:
  Scratch() {
    std::string tmpl = (fs::temp_directory_path() / "bellows-fuzz-sum-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) Fail("cannot create a scratch directory in " + tmpl);
    dir_.path = tmpl;
    for (const auto& [name, text] : kFiles) {
      std::ofstream(fs::path(dir_.path) / name, std::ios::binary) << text;
      dir_.files.push_back({name, bellows::Sha256Hex(text)});
    }
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_.path, ec);
  }
  const bellows::Directory& dir() const { return dir_; }

 private:
  bellows::Directory dir_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Scratch scratch;
  const std::string sum = bellows::SumFilePath(scratch.dir());
  {
    std::ofstream out(sum, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) Fail("cannot write " + sum);
  }
  bool missing = true;
  bellows::Status s = bellows::CheckSumFile(scratch.dir(), &missing);
  if (missing) Fail("bellows.sum reported missing after it was written");
  if (!s.ok()) (void)s.ToString();
  return 0;
}
