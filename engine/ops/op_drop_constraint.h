#pragma once
// drop_constraint {table, name}
// Expand: nothing: both versions keep enforcing the constraint until complete.
// Contract: drops it (SQLite rebuilds the table for a check or foreign key).
// Rollback: nothing to undo before contract. Inverse once completed: create_constraint.

#include "engine/ops/op_common.h"

namespace bellows {

class DropConstraintOp final : public Operation {
 public:
  DropConstraintOp(std::string table = "", std::string name = "")
      : table_(std::move(table)), name_(std::move(name)) {}
  static Result<OperationPtr> Parse(const Node& fields);
  std::string_view Kind() const override { return "drop_constraint"; }
  std::string Label() const override { return "drop_constraint " + name_ + " on " + table_; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override {
    return OpJson(Kind(), {{"table", table_}, {"name", name_}});
  }

 private:
  std::string table_, name_;
};

}  // namespace bellows
