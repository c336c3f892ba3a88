#pragma once
// rename_table {from, to}
// Expand: the new version sees the table under its new name (the physical table keeps the old
// one).
// Contract: renames the table.
// Rollback: nothing to undo before contract. Inverse once completed: rename_table back.

#include "engine/ops/op_common.h"

namespace bellows {

class RenameTableOp final : public Operation {
 public:
  RenameTableOp(std::string from = "", std::string to = "")
      : from_(std::move(from)), to_(std::move(to)) {}
  static Result<OperationPtr> Parse(const Node& fields);
  std::string_view Kind() const override { return "rename_table"; }
  std::string Label() const override { return "rename_table " + from_ + " -> " + to_; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override { return OpJson(Kind(), {{"from", from_}, {"to", to_}}); }

 private:
  std::string from_, to_;
};

}  // namespace bellows
