#include "engine/ops/op_create_table.h"

#include <set>

#include "engine/ops/op_create_constraint.h"
#include "engine/ops/op_drop_table.h"

namespace bellows {

Result<OperationPtr> CreateTableOp::Parse(const Node& fields) {
  auto op = std::make_shared<CreateTableOp>();
  FieldReader r(fields, "create_table");
  BELLOWS_TRY(r.String("table", &op->table_, true));
  Status s;
  const Node* columns = r.Child("columns", true, &s);
  BELLOWS_TRY(s);
  if (!columns->is_list() || columns->items.empty()) {
    return r.Error(*columns, "\"columns\" must be a non-empty list of columns");
  }
  for (const Node& c : columns->items) {
    BELLOWS_ASSIGN_OR_RETURN(ColumnSpec spec,
                             ColumnSpec::Parse(c, "create_table " + op->table_ + " column"));
    op->columns_.push_back(std::move(spec));
  }
  BELLOWS_TRY(r.StringList("primary_key", &op->primary_key_));
  if (const Node* cons = r.Child("constraints", false, &s)) {
    if (!cons->is_list()) return r.Error(*cons, "\"constraints\" must be a list");
    op->constraints_ = cons->items;
  }
  BELLOWS_TRY(r.String("comment", &op->comment_));
  BELLOWS_TRY(r.Finish());
  return OperationPtr(op);
}

Status CreateTableOp::Plan(BatchBuilder& b) const {
  if (b.schema().HasRelation(table_)) {
    return b.Error(Code::kInvalid, "table \"" + table_ + "\" already exists");
  }
  Table t;
  t.name = table_;
  t.comment = comment_;
  std::set<std::string> seen;
  for (const ColumnSpec& spec : columns_) {
    if (!seen.insert(spec.name).second) {
      return b.Error(Code::kInvalid, "column \"" + spec.name + "\" is listed twice")
          .WithLocation(spec.location);
    }
    BELLOWS_ASSIGN_OR_RETURN(Column c, ColumnFor(b, spec));
    t.columns.push_back(c);
    if (spec.primary_key) t.primary_key.push_back(spec.name);
  }
  if (!primary_key_.empty()) {
    if (!t.primary_key.empty()) {
      return b.Error(Code::kInvalid,
                     "the primary key is given both on columns and in \"primary_key\"");
    }
    t.primary_key = primary_key_;
  }
  for (const std::string& k : t.primary_key) {
    Column* c = t.FindColumn(k);
    if (c == nullptr)
      return b.Error(Code::kNotFound, "primary key column \"" + k + "\" is not a column");
    c->nullable = false;
  }
  for (const Column& c : t.columns) {
    if (c.identity && (t.primary_key.size() != 1 || t.primary_key[0] != c.name)) {
      return b.Error(Code::kInvalid, "identity column \"" + c.name +
                                         "\" must be the table's one-column primary key");
    }
  }
  // Constraints may reference the table itself, so it is visible to them while they are read.
  b.schema().tables.push_back(t);
  Status status;
  for (const ColumnSpec& spec : columns_) {
    Result<std::vector<Constraint>> cons = ConstraintsFor(b, table_, spec);
    if (!cons.ok()) {
      status = cons.status();
      break;
    }
    for (Constraint& c : *cons) t.constraints.push_back(c);
  }
  for (const Node& node : constraints_) {
    if (!status.ok()) break;
    Result<Constraint> c = CreateConstraintOp::ParseConstraintOf(b, table_, node);
    if (!c.ok()) {
      status = c.status();
      break;
    }
    t.constraints.push_back(*c);
  }
  for (const Constraint& c : t.constraints) {
    if (!status.ok()) break;
    if (c.kind == ConstraintKind::kCheck)
      status = CheckExpression(b, t, c.check, "check " + c.name);
  }
  b.schema().DropTable(table_);
  BELLOWS_TRY(status);
  b.schema().tables.push_back(t);
  b.MarkNew(table_);
  return b.Expand(steps::CreateTable{t}, Step(steps::DropTable{t.name}));
}

std::optional<std::vector<OperationPtr>> CreateTableOp::Inverse(const Schema&, std::string*) const {
  return std::vector<OperationPtr>{std::make_shared<DropTableOp>(table_)};
}

nlohmann::json CreateTableOp::ToJson() const {
  nlohmann::json cols = nlohmann::json::array();
  for (const ColumnSpec& c : columns_) cols.push_back(c.ToJson());
  nlohmann::json j = {{"table", table_}, {"columns", cols}};
  if (!primary_key_.empty()) j["primary_key"] = primary_key_;
  if (!constraints_.empty()) {
    j["constraints"] = nlohmann::json::array();
    for (const Node& n : constraints_) j["constraints"].push_back(n.ToJson());
  }
  if (!comment_.empty()) j["comment"] = comment_;
  return OpJson(Kind(), j);
}

std::vector<std::string> CreateTableOp::Dialects() const {
  std::vector<const DialectText*> texts;
  for (const ColumnSpec& c : columns_) {
    texts.push_back(&c.type);
    if (c.default_expr) texts.push_back(&*c.default_expr);
    if (c.check) texts.push_back(&c.check->constraint);
  }
  return LimitDialects(texts);
}

}  // namespace bellows
