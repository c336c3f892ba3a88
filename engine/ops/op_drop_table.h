#pragma once
// drop_table {table}
// Expand: hides the table from the new version (no view for it; SQLite cannot hide a base
// table from a connection, docs/sqlite.md).
// Contract: drops the table (destructive).
// Rollback: nothing to undo before contract. Irreversible once completed.

#include "engine/ops/op_common.h"

namespace bellows {

class DropTableOp final : public Operation {
 public:
  explicit DropTableOp(std::string table = "") : table_(std::move(table)) {}
  static Result<OperationPtr> Parse(const Node& fields);
  std::string_view Kind() const override { return "drop_table"; }
  std::string Label() const override { return "drop_table " + table_; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override { return OpJson(Kind(), {{"table", table_}}); }
  bool Destructive() const override { return true; }

 private:
  std::string table_;
};

}  // namespace bellows
