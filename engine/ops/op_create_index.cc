#include "engine/ops/op_create_index.h"

#include "engine/expr_binder.h"
#include "engine/ops/op_drop_index.h"

namespace bellows {

Result<OperationPtr> CreateIndexOp::Parse(const Node& fields) {
  auto op = std::make_shared<CreateIndexOp>();
  FieldReader r(fields, "create_index");
  BELLOWS_TRY(r.String("name", &op->name_, true));
  BELLOWS_TRY(r.String("table", &op->table_, true));
  Status s;
  const Node* columns = r.Child("columns", true, &s);
  BELLOWS_TRY(s);
  std::vector<Node> items = columns->is_list() ? columns->items : std::vector<Node>{*columns};
  for (const Node& item : items) {
    IndexKey key;
    if (item.is_scalar()) {
      key.column = item.scalar;
    } else {
      FieldReader k(item, "create_index " + op->name_ + " column");
      BELLOWS_TRY(k.String("column", &key.column));
      BELLOWS_TRY(k.String("expression", &key.expression));
      std::string order;
      BELLOWS_TRY(k.String("order", &order));
      BELLOWS_TRY(k.String("collate", &key.collation));
      BELLOWS_TRY(k.Finish());
      if (key.column.empty() == key.expression.empty()) {
        return k.Error(item, "give either \"column\" or \"expression\"");
      }
      if (order == "desc" || order == "DESC") {
        key.descending = true;
      } else if (!order.empty() && order != "asc" && order != "ASC") {
        return k.Error(item, "order must be asc or desc");
      }
    }
    op->keys_.push_back(key);
  }
  if (op->keys_.empty()) return r.Error(*columns, "\"columns\" must name at least one column");
  BELLOWS_TRY(r.Bool("unique", &op->unique_));
  BELLOWS_TRY(ReadDialectText(r, "where", &op->where_));
  BELLOWS_TRY(r.Finish());
  return OperationPtr(op);
}

OperationPtr CreateIndexOp::From(const std::string& table, const Index& index) {
  auto op = std::make_shared<CreateIndexOp>();
  op->name_ = index.name;
  op->table_ = table;
  op->keys_ = index.keys;
  op->unique_ = index.unique;
  if (!index.where.empty()) op->where_ = DialectText(index.where);
  return op;
}

Status CreateIndexOp::Plan(BatchBuilder& b) const {
  BELLOWS_ASSIGN_OR_RETURN(Table * t, RequireTable(b, table_));
  if (b.schema().FindIndexTable(name_) != nullptr || t->FindConstraint(name_) != nullptr) {
    return b.Error(Code::kInvalid, "index \"" + name_ + "\" already exists");
  }
  Index index;
  index.name = name_;
  index.unique = unique_;
  index.keys = keys_;
  for (const IndexKey& k : keys_) {
    if (!k.column.empty()) BELLOWS_TRY(RequireColumn(b, *t, k.column).status());
    if (!k.expression.empty()) BELLOWS_TRY(CheckExpression(b, *t, k.expression, "expression"));
  }
  if (!where_.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(index.where, TextFor(b, where_, "where"));
    BELLOWS_TRY(CheckExpression(b, *t, index.where, "where"));
  }
  t->indexes.push_back(index);

  // The physical index reads the physical columns (a shadow when the batch alters one).
  const LexOptions lex = b.dialect().SqlSplitOptions().lex;
  auto new_names = b.NewNames(table_);
  ColumnResolver to_physical = [&](std::string_view n) -> std::optional<std::string> {
    for (const auto& [name, phys] : new_names) {
      if (name == n) return b.dialect().QuoteIdentifier(phys);
    }
    return std::nullopt;
  };
  Index physical = index;
  for (IndexKey& k : physical.keys) {
    if (!k.column.empty()) k.column = b.PhysicalColumn(table_, k.column);
    if (!k.expression.empty()) {
      BELLOWS_ASSIGN_OR_RETURN(k.expression, BindColumns(k.expression, lex, to_physical));
    }
  }
  if (!physical.where.empty()) {
    BELLOWS_ASSIGN_OR_RETURN(physical.where, BindColumns(physical.where, lex, to_physical));
  }
  const std::string ptable = b.PhysicalTable(table_);
  const bool online = !b.IsNew(table_);
  return b.Expand(steps::CreateIndex{ptable, physical, online},
                  Step(steps::DropIndex{ptable, physical, online}));
}

std::optional<std::vector<OperationPtr>> CreateIndexOp::Inverse(const Schema&, std::string*) const {
  return std::vector<OperationPtr>{std::make_shared<DropIndexOp>(name_, table_)};
}

nlohmann::json CreateIndexOp::ToJson() const {
  nlohmann::json cols = nlohmann::json::array();
  for (const IndexKey& k : keys_) {
    if (!k.expression.empty() || k.descending || !k.collation.empty()) {
      nlohmann::json c = nlohmann::json::object();
      if (!k.column.empty()) c["column"] = k.column;
      if (!k.expression.empty()) c["expression"] = k.expression;
      if (k.descending) c["order"] = "desc";
      if (!k.collation.empty()) c["collate"] = k.collation;
      cols.push_back(c);
    } else {
      cols.push_back(k.column);
    }
  }
  nlohmann::json j = {{"name", name_}, {"table", table_}, {"columns", cols}};
  if (unique_) j["unique"] = true;
  if (!where_.empty()) j["where"] = DialectTextJson(where_);
  return OpJson(Kind(), j);
}

}  // namespace bellows
