#pragma once
// The migration model: what the loader reads from one migration file (or an up/down pair).

#include <memory>
#include <string>
#include <vector>

#include "engine/version.h"

namespace bellows {

class Operation;
using OperationPtr = std::shared_ptr<const Operation>;

enum class MigrationKind { kYaml, kSql, kRepeatable };
const char* MigrationKindName(MigrationKind kind);  // "yaml", "sql", "repeatable"

struct Migration {
  Version version;   // empty for repeatables
  std::string name;  // the slug: "add_email"
  std::string id;    // the file name without extension: "0003_add_email"
  MigrationKind kind = MigrationKind::kYaml;
  std::string file;           // path of the forward file, relative to the migration directory
  std::string down_file;      // a separate down file (golang-migrate, Flyway U), or ""
  std::string checksum;       // SHA-256 of the forward file's bytes
  std::string down_checksum;  // of the down file, or ""
  std::string description;
  bool no_transaction = false;      // -- bellows:no-transaction and equivalents
  bool allow_out_of_order = false;  // -- bellows:allow-out-of-order
  std::vector<OperationPtr> operations;

  // The version text recorded in history: canonical version, or the id for repeatables.
  std::string VersionText() const {
    return kind == MigrationKind::kRepeatable ? id : version.canonical();
  }
};

}  // namespace bellows
