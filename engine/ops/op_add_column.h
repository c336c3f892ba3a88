#pragma once
// add_column {table, column, up?, allow_copy?}
// Expand: on an existing table, a shadow column (the shadow-column pattern, op_shadow.h) that
//   the new version sees at once; old-version inserts get `up` (or the default) through
//   triggers, existing rows through the backfill. On a table created in the same batch: a
//   plain ADD COLUMN.
// Contract: the shadow takes the column's name, NOT NULL, default and constraints.
// Rollback: drops the shadow and its triggers. Inverse once completed: drop_column.

#include "engine/ops/op_common.h"

namespace bellows {

class AddColumnOp final : public Operation {
 public:
  static Result<OperationPtr> Parse(const Node& fields);
  std::string_view Kind() const override { return "add_column"; }
  std::string Label() const override { return "add_column " + table_ + "." + column_.name; }
  bool AllowCopy() const override { return allow_copy_; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override;
  std::vector<std::string> Dialects() const override;

 private:
  std::string table_;
  ColumnSpec column_;
  DialectText up_;
  bool allow_copy_ = false;
};

}  // namespace bellows
