#pragma once
// rename_column {table, from, to}
// Expand: the new version sees the column under its new name.
// Contract: renames the column.
// Rollback: nothing to undo before contract. Inverse once completed: rename_column back.

#include "engine/ops/op_common.h"

namespace bellows {

class RenameColumnOp final : public Operation {
 public:
  RenameColumnOp(std::string table = "", std::string from = "", std::string to = "")
      : table_(std::move(table)), from_(std::move(from)), to_(std::move(to)) {}
  static Result<OperationPtr> Parse(const Node& fields);
  std::string_view Kind() const override { return "rename_column"; }
  std::string Label() const override {
    return "rename_column " + table_ + "." + from_ + " -> " + to_;
  }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override {
    return OpJson(Kind(), {{"table", table_}, {"from", from_}, {"to", to_}});
  }

 private:
  std::string table_, from_, to_;
};

}  // namespace bellows
