#include "engine/ops/op_create_constraint.h"

#include "engine/ops/op_drop_constraint.h"
#include "engine/strings.h"

namespace bellows {

Status CreateConstraintOp::ReadFields(FieldReader& r) {
  BELLOWS_TRY(r.String("name", &name_, true));
  BELLOWS_TRY(r.String("type", &type_, true));
  if (type_ != "check" && type_ != "unique" && type_ != "foreign_key") {
    return r.Error(*r.node().Find("type"), "unknown constraint type \"" + type_ + "\"")
        .WithHint("use check, unique or foreign_key");
  }
  BELLOWS_TRY(r.StringList("columns", &columns_, type_ != "check"));
  BELLOWS_TRY(ReadDialectText(r, "check", &check_, type_ == "check"));
  Status s;
  if (const Node* ref = r.Child("references", type_ == "foreign_key", &s)) {
    FieldReader f(*ref, r.what() + " references");
    BELLOWS_TRY(f.String("table", &ref_table_, true));
    BELLOWS_TRY(f.StringList("columns", &ref_columns_, true));
    BELLOWS_TRY(f.String("on_delete", &on_delete_));
    BELLOWS_TRY(f.String("on_update", &on_update_));
    BELLOWS_TRY(f.Finish());
    BELLOWS_TRY(NormalizeFkAction(f, &on_delete_));
    BELLOWS_TRY(NormalizeFkAction(f, &on_update_));
  }
  BELLOWS_TRY(s);
  if (type_ == "foreign_key" && columns_.size() != ref_columns_.size()) {
    return r.Error(r.node(), "foreign key lists " + std::to_string(columns_.size()) +
                                 " columns but references " + std::to_string(ref_columns_.size()));
  }
  return Status::Ok();
}

Result<OperationPtr> CreateConstraintOp::Parse(const Node& fields) {
  auto op = std::make_shared<CreateConstraintOp>();
  FieldReader r(fields, "create_constraint");
  BELLOWS_TRY(r.String("table", &op->table_, true));
  BELLOWS_TRY(op->ReadFields(r));
  BELLOWS_TRY(r.Bool("allow_copy", &op->allow_copy_));
  r.Declare("up");
  r.Declare("down");
  if (fields.Find("up") != nullptr || fields.Find("down") != nullptr) {
    return r.Error(fields, "create_constraint with up/down is not supported yet")
        .WithHint(
            "fix the rows first (an sql operation), or use alter_column with "
            "check/unique/references and up");
  }
  BELLOWS_TRY(r.Finish());
  return OperationPtr(op);
}

Result<Constraint> CreateConstraintOp::ParseConstraintOf(BatchBuilder& b, const std::string& table,
                                                         const Node& node) {
  CreateConstraintOp op;
  op.table_ = table;
  FieldReader r(node, "create_table " + table + " constraint");
  BELLOWS_TRY(op.ReadFields(r));
  BELLOWS_TRY(r.Finish());
  const Table* t = b.schema().FindTable(table);
  if (t == nullptr) return b.Error(Code::kInternal, "table " + table + " is missing");
  return op.Build(b, *t);
}

OperationPtr CreateConstraintOp::From(const std::string& table, const Constraint& c) {
  auto op = std::make_shared<CreateConstraintOp>();
  op->table_ = table;
  op->name_ = c.name;
  op->type_ = ConstraintKindName(c.kind);
  op->columns_ = c.columns;
  if (!c.check.empty()) op->check_ = DialectText(c.check);
  op->ref_table_ = c.ref_table;
  op->ref_columns_ = c.ref_columns;
  op->on_delete_ = c.on_delete;
  op->on_update_ = c.on_update;
  return op;
}

Result<Constraint> CreateConstraintOp::Build(BatchBuilder& b, const Table& t) const {
  Constraint c;
  c.name = name_;
  c.kind = type_ == "unique"  ? ConstraintKind::kUnique
           : type_ == "check" ? ConstraintKind::kCheck
                              : ConstraintKind::kForeignKey;
  c.columns = columns_;
  for (const std::string& col : columns_) {
    if (t.FindColumn(col) == nullptr) {
      return b.Error(Code::kNotFound, "column \"" + t.name + "." + col + "\" does not exist")
          .WithHint("columns of " + t.name + ": " + Join(t.ColumnNames(), ", "));
    }
  }
  if (c.kind == ConstraintKind::kCheck) {
    BELLOWS_ASSIGN_OR_RETURN(c.check, TextFor(b, check_, "check"));
    BELLOWS_TRY(CheckExpression(b, t, c.check, "check"));
  }
  if (c.kind == ConstraintKind::kForeignKey) {
    const Table* target = ref_table_ == t.name ? &t : b.schema().FindTable(ref_table_);
    if (target == nullptr)
      return b.Error(Code::kNotFound, "referenced table \"" + ref_table_ + "\" does not exist");
    for (const std::string& col : ref_columns_) {
      if (target->FindColumn(col) == nullptr) {
        return b.Error(Code::kNotFound,
                       "referenced column \"" + ref_table_ + "." + col + "\" does not exist");
      }
    }
    c.ref_table = ref_table_;
    c.ref_columns = ref_columns_;
    c.on_delete = on_delete_;
    c.on_update = on_update_;
  }
  return c;
}

Status CreateConstraintOp::Plan(BatchBuilder& b) const {
  BELLOWS_ASSIGN_OR_RETURN(Table * t, RequireTable(b, table_));
  if (t->FindConstraint(name_) != nullptr || b.schema().FindIndexTable(name_) != nullptr) {
    return b.Error(Code::kInvalid, "constraint \"" + name_ + "\" already exists");
  }
  BELLOWS_ASSIGN_OR_RETURN(Constraint c, Build(b, *t));
  AddToModel(b, *t, c);
  const std::string ptable = b.PhysicalTable(table_);
  Constraint physical = c;
  for (std::string& col : physical.columns) col = b.PhysicalColumn(table_, col);
  if (!physical.ref_table.empty()) {
    // A table this batch renames keeps its old name until complete; the database carries the
    // key over when it is renamed.
    for (std::string& col : physical.ref_columns) col = b.PhysicalColumn(c.ref_table, col);
    physical.ref_table = b.PhysicalTable(c.ref_table);
  }
  if (b.IsNew(table_)) {
    auto [step, inverse] = AddConstraintStep(b, ptable, physical, !b.IsNew(table_));
    return b.Expand(step, inverse);
  }
  if (c.kind == ConstraintKind::kForeignKey && physical.columns.size() == 1) {
    b.Check({DataCheck::Kind::kReferencesExist, ptable,
             b.dialect().QuoteIdentifier(physical.columns[0]), c.ref_table, c.ref_columns[0],
             "rows of " + table_ + " violate foreign key " + name_,
             "fix or delete those rows first", ""});
  } else if (c.kind == ConstraintKind::kUnique && physical.columns.size() == 1) {
    b.Check({DataCheck::Kind::kUnique, ptable, b.dialect().QuoteIdentifier(physical.columns[0]), "",
             "", "rows of " + table_ + " share a value of " + c.columns[0],
             "remove the duplicates first", ""});
  } else if (c.kind == ConstraintKind::kCheck) {
    b.Check({DataCheck::Kind::kViolatesCheck, ptable, c.check, "", "",
             "rows of " + table_ + " violate check " + name_, "fix those rows first", ""});
  }
  if (c.kind != ConstraintKind::kUnique && b.dialect().Supports(Capability::kNotValidConstraints)) {
    physical.validated = false;
    BELLOWS_TRY(b.Expand(steps::AddConstraint{ptable, physical},
                         Step(steps::DropConstraint{ptable, physical})));
    b.Contract(steps::ValidateConstraint{table_, c}, std::nullopt);
    return Status::Ok();
  }
  auto [step, inverse] = AddConstraintStep(b, ptable, physical, !b.IsNew(table_));
  return b.Expand(step, inverse);
}

std::optional<std::vector<OperationPtr>> CreateConstraintOp::Inverse(const Schema&,
                                                                     std::string*) const {
  return std::vector<OperationPtr>{std::make_shared<DropConstraintOp>(table_, name_)};
}

nlohmann::json CreateConstraintOp::ToJson() const {
  nlohmann::json j = {{"table", table_}, {"name", name_}, {"type", type_}};
  if (!columns_.empty()) j["columns"] = columns_;
  if (!check_.empty()) j["check"] = DialectTextJson(check_);
  if (!ref_table_.empty()) {
    nlohmann::json ref = {{"table", ref_table_}, {"columns", ref_columns_}};
    if (!on_delete_.empty()) ref["on_delete"] = on_delete_;
    if (!on_update_.empty()) ref["on_update"] = on_update_;
    j["references"] = ref;
  }
  if (allow_copy_) j["allow_copy"] = true;
  return OpJson(Kind(), j);
}

}  // namespace bellows
