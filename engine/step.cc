#include "engine/step.h"

#include <algorithm>

#include "engine/expr_binder.h"
#include "engine/overloaded.h"
#include "engine/strings.h"

namespace bellows {

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kExpand:
      return "expand";
    case Phase::kBackfill:
      return "backfill";
    case Phase::kContract:
      return "contract";
  }
  return "expand";
}

namespace {

std::string Qualified(const std::string& table, const std::string& column) {
  return table + "." + column;
}

std::string KeyList(const Index& index) {
  std::vector<std::string> parts;
  for (const IndexKey& k : index.keys) {
    parts.push_back((k.column.empty() ? "(" + k.expression + ")" : k.column) +
                    (k.descending ? " DESC" : ""));
  }
  return Join(parts, ", ");
}

void RenameInConstraintsAndIndexes(
    Table& t, const std::vector<std::pair<std::string, std::string>>& renames) {
  for (const auto& [from, to] : renames) {
    for (Index& i : t.indexes) {
      if (i.name == from) i.name = to;
    }
    for (Constraint& c : t.constraints) {
      if (c.name == from) c.name = to;
    }
  }
}

}  // namespace

VersionSpec Finalized(const VersionSpec& window) {
  VersionSpec out;
  out.name = window.name;
  for (const TableView& t : window.tables) {
    TableView v;
    v.name = t.name;
    v.physical = t.name;
    for (const ViewColumn& c : t.columns) v.columns.push_back({c.name, c.name, c.def});
    for (const std::string& k : t.key) {
      for (const ViewColumn& c : t.columns) {
        if (c.physical == k) v.key.push_back(c.name);
      }
    }
    out.tables.push_back(std::move(v));
  }
  return out;
}

std::string StepKind(const Step& step) {
  return std::visit(Overloaded{
                        [](const steps::CreateTable&) { return "create_table"; },
                        [](const steps::DropTable&) { return "drop_table"; },
                        [](const steps::RenameTable&) { return "rename_table"; },
                        [](const steps::AddColumn&) { return "add_column"; },
                        [](const steps::DropColumn&) { return "drop_column"; },
                        [](const steps::RenameColumn&) { return "rename_column"; },
                        [](const steps::AlterColumn&) { return "alter_column"; },
                        [](const steps::SwapColumn&) { return "swap_column"; },
                        [](const steps::CreateIndex&) { return "create_index"; },
                        [](const steps::DropIndex&) { return "drop_index"; },
                        [](const steps::RenameIndex&) { return "rename_index"; },
                        [](const steps::AddConstraint&) { return "add_constraint"; },
                        [](const steps::ValidateConstraint&) { return "validate_constraint"; },
                        [](const steps::DropConstraint&) { return "drop_constraint"; },
                        [](const steps::SetComment&) { return "set_comment"; },
                        [](const steps::CreateSync&) { return "create_sync_triggers"; },
                        [](const steps::DropSync&) { return "drop_sync_triggers"; },
                        [](const steps::Backfill&) { return "backfill"; },
                        [](const steps::CreateVersion&) { return "create_version"; },
                        [](const steps::DropVersion&) { return "drop_version"; },
                        [](const steps::RawSql&) { return "sql"; },
                    },
                    step);
}

