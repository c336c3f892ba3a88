#pragma once
// Reading YAML: the only user of yaml-cpp. Documents become Nodes with file:line:column
// positions; operation files become migrations.

#include <string>
#include <string_view>

#include "engine/migration.h"
#include "engine/node.h"

namespace bellows {

// Parses one YAML document. Malformed YAML and duplicate keys fail with kInvalid at
// file:line:column.
Result<Node> ParseYaml(std::string_view text, const std::string& file);

// Fills `m` (description, operations, options) from an operation file's text.
Status ReadYamlMigration(std::string_view text, const std::string& file, Migration* m);

}  // namespace bellows
