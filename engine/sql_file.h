#pragma once
// Sections of SQL migration files (SPEC 2.2, 2.3): bellows markers (-- bellows:up|down|
// contract|no-transaction|allow-out-of-order), dbmate (-- migrate:up|down, transaction:false),
// goose (-- +goose Up|Down|NO TRANSACTION|StatementBegin|StatementEnd), or none (the whole
// file is one section: golang-migrate, Flyway).

#include <optional>
#include <string>
#include <string_view>

#include "engine/ops/op_sql.h"

namespace bellows {

enum class SqlMarkers { kBellows, kDbmate, kGoose, kNone };

struct SqlFileSections {
  std::optional<SqlSection> up, down, contract;
  bool no_transaction = false;
  bool allow_out_of_order = false;
};

// Fails with kInvalid at file:line on an unknown or repeated marker.
Result<SqlFileSections> ParseSqlFile(std::string_view text, const std::string& file,
                                     SqlMarkers markers);

}  // namespace bellows
