#include "engine/ops/op_rename_column.h"

#include "engine/expr_binder.h"

namespace bellows {

Result<OperationPtr> RenameColumnOp::Parse(const Node& fields) {
  auto op = std::make_shared<RenameColumnOp>();
  FieldReader r(fields, "rename_column");
  BELLOWS_TRY(r.String("table", &op->table_, true));
  BELLOWS_TRY(r.String("from", &op->from_, true));
  BELLOWS_TRY(r.String("to", &op->to_, true));
  BELLOWS_TRY(r.Finish());
  return OperationPtr(op);
}

Status RenameColumnOp::Plan(BatchBuilder& b) const {
  BELLOWS_ASSIGN_OR_RETURN(Table * t, RequireTable(b, table_));
  BELLOWS_TRY(RequireColumn(b, *t, from_).status());
  if (t->FindColumn(to_) != nullptr) {
    return b.Error(Code::kInvalid, "column \"" + table_ + "." + to_ + "\" already exists");
  }
  LexOptions lex = b.dialect().SqlSplitOptions().lex;
  t->RenameColumnEverywhere(from_, to_);
  for (Constraint& c : t->constraints) {
    if (!c.check.empty()) c.check = RenameIdentifier(c.check, from_, to_, lex);
  }
  b.schema().RenameReferencedColumn(table_, from_, to_);
  if (b.IsNew(table_)) {
    std::string table = b.PhysicalTable(table_);
    std::string physical = b.PhysicalColumn(table_, from_);
    return b.Expand(steps::RenameColumn{table, physical, to_},
                    Step(steps::RenameColumn{table, to_, physical}));
  }
  BELLOWS_TRY(b.ClaimColumn(table_, to_, true));
  b.RenameMappedColumn(table_, from_, to_);
  b.Contract(steps::RenameColumn{table_, from_, to_},
             Step(steps::RenameColumn{table_, to_, from_}));
  return Status::Ok();
}

std::optional<std::vector<OperationPtr>> RenameColumnOp::Inverse(const Schema&,
                                                                 std::string*) const {
  return std::vector<OperationPtr>{std::make_shared<RenameColumnOp>(table_, to_, from_)};
}

}  // namespace bellows
