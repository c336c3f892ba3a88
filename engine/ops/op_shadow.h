#pragma once
// The shadow-column pattern shared by add_column and alter_column (SPEC 2.1, 2.1b):
// Expand: add _bellows_new_<column> (nullable, no default) with copies of the indexes and
//   constraints of the old column and the new constraints (not validated), triggers that fill
//   it from old-version writes, batched backfill; the new version sees the shadow under the
//   column's name and fills the old column from `down` on its writes.
// Contract: drop the triggers, then swap: the old column goes, the shadow takes its name,
//   definition and position, its indexes and constraints take their final names (validated).
// Rollback: the inverse of each expand step (drop triggers, indexes, constraints, shadow).

#include <string>
#include <vector>

#include "engine/batch_builder.h"

namespace bellows {

struct ShadowPlan {
  std::string table;     // new-version table name
  std::string column;    // the column's name (old and new: renames are separate ops)
  bool has_old = false;  // alter_column: an old column exists; add_column: not
  Column final_def;      // the column as the new version defines it
  std::string up;        // over the old row; "" = the shadow starts NULL
  std::string down;      // over the new row; "" = the old column takes its default
  std::vector<Constraint> new_constraints;  // added by the operation (new-version names)
};

Status PlanShadow(BatchBuilder& b, const ShadowPlan& p);

}  // namespace bellows
