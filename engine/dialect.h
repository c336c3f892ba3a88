#pragma once
// The engine's only view of a database. A Dialect is pure (types, quoting, SQL rendering,
// statement splitting rules); a Connection does I/O. Each dialect directory implements both;
// dialects/open.cc creates them from a URL or a dialect name. Nothing here knows a dialect.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/duration.h"
#include "engine/schema.h"
#include "engine/sql_splitter.h"
#include "engine/status.h"
#include "engine/step.h"

namespace bellows {

enum class Capability {
  kTransactionalDdl,     // DDL runs inside a transaction and rolls back with it
  kVersionSchemas,       // versions are schemas/databases of views an application selects
  kNotValidConstraints,  // ADD CONSTRAINT ... NOT VALID, then VALIDATE
  kConcurrentIndex,      // CREATE INDEX CONCURRENTLY (outside a transaction)
  kUniqueConstraints,    // named UNIQUE constraints apart from indexes (PostgreSQL); elsewhere
                         // a unique constraint is a unique index
  kSingleWriter,         // one write lock for the whole database (SQLite): a transaction that
                         // runs several steps blocks no more than the steps one by one
};

// A query that must return no rows; when it returns one, the step fails with `message`
// followed by the row's values (for example PRAGMA foreign_key_check after a rebuild).
struct StepCheck {
  std::string query;
  std::string message;
};

// A step rendered for one dialect: what the executor runs and what the plan shows.
struct RenderedStep {
  std::vector<std::string> sql;             // statements, in order
  std::vector<StepCheck> checks;            // run after `sql`, inside the step's transaction
  std::vector<std::string> outside_before;  // run before the step's transaction opens
  std::vector<std::string> outside_after;   // run after it commits or rolls back
  bool transactional = true;  // false: each statement commits on its own (CIC, MySQL DDL)
  // A non-transactional step whose lock-timeout retry starts again from its first statement
  // (a failed CREATE INDEX CONCURRENTLY leaves an INVALID index the first statement drops).
  bool restart_on_retry = false;
  // Parallel to `sql` (shorter = the rest have none): a query run before the statement; the
  // statement runs only when it returns a row. Makes non-transactional DDL safe to run again.
  std::vector<std::string> guards;
  // A non-transactional step found interrupted ("running") is run again from its first
  // statement: every statement is harmless when its effect is already there (IF [NOT] EXISTS,
  // CREATE OR REPLACE, guards). Otherwise `probe` decides, or the executor refuses to guess.
  bool idempotent = false;
  // The first `leading_checks` statements only check the data (they fail, changing nothing,
  // when it is not fit): a step failing there has not started.
  size_t leading_checks = 0;
  // Indexes into `sql` of statements whose lock waits block no application (PostgreSQL
  // CONCURRENTLY, VALIDATE CONSTRAINT): they wait up to --concurrent-wait, not lock_timeout.
  std::vector<size_t> patient;
  // sql[unordered_from, unordered_to): statements that depend neither on one another nor on
  // their order (the views of a version), which Connection::ExecuteUnordered may run several at
  // a time. They must be harmless to run again. An empty range: none.
  size_t unordered_from = 0, unordered_to = 0;
  std::string lock;  // the lock it takes, in the dialect's words
  std::string cost;  // "catalog", "scan", "rewrite", "copy", "batched"
  bool blocks_writes = false;
  std::string probe;  // query returning a row when the effect is present ("" = none needed)
};

// Settings a dialect renders with (bellows.yaml / flags).
struct DialectOptions {
  std::string state_schema = "bellows";   // PostgreSQL: schema of the state tables
  std::string state_prefix = "bellows_";  // SQLite, MySQL: prefix of the state tables
  std::string schema;                     // PostgreSQL target schema ("" = public)
  std::string version_prefix;             // version schema/database prefix ("" = default)
};

class Dialect;
// For dialects without NOT VALID: the step check validating `c` (a check or a foreign key) on
// `table`, which the dialect names `table_sql` (and the referenced table `ref_sql`): a query
// returning a violating row. Empty for other kinds.
std::vector<StepCheck> ViolationChecks(const Dialect& d, const std::string& table,
                                       const std::string& table_sql, const std::string& ref_sql,
                                       const Constraint& c);

// Whether `name` is a version schema/database name made from `prefix` (SPEC 4.1:
// "<prefix>_<version>", versions start with a digit). Introspection lists those as bellows'.
bool IsVersionName(std::string_view name, std::string_view prefix);

// The portable column types of SPEC 2.1 ("integer", "varchar(255)" ...).
bool IsPortableType(std::string_view type);

class Dialect {
 public:
  virtual ~Dialect() = default;

  virtual std::string_view Name() const = 0;  // "sqlite", "postgres", "mysql"
  virtual bool Supports(Capability capability) const = 0;
  virtual std::string QuoteIdentifier(std::string_view name) const = 0;
  virtual std::string QuoteString(std::string_view value) const = 0;
  virtual SplitOptions SqlSplitOptions() const = 0;
  virtual size_t MaxIdentifierLength() const = 0;

