#include "engine/ops/registry.h"

#include "engine/ops/op_add_column.h"
#include "engine/ops/op_alter_column.h"
#include "engine/ops/op_create_constraint.h"
#include "engine/ops/op_create_index.h"
#include "engine/ops/op_create_table.h"
#include "engine/ops/op_drop_column.h"
#include "engine/ops/op_drop_constraint.h"
#include "engine/ops/op_drop_index.h"
#include "engine/ops/op_drop_table.h"
#include "engine/ops/op_rename_column.h"
#include "engine/ops/op_rename_table.h"
#include "engine/ops/op_sql.h"
#include "engine/strings.h"

namespace bellows {

namespace {
struct Entry {
  const char* kind;
  Result<OperationPtr> (*parse)(const Node&);
};
constexpr Entry kOperations[] = {
    {"create_table", &CreateTableOp::Parse},
    {"drop_table", &DropTableOp::Parse},
    {"rename_table", &RenameTableOp::Parse},
    {"add_column", &AddColumnOp::Parse},
    {"drop_column", &DropColumnOp::Parse},
    {"rename_column", &RenameColumnOp::Parse},
    {"alter_column", &AlterColumnOp::Parse},
    {"create_index", &CreateIndexOp::Parse},
    {"drop_index", &DropIndexOp::Parse},
    {"create_constraint", &CreateConstraintOp::Parse},
    {"drop_constraint", &DropConstraintOp::Parse},
    {"sql", &SqlOp::Parse},
};
}  // namespace

std::vector<std::string> OperationKinds() {
  std::vector<std::string> out;
  for (const Entry& e : kOperations) out.push_back(e.kind);
  return out;
}

Result<OperationPtr> ParseOperation(const std::string& kind, const Node& fields) {
  for (const Entry& e : kOperations) {
    if (kind != e.kind) continue;
    if (!fields.is_map()) {
      return BELLOWS_ERR(kInvalid, kind + ": its fields must be a map, not " + fields.Describe())
          .WithLocation(fields.location);
    }
    Result<OperationPtr> op = e.parse(fields);
    if (op.ok()) std::const_pointer_cast<Operation>(*op)->set_location(fields.location);
    return op;
  }
  return BELLOWS_ERR(kInvalid, "unknown operation \"" + kind + "\"")
      .WithLocation(fields.location)
      .WithHint("valid operations: " + Join(OperationKinds(), ", "));
}

Result<OperationPtr> OperationFromJson(const nlohmann::json& j) {
  if (!j.is_object() || j.size() != 1)
    return BELLOWS_ERR(kInvalid, "stored operation is not {kind: fields}: " + j.dump());
  return ParseOperation(j.begin().key(), Node::FromJson(j.begin().value()));
}

}  // namespace bellows
