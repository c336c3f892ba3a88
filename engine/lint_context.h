#pragma once
// What the rule files share: one migration being linted for one dialect.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/lint.h"
#include "engine/plan.h"

namespace bellows {

struct LintContext {
  const Dialect& dialect;
  std::string dialect_name;
  const Schema& before;  // the schema just before the migration
  const Schema& after;   // and just after it
  const Migration& migration;
  const BatchPlan& plan;  // the migration as its own batch
  std::vector<Finding>* out;

  bool Is(std::string_view name) const { return dialect_name == name; }
  // Adds a finding of rule `code` when the rule applies to this dialect.
  void Add(std::string_view code, SourceLocation at, std::string message) const;
  // Where migration-level findings point: the migration's file, line 1.
  SourceLocation FileStart() const;
};

// Raw SQL: SQL files and sql operations' up and contract sections.
void LintSql(const LintContext& ctx);
// Operations and the steps planned for them.
void LintOps(const LintContext& ctx);

}  // namespace bellows
