#pragma once
// What differs between two schemas, object by object (SPEC 6): the drift report. One change
// per line, signed: "+ index users_email_idx on users(email)", "- constraint
// orders_total_check on orders", "~ column orders.total: integer -> bigint". Both schemas are
// compared in their canonical form (schema_json.h), so spacing and the case of types never
// show as changes. Changes come sorted by table, then kind, then name. No I/O.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/schema.h"

namespace bellows {

struct SchemaChange {
  char sign = '~';     // '+' added, '-' removed, '~' changed
  std::string kind;    // "table", "column", "primary key", "index", "constraint", "view",
                       // "trigger", "sequence", "bellows object"
  std::string table;   // the table it belongs to; "" for tables, views, sequences
  std::string name;    // the object's name ("" for an unnamed constraint)
  std::string detail;  // "integer -> bigint", "on users(email)" ...

  // "column orders.total", "index users_email_idx on users".
  std::string Object() const;
  // "added", "removed", "changed".
  const char* Verb() const;
  // "~ column orders.total: integer -> bigint".
  std::string Line() const;
};

// Line() of each change.
std::vector<std::string> Lines(const std::vector<SchemaChange>& changes);

// From `before` (the recorded schema) to `after` (the live one).
std::vector<SchemaChange> DiffSchemas(const Schema& before, const Schema& after);

nlohmann::json ToJson(const SchemaChange& change);

// The constraints of two versions of a table, paired: by name, and an unnamed one (SQLite)
// with one that says the same thing. A side is nullptr when the other has no partner.
std::vector<std::pair<const Constraint*, const Constraint*>> PairConstraints(const Table& before,
                                                                             const Table& after);

// "(email, created_at DESC)" and the like: one-line descriptions used in changes.
std::string DescribeIndex(const Index& index);
std::string DescribeConstraint(const Constraint& constraint);

}  // namespace bellows
