#pragma once
// Dialect-neutral plan steps. Operations produce Steps (what must change); a Dialect renders
// each Step into SQL for its database (how). A Step names physical objects: the tables and
// columns as they exist in the database at the moment the step runs.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/schema.h"

namespace bellows {

enum class Phase { kExpand, kBackfill, kContract };
const char* PhaseName(Phase phase);  // "expand", "backfill", "contract"

// How one shadow column follows old-version writes (old -> new) and how the old column
// follows new-version writes (new -> old). Expressions use version column names; `old_names`
// and `new_names` map those names to physical columns.
struct ShadowSync {
  std::string table;   // physical table
  std::string shadow;  // physical shadow column, written from `up`
  std::string up;      // expression over the old version's row; empty: NULL
  std::string column;  // physical old column written from `down`; empty: none (add_column)
  std::string down;    // expression over the new version's row; empty: none
  std::vector<std::pair<std::string, std::string>> old_names;  // old-version name -> physical
  std::vector<std::pair<std::string, std::string>> new_names;  // new-version name -> physical
  // Constraints of the new shape that a computed shadow value must satisfy during the window
  // (dialects without NOT VALID enforce them in the trigger).
  bool not_null = false;
  std::vector<Constraint> checks;  // check and foreign_key constraints over the shadow column
  std::string trigger_name;        // base name for the dialect's trigger objects
  // The versions live while the triggers run: a write from `new_version` is the new version's
  // (it fills `column` from `down`); any other writer is the old version (it fills `shadow`).
  std::string new_version;
  // The new shape's default, for dialects whose shadow column cannot carry it during the window
  // (MySQL: a default would hide which version wrote); nullopt = none.
  std::optional<std::string> shadow_default;
};

// A column of a version's view of a table.
struct ViewColumn {
  std::string name;      // the name in the version
  std::string physical;  // the physical column it shows
  Column def;            // the column as the version sees it (type, nullability, default)

  bool operator==(const ViewColumn&) const = default;
};

// How one version sees one physical table.
struct TableView {
  std::string name;      // the table name in the version
  std::string physical;  // the physical table
  std::vector<ViewColumn> columns;
  // Physical columns the version does not show, filled on its inserts and updates from an
  // expression over the version's names (a dropped column's `down`, an altered column's old
  // physical column). An empty expression means: leave it to the column default.
  std::vector<std::pair<std::string, std::string>> fill;
  std::vector<Constraint> checks;     // constraints of the version's shape, over version names
  std::vector<std::string> not_null;  // version columns the version requires NOT NULL
  std::vector<std::string> key;       // physical key columns
  bool changed = false;  // differs from the physical table (renamed, shadowed, hidden ...)

  bool operator==(const TableView&) const = default;
};

struct VersionSpec {
  std::string name;               // "public_20261123154500", "shop_0007" ...
  std::vector<TableView> tables;  // every table the version sees

  bool operator==(const VersionSpec&) const = default;
};

// A bounded query run online before a batch starts (SPEC 3.1): it looks for one row that
// would make the batch fail. Offline it becomes a warning.
struct DataCheck {
  enum class Kind { kTableEmpty, kNoNulls, kUnique, kReferencesExist, kViolatesCheck };
  Kind kind = Kind::kTableEmpty;
  std::string table;  // physical table
  std::string expr;   // value checked, over the old version's row (physical names)
  std::string ref_table;
  std::string ref_column;
  std::string message;  // what is wrong when a row is found
  std::string hint;
  std::string op;  // the operation it belongs to
};

// The version after its batch completed: every physical name is the version's own name.
VersionSpec Finalized(const VersionSpec& window);

namespace steps {
struct CreateTable {
  Table table;
};
struct DropTable {
  std::string table;
};
struct RenameTable {
  std::string from, to;
};
struct AddColumn {
  std::string table;
  Column column;
};
struct DropColumn {
  std::string table;
  std::string column;
};
struct RenameColumn {
  std::string table, from, to;
};
// A direct (blocking) change of a column's definition; `using_expr` converts existing values
// (over the column's current name); empty keeps the values.
struct AlterColumn {
  std::string table;
  std::string column;
  Column to;
  std::string using_expr;
};
// Contract of a shadowed column: `column` is dropped with the indexes and constraints on it,
// and `shadow` takes its name, position and `final_def`; indexes and constraints on the shadow
// take their final names from `renames` (temporary name -> final name).
struct SwapColumn {
  std::string table;
  std::string column;
  std::string shadow;
  Column final_def;
  std::vector<std::pair<std::string, std::string>> renames;
  // A validated CHECK (shadow IS NOT NULL) that lets NOT NULL be set without a scan; dropped
  // by the swap ("" = none).
  std::string not_null_check;
};
// `online`: the table is in use (build without blocking writes: PostgreSQL CONCURRENTLY);
// false for a table created in the same batch.
struct CreateIndex {
  std::string table;
  Index index;
  bool online = true;
};
struct DropIndex {
  std::string table;
  Index index;
  bool online = true;
};
struct RenameIndex {
  std::string table;
  std::string from, to;
};
// Adds a constraint; `validated == false` asks for NOT VALID where the dialect has it, and
// for trigger enforcement (see ShadowSync) or a deferred check where it has not.
struct AddConstraint {
  std::string table;
  Constraint constraint;
  bool online = true;  // a unique constraint's index is built without blocking writes
};
struct ValidateConstraint {
  std::string table;
  Constraint constraint;
};
struct DropConstraint {
  std::string table;
  Constraint constraint;
};
// A comment on a column (or on the table when `column` is empty); a catalog change.
struct SetComment {
  std::string table;
  std::string column;
  std::string comment;
};
struct CreateSync {
  ShadowSync sync;
};
struct DropSync {
  ShadowSync sync;
};
// Batched keyset backfill: `set` assigns physical columns from expressions over the old
// version's names (bound by the dialect through `names`).
struct Backfill {
  std::string table;
  std::vector<std::string> key;
  std::vector<std::pair<std::string, std::string>> set;    // physical column -> expression
  std::vector<std::pair<std::string, std::string>> names;  // old-version name -> physical
};
struct CreateVersion {
  VersionSpec version;
};
struct DropVersion {
  VersionSpec version;
};
// SQL written by the user, already in the target dialect. `transactional == false` for
// statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY).
struct RawSql {
  std::vector<std::string> statements;
  bool transactional = true;
};
}  // namespace steps

using Step =
    std::variant<steps::CreateTable, steps::DropTable, steps::RenameTable, steps::AddColumn,
                 steps::DropColumn, steps::RenameColumn, steps::AlterColumn, steps::SwapColumn,
                 steps::CreateIndex, steps::DropIndex, steps::RenameIndex, steps::AddConstraint,
                 steps::ValidateConstraint, steps::DropConstraint, steps::SetComment,
                 steps::CreateSync, steps::DropSync, steps::Backfill, steps::CreateVersion,
                 steps::DropVersion, steps::RawSql>;

// "add_column", "swap_column" ...: the step kind recorded in the steps table.
std::string StepKind(const Step& step);
// One line for plans: "add column users._bellows_new_email bigint".
std::string DescribeStep(const Step& step);
// Applies the step's effect to a physical schema model (the planner keeps its model in step
// with what the database will look like). RawSql is applied by the caller (recogniser or
// introspection). Returns false when the step refers to something the model lacks.
bool ApplyStep(const Step& step, Schema& schema);

}  // namespace bellows
