#pragma once
// create_table {table, columns, primary_key?, constraints?, comment?}
// Expand: creates the table (both versions can see it; the old one ignores it).
// Contract: nothing.
// Rollback: drops it. Inverse once completed: drop_table (refused while it holds rows unless
// --allow-data-loss).

#include "engine/ops/op_common.h"

namespace bellows {

class CreateTableOp final : public Operation {
 public:
  static Result<OperationPtr> Parse(const Node& fields);
  std::string_view Kind() const override { return "create_table"; }
  std::string Label() const override { return "create_table " + table_; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override;
  std::vector<std::string> Dialects() const override;

 private:
  std::string table_;
  std::vector<ColumnSpec> columns_;
  std::vector<std::string> primary_key_;
  std::vector<Node> constraints_;  // create_constraint-shaped maps, parsed at plan time
  std::string comment_;
};

}  // namespace bellows
