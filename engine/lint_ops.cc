// Lint rules over operations (YAML files), the steps bellows planned for them, and the
// migration as a whole (irreversible, names too long).

#include <set>

#include "engine/lint_context.h"
#include "engine/lint_types.h"
#include "engine/operation.h"
#include "engine/strings.h"

namespace bellows {

namespace {

std::string Field(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// A per-dialect text field ({sqlite: .., postgres: ..} or one string) for this dialect.
std::optional<std::string> TextFor(const nlohmann::json& j, const char* key,
                                   const std::string& dialect) {
  auto it = j.find(key);
  if (it == j.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains(dialect) && (*it)[dialect].is_string())
    return (*it)[dialect].get<std::string>();
  return std::nullopt;
}

class OpLinter {
 public:
  explicit OpLinter(const LintContext& ctx) : ctx_(ctx) {}

  void Run() {
    for (const OperationPtr& op : ctx_.migration.operations) {
      std::string kind(op->Kind());
      nlohmann::json j = op->ToJson()[kind];
      const SourceLocation& at = op->location();
      std::string table = Field(j, "table");
      const Table* existing = Existing(table);
      if (kind == "create_table") {
        created_.insert(table);
      } else if (kind == "rename_table") {
        created_.insert(Field(j, "to"));
      } else if (kind == "drop_table" && existing) {
        ctx_.Add("DS001", at,
                 "drop_table " + table + " deletes its rows once the migration completes");
      } else if (kind == "drop_column" && existing && existing->FindColumn(Field(j, "column"))) {
        ctx_.Add("DS002", at,
                 "drop_column " + table + "." + Field(j, "column") +
                     " deletes its values once the migration completes");
      } else if (kind == "alter_column" && existing) {
        AlterColumn(j, *existing, at);
      } else if (kind == "create_index" && existing && j.value("unique", false)) {
        ctx_.Add("DD002", at,
                 "unique index " + Field(j, "name") + " on existing table " + table +
                     " fails if rows already hold duplicates");
      } else if (kind == "create_constraint" && existing) {
        std::string type = Field(j, "type");
        if (type == "unique") {
          ctx_.Add("DD002", at,
                   "unique constraint " + Field(j, "name") + " on existing table " + table +
                       " fails if rows already hold duplicates");
        } else if (type == "foreign_key") {
          ctx_.Add("DD007", at,
                   "foreign key " + Field(j, "name") + " on existing table " + table +
                       " fails validation if a row has no parent");
        }
      }
    }
    PlanSteps();
    Migration();
  }

 private:
  const Table* Existing(const std::string& table) const {
    if (table.empty() || created_.count(table)) return nullptr;
    return ctx_.before.FindTable(table);
  }

  void AlterColumn(const nlohmann::json& j, const Table& table, const SourceLocation& at) {
    std::string name = Field(j, "column");
    const Column* col = table.FindColumn(name);
    if (col == nullptr) return;
    std::string label = table.name + "." + name;
    bool has_up = j.contains("up");
    if (j.contains("nullable") && !j["nullable"].get<bool>() && col->nullable && !has_up) {
      ctx_.Add("DD003", at,
               label + " becomes NOT NULL without up: the backfill fails on a row holding NULL");
    }
    if (j.contains("nullable") && j["nullable"].get<bool>() && !col->nullable) {
      ctx_.Add("BC004", at, label + " becomes nullable: readers of the old version may get NULL");
    }
    if (j.contains("unique")) {
      ctx_.Add("DD002", at, label + " becomes unique: fails if rows already hold duplicates");
    }
    if (j.contains("references")) {
      ctx_.Add("DD007", at, label + " gets a foreign key: fails validation if a row has no parent");
    }
    std::optional<std::string> type = TextFor(j, "type", ctx_.dialect_name);
    if (!type) return;
    std::string to = ctx_.dialect.MapType(*type, col->identity);
    if (ctx_.dialect.SameType(col->type, to)) return;
    if (Fits(col->type, to, ctx_.dialect_name) == false) {
      ctx_.Add("DD004", at,
               label + ": " + to + " cannot hold every " + col->type + " value; " +
                   (has_up ? "check that up converts every row"
                           : "without up, rows that do not fit fail the backfill"));
    }
    if (Fits(to, col->type, ctx_.dialect_name) == false) {
      ctx_.Add("DD005", at,
               label + ": during the window, new-version values that do not fit " + col->type +
                   " make writes fail" + (j.contains("down") ? " unless down converts them" : ""));
    }
  }

  // Steps bellows planned that block writes while they rewrite, copy or rebuild a table.
  void PlanSteps() {
    for (const PlannedStep& s : ctx_.plan.steps) {
      if (s.kind == "raw_sql" || !s.forward.blocks_writes) continue;
      const std::string& cost = s.forward.cost;
      if (cost != "rewrite" && cost != "copy" && cost != "rebuild") continue;
      // "op 2 alter_column users.email": the operation it belongs to.
      std::vector<std::string> words = Split(s.op, ' ');
      if (words.size() < 2) continue;
      size_t index = 0;
      try {
        index = std::stoul(words[1]);
      } catch (...) {
        continue;
      }
      if (index == 0 || index > ctx_.migration.operations.size()) continue;
      const Operation& op = *ctx_.migration.operations[index - 1];
      std::string table = Field(op.ToJson()[std::string(op.Kind())], "table");
      if (!ctx_.before.FindTable(table)) continue;
      ctx_.Add("RW007", op.location(),
               op.Label() + ": step " + std::to_string(s.seq) + " (" + s.description + ") " +
                   (cost == "copy"      ? "copies"
                    : cost == "rebuild" ? "rebuilds"
                                        : "rewrites") +
                   " table " + table + " (lock: " + s.forward.lock + ")");
    }
  }

  void Migration() {
    for (const MigrationPlan& m : ctx_.plan.migrations) {
      if (!m.irreversible.empty()) {
        ctx_.Add("EC001", ctx_.FileStart(),
                 "rollback past " + m.id + " is refused once it completed: " + m.irreversible);
      }
    }
    size_t max = ctx_.dialect.MaxIdentifierLength();
    auto check = [&](const std::string& what, const std::string& name) {
      if (name.size() <= max) return;
      ctx_.Add("NM001", ctx_.FileStart(),
               what + " name " + name + " is " + std::to_string(name.size()) + " bytes; " +
                   std::string(ctx_.dialect.Name()) + " allows " + std::to_string(max));
    };
    for (const Table& t : ctx_.after.tables) {
      const Table* old = ctx_.before.FindTable(t.name);
      if (!old) check("table", t.name);
      for (const Column& c : t.columns) {
        if (!old || !old->FindColumn(c.name)) check("column of " + t.name + ":", c.name);
      }
      for (const Index& i : t.indexes) {
        if (!old || !old->FindIndex(i.name)) check("index", i.name);
      }
      for (const Constraint& c : t.constraints) {
        if (!old || !old->FindConstraint(c.name)) check("constraint", c.name);
      }
    }
  }

  const LintContext& ctx_;
  std::set<std::string> created_;
};

}  // namespace

void LintOps(const LintContext& ctx) { OpLinter(ctx).Run(); }

}  // namespace bellows
