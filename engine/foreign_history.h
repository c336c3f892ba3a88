#pragma once
// The history tables of other migration tools (SPEC 2.3, `bellows import`): which versions a
// database migrated by golang-migrate, Flyway, dbmate or goose already has, so bellows can
// adopt it and continue at the right version.

#include <optional>
#include <string>
#include <vector>

#include "engine/dialect.h"
#include "engine/loader.h"
#include "engine/version.h"

namespace bellows {

struct ForeignHistory {
  std::string tool;              // "golang-migrate"
  std::string table;             // the table read: "schema_migrations"
  std::optional<Version> upto;   // everything up to it counts as applied (golang-migrate's one
                                 // version, a Flyway BASELINE)
  std::vector<Version> applied;  // versions recorded one by one
  std::vector<std::string> repeatables;  // Flyway R__ scripts that ran (file names)
  std::string summary;                   // one line: "version 3 (clean)"
};

// "schema_migrations", "flyway_schema_history", "goose_db_version".
std::string DefaultHistoryTable(DirFormat tool);

// Reads `table` (or the tool's default). kUsage for a tool bellows cannot import from;
// kInvalid when the table is missing or unreadable; kConflict when the tool recorded a
// failure (golang-migrate dirty, Flyway success = false) that must be fixed first.
Result<ForeignHistory> ReadForeignHistory(Connection& conn, DirFormat tool, std::string table);

struct Adoption {
  std::vector<const Migration*> adopted;  // recorded as applied without running them
  std::vector<const Migration*> pending;  // left for apply
  std::vector<std::string> missing;       // versions the tool applied that have no file
};

// Which migrations of `dir` the other tool already applied.
Adoption MatchHistory(const ForeignHistory& history, const Directory& dir);

}  // namespace bellows
