#pragma once
// create_index {name, table, columns, unique?, where?}
// Expand: builds the index (PostgreSQL CONCURRENTLY, MySQL online, SQLite under the write
//   lock), on the shadow column when the batch alters one of its columns.
// Contract: nothing.
// Rollback: drops it. Inverse once completed: drop_index.

#include "engine/ops/op_common.h"

namespace bellows {

class CreateIndexOp final : public Operation {
 public:
  static Result<OperationPtr> Parse(const Node& fields);
  static OperationPtr From(const std::string& table, const Index& index);
  std::string_view Kind() const override { return "create_index"; }
  std::string Label() const override { return "create_index " + name_ + " on " + table_; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override;
  std::vector<std::string> Dialects() const override { return LimitDialects({&where_}); }

 private:
  std::string name_, table_;
  std::vector<IndexKey> keys_;  // expression keys as written
  bool unique_ = false;
  DialectText where_;
};

}  // namespace bellows
