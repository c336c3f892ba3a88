#pragma once
// An operation of a migration file (SPEC 2.1). Operations never run SQL: Plan() validates the
// operation against the batch's schemas (no I/O) and emits dialect-neutral Steps into the
// BatchBuilder (expand now, contract queued, each with its inverse), updating the new
// version's schema. Each op_<kind>.h says what it does at expand, contract and rollback.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/migration.h"
#include "engine/schema.h"
#include "engine/status.h"

namespace bellows {

class BatchBuilder;

class Operation {
 public:
  virtual ~Operation() = default;

  // "add_column", as spelled in YAML.
  virtual std::string_view Kind() const = 0;
  // "add_column users.email": what error messages and plans call it.
  virtual std::string Label() const = 0;

  virtual Status Plan(BatchBuilder& b) const = 0;

  // The operations that undo this one after it completed (SPEC 4.5), given the schema as it
  // was before this operation. nullopt when it cannot be undone; `why` then says why.
  virtual std::optional<std::vector<OperationPtr>> Inverse(const Schema& before,
                                                           std::string* why) const = 0;

  // {"<kind>": {fields}}: stored in history for rollback, shown in JSON plans.
  virtual nlohmann::json ToJson() const = 0;

  // True when completing it destroys data (a later rollback needs the data back).
  virtual bool Destructive() const { return false; }

  // allow_copy: true. A step that would copy or rewrite an existing table (the plan's cost
  // "copy") is planned only with it (SPEC 4.3).
  virtual bool AllowCopy() const { return false; }

  // Dialects this operation is limited to (a raw dialect type, a per-dialect map missing an
  // entry); empty = every dialect.
  virtual std::vector<std::string> Dialects() const { return {}; }

  const SourceLocation& location() const { return location_; }
  void set_location(SourceLocation location) { location_ = std::move(location); }

 private:
  SourceLocation location_;
};

}  // namespace bellows
