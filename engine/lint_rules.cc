// The lint rule catalogue. Codes are stable: docs/lint/<code>.md explains each one.

#include <algorithm>

#include "engine/lint.h"

namespace bellows {

namespace {

constexpr Severity E = Severity::kError;
constexpr Severity W = Severity::kWarning;

}  // namespace

const char* SeverityName(Severity s) { return s == Severity::kError ? "error" : "warning"; }

const std::vector<LintRule>& LintRules() {
  static const std::vector<LintRule> rules = {
      // LK: locking
      {"LK001", E, "create-index-not-concurrent", "postgres",
       "CREATE INDEX on an existing table without CONCURRENTLY blocks writes for the whole build",
       "CREATE INDEX CONCURRENTLY IF NOT EXISTS in a -- bellows:no-transaction file, or the "
       "create_index operation"},
      {"LK002", E, "drop-index-not-concurrent", "postgres",
       "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table",
       "DROP INDEX CONCURRENTLY IF EXISTS in a no-transaction file, or the drop_index operation"},
      {"LK003", E, "constraint-validated-on-add", "postgres,mysql",
       "a foreign key or check added to an existing table validates every row while writes wait",
       "PostgreSQL: ADD ... NOT VALID, then VALIDATE CONSTRAINT in a later migration; or the "
       "create_constraint operation"},
      {"LK004", E, "validate-in-same-transaction", "postgres",
       "VALIDATE CONSTRAINT in the transaction that added the constraint keeps its lock",
       "validate in the next migration, or use create_constraint"},
      {"LK005", E, "unique-constraint-builds-index", "postgres",
       "ADD UNIQUE / PRIMARY KEY without USING INDEX builds the index under ACCESS EXCLUSIVE",
       "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... USING INDEX; or "
       "create_constraint / alter_column unique: true"},
      {"LK006", E, "set-not-null-scans", "postgres",
       "SET NOT NULL without a validated CHECK (col IS NOT NULL) scans the table under ACCESS "
       "EXCLUSIVE",
       "ADD CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL; or alter_column "
       "nullable: false"},
      {"LK007", E, "copy-algorithm-requested", "mysql",
       "ALGORITHM=COPY or LOCK=SHARED/EXCLUSIVE copies or locks the table for the whole statement",
       "ALGORITHM=INSTANT or INPLACE with LOCK=NONE, or a bellows operation"},
      {"LK008", W, "alter-without-algorithm", "mysql",
       "ALTER TABLE without ALGORITHM= may silently copy the table",
       "add ALGORITHM=INSTANT (or INPLACE, LOCK=NONE) so the server refuses instead of copying"},
      {"LK009", W, "table-rebuild-statement", "",
       "VACUUM FULL, CLUSTER, REINDEX, OPTIMIZE TABLE, FORCE or VACUUM rebuilds under a lock",
       "run maintenance outside migrations (REINDEX CONCURRENTLY, pg_repack)"},
      {"LK010", E, "lock-timeout-disabled", "postgres,mysql",
       "disabling the lock or statement timeout lets a blocked DDL queue every query behind it",
       "leave the lock wait to bellows (--lock-timeout, retried with back-off)"},
      // RW: rewrite / copy
      {"RW001", E, "volatile-default", "",
       "ADD COLUMN with a volatile default rewrites (or, on SQLite, fails on) an existing table",
       "add the column without a default (or a constant one) and fill it with add_column up"},
      {"RW002", E, "stored-generated-column", "postgres,mysql",
       "adding a STORED generated column rewrites or copies the whole table",
       "a VIRTUAL generated column, or a plain column filled by add_column up"},
      {"RW003", E, "identity-column-added", "postgres,mysql",
       "adding an identity / serial / AUTO_INCREMENT column numbers every row under a lock",
       "create the table with its key, or add a nullable column filled in batches"},
      {"RW004", E, "raw-type-change", "postgres,mysql",
       "changing a column's type in SQL rewrites or copies the table, and the running version "
       "sees the new type at once",
       "alter_column type: with up/down (shadow column, triggers, batched backfill)"},
      {"RW005", E, "charset-conversion", "mysql",
       "converting a character set or collation copies the table",
       "alter_column onto a shadow column with the new collation"},
      {"RW006", E, "sqlite-unsupported-alter", "sqlite",
       "SQLite's ALTER TABLE only renames, adds and drops columns: this statement fails",
       "the bellows operation (alter_column, create_constraint ...), which runs the 12-step "
       "rebuild"},
      {"RW007", W, "step-blocks-writes", "sqlite,mysql",
       "a planned step rewrites, copies or rebuilds an existing table while blocking writes",
       "run it in a quiet period, while the table is small"},
      {"RW008", E, "primary-key-change", "postgres,mysql",
       "adding or dropping a primary key on an existing table rebuilds it under a lock",
       "PostgreSQL: CREATE UNIQUE INDEX CONCURRENTLY, then ADD PRIMARY KEY USING INDEX"},
      // DD: data-dependent
      {"DD001", E, "add-not-null-without-default", "",
       "ADD COLUMN NOT NULL without DEFAULT fails on a populated table (MySQL fills zero values)",
       "add_column nullable: false with default or up"},
      {"DD002", W, "unique-on-existing-data", "",
       "a unique index or constraint on an existing table fails when rows hold duplicates",
       "look for duplicates first (GROUP BY ... HAVING count(*) > 1); plan --url checks online"},
      {"DD003", W, "not-null-on-existing-data", "",
       "making an existing column NOT NULL fails when a row holds NULL",
       "give up: (for example COALESCE(col, ...)); plan --url checks online"},
      {"DD004", W, "up-not-total", "postgres,mysql",
       "the new type cannot hold every old value: the backfill and old-version writes can fail",
       "an up expression that converts every value, after checking the data"},
      {"DD005", W, "down-not-total", "postgres,mysql",
       "the old type cannot hold every new value: new-version writes can fail during the window",
       "a down expression that clamps or truncates, or keep the window short"},
      {"DD006", W, "unbatched-dml", "",
       "UPDATE or DELETE without WHERE locks every row in one long transaction",
       "alter_column / add_column up (batched backfill), or batches by key range"},
      {"DD007", W, "foreign-key-on-existing-data", "",
       "a foreign key on an existing table fails when rows have no parent",
       "find orphans first (LEFT JOIN ... WHERE parent IS NULL); plan --url checks online"},
      // BC: backward compatibility
      {"BC001", E, "raw-rename-column", "",
       "renaming a column in SQL breaks the application version still running",
       "the rename_column operation"},
      {"BC002", E, "raw-rename-table", "",
       "renaming a table in SQL breaks the application version still running",
       "the rename_table operation"},
      {"BC003", E, "raw-drop-in-expand", "",
       "dropping a table or column in the up section breaks the version still reading it",
       "drop_table / drop_column operations, or a -- bellows:contract section"},
      {"BC004", W, "drop-not-null", "",
       "a NOT NULL column becomes nullable: old readers may not expect NULL",
       "make sure every reader handles NULL first"},
      // DS: destructive
      {"DS001", W, "drop-table", "", "dropping a table loses its rows once completed",
       "back it up or rename it first; drop in a later release"},
      {"DS002", W, "drop-column", "", "dropping a column loses its values once completed",
       "back it up first; give down so new-version inserts fill it during the window"},
      {"DS003", E, "drop-schema", "postgres,mysql", "DROP SCHEMA / DROP DATABASE in a migration",
       "a reviewed manual step, never a migration"},
      {"DS004", E, "truncate", "postgres,mysql",
       "TRUNCATE removes every row under an exclusive lock and cannot be undone",
       "DELETE ... WHERE in batches, or a manual step"},
      // TX: transactions and robustness
      {"TX001", E, "explicit-transaction", "",
       "BEGIN / COMMIT / ROLLBACK inside a migration breaks bellows' own transaction and record",
       "remove them; mark the file -- bellows:no-transaction if it must not run in one"},
      {"TX002", W, "opaque-statement", "",
       "bellows cannot follow what this statement does to the schema",
       "prefer operations or plain DDL; online, bellows re-reads the schema afterwards"},
      {"TX003", W, "concurrently-in-transactional-file", "postgres",
       "a CONCURRENTLY statement makes the whole file run statement by statement, not atomically",
       "put the CONCURRENTLY statement in its own -- bellows:no-transaction migration"},
      {"TX004", W, "concurrent-index-not-idempotent", "postgres",
       "CREATE INDEX CONCURRENTLY without IF NOT EXISTS fails on retry after a failed build",
       "CREATE INDEX CONCURRENTLY IF NOT EXISTS, or the create_index operation"},
      {"TX005", E, "pragma-foreign-keys-in-transaction", "sqlite",
       "PRAGMA foreign_keys is a no-op inside a transaction",
       "PRAGMA defer_foreign_keys = ON, or a -- bellows:no-transaction file"},
      // EC: expand/contract discipline
      {"EC001", W, "irreversible-migration", "",
       "the migration cannot be rolled back once completed", "write its down section or field"},
      // NM: naming
      {"NM001", E, "identifier-too-long", "postgres,mysql",
       "a name longer than the dialect allows is truncated (PostgreSQL) or refused (MySQL)",
       "a shorter name"},
      // LN: the lint configuration itself
      {"LN001", E, "ignore-without-reason", "", "a bellows:lint-ignore comment gives no reason",
       "-- bellows:lint-ignore CODE why it is safe here"},
      {"LN002", W, "unused-ignore", "", "a bellows:lint-ignore names a code that did not fire",
       "remove it"},
      {"LN003", E, "unknown-rule", "", "a lint-ignore or lint.disable names an unknown code",
       "see docs/lint/README.md for the codes"},
  };
  return rules;
}

const LintRule* FindLintRule(std::string_view code) {
  for (const LintRule& r : LintRules()) {
    if (r.code == code) return &r;
  }
  return nullptr;
}

}  // namespace bellows
