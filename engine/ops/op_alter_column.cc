#include "engine/ops/op_alter_column.h"

#include <algorithm>

#include "engine/ops/op_drop_constraint.h"
#include "engine/ops/op_shadow.h"

namespace bellows {

Result<OperationPtr> AlterColumnOp::Parse(const Node& fields) {
  auto op = std::make_shared<AlterColumnOp>();
  FieldReader r(fields, "alter_column");
  BELLOWS_TRY(r.String("table", &op->table_, true));
  BELLOWS_TRY(r.String("column", &op->column_, true));
  FieldReader f(fields, "alter_column " + op->table_ + "." + op->column_);
  f.Declare("table");
  f.Declare("column");
  DialectText type;
  BELLOWS_TRY(ReadDialectText(f, "type", &type));
  if (!type.empty()) op->type_ = type;
  if (fields.Find("nullable") != nullptr) {
    bool nullable = true;
    BELLOWS_TRY(f.Bool("nullable", &nullable));
    op->nullable_ = nullable;
  }
  if (const Node* d = fields.Find("default")) {
    DialectText def;
    if (!d->is_null()) BELLOWS_TRY(ReadDialectText(f, "default", &def));
    f.Declare("default");
    op->default_ = def;
  }
  BELLOWS_ASSIGN_OR_RETURN(CheckSpec check, ParseCheck(f, "check"));
  if (!check.constraint.empty()) op->check_ = check;
  Status s;
  if (const Node* unique = f.Child("unique", false, &s)) {
    if (unique->is_map()) {
      FieldReader u(*unique, f.what() + " unique");
      BELLOWS_TRY(u.String("name", &op->unique_name_));
      BELLOWS_TRY(u.Finish());
      op->unique_ = true;
    } else {
      BELLOWS_TRY(f.Bool("unique", &op->unique_));
      if (!op->unique_) {
        return f.Error(
            *unique,
            "unique: false is not a change; drop the unique constraint with drop_constraint");
      }
    }
  }
  BELLOWS_ASSIGN_OR_RETURN(op->references_, ParseReferences(f, "references"));
  if (fields.Find("comment") != nullptr) {
    std::string comment;
    BELLOWS_TRY(f.String("comment", &comment));
    op->comment_ = comment;
  }
  BELLOWS_TRY(ReadDialectText(f, "up", &op->up_));
  BELLOWS_TRY(ReadDialectText(f, "down", &op->down_));
  BELLOWS_TRY(f.Bool("allow_copy", &op->allow_copy_));
  f.Declare("name");
  if (fields.Find("name") != nullptr) {
    return f.Error(*fields.Find("name"), "alter_column never renames")
        .WithHint("use rename_column (it can be in the same migration)");
  }
  BELLOWS_TRY(f.Finish());
  if (!op->type_ && !op->nullable_ && !op->default_ && !op->check_ && !op->unique_ &&
      !op->references_ && !op->comment_) {
    return f.Error(fields, "nothing to change")
        .WithHint(
            "give at least one of type, nullable, default, check, unique, references, comment");
  }
  return OperationPtr(op);
}

Status AlterColumnOp::Plan(BatchBuilder& b) const {
  BELLOWS_ASSIGN_OR_RETURN(Table * t, RequireTable(b, table_));
  BELLOWS_ASSIGN_OR_RETURN(Column * c, RequireColumn(b, *t, column_));
  if (!b.IsNew(table_) &&
      std::find(t->primary_key.begin(), t->primary_key.end(), column_) != t->primary_key.end()) {
    return b
        .Error(Code::kUnsupported, "altering primary key column " + table_ + "." + column_ +
                                       " of an existing table is not supported")
        .WithHint("use an sql operation, or add a new key column and switch to it in steps");
  }
  const bool comment_only =
      comment_ && !type_ && !nullable_ && !default_ && !check_ && !unique_ && !references_;
  if (!b.IsNew(table_) && !comment_only) {
    // The contract drops the old column; a foreign key of another table pointing at it would
    // have to be dropped with it.
    for (const Table& other : b.old_schema().tables) {
      for (const Constraint& k : other.constraints) {
        if (k.kind == ConstraintKind::kForeignKey && k.ref_table == table_ &&
            std::find(k.ref_columns.begin(), k.ref_columns.end(), column_) != k.ref_columns.end()) {
          return b
              .Error(Code::kUnsupported,
                     "column " + table_ + "." + column_ + " is referenced by foreign key " +
                         (k.name.empty() ? std::string("(unnamed)") : k.name) + " of table " +
                         other.name + "; alter_column replaces the column at complete")
              .WithHint(
                  "drop the foreign key first (drop_constraint), alter the column, then "
                  "create the foreign key again (create_constraint), in separate batches");
        }
      }
    }
  }
  if (!b.IsNew(table_) && !comment_only) BELLOWS_TRY(b.ClaimColumn(table_, column_, false));
  const Column before = *c;
  Column after = before;
  if (type_) {
    BELLOWS_ASSIGN_OR_RETURN(after.type, TypeFor(b, *type_, after.identity));
  }
  if (nullable_) after.nullable = *nullable_;
  if (default_) {
    if (default_->empty()) {
      after.default_expr.reset();
    } else {
      BELLOWS_ASSIGN_OR_RETURN(std::string def, TextFor(b, *default_, "default"));
      after.default_expr = def;
    }
  }
  if (comment_) after.comment = *comment_;
  const bool type_change = type_ && !b.dialect().SameType(before.type, after.type);
  if (type_change && up_.empty()) {
    return b
        .Error(Code::kInvalid,
               "changes the type from " + before.type + " to " + after.type + " without \"up\"")
        .WithHint("give \"up\", the conversion from the old value (for example: up: CAST(" +
                  column_ + " AS ...))");
  }
  std::string up = column_, down = column_;
  if (!up_.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(up, TextFor(b, up_, "up"));
  }
  if (!down_.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(down, TextFor(b, down_, "down"));
  }
  const std::string ptable = b.PhysicalTable(table_);
  // In direct mode (a table of this batch, or a blocking rollback) the row is as it is now.
  const Table* old = b.IsNew(table_) ? nullptr : b.old_schema().FindTable(ptable);
  BELLOWS_TRY(CheckExpression(b, old != nullptr ? *old : *t, up, "up"));

  ColumnSpec spec;
  spec.name = column_;
  if (unique_) {
    spec.unique = true;
    spec.unique_name = unique_name_;
  }
  spec.check = check_;
  spec.references = references_;
  BELLOWS_ASSIGN_OR_RETURN(std::vector<Constraint> constraints, ConstraintsFor(b, table_, spec));
  for (const Constraint& con : constraints) {
    if (t->FindConstraint(con.name) != nullptr || b.schema().FindIndexTable(con.name) != nullptr) {
      return b.Error(Code::kInvalid, "constraint \"" + con.name + "\" already exists on " + table_);
    }
  }
  *c = after;
  for (const Constraint& con : constraints) AddToModel(b, *t, con);
  BELLOWS_TRY(CheckExpression(b, *t, down, "down"));
  for (const Constraint& con : constraints) {
    if (con.kind == ConstraintKind::kCheck) BELLOWS_TRY(CheckExpression(b, *t, con.check, "check"));
  }

  if (comment_only) {
    const std::string pcolumn = b.PhysicalColumn(table_, column_);
    return b.Expand(steps::SetComment{ptable, pcolumn, after.comment},
                    Step(steps::SetComment{ptable, pcolumn, before.comment}));
  }
  if (b.IsNew(table_)) {
    const std::string pcolumn = b.PhysicalColumn(table_, column_);
    Column from = before, to = after;
    from.name = to.name = pcolumn;
    BELLOWS_TRY(
        b.Expand(steps::AlterColumn{ptable, pcolumn, to, up == column_ ? "" : up},
                 Step(steps::AlterColumn{ptable, pcolumn, from, down == column_ ? "" : down})));
    for (const Constraint& con : constraints) {
      auto [step, inverse] = AddConstraintStep(b, ptable, con, false);
      BELLOWS_TRY(b.Expand(step, inverse));
    }
    return Status::Ok();
  }
  if (!after.nullable && before.nullable) {
    b.Check(
        {DataCheck::Kind::kNoNulls, ptable, up, "", "",
         "column " + table_ + "." + column_ + " becomes NOT NULL but up computes NULL for a row",
         "make up total, for example COALESCE(" + column_ + ", <value>)", ""});
  }
  for (const Constraint& con : constraints) {
    if (con.kind == ConstraintKind::kUnique) {
      b.Check({DataCheck::Kind::kUnique, ptable, up, "", "",
               "column " + table_ + "." + column_ + " becomes unique but rows share a value", "",
               ""});
    } else if (con.kind == ConstraintKind::kForeignKey) {
      b.Check({DataCheck::Kind::kReferencesExist, ptable, up, con.ref_table, con.ref_columns[0],
               "values of " + table_ + "." + column_ + " are missing from " + con.ref_table, "",
               ""});
    }
  }
  ShadowPlan p;
  p.table = table_;
  p.column = column_;
  p.has_old = true;
  p.final_def = after;
  p.up = up;
  p.down = down;
  p.new_constraints = constraints;
  return PlanShadow(b, p);
}

std::optional<std::vector<OperationPtr>> AlterColumnOp::Inverse(const Schema& before,
                                                                std::string* why) const {
  const Table* t = before.FindTable(table_);
  const Column* c = t ? t->FindColumn(column_) : nullptr;
  if (c == nullptr) {
    *why = "column " + table_ + "." + column_ + " did not exist before";
    return std::nullopt;
  }
  auto op = std::make_shared<AlterColumnOp>();
  op->table_ = table_;
  op->column_ = column_;
  if (type_) op->type_ = DialectText(c->type);
  if (nullable_) op->nullable_ = c->nullable;
  if (default_) op->default_ = c->default_expr ? DialectText(*c->default_expr) : DialectText();
  if (comment_) op->comment_ = c->comment;
  // The conversions swap; where one was left out, Plan used the column itself.
  op->up_ = down_.empty() ? DialectText(column_) : down_;
  op->down_ = up_.empty() ? DialectText(column_) : up_;
  std::vector<OperationPtr> out;
  // Constraints the alter added are dropped first, then the definition goes back.
  std::string base = table_ + "_" + column_;
  if (references_) {
    out.push_back(std::make_shared<DropConstraintOp>(
        table_, references_->name.empty() ? base + "_fkey" : references_->name));
  }
  if (check_) {
    out.push_back(std::make_shared<DropConstraintOp>(
        table_, check_->name.empty() ? base + "_check" : check_->name));
  }
  if (unique_) {
    out.push_back(std::make_shared<DropConstraintOp>(
        table_, unique_name_.empty() ? base + "_key" : unique_name_));
  }
  if (op->type_ || op->nullable_ || op->default_ || op->comment_) out.push_back(op);
  return out;
}

nlohmann::json AlterColumnOp::ToJson() const {
  nlohmann::json j = {{"table", table_}, {"column", column_}};
  if (type_) j["type"] = DialectTextJson(*type_);
  if (nullable_) j["nullable"] = *nullable_;
  if (default_)
    j["default"] = default_->empty() ? nlohmann::json(nullptr) : DialectTextJson(*default_);
  if (check_) j["check"] = CheckJson(*check_);
  if (unique_)
    j["unique"] =
        unique_name_.empty() ? nlohmann::json(true) : nlohmann::json({{"name", unique_name_}});
  if (references_) j["references"] = ReferencesJson(*references_);
  if (comment_) j["comment"] = *comment_;
  if (!up_.empty()) j["up"] = DialectTextJson(up_);
  if (!down_.empty()) j["down"] = DialectTextJson(down_);
  if (allow_copy_) j["allow_copy"] = true;
  return OpJson(Kind(), j);
}

std::vector<std::string> AlterColumnOp::Dialects() const {
  std::vector<const DialectText*> texts = {&up_, &down_};
  if (type_) texts.push_back(&*type_);
  if (default_) texts.push_back(&*default_);
  if (check_) texts.push_back(&check_->constraint);
  return LimitDialects(texts);
}

}  // namespace bellows
