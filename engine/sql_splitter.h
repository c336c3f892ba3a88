#pragma once
// Splits SQL text into statements (SPEC 2.2): quotes, quoted identifiers, comments, PostgreSQL
// dollar quotes, compound bodies (CREATE TRIGGER/PROCEDURE/FUNCTION ... BEGIN ... END, MariaDB
// BEGIN NOT ATOMIC, PostgreSQL BEGIN ATOMIC) and the MySQL client's DELIMITER command.

#include <string>
#include <string_view>
#include <vector>

#include "engine/sql_lexer.h"
#include "engine/status.h"

namespace bellows {

struct SplitOptions {
  LexOptions lex;
  bool delimiter_command = false;  // MySQL: "DELIMITER $$" lines change the delimiter
};

struct SqlStatement {
  std::string text;  // without the delimiter, trimmed
  int line = 0;      // 1-based position of the statement's first character in the file
  int column = 0;
};

// `file` and `first_line` (the file line where `text` begins) are used for positions and errors.
// Fails with kInvalid at file:line:column on an unterminated quote, dollar quote or comment.
Result<std::vector<SqlStatement>> SplitSql(std::string_view text, const SplitOptions& options,
                                           std::string_view file = "", int first_line = 1);

}  // namespace bellows
