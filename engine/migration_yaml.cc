#include "engine/migration_yaml.h"

#include <set>

#include <yaml-cpp/yaml.h>

#include "engine/ops/registry.h"
#include "engine/strings.h"

namespace bellows {

namespace {

SourceLocation At(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

// Nodes one document may expand to. YAML aliases repeat a node without repeating its text, so
// a few hundred bytes of nested aliases would expand to billions of nodes (found by fuzzing);
// a real migration or bellows.yaml has a few thousand.
constexpr size_t kMaxNodes = 200000;
// Levels of nesting. An alias inside the node it names (`&a [*a]`) nests without end; each
// level is a stack frame, and the stack ran out before the node budget (found by fuzzing).
constexpr size_t kMaxDepth = 200;

Result<Node> Convert(const YAML::Node& y, const std::string& file, size_t& budget,
                     size_t depth = 0) {
  if (depth > kMaxDepth) {
    return BELLOWS_ERR(kInvalid,
                       "the document nests deeper than " + std::to_string(kMaxDepth) + " levels")
        .WithLocation(At(file, y.Mark()))
        .WithHint(
            "an alias used inside the node it names (&a [*a]) repeats without end: write "
            "the values out");
  }
  if (budget == 0) {
    return BELLOWS_ERR(kInvalid,
                       "the document expands to more than " + std::to_string(kMaxNodes) + " nodes")
        .WithLocation(At(file, y.Mark()))
        .WithHint(
            "YAML aliases (*name) repeat whole nodes: write the values out, or split the file");
  }
  --budget;
  Node n;
  n.location = At(file, y.Mark());
  switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return n;
    case YAML::NodeType::Scalar:
      n.kind = Node::Kind::kScalar;
      n.scalar = y.Scalar();
      n.quoted = y.Tag() == "!";
      return n;
    case YAML::NodeType::Sequence:
      n.kind = Node::Kind::kList;
      for (const YAML::Node& item : y) {
        BELLOWS_ASSIGN_OR_RETURN(Node child, Convert(item, file, budget, depth + 1));
        n.items.push_back(std::move(child));
      }
      return n;
    case YAML::NodeType::Map: {
      n.kind = Node::Kind::kMap;
      std::set<std::string> seen;
      for (const auto& entry : y) {
        if (!entry.first.IsScalar()) {
          return BELLOWS_ERR(kInvalid, "map keys must be plain names")
              .WithLocation(At(file, entry.first.Mark()));
        }
        std::string key = entry.first.Scalar();
        if (!seen.insert(key).second) {
          return BELLOWS_ERR(kInvalid, "duplicate key \"" + key + "\"")
              .WithLocation(At(file, entry.first.Mark()));
        }
        BELLOWS_ASSIGN_OR_RETURN(Node child, Convert(entry.second, file, budget, depth + 1));
        if (child.is_null()) child.location = At(file, entry.first.Mark());
        n.entries.emplace_back(key, std::move(child));
      }
      return n;
    }
  }
  return n;
}

}  // namespace

Result<Node> ParseYaml(std::string_view text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return BELLOWS_ERR(kInvalid, "malformed YAML: " + e.msg)
        .WithLocation(At(file, e.mark))
        .WithHint("fix the YAML syntax at this position");
  }
  try {
    size_t budget = kMaxNodes;
    return Convert(root, file, budget);
  } catch (const YAML::Exception& e) {
    return BELLOWS_ERR(kInvalid, "malformed YAML: " + e.msg).WithLocation(At(file, e.mark));
  }
}

Status ReadYamlMigration(std::string_view text, const std::string& file, Migration* m) {
  BELLOWS_ASSIGN_OR_RETURN(Node root, ParseYaml(text, file));
  if (root.is_null()) return Status::Ok();  // an empty file is a no-op
  if (!root.is_map()) {
    return BELLOWS_ERR(kInvalid,
                       "a migration file must be a map with \"operations\", not " + root.Describe())
        .WithLocation(root.location);
  }
  FieldReader r(root, "migration");
  BELLOWS_TRY(r.String("description", &m->description));
  BELLOWS_TRY(r.Bool("allow_out_of_order", &m->allow_out_of_order));
  Status s;
  const Node* ops = r.Child("operations", false, &s);
  BELLOWS_TRY(r.Finish());
  if (ops == nullptr) return Status::Ok();
  if (!ops->is_list()) {
    return BELLOWS_ERR(kInvalid, "\"operations\" must be a list, not " + ops->Describe())
        .WithLocation(ops->location);
  }
  for (const Node& item : ops->items) {
    if (!item.is_map() || item.entries.size() != 1) {
      return BELLOWS_ERR(kInvalid,
                         "each operation must be a map with one key, the operation's name")
          .WithLocation(item.location)
          .WithHint("for example: - add_column: {table: users, column: {name: email, type: text}}");
    }
    const auto& [kind, fields] = item.entries.front();
    Node located = fields;
    if (located.location.line == 0) located.location = item.location;
    BELLOWS_ASSIGN_OR_RETURN(OperationPtr op, ParseOperation(kind, located));
    m->operations.push_back(std::move(op));
  }
  return Status::Ok();
}

}  // namespace bellows