std::string DescribeStep(const Step& step) {
  return std::visit(
      Overloaded{
          [](const steps::CreateTable& s) { return "create table " + s.table.name; },
          [](const steps::DropTable& s) { return "drop table " + s.table; },
          [](const steps::RenameTable& s) { return "rename table " + s.from + " to " + s.to; },
          [](const steps::AddColumn& s) {
            return "add column " + Qualified(s.table, s.column.name) + " " + s.column.type +
                   (s.column.nullable ? "" : " NOT NULL");
          },
          [](const steps::DropColumn& s) { return "drop column " + Qualified(s.table, s.column); },
          [](const steps::RenameColumn& s) {
            return "rename column " + Qualified(s.table, s.from) + " to " + s.to;
          },
          [](const steps::AlterColumn& s) {
            return "alter column " + Qualified(s.table, s.column) + " to " + s.to.type +
                   (s.to.nullable ? " NULL" : " NOT NULL") +
                   (s.using_expr.empty() ? "" : " using " + s.using_expr);
          },
          [](const steps::SwapColumn& s) {
            return "replace column " + Qualified(s.table, s.column) + " with " + s.shadow + " (" +
                   s.final_def.type + (s.final_def.nullable ? "" : " NOT NULL") + ")";
          },
          [](const steps::CreateIndex& s) {
            return std::string("create ") + (s.index.unique ? "unique " : "") + "index " +
                   s.index.name + " on " + s.table + "(" + KeyList(s.index) + ")";
          },
          [](const steps::DropIndex& s) { return "drop index " + s.index.name; },
          [](const steps::RenameIndex& s) { return "rename index " + s.from + " to " + s.to; },
          [](const steps::AddConstraint& s) {
            return std::string("add ") + ConstraintKindName(s.constraint.kind) + " constraint " +
                   s.constraint.name + " on " + s.table +
                   (s.constraint.validated ? "" : " (not validated)");
          },
          [](const steps::ValidateConstraint& s) {
            return "validate constraint " + s.constraint.name + " on " + s.table;
          },
          [](const steps::DropConstraint& s) {
            return "drop constraint " + s.constraint.name + " on " + s.table;
          },
          [](const steps::SetComment& s) {
            return "comment on " + (s.column.empty() ? s.table : Qualified(s.table, s.column));
          },
          [](const steps::CreateSync& s) {
            return "create triggers keeping " + Qualified(s.sync.table, s.sync.shadow) +
                   (s.sync.column.empty() ? "" : " and " + s.sync.column) + " in sync";
          },
          [](const steps::DropSync& s) {
            return "drop triggers of " + Qualified(s.sync.table, s.sync.shadow);
          },
          [](const steps::Backfill& s) {
            std::vector<std::string> cols;
            for (const auto& [c, e] : s.set) cols.push_back(c);
            return "backfill " + s.table + "(" + Join(cols, ", ") + ") in batches";
          },
          [](const steps::CreateVersion& s) { return "create version " + s.version.name; },
          [](const steps::DropVersion& s) { return "drop version " + s.version.name; },
          [](const steps::RawSql& s) {
            std::string first = s.statements.empty() ? "" : NormalizeSpace(s.statements[0]);
            if (first.size() > 60) first = first.substr(0, 57) + "...";
            return "run " + Count(static_cast<long long>(s.statements.size()), "statement") +
                   (first.empty() ? "" : ": " + first);
          },
      },
      step);
}

