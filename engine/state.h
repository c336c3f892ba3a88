#pragma once
// The state tables (SPEC 5) in the target database: batches, history, steps, meta (schema
// version) and snapshots. Created on first use; a newer bellows upgrades them, an older one
// refuses (kUsage, exit 2). All SQL is portable, with names, literals and types from the
// Dialect. Writes happen inside the caller's transactions; the runner lock makes the caller
// the only writer, so ids are max + 1.

#include <optional>
#include <string>
#include <vector>

#include "engine/dialect.h"
#include "engine/plan.h"

namespace bellows {

inline constexpr int kStateSchemaVersion = 1;

// The state tables' names, without the dialect's prefix or schema ("lock" is SQLite's runner
// lock table). Introspection leaves them out.
inline constexpr const char* kStateTableNames[] = {"meta",      "batches", "history", "steps",
                                                   "snapshots", "repairs", "lock"};

// Batch states (SPEC 4.1).
inline constexpr const char* kStarting = "starting";
inline constexpr const char* kExpanded = "expanded";
inline constexpr const char* kCompleting = "completing";
inline constexpr const char* kCompleted = "completed";
inline constexpr const char* kRollingBack = "rolling_back";
inline constexpr const char* kRolledBack = "rolled_back";
inline constexpr const char* kFailed = "failed";

// Step statuses.
inline constexpr const char* kPending = "pending";
inline constexpr const char* kRunning = "running";
inline constexpr const char* kDone = "done";
inline constexpr const char* kUndone = "undone";

struct BatchRow {
  long long id = 0;
  std::string state;
  std::string command;  // start, apply, rollback
  std::string kind;     // "forward" or "rollback" (of completed migrations)
  std::string version_name;
  VersionSpec version;  // the version the batch makes live
  std::string latest_sql;
  std::string plan_hash;
  std::string error;
  std::string applied_by;
  std::string started_at, finished_at;
};

struct HistoryRow {
  long long id = 0;
  std::string version, name, file, kind, checksum, down_checksum;
  long long batch_id = 0;
  std::string state;
  std::string started_at, finished_at;
  long long duration_ms = 0;
  std::string applied_by, bellows_version, fingerprint, plan_hash;
  std::string inverse;       // JSON array of operations, or "" when irreversible
  std::string irreversible;  // why it cannot be undone
  std::string error;
};

// A row of the repairs table: who did what, when (SPEC 6).
struct RepairRow {
  long long id = 0;
  std::string at, by, action, detail;
};

struct StepRow {
  PlannedStep step;
  std::string migration_version;
  std::string status;
  std::string checkpoint;  // backfill: JSON array of the last key done
  std::string error;
};

class StateStore {
 public:
  StateStore(Connection& conn) : conn_(conn), d_(conn.dialect()) {}

  // Whether the state tables exist (status and history read without creating them).
  Result<bool> Exists();
  // Creates or upgrades the state tables. kUsage when they are newer than this bellows.
  Status Ensure();

  Result<std::vector<HistoryRow>> History();
  Result<std::optional<BatchRow>> Batch(long long id);
  // The newest batch that is not completed or rolled back.
  Result<std::optional<BatchRow>> InFlight();
  // The newest completed batch that left a version live: a forward batch, or a rollback of
  // completed migrations (it lands on the version below them).
  Result<std::optional<BatchRow>> LastCompleted();
  Result<std::vector<StepRow>> Steps(long long batch);

  // Writers; call inside a transaction.
  Result<long long> InsertBatch(const BatchRow& b);
  Status SetBatchState(long long batch, const std::string& state, const std::string& error);
  Status InsertHistory(const HistoryRow& h) { return InsertHistory(std::vector<HistoryRow>{h}); }
  // Rows are written with as few statements as fit (multi-row INSERTs of up to about 512 KB).
  Status InsertHistory(const std::vector<HistoryRow>& rows);
  Status SetHistoryState(long long batch, const std::string& state, const std::string& error,
                         const std::string& fingerprint);
  Status SetHistoryStateById(long long id, const std::string& state);
  // The row of `version` in `batch` only.
  Status SetHistoryStateFor(long long batch, const std::string& version, const std::string& state,
                            const std::string& error);
  Status InsertSteps(long long batch, const std::vector<StepRow>& steps);
  Status SetStepStatus(long long batch, int seq, const std::string& status,
                       const std::string& error);
  // Marks step `done_seq` done and step `running_seq` running in one statement: the executor
  // records the end of one non-transactional step and the start of the next together.
  Status MarkDoneThenRunning(long long batch, int done_seq, int running_seq);
  Status SetCheckpoint(long long batch, int seq, const std::string& checkpoint);
  Status SaveSnapshot(const std::string& fingerprint, const std::string& snapshot);
  // bellows repair: a batch the user resolved by hand is recorded as rolled back (its failed
  // migrations keep state failed); an accepted checksum replaces the recorded one. Each writes
  // a row in the repairs table with who and when.
  Status ResolveBatch(long long batch, const std::string& by, const std::string& note);
  Status AcceptChecksum(long long history_id, const std::string& checksum,
                        const std::string& down_checksum, const std::string& by,
                        const std::string& note);
  Status LogRepair(const std::string& by, const std::string& action, const std::string& detail);
  Result<std::vector<RepairRow>> Repairs();
  Result<std::optional<std::string>> Snapshot(const std::string& fingerprint);
  // The fingerprint of the schema as bellows last left it (SPEC 6); "" before the first
  // recorded run. SetFingerprint also keeps the snapshot it stands for.
  Result<std::string> RecordedFingerprint();
  Status SetFingerprint(const std::string& fingerprint, const std::string& snapshot);

  std::string Quote(std::string_view s) const { return d_.QuoteString(s); }

 private:
  Result<long long> NextId(const std::string& table);
  // INSERT INTO `table` (`columns`) VALUES `values`..., in statements of about 512 KB.
  Status InsertRows(const std::string& table, const std::string& columns,
                    const std::vector<std::string>& values);
  BatchRow ToBatch(const Row& r) const;

  Connection& conn_;
  const Dialect& d_;
};

// Current UTC time, RFC 3339 with seconds ("2026-11-25T08:52:00Z").
std::string NowUtc();

}  // namespace bellows
