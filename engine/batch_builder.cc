#include "engine/batch_builder.h"

#include <algorithm>

#include "engine/checksum.h"
#include "engine/ddl_recognizer.h"
#include "engine/expr_binder.h"
#include "engine/strings.h"

namespace bellows {

BatchBuilder::BatchBuilder(BatchInput input)
    : input_(std::move(input)), schema_(input_.base), physical_(input_.base) {}

bool BatchBuilder::IsNew(std::string_view table) const {
  return input_.direct || new_tables_.count(table) > 0;
}

void BatchBuilder::MarkNew(std::string_view table) { new_tables_.emplace(table); }

BatchBuilder::TableMap& BatchBuilder::Map(std::string_view table) {
  auto it = maps_.find(table);
  if (it == maps_.end()) {
    it = maps_.emplace(std::string(table), TableMap{}).first;
    it->second.physical = std::string(table);
  }
  return it->second;
}

std::string BatchBuilder::PhysicalTable(std::string_view table) const {
  auto it = maps_.find(table);
  return it == maps_.end() ? std::string(table) : it->second.physical;
}

std::string BatchBuilder::PhysicalColumn(std::string_view table, std::string_view column) const {
  auto it = maps_.find(table);
  if (it == maps_.end()) return std::string(column);
  auto c = it->second.columns.find(std::string(column));
  return c == it->second.columns.end() ? std::string(column) : c->second;
}

void BatchBuilder::MapColumn(std::string_view table, std::string_view column,
                             std::string physical) {
  TableMap& m = Map(table);
  m.columns[std::string(column)] = std::move(physical);
  m.changed = true;
}

void BatchBuilder::RenameMappedTable(std::string_view from, std::string_view to) {
  TableMap m = Map(from);
  maps_.erase(maps_.find(from));
  m.changed = true;
  maps_[std::string(to)] = std::move(m);
  if (new_tables_.erase(std::string(from)) > 0) new_tables_.emplace(to);
}

void BatchBuilder::RenameMappedColumn(std::string_view table, std::string_view from,
                                      std::string_view to) {
  std::string physical = PhysicalColumn(table, from);
  TableMap& m = Map(table);
  m.columns.erase(std::string(from));
  m.columns[std::string(to)] = physical;
  m.changed = true;
  // Expressions over the new version's names follow the rename (an earlier alter's `down`,
  // pending checks).
  const LexOptions lex = dialect().SqlSplitOptions().lex;
  for (auto& [phys, expr] : m.fill) expr = RenameIdentifier(expr, from, to, lex);
  for (Constraint& c : m.pending) {
    if (!c.check.empty()) c.check = RenameIdentifier(c.check, from, to, lex);
    for (std::string& col : c.columns) {
      if (col == from) col = std::string(to);
    }
  }
}

void BatchBuilder::UnmapColumn(std::string_view table, std::string_view column) {
  TableMap& m = Map(table);
  m.columns.erase(std::string(column));
  m.changed = true;
}

void BatchBuilder::UnmapTable(std::string_view table) {
  auto it = maps_.find(table);
  if (it != maps_.end()) maps_.erase(it);
}

void BatchBuilder::FillOnWrite(std::string_view table, std::string physical, std::string expr) {
  TableMap& m = Map(table);
  std::erase_if(m.fill, [&](const auto& f) { return f.first == physical; });
  m.fill.emplace_back(std::move(physical), std::move(expr));
  m.changed = true;
}

void BatchBuilder::PendingConstraint(std::string_view table, Constraint constraint) {
  Map(table).pending.push_back(std::move(constraint));
}

void BatchBuilder::MarkChanged(std::string_view table) { Map(table).changed = true; }

std::string BatchBuilder::ObjectName(std::string_view base) const {
  std::string name = "_bellows_" + std::string(base);
  size_t limit = dialect().MaxIdentifierLength();
  if (name.size() <= limit) return name;
  std::string hash = Sha256Hex(name).substr(0, 8);
  return name.substr(0, limit - 9) + "_" + hash;
}

Status BatchBuilder::ClaimColumn(std::string_view table, std::string_view column, bool rename) {
  // Keyed by the column's new-version name: a rename claims the new name, so a later alter
  // of that name is the "rename, then alter" conflict.
  std::string key = PhysicalTable(table) + "." + std::string(column);
  auto it = claimed_.find(key);
  if (it != claimed_.end() && !rename) {
    std::string earlier = it->second == "rename" ? "renamed" : "changed through a shadow column";
    bool splittable = current_migration_ > 0;
    Status s = Error(input_.split_on_conflict && splittable ? Code::kConflict : Code::kInvalid,
                     "column " + std::string(table) + "." + std::string(column) + " was already " +
                         earlier + " earlier in this batch; one batch cannot " +
                         (it->second == "rename" ? "rename a column and then alter it"
                                                 : "shadow a column twice"));
    if (!splittable) return s.WithHint("split these operations into two migrations");
    const MigrationPlan& prev = plan_.migrations[static_cast<size_t>(current_migration_ - 1)];
    return s.WithHint("start the earlier migrations first: bellows start --to " + prev.version +
                      ", complete them, then start the rest");
  }
  if (it == claimed_.end()) claimed_[key] = rename ? "rename" : "shadow";
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> BatchBuilder::OldNames(
    std::string_view physical_table) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (const Table* t = input_.base.FindTable(physical_table)) {
    for (const Column& c : t->columns) out.emplace_back(c.name, c.name);
  } else if (const Table* p = physical_.FindTable(physical_table)) {
    for (const Column& c : p->columns) out.emplace_back(c.name, c.name);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> BatchBuilder::NewNames(
    std::string_view table) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (const Table* t = schema_.FindTable(table)) {
    for (const Column& c : t->columns) out.emplace_back(c.name, PhysicalColumn(table, c.name));
  }
  return out;
}

Status BatchBuilder::Error(Code code, std::string message) const {
  Status s = Status::Error(code, current_label_.empty() ? message : current_label_ + ": " + message,
                           __FILE__, __LINE__);
  if (current_op_ != nullptr && !current_op_->location().file.empty())
    s.WithLocation(current_op_->location());
  if (current_migration_ >= 0)
    s.WithMigration(plan_.migrations[static_cast<size_t>(current_migration_)].id);
  return s;
}

void BatchBuilder::Warn(std::string message) {
  std::string prefix;
  if (current_migration_ >= 0)
    prefix = plan_.migrations[static_cast<size_t>(current_migration_)].id + ": ";
  plan_.warnings.push_back(prefix + (current_label_.empty() ? "" : current_label_ + ": ") +
                           message);
}

Status BatchBuilder::CheckCopyConsent(const Step& step, const RenderedStep& rendered) const {
  if (rendered.cost != "copy" || direct() || current_op_ == nullptr || current_op_->AllowCopy())
    return Status::Ok();
  std::string table = std::visit(
      [](const auto& s) -> std::string {
        if constexpr (requires { std::string(s.table); }) {
          return s.table;
        } else {
          return "";
        }
      },
      step);
  if (table.empty() || new_tables_.count(table) > 0) return Status::Ok();  // empty: nothing to copy
  return Error(Code::kInvalid, std::string(dialect().Name()) + " would copy table " + table +
                                   " to " + DescribeStep(step) + ": " + rendered.lock)
      .WithHint("add allow_copy: true to the operation to accept the copy (writes to " + table +
                " wait for it), or run it in a maintenance window");
}

Status BatchBuilder::Emit(Phase phase, const Step& step, const std::optional<Step>& inverse,
                          bool destructive, int migration, const std::string& op) {
  Result<RenderedStep> forward = dialect().Render(step, physical_);
  if (!forward.ok()) {
    Status s = forward.status();
    return s.With(op.empty() ? DescribeStep(step) : op);
  }
  BELLOWS_TRY(CheckCopyConsent(step, *forward));
  if (const auto* raw = std::get_if<steps::RawSql>(&step)) {
    LexOptions lex = dialect().SqlSplitOptions().lex;
    for (const std::string& sql : raw->statements) ApplyDdl(sql, lex, physical_);
  } else if (!ApplyStep(step, physical_)) {
    return BELLOWS_ERR(kInternal,
                       "planning " + DescribeStep(step) + ": the schema model lacks its object");
  }
  PlannedStep ps;
  ps.seq = static_cast<int>(plan_.steps.size()) + 1;
  ps.migration = migration;
  ps.phase = phase;
  ps.kind = StepKind(step);
  ps.description = DescribeStep(step);
  ps.op = op;
  ps.forward = std::move(forward).value();
  ps.destructive = destructive;
  if (const auto* b = std::get_if<steps::Backfill>(&step)) ps.backfill = *b;
  if (inverse) {
    Result<RenderedStep> r = dialect().Render(*inverse, physical_);
    if (!r.ok()) {
      Status s = r.status();
      return s.With("planning the inverse of " + DescribeStep(step));
    }
    ps.inverse = std::move(r).value();
  }
  plan_.steps.push_back(std::move(ps));
  return Status::Ok();
}

Status BatchBuilder::Expand(Step step, std::optional<Step> inverse) {
  return Emit(Phase::kExpand, step, inverse, false, current_migration_, current_label_);
}

Status BatchBuilder::Backfill(steps::Backfill backfill) {
  if (backfill.key.empty()) {
    return Error(Code::kInvalid, "table " + backfill.table +
                                     " has no primary key or unique NOT NULL key to backfill by")
        .WithHint("add a primary key (or a unique index on NOT NULL columns) to " + backfill.table +
                  " first");
  }
  return Emit(Phase::kBackfill, backfill, Step(steps::RawSql{}), false, current_migration_,
              current_label_);
}

void BatchBuilder::Contract(Step step, std::optional<Step> inverse, bool destructive) {
  contract_.push_back(
      {std::move(step), std::move(inverse), destructive, current_migration_, current_label_});
}

void BatchBuilder::ContractCleanup(Step step, std::optional<Step> inverse) {
  cleanup_.push_back(
      {std::move(step), std::move(inverse), false, current_migration_, current_label_});
}

void BatchBuilder::Check(DataCheck check) {
  check.op = current_label_;
  if (check.kind == DataCheck::Kind::kReferencesExist) {
    // The checks run before start: a referenced table this batch creates has no rows yet (the
    // key's own validation fails the step if the batch leaves orphans), and one it renames is
    // still under its old name.
    if (IsNew(check.ref_table)) return;
    check.ref_column = PhysicalColumn(check.ref_table, check.ref_column);
    check.ref_table = PhysicalTable(check.ref_table);
  }
  plan_.data_checks.push_back(std::move(check));
}

void BatchBuilder::ApplySql(const std::vector<std::string>& statements) {
  LexOptions lex = dialect().SqlSplitOptions().lex;
  for (const std::string& sql : statements) ApplyDdl(sql, lex, schema_);
}

Status BatchBuilder::AddMigration(const Migration& m) {
  MigrationPlan mp;
  mp.version = m.VersionText();
  mp.id = m.id;
  mp.name = m.name;
  mp.description = m.description;
  mp.kind = MigrationKindName(m.kind);
  mp.file = m.file;
  mp.checksum = m.checksum;
  mp.down_checksum = m.down_checksum;
  mp.no_transaction = m.no_transaction;
  current_migration_ = static_cast<int>(plan_.migrations.size());
  plan_.migrations.push_back(mp);

  nlohmann::json inverse = nlohmann::json::array();
  std::string irreversible;
  for (size_t i = 0; i < m.operations.size(); ++i) {
    const Operation& op = *m.operations[i];
    current_op_ = &op;
    current_label_ = "op " + std::to_string(i + 1) + " " + op.Label();
    std::vector<std::string> dialects = op.Dialects();
    if (!dialects.empty() &&
        std::find(dialects.begin(), dialects.end(), dialect().Name()) == dialects.end()) {
      return Error(Code::kInvalid, "has no text for dialect " + std::string(dialect().Name()) +
                                       " (it is written for " + Join(dialects, ", ") + ")")
          .WithHint("add a \"" + std::string(dialect().Name()) + "\" entry to its per-dialect map");
    }
    std::string why;
    std::optional<std::vector<OperationPtr>> inv = op.Inverse(schema_, &why);
    if (!inv && irreversible.empty()) irreversible = current_label_ + ": " + why;
    if (inv) {
      nlohmann::json ops = nlohmann::json::array();
      for (const OperationPtr& o : *inv) ops.push_back(o->ToJson());
      inverse.insert(inverse.begin(), ops.begin(), ops.end());
    }
    BELLOWS_TRY(op.Plan(*this));
  }
  current_op_ = nullptr;
  current_label_.clear();
  MigrationPlan& stored = plan_.migrations.back();
  if (irreversible.empty()) {
    stored.inverse = inverse;
  } else {
    stored.irreversible = irreversible;
  }
  return Status::Ok();
}

VersionSpec BatchBuilder::BuildVersion() const {
  VersionSpec v;
  v.name = input_.version_name;
  for (const Table& t : schema_.tables) {
    TableView view;
    view.name = t.name;
    auto it = maps_.find(t.name);
    view.physical = it == maps_.end() ? t.name : it->second.physical;
    const Table* phys = physical_.FindTable(view.physical);
    for (const Column& c : t.columns) {
      ViewColumn vc{c.name, PhysicalColumn(t.name, c.name), c};
      if (phys != nullptr && !c.nullable) {
        const Column* pc = phys->FindColumn(vc.physical);
        if (pc != nullptr && pc->nullable) view.not_null.push_back(c.name);
      }
      view.columns.push_back(std::move(vc));
    }
    if (it != maps_.end()) {
      view.fill = it->second.fill;
      view.checks = it->second.pending;
      view.changed = it->second.changed;
    }
    if (phys != nullptr) view.key = phys->KeyColumns();
    v.tables.push_back(std::move(view));
  }
  return v;
}

void BatchBuilder::AssignGroups() {
  bool transactional_ddl = dialect().Supports(Capability::kTransactionalDdl);
  int next_group = 1;
  size_t i = 0;
  while (i < plan_.steps.size()) {
    // A run: consecutive steps of one migration in the same half (expand+backfill, contract).
    size_t j = i;
    auto half = [](Phase p) { return p == Phase::kContract ? 1 : 0; };
    while (j < plan_.steps.size() && plan_.steps[j].migration == plan_.steps[i].migration &&
           half(plan_.steps[j].phase) == half(plan_.steps[i].phase) &&
           plan_.steps[j].op.empty() == plan_.steps[i].op.empty()) {
      ++j;
    }
    bool one_transaction = transactional_ddl;
    for (size_t k = i; k < j && one_transaction; ++k) {
      const PlannedStep& s = plan_.steps[k];
      if (s.backfill || !s.forward.transactional || !s.forward.outside_before.empty())
        one_transaction = false;
    }
    // A step that waits or scans without blocking the application (VALIDATE CONSTRAINT) runs in
    // a transaction of its own: sharing one would hold the others' locks during its scan.
    bool open = false;
    for (size_t k = i; k < j; ++k) {
      bool alone = !one_transaction || !plan_.steps[k].forward.patient.empty();
      if (alone) {
        if (open) ++next_group;
        plan_.steps[k].group = next_group++;
        open = false;
      } else {
        plan_.steps[k].group = next_group;
        open = true;
      }
    }
    if (open) ++next_group;
    i = j;
  }
}

Result<BatchPlan> BatchBuilder::Finish() {
  current_label_.clear();
  current_op_ = nullptr;
  int last = static_cast<int>(plan_.migrations.size()) - 1;
  if (input_.lean) {
    plan_.version.name = input_.version_name;
  } else {
    plan_.version = BuildVersion();
    plan_.latest_sql = dialect().LatestSql(plan_.version);
  }
  bool schemas = dialect().Supports(Capability::kVersionSchemas);
  bool changed =
      std::any_of(maps_.begin(), maps_.end(), [](const auto& m) { return m.second.changed; });
  const bool versioned = !input_.direct && !input_.lean && (schemas || changed);
  if (versioned) {
    BELLOWS_TRY(Emit(Phase::kExpand, steps::CreateVersion{plan_.version},
                     Step(steps::DropVersion{plan_.version}), false, last, ""));
  }
  // Contract: validations first, while both versions and the triggers still run (they scan
  // without blocking; a violation fails the contract before anything is dropped); then the old
  // version goes; then the triggers and the swaps, table by table in one transaction, so no
  // write falls between a trigger's drop and its column's swap.
  auto is_validation = [](const Queued& q) {
    return std::holds_alternative<steps::ValidateConstraint>(q.step);
  };
  for (const Queued& q : contract_) {
    if (is_validation(q))
      BELLOWS_TRY(Emit(Phase::kContract, q.step, q.inverse, q.destructive, q.migration, q.op));
  }
  if (versioned) {
    if (!schemas) {
      BELLOWS_TRY(Emit(Phase::kContract, steps::DropVersion{plan_.version},
                       Step(steps::CreateVersion{plan_.version}), false, last, ""));
    } else if (input_.previous) {
      BELLOWS_TRY(Emit(Phase::kContract, steps::DropVersion{*input_.previous},
                       Step(steps::CreateVersion{*input_.previous}), false, last, ""));
    }
  }
  for (const Queued& q : cleanup_)
    BELLOWS_TRY(Emit(Phase::kContract, q.step, q.inverse, q.destructive, q.migration, q.op));
  for (const Queued& q : contract_) {
    if (!is_validation(q))
      BELLOWS_TRY(Emit(Phase::kContract, q.step, q.inverse, q.destructive, q.migration, q.op));
  }
  if (input_.direct && schemas && input_.previous) {
    // Rollback of completed migrations: the live version's views name the columns the undo
    // drops or changes (PostgreSQL refuses the drop, MariaDB would keep broken views), so the
    // version goes first, and the version the database lands on is made over the final tables.
    BELLOWS_TRY(Emit(Phase::kExpand, steps::DropVersion{*input_.previous},
                     Step(steps::CreateVersion{*input_.previous}), false, 0, ""));
    std::rotate(plan_.steps.begin(), plan_.steps.end() - 1, plan_.steps.end());
    for (size_t i = 0; i < plan_.steps.size(); ++i) plan_.steps[i].seq = static_cast<int>(i) + 1;
    if (!input_.version_name.empty()) {
      maps_.clear();
      plan_.version = BuildVersion();
      plan_.latest_sql = dialect().LatestSql(plan_.version);
      BELLOWS_TRY(Emit(Phase::kExpand, steps::CreateVersion{plan_.version},
                       Step(steps::DropVersion{plan_.version}), false, last, ""));
    } else {
      plan_.version = VersionSpec{};
      plan_.latest_sql.clear();
    }
  }
  if (!input_.direct && !input_.lean && schemas) {
    // The new version stays live after complete: its views are re-made over the final columns,
    // unless the contract changes nothing but the previous version's going: then the views
    // made at expand are already the final ones.
    const bool contract_changes = !contract_.empty() || !cleanup_.empty();
    maps_.clear();
    VersionSpec final_version = BuildVersion();
    if (contract_changes || final_version != plan_.version) {
      BELLOWS_TRY(Emit(Phase::kContract, steps::CreateVersion{final_version}, std::nullopt, false,
                       last, ""));
    }
  }
  AssignGroups();
  return std::move(plan_);
}

}  // namespace bellows
