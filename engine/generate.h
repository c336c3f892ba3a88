#pragma once
// bellows diff: the operations that turn schema `from` (what the migration directory builds)
// into `to` (the desired schema), written as a YAML migration file (SPEC 2.1 operations).
// Both schemas come from the same dialect's introspection. Renames cannot be told from a
// drop and an add: the caller decides each candidate (a prompt or --rename); an undecided
// one is an error, never a silent drop. Type changes and new NOT NULLs get a placeholder
// `up` ("{{review: ...}}") that the loader refuses until a person replaces it. No I/O.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/dialect.h"
#include "engine/schema.h"
#include "engine/status.h"

namespace bellows {

// The start of a placeholder the loader refuses (ops/op_common.cc).
inline constexpr const char* kReviewPlaceholder = "{{review:";

// A possible rename: table `from` -> `to`, or column `table`.`from` -> `to`.
struct RenameCandidate {
  std::string table;  // "" for a table rename
  std::string from, to;
  std::string Key() const { return table.empty() ? from : table + "." + from; }  // "users.name"
  std::string Describe() const;  // "users.name -> users.full_name"
};

struct GenerateOptions {
  // Decided candidates: "users.name" -> "full_name", "old_table" -> "new_table".
  std::map<std::string, std::string> renames;
  // Candidates decided as drop + add ("users.name", "old_table").
  std::set<std::string> drop_add;
  // Asked about an undecided candidate; returns true for a rename. Unset: undecided
  // candidates are an error (kInvalid) naming the flags.
  std::function<bool(const RenameCandidate&)> ask;
};

struct GeneratedMigration {
  std::string yaml;  // the file's text; "" when there is nothing to do
  int operations = 0;
  int placeholders = 0;               // {{review: ...}} left in the file
  std::vector<std::string> warnings;  // what could not be generated (triggers, sequences ...)
};

Result<GeneratedMigration> GenerateMigration(const Schema& from, const Schema& to,
                                             const Dialect& dialect,
                                             const GenerateOptions& options);

}  // namespace bellows
