#include "engine/ops/op_drop_constraint.h"

#include "engine/ops/op_create_constraint.h"
#include "engine/strings.h"

namespace bellows {

Result<OperationPtr> DropConstraintOp::Parse(const Node& fields) {
  auto op = std::make_shared<DropConstraintOp>();
  FieldReader r(fields, "drop_constraint");
  BELLOWS_TRY(r.String("table", &op->table_, true));
  BELLOWS_TRY(r.String("name", &op->name_, true));
  BELLOWS_TRY(r.Finish());
  return OperationPtr(op);
}

Status DropConstraintOp::Plan(BatchBuilder& b) const {
  BELLOWS_ASSIGN_OR_RETURN(Table * t, RequireTable(b, table_));
  const Constraint* found = t->FindConstraint(name_);
  const Index* unique = t->FindIndex(name_);
  if (found == nullptr && unique != nullptr && unique->unique) {
    // A unique constraint kept as a unique index (SQLite, MySQL).
    Index index = *unique;
    std::erase_if(t->indexes, [&](const Index& i) { return i.name == name_; });
    const std::string ptable = b.PhysicalTable(table_);
    if (b.IsNew(table_))
      return b.Expand(steps::DropIndex{ptable, index, false},
                      Step(steps::CreateIndex{ptable, index, false}));
    b.Contract(steps::DropIndex{table_, index}, Step(steps::CreateIndex{table_, index}));
    return Status::Ok();
  }
  if (found == nullptr) {
    std::vector<std::string> names;
    for (const Constraint& c : t->constraints) {
      if (!c.name.empty()) names.push_back(c.name);
    }
    Status s = b.Error(Code::kNotFound, "constraint \"" + name_ + "\" does not exist on " + table_);
    if (!names.empty()) s.WithHint("constraints of " + table_ + ": " + Join(names, ", "));
    return s;
  }
  Constraint c = *found;
  std::erase_if(t->constraints, [&](const Constraint& x) { return x.name == name_; });
  const std::string ptable = b.PhysicalTable(table_);
  const Table* pt = b.physical().FindTable(ptable);
  const Constraint* physical = pt ? pt->FindConstraint(name_) : nullptr;
  if (physical == nullptr)
    return b.Error(Code::kInternal, "constraint " + name_ + " is missing from the physical model");
  if (b.IsNew(table_)) {
    return b.Expand(steps::DropConstraint{ptable, *physical},
                    Step(steps::AddConstraint{ptable, *physical}));
  }
  b.Contract(steps::DropConstraint{table_, c}, Step(steps::AddConstraint{table_, c}));
  return Status::Ok();
}

std::optional<std::vector<OperationPtr>> DropConstraintOp::Inverse(const Schema& before,
                                                                   std::string* why) const {
  const Table* t = before.FindTable(table_);
  const Constraint* c = t ? t->FindConstraint(name_) : nullptr;
  const Index* unique = t ? t->FindIndex(name_) : nullptr;
  if (c == nullptr && unique != nullptr && unique->unique) {
    Constraint u = MakeConstraint(name_, ConstraintKind::kUnique, {});
    for (const IndexKey& k : unique->keys)
      u.columns.push_back(k.column.empty() ? k.expression : k.column);
    return std::vector<OperationPtr>{CreateConstraintOp::From(table_, u)};
  }
  if (c == nullptr) {
    *why = "constraint " + name_ + " did not exist before";
    return std::nullopt;
  }
  return std::vector<OperationPtr>{CreateConstraintOp::From(table_, *c)};
}

}  // namespace bellows
