#pragma once
// Running lint for several dialects and printing its findings: text, JSON fields, markdown
// (pull-request comments, also inside `plan --format markdown`) and SARIF 2.1.0
// (code-scanning UIs).

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/lint.h"

namespace bellows::cli {

struct LintReport {
  std::vector<Finding> findings;
  int ignored = 0;
  size_t migrations = 0;              // linted
  std::vector<std::string> dialects;  // linted for
  int Errors() const;
  int Warnings() const;
};

// Lints `migrations` (those with `report` set) on top of `base` for each dialect, then
// applies suppressions.
Result<LintReport> RunLint(const std::vector<const Dialect*>& dialects, const Schema& base,
                           const std::vector<const Migration*>& migrations,
                           const std::vector<bool>& report, const std::string& dir,
                           const std::vector<std::string>& disabled);

std::string LintText(const LintReport& r);
nlohmann::json LintJson(const LintReport& r);
std::string LintMarkdown(const LintReport& r);
// Findings of one migration as a markdown list ("" when none).
std::string LintMarkdownList(const std::vector<Finding>& findings, const std::string& migration);
std::string LintSarif(const LintReport& r);

}  // namespace bellows::cli
