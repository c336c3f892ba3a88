#pragma once
// Shared pieces of the operations: the column spec of YAML files, reading per-dialect text,
// default constraint names, and the checks every operation makes against the schema.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/batch_builder.h"
#include "engine/dialect_text.h"
#include "engine/node.h"
#include "engine/operation.h"

namespace bellows {

// Reads `key` as one string or a per-dialect map {sqlite, postgres, mysql}.
Status ReadDialectText(FieldReader& r, std::string_view key, DialectText* out,
                       bool required = false);
nlohmann::json DialectTextJson(const DialectText& t);
// Dialects a set of texts is limited to (intersection of per-dialect maps); empty = all.
std::vector<std::string> LimitDialects(const std::vector<const DialectText*>& texts);

struct CheckSpec {
  std::string name;
  DialectText constraint;
};

struct ReferencesSpec {
  std::string name;
  std::string table;
  std::string column;
  std::string on_delete;
  std::string on_update;
};

// A column as written in create_table / add_column / alter_column.
struct ColumnSpec {
  std::string name;
  DialectText type;
  bool nullable = true;
  std::optional<DialectText> default_expr;
  bool identity = false;
  bool primary_key = false;
  bool unique = false;
  std::string unique_name;
  std::optional<CheckSpec> check;
  std::optional<ReferencesSpec> references;
  std::string comment;
  SourceLocation location;

  static Result<ColumnSpec> Parse(const Node& node, const std::string& what);
  nlohmann::json ToJson() const;
};

Result<CheckSpec> ParseCheck(FieldReader& r, std::string_view key);
// Upper-cases a foreign key action and checks it is one SQL knows ("" = NO ACTION).
Status NormalizeFkAction(const FieldReader& r, std::string* action);
Result<std::optional<ReferencesSpec>> ParseReferences(FieldReader& r, std::string_view key);
nlohmann::json CheckJson(const CheckSpec& c);
nlohmann::json ReferencesJson(const ReferencesSpec& r);

// Text of `t` for the builder's dialect, or an error naming `field`.
Result<std::string> TextFor(const BatchBuilder& b, const DialectText& t, std::string_view field);
// The dialect type of a spec'd type; warns about raw (non-portable) types.
Result<std::string> TypeFor(BatchBuilder& b, const DialectText& type, bool identity);
// The model column of a spec (type mapped, default resolved); constraints are separate.
Result<Column> ColumnFor(BatchBuilder& b, const ColumnSpec& spec);
// The constraints a column spec declares (unique, check, references), with default names
// following PostgreSQL's: <table>_<column>_key / _check / _fkey.
Result<std::vector<Constraint>> ConstraintsFor(BatchBuilder& b, const std::string& table,
                                               const ColumnSpec& spec);

// Where the dialect has no UNIQUE constraints apart from indexes (SQLite, MySQL), a unique
// constraint that an operation adds to an existing table is a unique index of that name.
bool UniqueAsIndex(const BatchBuilder& b);
Index UniqueIndex(const Constraint& c);
// Adds `c` to `table` in the model as the dialect keeps it (constraint or unique index).
void AddToModel(const BatchBuilder& b, Table& table, const Constraint& c);
// The step adding `c` to physical table `ptable`, with its inverse.
std::pair<Step, Step> AddConstraintStep(const BatchBuilder& b, const std::string& ptable,
                                        const Constraint& c, bool online);

// Validation helpers, all failing with the builder's current operation in the message.
Result<Table*> RequireTable(BatchBuilder& b, const std::string& table);
Result<Column*> RequireColumn(BatchBuilder& b, Table& table, const std::string& column);
// Checks that `expr` only names columns of `table` (as the given version sees it).
Status CheckExpression(BatchBuilder& b, const Table& table, const std::string& expr,
                       std::string_view field);
// Views and user triggers whose text mentions `column` of `table` (or the table when
// `column` is empty): objects a destructive contract would break.
std::vector<std::string> DependentObjects(const Schema& schema, const std::string& table,
                                          const std::string& column);

// JSON of an operation: {"kind": fields}.
nlohmann::json OpJson(std::string_view kind, nlohmann::json fields);

}  // namespace bellows
