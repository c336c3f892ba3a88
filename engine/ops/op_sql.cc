#include "engine/ops/op_sql.h"

#include "engine/sql_splitter.h"
#include "engine/strings.h"

namespace bellows {

bool CannotRunInTransaction(const std::string& sql) {
  std::string upper = Upper(NormalizeSpace(sql));
  return StartsWith(upper, "VACUUM") || upper.find(" CONCURRENTLY ") != std::string::npos ||
         StartsWith(upper, "CREATE DATABASE") || StartsWith(upper, "DROP DATABASE") ||
         (StartsWith(upper, "ALTER SYSTEM"));
}

namespace {

Result<SqlSection> ReadSection(FieldReader& r, std::string_view key, bool required) {
  SqlSection s;
  BELLOWS_TRY(ReadDialectText(r, key, &s.text, required));
  if (const Node* n = r.node().Find(key)) s.at = n->location;
  return s;
}

}  // namespace

Result<OperationPtr> SqlOp::Parse(const Node& fields) {
  auto op = std::make_shared<SqlOp>();
  FieldReader r(fields, "sql");
  BELLOWS_ASSIGN_OR_RETURN(op->up_, ReadSection(r, "up", true));
  BELLOWS_ASSIGN_OR_RETURN(SqlSection down, ReadSection(r, "down", false));
  if (!down.text.empty()) op->down_ = down;
  BELLOWS_ASSIGN_OR_RETURN(SqlSection contract, ReadSection(r, "contract", false));
  if (!contract.text.empty()) op->contract_ = contract;
  BELLOWS_TRY(r.Bool("no_transaction", &op->no_transaction_));
  BELLOWS_TRY(r.Finish());
  return OperationPtr(op);
}

Result<std::vector<std::string>> SqlOp::Statements(const BatchBuilder& b, const SqlSection& s,
                                                   std::string_view name) const {
  BELLOWS_ASSIGN_OR_RETURN(std::string text, TextFor(b, s.text, name));
  Result<std::vector<SqlStatement>> split =
      SplitSql(text, b.dialect().SqlSplitOptions(), s.at.file, s.at.line > 0 ? s.at.line : 1);
  if (!split.ok()) {
    Status st = split.status();
    return st.With(std::string(name) + " section");
  }
  std::vector<std::string> out;
  for (const SqlStatement& stmt : *split) out.push_back(stmt.text);
  return out;
}

Status SqlOp::Plan(BatchBuilder& b) const {
  BELLOWS_ASSIGN_OR_RETURN(std::vector<std::string> up, Statements(b, up_, "up"));
  std::optional<Step> inverse;
  if (down_) {
    BELLOWS_ASSIGN_OR_RETURN(std::vector<std::string> down, Statements(b, *down_, "down"));
    inverse = steps::RawSql{down, !no_transaction_};
  }
  bool one_by_one = no_transaction_;
  for (const std::string& s : up) one_by_one = one_by_one || CannotRunInTransaction(s);
  if (one_by_one && up.size() > 1 && !no_transaction_) {
    b.Warn(
        "holds a statement that cannot run in a transaction; its statements run one by one, each "
        "recorded "
        "(mark the file -- bellows:no-transaction to say so)");
  }
  if (!up.empty()) {
    if (one_by_one) {
      // The down section undoes the whole migration: it is the inverse of the first statement,
      // so an undo runs it once, after the other statements' (empty) inverses.
      for (size_t i = 0; i < up.size(); ++i) {
        std::optional<Step> inv = i == 0 ? inverse : std::optional<Step>(steps::RawSql{});
        if (!down_) inv.reset();
        BELLOWS_TRY(b.Expand(steps::RawSql{{up[i]}, false}, inv));
      }
    } else {
      BELLOWS_TRY(b.Expand(steps::RawSql{up, true}, inverse));
    }
  }
  b.ApplySql(up);
  if (contract_) {
    BELLOWS_ASSIGN_OR_RETURN(std::vector<std::string> contract,
                             Statements(b, *contract_, "contract"));
    if (!contract.empty())
      b.Contract(steps::RawSql{contract, !no_transaction_}, std::nullopt, true);
  }
  return Status::Ok();
}

std::optional<std::vector<OperationPtr>> SqlOp::Inverse(const Schema&, std::string* why) const {
  if (!down_) {
    *why = "it has no down section";
    return std::nullopt;
  }
  return std::vector<OperationPtr>{
      std::make_shared<SqlOp>(*down_, std::nullopt, std::nullopt, no_transaction_)};
}

nlohmann::json SqlOp::ToJson() const {
  nlohmann::json j = {{"up", DialectTextJson(up_.text)}};
  if (down_) j["down"] = DialectTextJson(down_->text);
  if (contract_) j["contract"] = DialectTextJson(contract_->text);
  if (no_transaction_) j["no_transaction"] = true;
  return OpJson(Kind(), j);
}

std::vector<std::string> SqlOp::Dialects() const {
  std::vector<const DialectText*> texts = {&up_.text};
  if (down_) texts.push_back(&down_->text);
  if (contract_) texts.push_back(&contract_->text);
  return LimitDialects(texts);
}

}  // namespace bellows
