#include "engine/backfill.h"

#include <nlohmann/json.hpp>

#include "engine/expr_binder.h"
#include "engine/strings.h"

namespace bellows {

std::string Backfiller::KeyList() const {
  std::vector<std::string> q;
  for (const std::string& k : spec_.key) q.push_back(d_.QuoteIdentifier(k));
  return Join(q, ", ");
}

std::string Backfiller::Tuple(const std::vector<std::string>& values) const {
  std::vector<std::string> q;
  for (const std::string& v : values) q.push_back(d_.QuoteString(v));
  return values.size() == 1 ? q[0] : "(" + Join(q, ", ") + ")";
}

std::string Backfiller::After(const std::vector<std::string>& key) const {
  if (key.empty()) return "";
  std::string lhs = spec_.key.size() == 1 ? KeyList() : "(" + KeyList() + ")";
  return lhs + " > " + Tuple(key);
}

Status Backfiller::Prepare(const std::string& checkpoint) {
  const LexOptions lex = d_.SqlSplitOptions().lex;
  std::vector<std::string> sets;
  for (const auto& [column, expr] : spec_.set) {
    Result<std::string> bound =
        BindColumns(expr, lex, [&](std::string_view n) -> std::optional<std::string> {
          for (const auto& [name, phys] : spec_.names) {
            if (name == n) return d_.QuoteIdentifier(spec_.table) + "." + d_.QuoteIdentifier(phys);
          }
          return std::nullopt;
        });
    if (!bound.ok()) return bound.status();
    sets.push_back(d_.QuoteIdentifier(column) + " = (" + *bound + ")");
  }
  set_sql_ = Join(sets, ", ");
  if (!checkpoint.empty()) {
    nlohmann::json j = nlohmann::json::parse(checkpoint, nullptr, false);
    if (j.is_array()) last_ = j.get<std::vector<std::string>>();
  }
  std::string where = After(last_);
  BELLOWS_ASSIGN_OR_RETURN(Rows rows,
                           conn_.Query("SELECT count(*) FROM " + d_.QuoteIdentifier(spec_.table) +
                                       (where.empty() ? "" : " WHERE " + where)));
  total_ = rows.empty() || !rows.rows[0][0] ? 0 : std::stoll(*rows.rows[0][0]);
  return Status::Ok();
}

Status Backfiller::RunBatch(bool* finished) {
  for (const std::string& sql : d_.BackfillPrelude()) BELLOWS_TRY(conn_.Execute(sql));
  const std::string table = d_.QuoteIdentifier(spec_.table);
  const std::string after = After(last_);
  BELLOWS_ASSIGN_OR_RETURN(
      Rows bound, conn_.Query("SELECT " + KeyList() + " FROM " + table +
                              (after.empty() ? "" : " WHERE " + after) + " ORDER BY " + KeyList() +
                              " LIMIT 1 OFFSET " + std::to_string(batch_size_ - 1)));
  std::vector<std::string> conditions;
  if (!after.empty()) conditions.push_back(after);
  if (bound.empty()) {
    *finished = true;
    pending_ = last_;
    pending_rows_ = total_ - done_;
  } else {
    *finished = false;
    pending_.clear();
    for (const auto& v : bound.rows[0]) pending_.push_back(v.value_or(""));
    std::string lhs = spec_.key.size() == 1 ? KeyList() : "(" + KeyList() + ")";
    conditions.push_back(lhs + " <= " + Tuple(pending_));
    pending_rows_ = batch_size_;
  }
  std::string sql = "UPDATE " + table + " SET " + set_sql_;
  if (!conditions.empty()) sql += " WHERE " + Join(conditions, " AND ");
  return conn_.Execute(sql);
}

std::string Backfiller::Checkpoint() const { return nlohmann::json(pending_).dump(); }

void Backfiller::Committed() {
  last_ = pending_;
  done_ = std::min(total_, done_ + pending_rows_);
}

void Backfiller::Retry() { pending_ = last_; }

}  // namespace bellows
