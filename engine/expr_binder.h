#pragma once
// Binds the bare column names in an `up`/`down` expression (SPEC 2.1a). The expression is in
// the target dialect; names are those of one version of one table. A tokenizer skips literals,
// quoted identifiers that are not columns, comments, function names, qualified names, type
// names after "::" / AS / COLLATE, and SQL keywords. Every other identifier must be a column.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sql_lexer.h"
#include "engine/status.h"

namespace bellows {

// Returns the text that replaces column `name`, or nullopt when `name` is not a column.
using ColumnResolver = std::function<std::optional<std::string>(std::string_view name)>;

// Rewrites every column reference in `expr` with the resolver's text. An identifier that is
// neither a column nor a keyword fails with kInvalid naming it (for a query expression,
// "SELECT ...", unknown names are left alone: they may be another table's columns).
Result<std::string> BindColumns(std::string_view expr, const LexOptions& lex,
                                const ColumnResolver& resolve);

// The column names `expr` references (as written), for validation and dependency tracking.
// With `qualifier` (the row's table), "qualifier.column" counts too.
std::vector<std::string> ReferencedColumns(std::string_view expr, const LexOptions& lex,
                                           const std::function<bool(std::string_view)>& is_column,
                                           std::string_view qualifier = "");

// Replaces the identifiers naming `from` (bare or quoted, not qualified by another name, not
// function names) with `to`, quoted when it needs quotes.
std::string RenameIdentifier(std::string_view expr, std::string_view from, std::string_view to,
                             const LexOptions& lex);

// True when `expr` is a query ("SELECT ..." or "(SELECT ...)") used as a scalar subquery.
bool IsQueryExpression(std::string_view expr);

// True for words that are SQL keywords, literals or common function-less names in any of the
// three dialects (CASE, NULL, CURRENT_TIMESTAMP, TRUE, INTERVAL ...).
bool IsSqlKeyword(std::string_view word);

}  // namespace bellows
