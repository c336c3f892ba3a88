#include "engine/ops/op_rename_table.h"

namespace bellows {

Result<OperationPtr> RenameTableOp::Parse(const Node& fields) {
  auto op = std::make_shared<RenameTableOp>();
  FieldReader r(fields, "rename_table");
  BELLOWS_TRY(r.String("from", &op->from_, true));
  BELLOWS_TRY(r.String("to", &op->to_, true));
  BELLOWS_TRY(r.Finish());
  return OperationPtr(op);
}

Status RenameTableOp::Plan(BatchBuilder& b) const {
  BELLOWS_ASSIGN_OR_RETURN(Table * t, RequireTable(b, from_));
  if (b.schema().HasRelation(to_))
    return b.Error(Code::kInvalid, "table \"" + to_ + "\" already exists");
  t->name = to_;
  b.schema().RenameTableReferences(from_, to_);
  if (b.IsNew(from_)) {
    std::string physical = b.PhysicalTable(from_);
    b.RenameMappedTable(from_, to_);
    b.UnmapTable(to_);
    return b.Expand(steps::RenameTable{physical, to_}, Step(steps::RenameTable{to_, physical}));
  }
  b.RenameMappedTable(from_, to_);
  b.Contract(steps::RenameTable{from_, to_}, Step(steps::RenameTable{to_, from_}));
  return Status::Ok();
}

std::optional<std::vector<OperationPtr>> RenameTableOp::Inverse(const Schema&, std::string*) const {
  return std::vector<OperationPtr>{std::make_shared<RenameTableOp>(to_, from_)};
}

}  // namespace bellows
