#pragma once
// MySQL/MariaDB dialect (MariaDB 10.11 first; MySQL 8 differences in docs/mysql.md): types,
// quoting and the rendering of plan steps. Pure: no database.
// DDL is not transactional here: every DDL step is non-transactional, written so that running
// it again after a crash is harmless (IF [NOT] EXISTS, CREATE OR REPLACE), or with a probe.
// ALTER TABLE statements carry a marker the connection turns into ALGORITHM=INSTANT, then
// ALGORITHM=INPLACE, LOCK=NONE; a statement that would copy the table is refused there.

#include <optional>

#include "engine/dialect.h"

namespace bellows::mysql {

// Leading comments of an ALTER TABLE statement that tell the connection how to run it.
inline constexpr const char* kOnlineAlter = "/*bellows:online*/ ";  // INSTANT, then INPLACE
inline constexpr const char* kCopyAlter = "/*bellows:copy*/ ";      // copies; plan says so

// `statement` run only when `guard` (a query) returns a row; the connection reads the guard
// from a leading comment, hex-encoded so no text can end it early. Makes DDL steps safe to run
// again after a crash.
std::string Guarded(std::string_view guard, std::string_view statement);
// Splits a guarded statement; false when `sql` carries no guard.
bool SplitGuard(std::string_view sql, std::string* guard, std::string* statement);

// An ALTER TABLE that renames `table`.`from` to `to` while version views name the column:
// `/*bellows:cutover <table> <from> <to>*/ ALTER ...`, names hex-encoded. The connection
// runs it as a cut-over (MysqlConnection::RunCutover, decision 36): the views are locked, the
// ALTER runs, their new definitions are queued before the lock goes, so no application
// statement reads a view that names a column no longer there.
inline constexpr const char* kCutover = "/*bellows:cutover ";

// A check before a step's DDL: `/*bellows:refuse <message>*/ SELECT ...` ('%' and '*' of the
// message as %25 and %2a). The connection runs the SELECT as a plain, non-locking read and
// fails with `message` when it returns a row. The same test as IF EXISTS in a compound
// statement is a locking read there, which stalls the application's writes for the whole
// scan (decision 37).
inline constexpr const char* kRefuseRows = "/*bellows:refuse ";
std::string RefuseRows(std::string_view query, std::string_view message);
// Splits such a check; false when `sql` is not one.
bool SplitRefuseRows(std::string_view sql, std::string* query, std::string* message);
struct Cutover {
  std::string table, from, to;
  std::string alter;  // without ALGORITHM/LOCK clauses
};
std::string CutoverAlter(std::string_view alter, std::string_view table, std::string_view from,
                         std::string_view to);
std::optional<Cutover> ParseCutover(std::string_view sql);

class MysqlDialect final : public Dialect {
 public:
  explicit MysqlDialect(DialectOptions options = {}, std::string database = "");

  std::string_view Name() const override { return "mysql"; }
  bool Supports(Capability capability) const override;
  std::string QuoteIdentifier(std::string_view name) const override;
  std::string QuoteString(std::string_view value) const override;
  SplitOptions SqlSplitOptions() const override;
  size_t MaxIdentifierLength() const override { return 64; }
  std::string MapType(std::string_view type, bool identity) const override;
  bool SameType(std::string_view a, std::string_view b) const override;
  Result<RenderedStep> Render(const Step& step, const Schema& physical) const override;
  std::string LatestSql(const VersionSpec& version) const override;
  std::string LatestSchema(const VersionSpec& version) const override;
  std::string LatestEnv(const VersionSpec& version) const override;
  std::string DefaultVersionPrefix(std::string_view database) const override {
    return std::string(database);
  }
  std::vector<std::string> BackfillPrelude() const override;
  std::string StateTable(std::string_view name) const override;
  std::string StateSchemaDdl() const override { return ""; }
  std::string StateTextType(bool long_text) const override;

  // The target database and a table in it, quoted.
  const std::string& database() const { return database_; }
  std::string Table(std::string_view table) const;
  std::string CreateTableSql(const bellows::Table& table) const;
  std::string ColumnSql(const Column& column) const;
  std::string ConstraintSql(const Constraint& constraint) const;
  Result<std::string> IndexKeys(const Index& index) const;

  // Views bind to column names here. The version databases' views naming `table`.`from`:
  // a query returning each one's database, name and the CREATE OR REPLACE VIEW statement
  // that names `to` instead.
  std::string ViewsNamingColumn(std::string_view table, std::string_view from,
                                std::string_view to) const;
  // One compound statement defining all of those again (nothing when there are none): safe to
  // run again, it repairs the views after a crash between a rename and their redefinition.
  std::string RedefineViewsNaming(std::string_view table, std::string_view from,
                                  std::string_view to) const;
  // One compound statement: `alter` (renaming `table`.`from` to `to`) as INPLACE, LOCK=NONE,
  // then those views defined again. Statements that queue behind the ALTER's metadata lock
  // fail on the views (brief view outage); the cut-over falls back to it only when the ALTER
  // cannot run without rebuilding the table.
  std::string AlterAndRedefineViews(const std::string& alter, std::string_view table,
                                    std::string_view from, std::string_view to) const;

 private:
  Result<RenderedStep> RenderStep(const Step& step, const Schema& physical) const;
  Result<RenderedStep> RenderSwap(const steps::SwapColumn& s, const Schema& physical) const;
  Result<RenderedStep> RenderSync(const ShadowSync& sync) const;
  Result<RenderedStep> RenderCreateVersion(const VersionSpec& version,
                                           const Schema& physical) const;
  RenderedStep RenderDropVersion(const VersionSpec& version) const;
  // The probe of a step: a query over information_schema returning a row when `condition`
  // (over COLUMNS / STATISTICS ...) holds.
  std::string Probe(std::string_view from, std::string_view where) const;
  // "ADD INDEX ..." clauses for the foreign keys of `table` that only index `dropped` serves.
  std::vector<std::string> IndexesKeysStillNeed(const Schema& physical, std::string_view table,
                                                std::string_view dropped) const;
  // A query returning a row while that condition does not hold.
  std::string Absent(std::string_view from, std::string_view where) const;

  DialectOptions options_;
  std::string database_;
};

// The canonical MariaDB spelling of a type as information_schema.COLUMNS.COLUMN_TYPE prints it,
// without integer display widths ("INTEGER" -> "int", "int(11)" -> "int", "bool" ->
// "tinyint(1)").
std::string CanonicalType(std::string_view type);

}  // namespace bellows::mysql
