#pragma once
// alter_column {table, column, type?, nullable?, default?, check?, unique?, references?,
//               comment?, up?, down?}   (never renames: use rename_column)
// Expand: the shadow-column pattern (op_shadow.h): a shadow with the new definition, up/down
//   triggers, backfill, constraints not validated or trigger-enforced. On a table created in
//   the same batch: a direct ALTER.
// Contract: validates the new constraints and swaps the shadow in.
// Rollback: drops the shadow, its triggers, indexes and constraints. Inverse once completed:
//   alter_column back to the old definition, `down` as the conversion.

#include "engine/ops/op_common.h"

namespace bellows {

class AlterColumnOp final : public Operation {
 public:
  static Result<OperationPtr> Parse(const Node& fields);
  std::string_view Kind() const override { return "alter_column"; }
  std::string Label() const override { return "alter_column " + table_ + "." + column_; }
  bool AllowCopy() const override { return allow_copy_; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override;
  std::vector<std::string> Dialects() const override;

 private:
  std::string table_, column_;
  std::optional<DialectText> type_;
  std::optional<bool> nullable_;
  std::optional<DialectText> default_;  // empty DialectText: drop the default ("default: null")
  std::optional<CheckSpec> check_;
  bool unique_ = false;
  std::string unique_name_;
  std::optional<ReferencesSpec> references_;
  std::optional<std::string> comment_;
  DialectText up_, down_;
  bool allow_copy_ = false;
};

}  // namespace bellows
