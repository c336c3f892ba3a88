// libFuzzer target: one migration file's text read as YAML operations (ReadYamlMigration, what
// the loader does with every .yaml file). Any text gives a Migration or a Status, never a crash.
// Every operation read must also survive the JSON round trip that history relies on: rollback
// reads the stored inverse back with OperationFromJson (engine/runner_commands.cc).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/migration_yaml.h"
#include "engine/operation.h"
#include "engine/ops/registry.h"

namespace {

// Written with fwrite: fuzzed text may hold NUL bytes.
[[noreturn]] void Fail(const std::string& what) {
  std::string line = "fuzz_yaml: " + what + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  bellows::Migration m;
  bellows::Status s = bellows::ReadYamlMigration(text, "fuzz.yaml", &m);
  if (!s.ok()) {
    (void)s.ToString();  // the message the CLI prints must be buildable too
    return 0;
  }
  for (const bellows::OperationPtr& op : m.operations) {
    (void)op->Label();
    nlohmann::json stored = op->ToJson();
    bellows::Result<bellows::OperationPtr> back = bellows::OperationFromJson(stored);
    if (!back.ok()) {
      Fail("stored operation does not read back: " + stored.dump() + ": " +
           back.status().ToString());
    }
    if ((*back)->ToJson() != stored) {
      Fail("operation changed in the JSON round trip: " + stored.dump() + " -> " +
           (*back)->ToJson().dump());
    }
  }
  return 0;
}
