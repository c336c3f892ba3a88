#pragma once
// The bellows diff tests (issue 9), written once and run by each dialect's suite against its
// real database: a dialect supplies a GenerateTarget.

#include <functional>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

struct GenerateTarget {
  Project* project = nullptr;  // its URL is the database the generated migration is applied to
  std::string desired_url;     // the developer's database, built by `desired_sql`
  std::function<void(const std::string&)> desired_must;  // runs SQL there
  std::vector<std::string> desired_sql;                  // the desired schema, plain SQL
  std::function<void(const std::string&)> must;          // runs SQL on the project's database
  // Rows through the new version's connection (set up with `bellows latest sql`) and through a
  // plain connection (the old version).
  std::function<Table(const std::string&)> query_new, query_old;
};

// 0001 builds users (id, name, age indexed, legacy), old_log (id, msg) and scratchpad; the
// desired schema renames users.name to full_name and old_log to events, widens age to a NOT
// NULL bigint with a check and without its index, drops legacy and scratchpad, adds email with
// an index, and adds orders (a foreign key, a unique key) and a view. Ambiguous renames stop
// without --rename; the written file is refused until its placeholder is reviewed; start/complete
// run it with both versions live; afterwards the directory builds the desired schema exactly
// (bellows diff: no difference).
void GeneratedMigrationRoundTrips(GenerateTarget& t);

// --from/--to compares two live databases and prints the difference, writing nothing.
void TwoDatabasesCompare(GenerateTarget& a, GenerateTarget& b);

}  // namespace bellows::e2e
