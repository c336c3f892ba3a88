#pragma once
// Plans as text (terminal), markdown (pull-request comments) and JSON.

#include <map>
#include <string>
#include <vector>

#include "cli/lint_output.h"
#include "engine/plan.h"

namespace bellows::cli {

std::string PlanText(const std::vector<BatchPlan>& batches, const std::string& header);
// `lint`: the findings for the planned migrations, shown under each one (nullptr: none run).
// Rows counted per table for reviewable plans: a count at the cap means "at least".
inline constexpr long long kRowCap = 1000000;

// `rows`: per migration id, the rows of each existing table it touches (online plans).
std::string PlanMarkdown(
    const std::vector<BatchPlan>& batches, const std::string& header,
    const LintReport* lint = nullptr,
    const std::map<std::string, std::vector<std::pair<std::string, long long>>>* rows = nullptr);

}  // namespace bellows::cli