  // Maps a portable type to this dialect's spelling; any other text is returned unchanged
  // (a raw dialect type). `identity` asks for the auto-numbered form.
  virtual std::string MapType(std::string_view type, bool identity) const = 0;
  // Whether two type spellings mean the same column type here ("INT" vs "integer").
  virtual bool SameType(std::string_view a, std::string_view b) const = 0;

  // Renders `step`, which will run against a database shaped like `physical`.
  virtual Result<RenderedStep> Render(const Step& step, const Schema& physical) const = 0;

  // What an application on `version` adds to its connection (SPEC 4.2): statements for
  // `latest sql`, a schema name for `latest schema`, environment lines for `latest env`.
  virtual std::string LatestSql(const VersionSpec& version) const = 0;
  virtual std::string LatestSchema(const VersionSpec& version) const = 0;
  virtual std::string LatestEnv(const VersionSpec& version) const = 0;

  // The default prefix of version names (SPEC 4.1): PostgreSQL the schema, MySQL the
  // database, SQLite "main".
  virtual std::string DefaultVersionPrefix(std::string_view database) const = 0;

  // Statements a backfill transaction runs first (marks the writes as bellows' own).
  virtual std::vector<std::string> BackfillPrelude() const = 0;

  // The state table `name` ("history"), qualified as this dialect keeps it.
  virtual std::string StateTable(std::string_view name) const = 0;
  // DDL creating the state schema if the dialect keeps one ("" when not).
  virtual std::string StateSchemaDdl() const = 0;
  // Column types for the state tables.
  virtual std::string StateTextType(bool long_text) const = 0;  // key-sized or unbounded
};

using Row = std::vector<std::optional<std::string>>;

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  bool empty() const { return rows.empty(); }
};

// Who holds or wants the runner lock.
struct LockOwner {
  std::string holder;  // "bellows/0.1.0:host:pid", also the application_name/program_name
  std::string host;
  long pid = 0;
};

// The runner lock (SPEC 4.3). Implementations: PostgreSQL/MySQL session locks on a dedicated
// connection; SQLite a lock row with heartbeat.
class RunnerLock {
 public:
  virtual ~RunnerLock() = default;
  // Tries once. Returns true when acquired, false when another runner holds it; `holder`
  // then describes that runner.
  virtual Result<bool> TryAcquire(const LockOwner& me, std::string* holder) = 0;
  virtual Status Release() = 0;
  // Called first in every write transaction of the runner on `conn`: refreshes a heartbeat
  // and fails with kLockBusy when the lock is no longer ours.
  virtual Status Touch(class Connection& conn) = 0;
  // Whether Touch writes on `conn` and so must share the transaction of the record it guards
  // (SQLite's heartbeat row). A lock on a session of its own checks that session instead, and a
  // one-statement record then needs no BEGIN and COMMIT around it.
  virtual bool TouchSharesTransaction() const { return true; }
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual const Dialect& dialect() const = 0;
  // The URL with its password masked, for messages.
  virtual std::string Describe() const = 0;
  virtual std::string ServerVersion() const = 0;
  // Database (or file) name used in lock keys and version names.
  virtual std::string DatabaseName() const = 0;

  // Runs one statement, draining and discarding any rows it returns.
  virtual Status Execute(std::string_view sql) = 0;
  // Runs `sql`, statements that depend neither on one another nor on their order, perhaps
  // several at a time on sessions of its own. Returns the failure of the first failing
  // statement in `sql`'s order; others may have run. By default one after the other.
  virtual Status ExecuteUnordered(const std::vector<std::string>& sql) {
    for (const std::string& s : sql) BELLOWS_TRY(Execute(s));
    return Status::Ok();
  }
  virtual Result<Rows> Query(std::string_view sql) = 0;

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  virtual bool InTransaction() const = 0;

  // How long a statement waits for a lock that blocks other sessions before it fails with
  // kLockTimeout (SQLite busy_timeout, PostgreSQL lock_timeout, MySQL lock_wait_timeout).
  virtual Status SetLockTimeout(Millis timeout) = 0;

  // After a lock timeout: the other sessions holding locks on the target schema's tables, one
  // line each (who, since when, which lock), for the error message. "" when unknown.
  virtual std::string DescribeLockHolders() { return ""; }

  // The live schema, without bellows' own objects (state tables, _bellows_ triggers and
  // views) but with shadow columns, which are physical.
  virtual Result<Schema> Introspect() = 0;

  virtual Result<std::unique_ptr<RunnerLock>> OpenRunnerLock(Millis stale_after) = 0;

  // After a failed statement, outside a transaction: whether the session still answers (a
  // round trip). A file database is always there.
  virtual bool Alive() { return true; }
  // Replaces a lost session by a new one to the same database, set up as the first (lock
  // timeout included). kUnsupported where a session cannot be lost.
  virtual Status Reconnect() {
    return BELLOWS_ERR(kUnsupported, "this database has no session to reconnect");
  }

  // For --max-replica-lag (SPEC 4.4): how many seconds the furthest-behind replica of this
  // server is behind it; 0 with no replica, +infinity when a replica cannot tell (stopped).
  virtual Result<double> ReplicaLag() = 0;
};

}  // namespace bellows
