#pragma once
// create_constraint {table, name, type: check|unique|foreign_key, columns?, check?,
//                    references: {table, columns, on_delete?, on_update?}}
// Expand: where the dialect has NOT VALID (PostgreSQL) the constraint is added not validated,
//   enforcing new writes of both versions; elsewhere it is added validated (SQLite rebuilds the
//   table; a unique constraint is a unique index). Existing rows are checked online first.
// Contract: VALIDATE where it was added NOT VALID.
// Rollback: drops it. Inverse once completed: drop_constraint.

#include "engine/ops/op_common.h"

namespace bellows {

class CreateConstraintOp final : public Operation {
 public:
  static Result<OperationPtr> Parse(const Node& fields);
  static OperationPtr From(const std::string& table, const Constraint& c);
  // Reads a constraint map (create_constraint's fields without "table") for `table`.
  static Result<Constraint> ParseConstraintOf(BatchBuilder& b, const std::string& table,
                                              const Node& node);
  std::string_view Kind() const override { return "create_constraint"; }
  std::string Label() const override { return "create_constraint " + name_ + " on " + table_; }
  bool AllowCopy() const override { return allow_copy_; }
  Status Plan(BatchBuilder& b) const override;
  std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                   std::string* why) const override;
  nlohmann::json ToJson() const override;
  std::vector<std::string> Dialects() const override { return LimitDialects({&check_}); }

 private:
  Result<Constraint> Build(BatchBuilder& b, const Table& t) const;
  Status ReadFields(FieldReader& r);

  std::string table_, name_, type_;
  std::vector<std::string> columns_;
  DialectText check_;
  std::string ref_table_;
  std::vector<std::string> ref_columns_;
  std::string on_delete_, on_update_;
  bool allow_copy_ = false;
};

}  // namespace bellows
