#pragma once
// drop_column {table, column, down?}
// Expand: hides the column from the new version; the new version's inserts and updates keep
//   filling it from `down` (required when the column is NOT NULL without a default).
// Contract: drops the column (destructive; SQLite rewrites the table).
// Rollback: nothing to undo before contract. Irreversible once completed.

#include "engine/ops/op_common.h"

namespace bellows {

class DropColumnOp final : public Operation {
 public:
  DropColumnOp(std::string table = "", std::string column = "")
      : table_(std::move(table)), column_(std::move(column)) {}
  static Result<OperationPtr> Parse(const Node& fields);
  std::string_view Kind() const override { return "drop_column"; }
  std::string Label() const override { return "drop_column " + table_ + "." + column_; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override;
  bool Destructive() const override { return true; }
  std::vector<std::string> Dialects() const override { return LimitDialects({&down_}); }

 private:
  std::string table_, column_;
  DialectText down_;
};

}  // namespace bellows
