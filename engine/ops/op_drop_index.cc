#include "engine/ops/op_drop_index.h"

#include "engine/ops/op_create_index.h"

namespace bellows {

Result<OperationPtr> DropIndexOp::Parse(const Node& fields) {
  auto op = std::make_shared<DropIndexOp>();
  FieldReader r(fields, "drop_index");
  BELLOWS_TRY(r.String("name", &op->name_, true));
  BELLOWS_TRY(r.String("table", &op->table_));
  BELLOWS_TRY(r.Finish());
  return OperationPtr(op);
}

Status DropIndexOp::Plan(BatchBuilder& b) const {
  Table* t = b.schema().FindIndexTable(name_);
  if (t == nullptr || (!table_.empty() && t->name != table_)) {
    return b.Error(Code::kNotFound, "index \"" + name_ + "\" does not exist" +
                                        (table_.empty() ? "" : " on " + table_));
  }
  const std::string table = t->name;
  Index index = *t->FindIndex(name_);
  std::erase_if(t->indexes, [&](const Index& i) { return i.name == name_; });
  const std::string ptable = b.PhysicalTable(table);
  const Table* pt = b.physical().FindTable(ptable);
  const Index* physical = pt ? pt->FindIndex(name_) : nullptr;
  if (physical == nullptr)
    return b.Error(Code::kInternal, "index " + name_ + " is missing from the physical model");
  if (b.IsNew(table)) {
    return b.Expand(steps::DropIndex{ptable, *physical, false},
                    Step(steps::CreateIndex{ptable, *physical, false}));
  }
  b.Contract(steps::DropIndex{table, index}, Step(steps::CreateIndex{table, index}));
  return Status::Ok();
}

std::optional<std::vector<OperationPtr>> DropIndexOp::Inverse(const Schema& before,
                                                              std::string* why) const {
  const Table* t = before.FindIndexTable(name_);
  if (t == nullptr) {
    *why = "index " + name_ + " did not exist before";
    return std::nullopt;
  }
  return std::vector<OperationPtr>{CreateIndexOp::From(t->name, *t->FindIndex(name_))};
}

nlohmann::json DropIndexOp::ToJson() const {
  nlohmann::json j = {{"name", name_}};
  if (!table_.empty()) j["table"] = table_;
  return OpJson(Kind(), j);
}

}  // namespace bellows
