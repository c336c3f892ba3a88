#include "engine/ops/op_shadow.h"

#include <algorithm>

#include "engine/checksum.h"
#include "engine/expr_binder.h"
#include "engine/ops/op_common.h"

namespace bellows {

namespace {

bool Involves(const Constraint& c, const std::string& column) {
  if (std::find(c.columns.begin(), c.columns.end(), column) != c.columns.end()) return true;
  return c.kind == ConstraintKind::kCheck && MentionsIdentifier(c.check, column);
}

}  // namespace

Status PlanShadow(BatchBuilder& b, const ShadowPlan& p) {
  const LexOptions lex = b.dialect().SqlSplitOptions().lex;
  const std::string ptable = b.PhysicalTable(p.table);
  const std::string old_physical = p.has_old ? b.PhysicalColumn(p.table, p.column) : "";
  const std::string shadow = b.ObjectName("new_" + p.column);
  const Table* pt = b.physical().FindTable(ptable);
  if (pt == nullptr)
    return b.Error(Code::kInternal, "physical table " + ptable + " is missing from the model");
  if (pt->FindColumn(shadow) != nullptr) {
    return b.Error(Code::kInvalid, "column " + ptable + "." + shadow + " already exists")
        .WithHint("an earlier operation of this batch already shadows " + p.column);
  }
  std::vector<std::string> key = pt->KeyColumns();

  Column sdef = p.final_def;
  sdef.name = shadow;
  sdef.nullable = true;
  sdef.default_expr.reset();
  sdef.identity = false;
  sdef.identity_detail.clear();
  BELLOWS_TRY(b.Expand(steps::AddColumn{ptable, sdef}, Step(steps::DropColumn{ptable, shadow})));

  std::vector<std::pair<std::string, std::string>> renames;
  std::vector<Constraint> to_validate;  // NOT VALID until contract
  if (p.has_old) {
    // Copies of what the old column carries, built on the shadow (2.1b).
    Table snapshot = *b.physical().FindTable(ptable);
    for (const Index& index : snapshot.indexes) {
      if (!index.Covers(old_physical)) continue;
      Index copy = index;
      copy.name = b.ObjectName(index.name);
      for (IndexKey& k : copy.keys) {
        if (k.column == old_physical) k.column = shadow;
        if (!k.expression.empty())
          k.expression = RenameIdentifier(k.expression, old_physical, shadow, lex);
      }
      if (!copy.where.empty()) copy.where = RenameIdentifier(copy.where, old_physical, shadow, lex);
      BELLOWS_TRY(b.Expand(steps::CreateIndex{ptable, copy, true},
                           Step(steps::DropIndex{ptable, copy, true})));
      renames.emplace_back(copy.name, index.name);
    }
    for (const Constraint& con : snapshot.constraints) {
      if (!Involves(con, old_physical)) continue;
      Constraint copy = con;
      std::string final_name = con.name.empty()
                                   ? ptable + "_" + p.column + "_" + ConstraintKindName(con.kind)
                                   : con.name;
      copy.name = b.ObjectName(final_name);
      for (std::string& c : copy.columns) {
        if (c == old_physical) c = shadow;
      }
      if (!copy.check.empty()) copy.check = RenameIdentifier(copy.check, old_physical, shadow, lex);
      copy.validated = false;
      auto [step, inverse] = AddConstraintStep(b, ptable, copy, true);
      BELLOWS_TRY(b.Expand(step, inverse));
      if (copy.kind != ConstraintKind::kUnique) to_validate.push_back(copy);
      renames.emplace_back(
          copy.name, con.name.empty() && copy.kind != ConstraintKind::kUnique ? "" : final_name);
    }
  }

  // The new version's names, with this column now read from the shadow.
  b.MapColumn(p.table, p.column, shadow);
  auto new_names = b.NewNames(p.table);
  ColumnResolver to_physical = [&](std::string_view n) -> std::optional<std::string> {
    for (const auto& [name, phys] : new_names) {
      if (name == n) return b.dialect().QuoteIdentifier(phys);
    }
    return std::nullopt;
  };
  for (const Constraint& c : p.new_constraints) {
    Constraint pc = c;
    pc.name = b.ObjectName(c.name);
    for (std::string& col : pc.columns) col = b.PhysicalColumn(p.table, col);
    if (!pc.check.empty()) {
      BELLOWS_ASSIGN_OR_RETURN(pc.check, BindColumns(c.check, lex, to_physical));
    }
    pc.validated = false;
    auto [step, inverse] = AddConstraintStep(b, ptable, pc, true);
    BELLOWS_TRY(b.Expand(step, inverse));
    if (pc.kind != ConstraintKind::kUnique) to_validate.push_back(pc);
    renames.emplace_back(pc.name, c.name);
    if (c.kind != ConstraintKind::kUnique) b.PendingConstraint(p.table, c);
  }

  // NOT NULL of the new shape: a NOT VALID CHECK (shadow IS NOT NULL), added once the triggers
  // fill the shadow (before them it would reject the old version's updates) and before the
  // backfill (after it, its ACCESS EXCLUSIVE request would queue behind the autovacuum the
  // backfill wakes, and the application's queries behind it), validated at contract so that
  // SET NOT NULL needs no scan. Dialects without NOT VALID constraints set NOT NULL in the swap.
  std::string not_null_check;
  auto add_not_null_check = [&]() -> Status {
    if (p.final_def.nullable || !b.dialect().Supports(Capability::kNotValidConstraints))
      return Status::Ok();
    not_null_check = b.ObjectName("nn_" + ptable + "_" + p.column);
    Constraint nn = MakeConstraint(not_null_check, ConstraintKind::kCheck);
    nn.check = b.dialect().QuoteIdentifier(shadow) + " IS NOT NULL";
    nn.validated = false;
    BELLOWS_TRY(
        b.Expand(steps::AddConstraint{ptable, nn, true}, Step(steps::DropConstraint{ptable, nn})));
    to_validate.push_back(nn);
    return Status::Ok();
  };
  if (!p.up.empty()) {
    ShadowSync sync;
    sync.table = ptable;
    sync.shadow = shadow;
    sync.up = p.up;
    sync.column = old_physical;
    sync.down = p.down;
    sync.old_names = b.OldNames(ptable);
    sync.new_names = new_names;
    sync.not_null = !p.final_def.nullable;
    if (!p.final_def.identity) sync.shadow_default = p.final_def.default_expr;
    for (const Constraint& c : p.new_constraints) {
      if (c.kind != ConstraintKind::kUnique) sync.checks.push_back(c);
    }
    // "_bellows_sync_<table>_<column>_<hash>": the hash keeps it apart from every other
    // bellows object (helper views end in "_w"), whatever the names contain.
    sync.new_version = b.version_name();
    sync.trigger_name = b.ObjectName("sync_" + ptable + "_" + p.column + "_" +
                                     Sha256Hex(ptable + "\n" + p.column).substr(0, 8));
    BELLOWS_TRY(b.Expand(steps::CreateSync{sync}, Step(steps::DropSync{sync})));
    BELLOWS_TRY(add_not_null_check());
    BELLOWS_TRY(b.Backfill(steps::Backfill{ptable, key, {{shadow, p.up}}, sync.old_names}));
    b.ContractCleanup(steps::DropSync{sync}, Step(steps::CreateSync{sync}));
  }
  if (not_null_check.empty()) BELLOWS_TRY(add_not_null_check());
  if (p.has_old) b.FillOnWrite(p.table, old_physical, p.down);
  for (const Constraint& c : to_validate) {
    b.Contract(steps::ValidateConstraint{p.table, c}, Step(steps::RawSql{}));
  }
  b.Contract(steps::SwapColumn{p.table, p.column, shadow, p.final_def, renames, not_null_check},
             std::nullopt, true);
  return Status::Ok();
}

}  // namespace bellows
