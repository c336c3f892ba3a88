#pragma once
// Hostile identifiers (issue 7, item 7), written once and run by each dialect's suite against
// its real database: table, column and index names holding semicolons, comment markers,
// quotes of every kind and non-ASCII letters go through start, rollback, start and complete of
// every kind of operation, with no statement broken or injected and no row lost.

#include <string>

#include "tests/e2e/format_cases.h"

namespace bellows::e2e {

// `quote` is the dialect's identifier quote character (" or `).
void HostileNamesLifecycle(FormatTarget& t, char quote);

}  // namespace bellows::e2e
