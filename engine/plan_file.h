#pragma once
// Saved plans (SPEC 3): `plan --out plan.json` writes the batches with their inputs and a
// plan_hash; `apply --plan plan.json` recomputes the inputs, refuses (kConflict, exit 7)
// when any differs and otherwise runs exactly the recorded steps.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/loader.h"
#include "engine/plan.h"
#include "engine/runner.h"

namespace bellows {

struct PlanInputs {
  std::string bellows_version;
  std::string dialect;
  std::string server_version;
  std::vector<std::pair<std::string, std::string>> files;  // covered files and checksums
  std::string state_head;   // last history id and the in-flight batch
  std::string fingerprint;  // of the live schema
};

struct PlanDocument {
  PlanInputs inputs;
  std::vector<BatchPlan> batches;
  std::string plan_hash;
};

// The inputs a plan of `pending` depends on, read from the live database (`live`: its schema
// when the caller has it already).
Result<PlanInputs> CurrentInputs(Connection& conn, const Inventory& inv,
                                 const std::vector<const Migration*>& pending,
                                 const Schema* live = nullptr);
std::string PlanHash(const PlanInputs& inputs, const std::vector<BatchPlan>& batches);
nlohmann::json ToJson(const BatchPlan& plan);
BatchPlan BatchPlanFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const PlanDocument& doc);
Result<PlanDocument> ReadPlanFile(const std::string& path);
// What differs between a saved plan's inputs and the current ones ("" = nothing).
std::vector<std::string> CompareInputs(const PlanInputs& saved, const PlanInputs& now);

}  // namespace bellows
