#pragma once
// Builds the plan of one batch (SPEC 4.1). The planner feeds it migrations in order;
// operations call it to read the schemas and emit steps. It keeps three models in step:
//  - the old version's schema (before the batch; frozen),
//  - the new version's schema (updated by the operations),
//  - the physical schema (updated by every emitted step, so each step renders against the
//    database as it will be when the step runs),
// and, per table, how the new version maps onto the physical table (renamed, shadowed and
// hidden columns) for the version views. Not thread-safe.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/dialect.h"
#include "engine/migration.h"
#include "engine/operation.h"
#include "engine/plan.h"

namespace bellows {

struct BatchInput {
  const Dialect* dialect = nullptr;
  Schema base;                          // the schema before the batch (physical == both versions')
  std::string version_name;             // name of the version the batch creates
  std::optional<VersionSpec> previous;  // the live version before the batch, if any
  bool direct = false;  // blocking mode: no shadows, no versions (rollback of completed migrations)
  bool split_on_conflict = false;  // apply: report conflicts as kConflict to split the batch
  bool lean = false;               // no version views nor version steps (PlanRequest::lean)
};

class BatchBuilder {
 public:
  explicit BatchBuilder(BatchInput input);

  // ---- for the planner
  // Plans every operation of `m`; on failure nothing of `m` is kept in the plan only if the
  // caller discards the builder. Returns kConflict (with split_on_conflict) when `m` cannot
  // join the batch and must start a new one.
  Status AddMigration(const Migration& m);
  Result<BatchPlan> Finish();
  int migration_count() const { return static_cast<int>(plan_.migrations.size()); }
  const Schema& schema() const { return schema_; }

  // ---- for operations
  const Dialect& dialect() const { return *input_.dialect; }
  Schema& schema() { return schema_; }
  const Schema& old_schema() const { return input_.base; }
  const Schema& physical() const { return physical_; }
  bool direct() const { return input_.direct; }
  const std::string& version_name() const { return input_.version_name; }

  // Whether `table` (new-version name) can be changed directly: created earlier in this
  // batch, or the builder is in direct mode.
  bool IsNew(std::string_view table) const;
  void MarkNew(std::string_view table);
  // The physical table / column behind a new-version name.
  std::string PhysicalTable(std::string_view table) const;
  std::string PhysicalColumn(std::string_view table, std::string_view column) const;
  // The old version's name of a physical column of a table, or nullopt when the old version
  // does not have it.
  // Mapping updates, all by new-version names.
  void MapColumn(std::string_view table, std::string_view column, std::string physical);
  void RenameMappedTable(std::string_view from, std::string_view to);
  void RenameMappedColumn(std::string_view table, std::string_view from, std::string_view to);
  void UnmapColumn(std::string_view table, std::string_view column);
  void UnmapTable(std::string_view table);
  // A physical column the new version does not show, filled on its writes from `expr`.
  void FillOnWrite(std::string_view table, std::string physical, std::string expr);
  // A constraint of the new version that triggers enforce until complete.
  void PendingConstraint(std::string_view table, Constraint constraint);
  void MarkChanged(std::string_view table);

  // Name of a bellows object: "_bellows_" + base, shortened to the dialect's limit.
  std::string ObjectName(std::string_view base) const;
  // Records that `column` of `table` gets a shadow in this batch, or (rename) that a column is
  // renamed to `column`; fails when an earlier operation of the batch shadowed that column or
  // renamed a column to it (SPEC 4.1).
  Status ClaimColumn(std::string_view table, std::string_view column, bool rename);

  // The (old-name -> physical) and (new-name -> physical) maps of a table.
  std::vector<std::pair<std::string, std::string>> OldNames(std::string_view physical_table) const;
  std::vector<std::pair<std::string, std::string>> NewNames(std::string_view table) const;

  Status Expand(Step step, std::optional<Step> inverse);
  Status Backfill(steps::Backfill backfill);
  // Queued until every operation of the batch has expanded. Cleanup steps (dropping sync
  // triggers) run before all other contract steps.
  void Contract(Step step, std::optional<Step> inverse, bool destructive = false);
  void ContractCleanup(Step step, std::optional<Step> inverse);
  // A data check the runner makes online before the batch starts (a foreign-key check against
  // a table this batch creates is dropped: that table has no rows yet).
  void Check(DataCheck check);
  // Applies the effect of SQL statements to the models (DDL recogniser).
  void ApplySql(const std::vector<std::string>& statements);

  // An error about the current operation: "<op label>: message" at its location.
  Status Error(Code code, std::string message) const;
  void Warn(std::string message);

 private:
  struct TableMap {
    std::string physical;
    std::map<std::string, std::string> columns;  // new-version name -> physical, when different
    std::vector<std::pair<std::string, std::string>> fill;
    std::vector<Constraint> pending;
    bool changed = false;
  };
  struct Queued {
    Step step;
    std::optional<Step> inverse;
    bool destructive;
    int migration;
    std::string op;
  };

  TableMap& Map(std::string_view table);
  // A step whose rendering copies an existing table (cost "copy") needs the operation's
  // allow_copy: true; kInvalid naming the step and its lock otherwise.
  Status CheckCopyConsent(const Step& step, const RenderedStep& rendered) const;
  Status Emit(Phase phase, const Step& step, const std::optional<Step>& inverse, bool destructive,
              int migration, const std::string& op);
  VersionSpec BuildVersion() const;
  void AssignGroups();

  BatchInput input_;
  Schema schema_;
  Schema physical_;
  std::map<std::string, TableMap, std::less<>> maps_;
  std::set<std::string, std::less<>> new_tables_;
  std::map<std::string, std::string, std::less<>> claimed_;  // "table.column" -> "shadow"|"rename"
  std::vector<Queued> cleanup_;
  std::vector<Queued> contract_;
  BatchPlan plan_;
  const Operation* current_op_ = nullptr;
  std::string current_label_;
  int current_migration_ = -1;
};

}  // namespace bellows
