#pragma once
// Plans as text (terminal), markdown (pull-request comments) and JSON.

#include <string>
#include <vector>

#include "cli/lint_output.h"
#include "engine/plan.h"

namespace bellows::cli {

std::string PlanText(const std::vector<BatchPlan>& batches, const std::string& header);
// `lint`: the findings for the planned migrations, shown under each one (nullptr: none run).
std::string PlanMarkdown(const std::vector<BatchPlan>& batches, const std::string& header,
                         const LintReport* lint = nullptr);

}  // namespace bellows::cli
