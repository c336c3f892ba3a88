#pragma once
// Drift (SPEC 6): the live schema against the one bellows recorded when it last changed the
// database. The recorded side is the canonical snapshot kept under its fingerprint; bellows'
// own objects count through Schema::bellows_objects, so a leftover trigger or a dropped
// version schema shows. While a batch is interrupted (starting, completing, rolling back or
// failed), the tables its steps touch may be in their before- or after-state: changes there
// and to bellows' objects are set aside, everything else is compared.

#include <string>
#include <vector>

#include "engine/schema_diff.h"
#include "engine/state.h"

namespace bellows {

struct DriftReport {
  bool recorded = false;  // false: no run recorded a fingerprint yet; nothing to compare
  std::string recorded_fingerprint;
  std::string live_fingerprint;
  std::vector<SchemaChange> changes;  // the drift
  // Changes an interrupted batch may have made, not counted as drift.
  std::vector<SchemaChange> set_aside;
  long long interrupted_batch = 0;

  bool drifted() const { return !changes.empty(); }
};

// Compares `live` (from Connection::Introspect) with the recorded schema.
Result<DriftReport> DetectDrift(StateStore& state, const Schema& live);

// The drift as the error that stops a run (kDrift, exit 3): the changes, one per line.
Status DriftError(const DriftReport& report);

nlohmann::json ToJson(const DriftReport& report);

}  // namespace bellows
