#pragma once
// The drift, baseline and repair tests (SPEC 6), written once and run by each dialect's suite
// against its real database: a dialect supplies a DriftTarget (its project, a client
// connection and its SQL spelling of out-of-band changes).

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

struct DriftTarget {
  Project* project = nullptr;
  std::function<void(const std::string&)> must;    // runs SQL as a user would (must succeed)
  std::function<Table(const std::string&)> query;  // rows as text
  std::string history = "bellows_history";         // the history state table, as SQL names it
  // Out-of-band changes in the dialect's SQL, each with a line `bellows drift` must print.
  std::vector<std::pair<std::string, std::string>> changes;
  // An object named like bellows' own that no record expects, and the line reporting it.
  std::string orphan_sql, orphan_line;
  // Removes one of bellows' live objects (the version schema or a helper), and the line.
  std::string remove_owned_sql, remove_owned_line;
};

// The shop example applied cleanly shows no drift, twice with the same fingerprint; a batch
// in flight (start) is not drift, and complete runs.
void CleanRunShowsNoDrift(DriftTarget& t);
// Each out-of-band change is reported; apply stops with exit 3 and changes nothing;
// --allow-drift runs and records it; repair --accept-drift records the schema; orphans and
// missing bellows objects are drift; every repair leaves a row in history.
void OutOfBandChangesAreReported(DriftTarget& t);
// A database built by plain SQL is adopted with baseline; later migrations apply on it.
// `plain_sql` builds what 0001_users.yaml (users: id, name) would.
void BaselineAdoptsDatabase(DriftTarget& t, const std::vector<std::string>& plain_sql);
// The same schema built in two orders has one fingerprint.
void FingerprintIgnoresCreationOrder(DriftTarget& a, const std::vector<std::string>& sql_a,
                                     DriftTarget& b, const std::vector<std::string>& sql_b);

}  // namespace bellows::e2e
