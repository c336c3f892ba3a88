#include "engine/ops/op_add_column.h"

#include "engine/ops/op_drop_column.h"
#include "engine/ops/op_shadow.h"

namespace bellows {

Result<OperationPtr> AddColumnOp::Parse(const Node& fields) {
  auto op = std::make_shared<AddColumnOp>();
  FieldReader r(fields, "add_column");
  BELLOWS_TRY(r.String("table", &op->table_, true));
  Status s;
  const Node* column = r.Child("column", true, &s);
  BELLOWS_TRY(s);
  BELLOWS_ASSIGN_OR_RETURN(op->column_,
                           ColumnSpec::Parse(*column, "add_column " + op->table_ + " column"));
  BELLOWS_TRY(ReadDialectText(r, "up", &op->up_));
  BELLOWS_TRY(r.Bool("allow_copy", &op->allow_copy_));
  BELLOWS_TRY(r.Finish());
  if (op->column_.primary_key) {
    return r.Error(*column, "add_column cannot add a primary key column")
        .WithHint("create the table with its key, or use an sql operation");
  }
  return OperationPtr(op);
}

Status AddColumnOp::Plan(BatchBuilder& b) const {
  BELLOWS_ASSIGN_OR_RETURN(Table * t, RequireTable(b, table_));
  if (t->FindColumn(column_.name) != nullptr) {
    return b.Error(Code::kInvalid, "column \"" + table_ + "." + column_.name + "\" already exists");
  }
  BELLOWS_ASSIGN_OR_RETURN(Column col, ColumnFor(b, column_));
  BELLOWS_ASSIGN_OR_RETURN(std::vector<Constraint> constraints, ConstraintsFor(b, table_, column_));
  std::string up;
  if (!up_.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(up, TextFor(b, up_, "up"));
    // Over the row as the old version sees it (the table as it is, for a table of this batch).
    // In direct mode (a table of this batch, or a blocking rollback) the row is as it is now.
    const Table* old =
        b.IsNew(table_) ? nullptr : b.old_schema().FindTable(b.PhysicalTable(table_));
    BELLOWS_TRY(CheckExpression(b, old != nullptr ? *old : *t, up, "up"));
  }
  const bool is_new = b.IsNew(table_);
  if (col.identity && !is_new && !allow_copy_) {
    // SPEC 4.3: the column is filled by rewriting the table, which only allow_copy accepts.
    return b
        .Error(Code::kInvalid,
               "adding an identity column to an existing table rewrites the table, blocking "
               "writes for O(rows)")
        .WithHint(
            "add allow_copy: true to accept that (PostgreSQL and MySQL/MariaDB), or create "
            "a new table with the identity column and copy the rows");
  }
  const std::string ptable = b.PhysicalTable(table_);

  t->columns.push_back(col);
  for (const Constraint& c : constraints) AddToModel(b, *t, c);
  for (const Constraint& c : constraints) {
    if (c.kind == ConstraintKind::kCheck) BELLOWS_TRY(CheckExpression(b, *t, c.check, "check"));
  }

  // An identity column (allow_copy) is added in place: the server numbers the rows as it
  // rewrites the table, and the old version, which does not name it, keeps working.
  if (is_new || col.identity) {
    BELLOWS_TRY(b.Expand(steps::AddColumn{ptable, col}, Step(steps::DropColumn{ptable, col.name})));
    for (const Constraint& c : constraints) {
      auto [step, inverse] = AddConstraintStep(b, ptable, c, false);
      BELLOWS_TRY(b.Expand(step, inverse));
    }
    return Status::Ok();
  }

  std::string fill = up.empty() && col.default_expr ? *col.default_expr : up;
  if (!col.nullable && fill.empty()) {
    b.Check({DataCheck::Kind::kTableEmpty, ptable, "", "", "",
             "column " + table_ + "." + col.name + " is NOT NULL without a default or up, and " +
                 table_ + " has rows",
             "give the column a default or an up expression", ""});
  } else if (!col.nullable && !up.empty()) {
    b.Check({DataCheck::Kind::kNoNulls, ptable, up, "", "",
             "up computes NULL for NOT NULL column " + table_ + "." + col.name,
             "make up total (COALESCE)", ""});
  }
  for (const Constraint& c : constraints) {
    if (fill.empty()) break;
    if (c.kind == ConstraintKind::kUnique) {
      b.Check({DataCheck::Kind::kUnique, ptable, fill, "", "",
               "up gives equal values for unique column " + table_ + "." + col.name, "", ""});
    } else if (c.kind == ConstraintKind::kForeignKey) {
      b.Check({DataCheck::Kind::kReferencesExist, ptable, fill, c.ref_table, c.ref_columns[0],
               "up gives values of " + table_ + "." + col.name + " missing from " + c.ref_table, "",
               ""});
    }
  }
  ShadowPlan p;
  p.table = table_;
  p.column = col.name;
  p.final_def = col;
  p.up = fill;
  p.new_constraints = constraints;
  return PlanShadow(b, p);
}

std::optional<std::vector<OperationPtr>> AddColumnOp::Inverse(const Schema&, std::string*) const {
  return std::vector<OperationPtr>{std::make_shared<DropColumnOp>(table_, column_.name)};
}

nlohmann::json AddColumnOp::ToJson() const {
  nlohmann::json j = {{"table", table_}, {"column", column_.ToJson()}};
  if (!up_.empty()) j["up"] = DialectTextJson(up_);
  if (allow_copy_) j["allow_copy"] = true;
  return OpJson(Kind(), j);
}

std::vector<std::string> AddColumnOp::Dialects() const {
  std::vector<const DialectText*> texts = {&column_.type, &up_};
  if (column_.default_expr) texts.push_back(&*column_.default_expr);
  return LimitDialects(texts);
}

}  // namespace bellows
