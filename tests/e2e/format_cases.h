#pragma once
// Other tools' migration directories (issue 8, SPEC 2.3), written once and run by each
// dialect's suite against its real database: the sample directories in tests/e2e/formats/
// (golang-migrate, flyway, dbmate, goose) are applied unchanged, rolled back and applied
// again; a database those tools migrated is adopted by bellows import.

#include <functional>
#include <string>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

struct FormatTarget {
  Project* project = nullptr;
  std::function<void(const std::string&)> must;    // runs SQL on the project's database
  std::function<Table(const std::string&)> query;  // reads it
  std::function<bool(const std::string&)> has_table;
};

// The target of a project's SQLite file (each call opens the file, as a short-lived client).
FormatTarget SqliteTarget(Project& project);

inline const char* kTools[] = {"golang-migrate", "flyway", "dbmate", "goose"};

// Detected from the file names, applied up, rolled back to empty (every down file), applied
// again: rows, columns and the repeatable's view as the tool itself would leave them.
void OtherToolDirectoryUpAndDown(FormatTarget& t, const std::string& tool);

// The first two migrations ran under `tool` (its history table written as the tool writes
// it); bellows import adopts them, apply runs only the third, and rollback undoes the adopted
// SQL migrations through their down files.
void ImportAdoptsHistory(FormatTarget& t, const std::string& tool);

}  // namespace bellows::e2e
