#include "engine/planner.h"

#include <utility>

#include "engine/checksum.h"
#include "engine/strings.h"

namespace bellows {

std::string VersionName(const std::string& prefix, const std::string& version, size_t max_length) {
  std::string name = prefix + "_" + ReplaceAll(version, ".", "_");
  if (name.size() <= max_length) return name;
  return name.substr(0, max_length - 9) + "_" + Sha256Hex(name).substr(0, 8);
}

namespace {

BatchInput Input(const PlanRequest& r, Schema base, const std::optional<VersionSpec>& previous,
                 const std::string& last_version) {
  BatchInput in;
  in.dialect = r.dialect;
  in.base = std::move(base);
  in.previous = previous;
  in.direct = r.direct;
  in.split_on_conflict = r.split;
  in.lean = r.lean;
  in.version_name = VersionName(r.version_prefix, r.landing_version.value_or(last_version),
                                r.dialect->MaxIdentifierLength());
  if (r.landing_version && r.landing_version->empty()) in.version_name.clear();
  return in;
}

}  // namespace

Result<PlannedBatches> PlanBatches(const PlanRequest& request) {
  PlannedBatches out;
  Schema base = request.base;
  std::optional<VersionSpec> previous = request.previous;
  size_t first = 0;
  while (first < request.pending.size()) {
    if (request.max_batches > 0 && out.batches.size() >= request.max_batches) break;
    // The version is named after the batch's last migration, known only once the batch is
    // cut: plan as far as possible, then plan the cut batch again under its name.
    size_t end = request.one_per_batch ? first + 1 : request.pending.size();
    bool cut = false;
    for (;;) {
      // A batch of one migration is never cut and planned again: it can take the base.
      if (request.keep_bases) out.bases.push_back(base);
      BatchBuilder builder(Input(request, request.one_per_batch ? std::move(base) : base, previous,
                                 request.pending[end - 1]->VersionText()));
      size_t i = first;
      for (; i < end; ++i) {
        Status s = builder.AddMigration(*request.pending[i]);
        if (s.ok()) continue;
        if (s.code() == Code::kConflict && request.split && i > first && !cut) break;
        return s.code() == Code::kConflict ? s.WithCode(Code::kInvalid) : s;
      }
      if (i < end) {
        if (request.keep_bases) out.bases.pop_back();
        end = i;
        cut = true;
        continue;
      }
      BELLOWS_ASSIGN_OR_RETURN(BatchPlan plan, builder.Finish());
      base = std::move(builder.schema());
      previous = plan.version;
      out.batches.push_back(std::move(plan));
      break;
    }
    first = end;
  }
  out.final_schema = base;
  return out;
}

}  // namespace bellows
