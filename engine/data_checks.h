#pragma once
// Runs a plan's data checks (SPEC 3.1) as bounded queries: each looks for one row that would
// make the batch fail and reports its key, before anything is changed.

#include "engine/dialect.h"
#include "engine/migration.h"
#include "engine/plan.h"

namespace bellows {

// `schema` is the live schema the plan was made from (for the tables' keys). kInvalid
// naming the operation and the offending row's key.
Status RunDataChecks(Connection& conn, const Schema& schema, const BatchPlan& plan);

// Rolling back completed migrations (SPEC 4.5): an inverse that drops a table holding rows or
// a column holding non-NULL values needs `allow_data_loss`; otherwise kInvalid saying how
// many rows would go.
Status CheckDataLoss(Connection& conn, const Schema& schema, const std::vector<Migration>& inverses,
                     bool allow_data_loss);

// Rows of the existing tables that `m`'s operations (and the backfills of `plan`) touch, for
// reviewable plans: an exact count up to `cap`, which stands for "cap or more". Tables the
// migration creates are left out.
Result<std::vector<std::pair<std::string, long long>>> RowsTouched(Connection& conn,
                                                                   const Schema& schema,
                                                                   const Migration& m,
                                                                   long long cap);

// The query of one check (for plans and tests).
Result<std::string> DataCheckQuery(const Dialect& d, const Schema& schema, const DataCheck& check);

}  // namespace bellows
