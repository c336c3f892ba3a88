#include "engine/ops/op_drop_column.h"

#include <algorithm>

#include "engine/strings.h"

namespace bellows {

Result<OperationPtr> DropColumnOp::Parse(const Node& fields) {
  auto op = std::make_shared<DropColumnOp>();
  FieldReader r(fields, "drop_column");
  BELLOWS_TRY(r.String("table", &op->table_, true));
  BELLOWS_TRY(r.String("column", &op->column_, true));
  BELLOWS_TRY(ReadDialectText(r, "down", &op->down_));
  BELLOWS_TRY(r.Finish());
  return OperationPtr(op);
}

Status DropColumnOp::Plan(BatchBuilder& b) const {
  BELLOWS_ASSIGN_OR_RETURN(Table * t, RequireTable(b, table_));
  BELLOWS_ASSIGN_OR_RETURN(Column * c, RequireColumn(b, *t, column_));
  if (std::find(t->primary_key.begin(), t->primary_key.end(), column_) != t->primary_key.end()) {
    return b.Error(Code::kInvalid,
                   "column " + table_ + "." + column_ + " is part of the primary key");
  }
  if (t->columns.size() == 1) {
    return b.Error(Code::kInvalid, "column " + column_ + " is the only column of " + table_)
        .WithHint("drop the table instead");
  }
  for (const Table* other : b.schema().ReferencingTables(table_)) {
    for (const Constraint& fk : other->constraints) {
      if (fk.ref_table == table_ && std::find(fk.ref_columns.begin(), fk.ref_columns.end(),
                                              column_) != fk.ref_columns.end()) {
        return b
            .Error(Code::kInvalid, "column " + table_ + "." + column_ +
                                       " is referenced by foreign key " + fk.name + " of " +
                                       other->name)
            .WithHint("drop that foreign key first");
      }
    }
  }
  std::vector<std::string> dependents = DependentObjects(b.schema(), table_, column_);
  if (!dependents.empty()) {
    return b
        .Error(Code::kInvalid,
               "dropping " + table_ + "." + column_ + " would break " + Join(dependents, ", "))
        .WithHint("drop or redefine them first, for example in an sql operation");
  }
  std::string down;
  if (!down_.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(down, TextFor(b, down_, "down"));
  }
  Column before = *c;
  const std::string ptable = b.PhysicalTable(table_);
  const std::string pcolumn = b.PhysicalColumn(table_, column_);
  std::erase_if(t->columns, [&](const Column& col) { return col.name == column_; });
  std::erase_if(t->indexes, [&](const Index& i) { return i.Covers(column_); });
  std::erase_if(t->constraints, [&](const Constraint& con) {
    return std::find(con.columns.begin(), con.columns.end(), column_) != con.columns.end();
  });
  if (!down.empty()) BELLOWS_TRY(CheckExpression(b, *t, down, "down"));

  if (b.IsNew(table_)) {
    before.name = pcolumn;
    return b.Expand(steps::DropColumn{ptable, pcolumn}, Step(steps::AddColumn{ptable, before}));
  }
  if (!before.nullable && !before.default_expr && down.empty()) {
    return b
        .Error(Code::kInvalid,
               "column " + table_ + "." + column_ +
                   " is NOT NULL without a default: the new version's inserts cannot fill it")
        .WithHint("give drop_column a \"down\" expression over the new version's columns");
  }
  b.UnmapColumn(table_, column_);
  b.FillOnWrite(table_, pcolumn, down);
  b.Contract(steps::DropColumn{table_, column_}, std::nullopt, true);
  return Status::Ok();
}

std::optional<std::vector<OperationPtr>> DropColumnOp::Inverse(const Schema&,
                                                               std::string* why) const {
  *why = "drop_column " + table_ + "." + column_ + " deleted the column's values";
  return std::nullopt;
}

nlohmann::json DropColumnOp::ToJson() const {
  nlohmann::json j = {{"table", table_}, {"column", column_}};
  if (!down_.empty()) j["down"] = DialectTextJson(down_);
  return OpJson(Kind(), j);
}

}  // namespace bellows
