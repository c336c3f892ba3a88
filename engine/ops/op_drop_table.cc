#include "engine/ops/op_drop_table.h"

#include "engine/strings.h"

namespace bellows {

Result<OperationPtr> DropTableOp::Parse(const Node& fields) {
  auto op = std::make_shared<DropTableOp>();
  FieldReader r(fields, "drop_table");
  BELLOWS_TRY(r.String("table", &op->table_, true));
  BELLOWS_TRY(r.Finish());
  return OperationPtr(op);
}

Status DropTableOp::Plan(BatchBuilder& b) const {
  BELLOWS_ASSIGN_OR_RETURN(Table * t, RequireTable(b, table_));
  std::vector<std::string> referencing;
  for (const Table* other : b.schema().ReferencingTables(table_))
    referencing.push_back(other->name);
  if (!referencing.empty()) {
    return b
        .Error(Code::kInvalid,
               "table " + table_ + " is referenced by foreign keys of " + Join(referencing, ", "))
        .WithHint("drop those foreign keys (drop_constraint) in an earlier operation");
  }
  std::vector<std::string> dependents = DependentObjects(b.schema(), table_, "");
  if (!dependents.empty()) {
    return b.Error(Code::kInvalid, "dropping " + table_ + " would break " + Join(dependents, ", "))
        .WithHint("drop or redefine them first, for example in an sql operation");
  }
  std::string physical = b.PhysicalTable(table_);
  Table before = *t;
  b.schema().DropTable(table_);
  if (b.IsNew(table_)) {
    b.UnmapTable(table_);
    before.name = physical;
    return b.Expand(steps::DropTable{physical}, Step(steps::CreateTable{before}));
  }
  b.UnmapTable(table_);
  b.Contract(steps::DropTable{table_}, std::nullopt, true);
  return Status::Ok();
}

std::optional<std::vector<OperationPtr>> DropTableOp::Inverse(const Schema&,
                                                              std::string* why) const {
  *why = "drop_table " + table_ + " deleted the table and its rows";
  return std::nullopt;
}

}  // namespace bellows
