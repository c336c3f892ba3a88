#pragma once
// The DDL recogniser (SPEC 3.1): follows what a SQL statement does to the schema model, so
// offline planning and lint see SQL migrations. CREATE/ALTER/DROP TABLE, CREATE/DROP INDEX,
// CREATE/DROP VIEW and TRIGGER, renames, ADD/DROP CONSTRAINT are applied; DML and other
// statements without schema effect are ignored; anything else that can change the schema
// marks the tables it names as opaque, or the whole schema when it names none.

#include <string_view>

#include "engine/schema.h"
#include "engine/sql_lexer.h"

namespace bellows {

enum class DdlEffect {
  kApplied,  // the model now reflects the statement
  kNone,     // the statement does not change the schema
  kOpaque,   // bellows could not follow it: tables or the schema are marked opaque
};

DdlEffect ApplyDdl(std::string_view sql, const LexOptions& lex, Schema& schema);

}  // namespace bellows