bool ApplyStep(const Step& step, Schema& schema) {
  auto table_of = [&](const std::string& name) { return schema.FindTable(name); };
  return std::visit(
      Overloaded{
          [&](const steps::CreateTable& s) {
            schema.DropTable(s.table.name);
            schema.tables.push_back(s.table);
            return true;
          },
          [&](const steps::DropTable& s) {
            if (!table_of(s.table)) return false;
            schema.DropTable(s.table);
            return true;
          },
          [&](const steps::RenameTable& s) {
            Table* t = table_of(s.from);
            if (!t) return false;
            t->name = s.to;
            schema.RenameTableReferences(s.from, s.to);
            return true;
          },
          [&](const steps::AddColumn& s) {
            Table* t = table_of(s.table);
            if (!t || t->FindColumn(s.column.name)) return false;
            t->columns.push_back(s.column);
            return true;
          },
          [&](const steps::DropColumn& s) {
            Table* t = table_of(s.table);
            if (!t || !t->FindColumn(s.column)) return false;
            std::erase_if(t->columns, [&](const Column& c) { return c.name == s.column; });
            std::erase_if(t->indexes, [&](const Index& i) { return i.Covers(s.column); });
            std::erase_if(t->constraints, [&](const Constraint& c) {
              return std::find(c.columns.begin(), c.columns.end(), s.column) != c.columns.end();
            });
            return true;
          },
          [&](const steps::RenameColumn& s) {
            Table* t = table_of(s.table);
            if (!t || !t->FindColumn(s.from)) return false;
            t->RenameColumnEverywhere(s.from, s.to);
            schema.RenameReferencedColumn(s.table, s.from, s.to);
            return true;
          },
          [&](const steps::AlterColumn& s) {
            Table* t = table_of(s.table);
            Column* c = t ? t->FindColumn(s.column) : nullptr;
            if (!c) return false;
            *c = s.to;
            c->name = s.column;
            return true;
          },
          [&](const steps::SwapColumn& s) {
            Table* t = table_of(s.table);
            if (!t || !t->FindColumn(s.shadow)) return false;
            // The final column takes the old column's position; without an old column
            // (add_column) the shadow's.
            int position =
                t->FindColumn(s.column) ? t->ColumnIndex(s.column) : t->ColumnIndex(s.shadow);
            if (t->FindColumn(s.column)) {
              std::erase_if(t->indexes, [&](const Index& i) { return i.Covers(s.column); });
              std::erase_if(t->constraints, [&](const Constraint& c) {
                return std::find(c.columns.begin(), c.columns.end(), s.column) != c.columns.end() ||
                       (c.kind == ConstraintKind::kCheck && MentionsIdentifier(c.check, s.column));
              });
              std::erase_if(t->columns, [&](const Column& c) { return c.name == s.shadow; });
              position = t->ColumnIndex(s.column);
            }
            Column final_def = s.final_def;
            final_def.name = s.column;
            t->columns[static_cast<size_t>(position)] = final_def;
            for (Index& i : t->indexes) {
              for (IndexKey& k : i.keys) {
                if (k.column == s.shadow) k.column = s.column;
                if (!k.expression.empty())
                  k.expression = RenameIdentifier(k.expression, s.shadow, s.column, LexOptions{});
              }
              if (!i.where.empty())
                i.where = RenameIdentifier(i.where, s.shadow, s.column, LexOptions{});
            }
            for (Constraint& c : t->constraints) {
              for (std::string& col : c.columns) {
                if (col == s.shadow) col = s.column;
              }
              if (!c.check.empty())
                c.check = RenameIdentifier(c.check, s.shadow, s.column, LexOptions{});
              c.validated = true;
            }
            RenameInConstraintsAndIndexes(*t, s.renames);
            if (!s.not_null_check.empty()) {
              std::erase_if(t->constraints,
                            [&](const Constraint& c) { return c.name == s.not_null_check; });
            }
            return true;
          },
          [&](const steps::CreateIndex& s) {
            Table* t = table_of(s.table);
            if (!t) return false;
            t->indexes.push_back(s.index);
            return true;
          },
          [&](const steps::DropIndex& s) {
            Table* t = table_of(s.table);
            if (!t || !t->FindIndex(s.index.name)) return false;
            std::erase_if(t->indexes, [&](const Index& i) { return i.name == s.index.name; });
            return true;
          },
          [&](const steps::RenameIndex& s) {
            Table* t = table_of(s.table);
            if (!t) return false;
            RenameInConstraintsAndIndexes(*t, {{s.from, s.to}});
            return true;
          },
          [&](const steps::AddConstraint& s) {
            Table* t = table_of(s.table);
            if (!t) return false;
            t->constraints.push_back(s.constraint);
            return true;
          },
          [&](const steps::ValidateConstraint& s) {
            Table* t = table_of(s.table);
            if (!t) return false;
            for (Constraint& c : t->constraints) {
              if (c.name == s.constraint.name) c.validated = true;
            }
            return true;
          },
          [&](const steps::DropConstraint& s) {
            Table* t = table_of(s.table);
            if (!t) return false;
            std::erase_if(t->constraints, [&](const Constraint& c) { return c == s.constraint; });
            return true;
          },
          [&](const steps::SetComment& s) {
            Table* t = table_of(s.table);
            if (!t) return false;
            if (s.column.empty()) {
              t->comment = s.comment;
              return true;
            }
            Column* c = t->FindColumn(s.column);
            if (!c) return false;
            c->comment = s.comment;
            return true;
          },
          [&](const steps::CreateSync&) { return true; },
          [&](const steps::DropSync&) { return true; },
          [&](const steps::Backfill&) { return true; },
          [&](const steps::CreateVersion&) { return true; },
          [&](const steps::DropVersion&) { return true; },
          [&](const steps::RawSql&) { return true; },
      },
      step);
}

}  // namespace bellows
