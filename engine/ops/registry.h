#pragma once
// The operation kinds bellows knows and how each is read from a file or stored JSON.
// A new operation = op_<kind>.{h,cc} + a line here in registry.cc + an example.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/node.h"
#include "engine/operation.h"

namespace bellows {

// Parses one operation: `kind` is its key ("add_column"), `fields` its map.
Result<OperationPtr> ParseOperation(const std::string& kind, const Node& fields);
// Reads an operation back from Operation::ToJson().
Result<OperationPtr> OperationFromJson(const nlohmann::json& j);
std::vector<std::string> OperationKinds();

}  // namespace bellows
