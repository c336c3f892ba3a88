#pragma once
// drop_index {name, table?}
// Expand: nothing (both versions keep the index).
// Contract: drops it (PostgreSQL CONCURRENTLY).
// Rollback: nothing to undo before contract. Inverse once completed: create_index.

#include "engine/ops/op_common.h"

namespace bellows {

class DropIndexOp final : public Operation {
 public:
  DropIndexOp(std::string name = "", std::string table = "")
      : name_(std::move(name)), table_(std::move(table)) {}
  static Result<OperationPtr> Parse(const Node& fields);
  std::string_view Kind() const override { return "drop_index"; }
  std::string Label() const override { return "drop_index " + name_; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override;

 private:
  std::string name_, table_;
};

}  // namespace bellows
