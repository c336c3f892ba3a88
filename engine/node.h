#pragma once
// A parsed document node with its source position: what migration_yaml.cc (the only yaml-cpp
// user) produces and operations read their fields from. Also built from JSON (stored inverse
// operations) without positions.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/status.h"

namespace bellows {

struct Node {
  enum class Kind { kNull, kScalar, kList, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;                                 // kScalar
  bool quoted = false;                                // the scalar was quoted in the source
  std::vector<Node> items;                            // kList
  std::vector<std::pair<std::string, Node>> entries;  // kMap, in source order
  SourceLocation location;                            // file:line:column of the node

  // Declared here, defined in node.cc: Node holds vectors of itself, which libstdc++ 12 lets
  // clang instantiate only once Node is complete.
  Node();
  ~Node();
  Node(const Node&) = default;
  Node(Node&&) = default;
  Node& operator=(const Node&) = default;
  Node& operator=(Node&&) = default;

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_list() const { return kind == Kind::kList; }
  bool is_map() const { return kind == Kind::kMap; }
  const Node* Find(std::string_view key) const;
  std::string Describe() const;  // "a list", "a map", "\"x\""

  static Node FromJson(const nlohmann::json& j);
  nlohmann::json ToJson() const;
};

// Reads the fields of one map node, remembering which were used so that unknown fields can
// be reported with the list of valid ones.
class FieldReader {
 public:
  // `what` names the object in errors: "add_column", "column users.email".
  FieldReader(const Node& node, std::string what);

  const Node& node() const { return node_; }
  const std::string& what() const { return what_; }

  // Each declares `key` valid. Missing optional fields leave the output unchanged.
  Status String(std::string_view key, std::string* out, bool required = false);
  Status Bool(std::string_view key, bool* out);
  Status Int(std::string_view key, long long* out);
  Status StringList(std::string_view key, std::vector<std::string>* out, bool required = false);
  const Node* Child(std::string_view key, bool required, Status* status);
  void Declare(std::string_view key);  // valid but read by the caller through node()

  // Fails on the first field that was not declared, naming the valid ones.
  Status Finish() const;
  Status Error(const Node& at, std::string message) const;

 private:
  const Node& node_;
  std::string what_;
  std::vector<std::string> declared_;
};

}  // namespace bellows
