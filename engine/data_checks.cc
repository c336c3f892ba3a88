#include "engine/data_checks.h"

#include <algorithm>

#include "engine/expr_binder.h"
#include "engine/operation.h"
#include "engine/strings.h"

namespace bellows {

Result<std::string> DataCheckQuery(const Dialect& d, const Schema& schema, const DataCheck& check) {
  const Table* t = schema.FindTable(check.table);
  if (t == nullptr) return BELLOWS_ERR(kInternal, "data check on missing table " + check.table);
  // The table is not aliased: an expression may name it ("users.country" in a subquery).
  const std::string alias = d.QuoteIdentifier(check.table);
  const std::string from = " FROM " + alias;
  std::vector<std::string> key;
  for (const std::string& k : t->KeyColumns()) key.push_back(alias + "." + d.QuoteIdentifier(k));
  std::string key_list = key.empty() ? "1" : Join(key, ", ");
  std::string expr;
  if (!check.expr.empty()) {
    // Qualified with the table, so that a subquery's own columns cannot capture the names.
    BELLOWS_ASSIGN_OR_RETURN(expr,
                             BindColumns(check.expr, d.SqlSplitOptions().lex,
                                         [&](std::string_view n) -> std::optional<std::string> {
                                           if (t->FindColumn(n) == nullptr) return std::nullopt;
                                           return alias + "." + d.QuoteIdentifier(n);
                                         }));
  }
  switch (check.kind) {
    case DataCheck::Kind::kTableEmpty:
      return "SELECT " + key_list + from + " LIMIT 1";
    case DataCheck::Kind::kNoNulls:
      return "SELECT " + key_list + from + " WHERE (" + expr + ") IS NULL LIMIT 1";
    case DataCheck::Kind::kUnique:
      return "SELECT (" + expr + ")" + from + " WHERE (" + expr + ") IS NOT NULL GROUP BY (" +
             expr + ") HAVING count(*) > 1 LIMIT 1";
    case DataCheck::Kind::kReferencesExist:
      return "SELECT " + key_list + from + " WHERE (" + expr +
             ") IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " + d.QuoteIdentifier(check.ref_table) +
             " AS _bellows_r WHERE _bellows_r." + d.QuoteIdentifier(check.ref_column) + " = (" +
             expr + ")) LIMIT 1";
    case DataCheck::Kind::kViolatesCheck:
      return "SELECT " + key_list + from + " WHERE NOT (" + expr + ") LIMIT 1";
  }
  return BELLOWS_ERR(kInternal, "unknown data check");
}

Status RunDataChecks(Connection& conn, const Schema& schema, const BatchPlan& plan) {
  for (const DataCheck& check : plan.data_checks) {
    BELLOWS_ASSIGN_OR_RETURN(std::string sql, DataCheckQuery(conn.dialect(), schema, check));
    BELLOWS_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql));
    if (rows.empty()) continue;
    std::vector<std::string> values;
    for (const auto& v : rows.rows[0]) values.push_back(v.value_or("NULL"));
    std::string what = check.kind == DataCheck::Kind::kUnique ? "value" : "row with key";
    Status s = BELLOWS_ERR(
        kInvalid, check.op + ": " + check.message + " (" + what + " " + Join(values, ", ") + ")");
    if (!check.hint.empty()) s.WithHint(check.hint);
    return s;
  }
  return Status::Ok();
}

Status CheckDataLoss(Connection& conn, const Schema& schema, const std::vector<Migration>& inverses,
                     bool allow_data_loss) {
  const Dialect& d = conn.dialect();
  std::vector<std::string> losses;
  for (const Migration& m : inverses) {
    for (const OperationPtr& op : m.operations) {
      nlohmann::json j = op->ToJson();
      const nlohmann::json& f = j.begin().value();
      std::string table = f.value("table", "");
      if (schema.FindTable(table) == nullptr) continue;
      std::string sql;
      std::string what;
      if (op->Kind() == "drop_table") {
        sql = "SELECT count(*) FROM " + d.QuoteIdentifier(table);
        what = "rows of table " + table;
      } else if (op->Kind() == "drop_column") {
        std::string column = f.value("column", "");
        sql = "SELECT count(*) FROM " + d.QuoteIdentifier(table) + " WHERE " +
              d.QuoteIdentifier(column) + " IS NOT NULL";
        what = "non-NULL values of column " + table + "." + column;
      } else {
        continue;
      }
      BELLOWS_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql));
      long long n = rows.empty() || !rows.rows[0][0] ? 0 : std::stoll(*rows.rows[0][0]);
      if (n > 0)
        losses.push_back(std::to_string(n) + " " + what + " (rolling back " + m.VersionText() +
                         ")");
    }
  }
  if (losses.empty() || allow_data_loss) return Status::Ok();
  return BELLOWS_ERR(kInvalid, "the rollback would delete data: " + Join(losses, "; "))
      .WithHint(
          "pass --allow-data-loss to roll back anyway, or keep the data and write a new migration");
}

Result<std::vector<std::pair<std::string, long long>>> RowsTouched(Connection& conn,
                                                                   const Schema& schema,
                                                                   const Migration& m,
                                                                   long long cap) {
  std::vector<std::string> tables;
  for (const OperationPtr& op : m.operations) {
    nlohmann::json j = op->ToJson()[std::string(op->Kind())];
    for (const char* key : {"table", "from"}) {
      auto it = j.find(key);
      if (it == j.end() || !it->is_string()) continue;
      std::string t = it->get<std::string>();
      if (schema.FindTable(t) && std::find(tables.begin(), tables.end(), t) == tables.end())
        tables.push_back(t);
    }
  }
  std::vector<std::pair<std::string, long long>> out;
  const Dialect& d = conn.dialect();
  for (const std::string& t : tables) {
    BELLOWS_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT count(*) FROM (SELECT 1 AS x FROM " + d.QuoteIdentifier(t) +
                              " LIMIT " + std::to_string(cap) + ") bounded"));
    long long n = rows.empty() || !rows.rows[0][0] ? 0 : std::stoll(*rows.rows[0][0]);
    out.emplace_back(t, n);
  }
  return out;
}

}  // namespace bellows
