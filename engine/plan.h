#pragma once
// A planned batch: rendered steps with their inverses, in execution order, plus what the
// state tables record about each migration. Produced by the planner, recorded by the runner
// in the steps table, saved by `plan --out`.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/dialect.h"
#include "engine/step.h"

namespace bellows {

struct PlannedStep {
  int seq = 0;        // 1-based position in the batch
  int migration = 0;  // index into BatchPlan::migrations
  Phase phase = Phase::kExpand;
  std::string kind;  // StepKind()
  std::string description;
  std::string op;  // "op 2 alter_column users.email" ("" for batch steps)
  RenderedStep forward;
  std::optional<RenderedStep> inverse;      // nullopt: cannot be undone
  std::optional<steps::Backfill> backfill;  // backfill steps: what the batches update
  bool destructive = false;  // a drop or swap: after it runs the batch can only go forward
  int group = 0;             // steps with the same group share one transaction
};

struct MigrationPlan {
  std::string version;  // Migration::VersionText()
  std::string id;       // "0003_add_email"
  std::string name;
  std::string description;  // the file's description (YAML)
  std::string kind;         // "yaml", "sql", "repeatable"
  std::string file;
  std::string checksum;
  std::string down_checksum;
  // Operations undoing the migration once completed (SPEC 4.5), newest first; null when it is
  // irreversible, with the reason.
  nlohmann::json inverse;
  std::string irreversible;
  bool no_transaction = false;
};

struct BatchPlan {
  std::vector<MigrationPlan> migrations;
  std::vector<PlannedStep> steps;
  VersionSpec version;     // the version this batch makes live
  std::string latest_sql;  // what a new-version connection runs (SQLite)
  std::vector<DataCheck> data_checks;
  std::vector<std::string> warnings;

  std::vector<const PlannedStep*> StepsOf(Phase a, Phase b) const;
};

nlohmann::json ToJson(const RenderedStep& r);
RenderedStep RenderedStepFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const steps::Backfill& b);
steps::Backfill BackfillFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const PlannedStep& s);
PlannedStep PlannedStepFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const VersionSpec& v);
VersionSpec VersionSpecFromJson(const nlohmann::json& j);

}  // namespace bellows
