#pragma once
// Composes pending migrations into batches (SPEC 4.1) and plans each with a BatchBuilder.
// `start` takes one batch and refuses what cannot share it; `apply` (split) cuts the
// pending set into the fewest consecutive batches.

#include <optional>
#include <string>
#include <vector>

#include "engine/batch_builder.h"

namespace bellows {

struct PlanRequest {
  const Dialect* dialect = nullptr;
  Schema base;
  std::vector<const Migration*> pending;
  std::optional<VersionSpec> previous;
  std::string version_prefix;  // "main", the PostgreSQL schema, the MySQL database
  bool split = false;
  bool direct = false;  // blocking plan (rollback of completed migrations)
  // direct: the version the database lands on, which names the batch's version ("" = none
  // left; otherwise the last pending migration names it).
  std::optional<std::string> landing_version;
  size_t max_batches = 0;      // 0 = all
  bool one_per_batch = false;  // every migration its own batch (offline validation)
  bool keep_bases = false;     // fill PlannedBatches::bases (lint)
  // Offline checks (validate, offline plan, lint): batches name their version but build no
  // views and emit no version steps. A version holds a view of every table, so building one
  // per batch made planning a long directory one migration at a time quadratic.
  bool lean = false;
};

struct PlannedBatches {
  std::vector<BatchPlan> batches;
  Schema final_schema;        // after the last batch
  std::vector<Schema> bases;  // with keep_bases: the schema before each batch
};

Result<PlannedBatches> PlanBatches(const PlanRequest& request);

// "<prefix>_<version>", dots as underscores, shortened with a hash suffix to `max_length`.
std::string VersionName(const std::string& prefix, const std::string& version, size_t max_length);

}  // namespace bellows
