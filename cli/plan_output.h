#pragma once
// Plans as text (terminal), markdown (pull-request comments) and JSON.

#include <string>
#include <vector>

#include "engine/plan.h"

namespace bellows::cli {

std::string PlanText(const std::vector<BatchPlan>& batches, const std::string& header);
std::string PlanMarkdown(const std::vector<BatchPlan>& batches, const std::string& header);

}  // namespace bellows::cli
