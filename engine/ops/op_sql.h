#pragma once
// sql {up, down?, contract?}: raw SQL in the target dialect. SQL migration files are one sql
// operation whose sections come from their markers.
// Expand: runs `up` (in one transaction, or statement by statement when the migration is
//   no-transaction or holds a statement that cannot run in a transaction).
// Contract: runs `contract`, when given.
// Rollback: runs `down`; without `down` the migration is irreversible.

#include "engine/ops/op_common.h"

namespace bellows {

// True for a statement PostgreSQL refuses inside a transaction block (CONCURRENTLY ...).
bool CannotRunInTransaction(const std::string& sql);

struct SqlSection {
  DialectText text;
  SourceLocation at;  // file and line where the section's text begins
};

class SqlOp final : public Operation {
 public:
  SqlOp() = default;
  SqlOp(SqlSection up, std::optional<SqlSection> down, std::optional<SqlSection> contract,
        bool no_transaction)
      : up_(std::move(up)),
        down_(std::move(down)),
        contract_(std::move(contract)),
        no_transaction_(no_transaction) {}
  static Result<OperationPtr> Parse(const Node& fields);
  std::string_view Kind() const override { return "sql"; }
  std::string Label() const override { return "sql"; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override;
  std::vector<std::string> Dialects() const override;
  bool has_down() const { return down_.has_value(); }
  const SqlSection& up() const { return up_; }
  const std::optional<SqlSection>& contract() const { return contract_; }
  bool no_transaction() const { return no_transaction_; }

 private:
  Result<std::vector<std::string>> Statements(const BatchBuilder& b, const SqlSection& s,
                                              std::string_view name) const;

  SqlSection up_;
  std::optional<SqlSection> down_;
  std::optional<SqlSection> contract_;
  bool no_transaction_ = false;
};

}  // namespace bellows
