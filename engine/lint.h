#pragma once
// bellows lint: safety rules over migrations, per target dialect (docs/lint/README.md). Each
// migration is checked against the schema model as it stands just before it (replayed from
// the directory, or read from the live database), through three sources: its raw SQL
// statements (lint_sql.cc), its operations and the steps bellows planned for them
// (lint_ops.cc). Suppressions (lint-ignore comments, bellows.yaml) are applied last.

#include <string>
#include <string_view>
#include <vector>

#include "engine/dialect.h"
#include "engine/migration.h"
#include "engine/schema.h"
#include "engine/status.h"

namespace bellows {

enum class Severity { kError, kWarning };
const char* SeverityName(Severity s);  // "error", "warning"

struct LintRule {
  std::string_view code;  // "LK001": stable, the docs page is docs/lint/<code>.md
  Severity severity;
  std::string_view name;      // "create-index-not-concurrent"
  std::string_view dialects;  // "postgres,mysql"; "" = every dialect
  std::string_view summary;   // one line, for rule listings and SARIF
  std::string_view hint;      // the safe alternative, printed under each finding
};

// Every rule, in code order.
const std::vector<LintRule>& LintRules();
const LintRule* FindLintRule(std::string_view code);

struct Finding {
  std::string code;
  Severity severity = Severity::kWarning;
  std::vector<std::string> dialects;  // where it applies; empty for LN findings
  SourceLocation at;
  std::string migration;  // the migration's id: "0003_add_email"
  std::string message;
  std::string hint;
};

struct LintRequest {
  const Dialect* dialect = nullptr;
  Schema base;                               // the schema before the first migration
  std::vector<const Migration*> migrations;  // replayed in order
  std::vector<bool> report;                  // parallel: lint this one (else only replay)
  std::string version_prefix;
};

// Findings of one dialect, in migration order. Fails like validation when a migration does
// not plan.
Result<std::vector<Finding>> LintMigrations(const LintRequest& request);

// Merges findings that several dialects share (same code, place and message), then applies
// bellows.yaml's disabled codes and the lint-ignore comments of each linted migration's
// files under `dir` (adding LN001-LN003 findings). `ignored` counts the silenced findings.
std::vector<Finding> Suppress(std::vector<Finding> findings,
                              const std::vector<const Migration*>& linted, const std::string& dir,
                              const std::vector<std::string>& disabled, int* ignored);

}  // namespace bellows
