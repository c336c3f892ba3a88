#include "engine/state.h"

#include <ctime>

#include "engine/strings.h"

namespace bellows {

using nlohmann::json;

std::string NowUtc() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {

std::string Num(long long n) { return std::to_string(n); }

std::string Str(const std::optional<std::string>& v) { return v.value_or(""); }

long long Int(const std::optional<std::string>& v) { return v && !v->empty() ? std::stoll(*v) : 0; }

}  // namespace

Result<bool> StateStore::Exists() {
  // A query against the table tells on every dialect; failure means it is not there.
  Result<Rows> r =
      conn_.Query("SELECT value FROM " + d_.StateTable("meta") + " WHERE name = 'schema_version'");
  return r.ok();
}

Status StateStore::Ensure() {
  // Usually the tables are there and current: read, do not take a write lock.
  Result<Rows> current =
      conn_.Query("SELECT value FROM " + d_.StateTable("meta") + " WHERE name = 'schema_version'");
  if (current.ok() && !current->empty() && Int(current->rows[0][0]) == kStateSchemaVersion)
    return Status::Ok();
  const std::string key = d_.StateTextType(false);
  const std::string text = d_.StateTextType(true);
  std::vector<std::string> ddl;
  if (!d_.StateSchemaDdl().empty()) ddl.push_back(d_.StateSchemaDdl());
  ddl.push_back("CREATE TABLE IF NOT EXISTS " + d_.StateTable("meta") + " (name " + key +
                " PRIMARY KEY, value " + key + ")");
  ddl.push_back("CREATE TABLE IF NOT EXISTS " + d_.StateTable("batches") +
                " (id BIGINT PRIMARY KEY, state " + key + " NOT NULL, command " + key + ", kind " +
                key + ", version_name " + key + ", version " + text + ", latest_sql " + text +
                ", plan_hash " + key + ", error " + text + ", applied_by " + key + ", started_at " +
                key + ", finished_at " + key + ")");
  ddl.push_back("CREATE TABLE IF NOT EXISTS " + d_.StateTable("history") +
                " (id BIGINT PRIMARY KEY, version " + key + " NOT NULL, name " + key + ", file " +
                key + ", kind " + key + ", checksum " + key + ", down_checksum " + key +
                ", batch_id BIGINT, state " + key + " NOT NULL, started_at " + key +
                ", finished_at " + key + ", duration_ms BIGINT, applied_by " + key +
                ", bellows_version " + key + ", fingerprint " + key + ", plan_hash " + key +
                ", inverse " + text + ", irreversible " + text + ", error " + text + ")");
  ddl.push_back("CREATE TABLE IF NOT EXISTS " + d_.StateTable("steps") +
                " (batch_id BIGINT NOT NULL, seq INTEGER NOT NULL, "
                "migration " +
                key + ", phase " + key + ", kind " + key + ", description " + text + ", status " +
                key + " NOT NULL, definition " + text + ", checkpoint " + text + ", error " + text +
                ", started_at " + key + ", finished_at " + key + ", PRIMARY KEY (batch_id, seq))");
  ddl.push_back("CREATE TABLE IF NOT EXISTS " + d_.StateTable("snapshots") + " (fingerprint " +
                key + " PRIMARY KEY, snapshot " + text + ", created_at " + key + ")");
  ddl.push_back("CREATE TABLE IF NOT EXISTS " + d_.StateTable("repairs") +
                " (id BIGINT PRIMARY KEY, at " + key + ", by_whom " + key + ", action " + key +
                ", detail " + text + ")");
  // Where DDL is transactional, one commit for all of it: on SQLite each commit costs
  // several fsyncs, and a fleet creates these tables in every new tenant database.
  const bool one_transaction = d_.Supports(Capability::kTransactionalDdl) && !conn_.InTransaction();
  auto create = [&]() -> Status {
    for (const std::string& sql : ddl)
      BELLOWS_TRY(conn_.Execute(sql).With("creating the state tables"));
    BELLOWS_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT value FROM " + d_.StateTable("meta") +
                                                    " WHERE name = 'schema_version'"));
    if (!rows.empty()) return Status::Ok();
    return conn_.Execute("INSERT INTO " + d_.StateTable("meta") +
                         " (name, value) VALUES ('schema_version', '" + Num(kStateSchemaVersion) +
                         "')");
  };
  if (one_transaction) BELLOWS_TRY(conn_.Begin());
  Status created = create();
  if (one_transaction) {
    if (created.ok()) {
      created = conn_.Commit();
    } else {
      Status ignored = conn_.Rollback();
      (void)ignored;
    }
  }
  BELLOWS_TRY(created);

  BELLOWS_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT value FROM " + d_.StateTable("meta") +
                                                  " WHERE name = 'schema_version'"));
  long long version = Int(rows.rows[0][0]);
  if (version > kStateSchemaVersion) {
    return BELLOWS_ERR(kUsage, "the state tables have schema version " + Num(version) +
                                   ", newer than this bellows (" + Num(kStateSchemaVersion) + ")")
        .WithHint("use a newer bellows for this database");
  }
  return Status::Ok();
}

Result<long long> StateStore::NextId(const std::string& table) {
  BELLOWS_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT max(id) FROM " + table));
  return (rows.empty() ? 0 : Int(rows.rows[0][0])) + 1;
}

Result<std::vector<HistoryRow>> StateStore::History() {
  BELLOWS_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query(
          "SELECT id, version, name, file, kind, checksum, down_checksum, batch_id, state, "
          "started_at, "
          "finished_at, duration_ms, applied_by, bellows_version, fingerprint, plan_hash, inverse, "
          "irreversible, error FROM " +
          d_.StateTable("history") + " ORDER BY id"));
  std::vector<HistoryRow> out;
  for (const Row& r : rows.rows) {
    HistoryRow h;
    h.id = Int(r[0]);
    h.version = Str(r[1]);
    h.name = Str(r[2]);
    h.file = Str(r[3]);
    h.kind = Str(r[4]);
    h.checksum = Str(r[5]);
    h.down_checksum = Str(r[6]);
    h.batch_id = Int(r[7]);
    h.state = Str(r[8]);
    h.started_at = Str(r[9]);
    h.finished_at = Str(r[10]);
    h.duration_ms = Int(r[11]);
    h.applied_by = Str(r[12]);
    h.bellows_version = Str(r[13]);
    h.fingerprint = Str(r[14]);
    h.plan_hash = Str(r[15]);
    h.inverse = Str(r[16]);
    h.irreversible = Str(r[17]);
    h.error = Str(r[18]);
    out.push_back(std::move(h));
  }
  return out;
}

BatchRow StateStore::ToBatch(const Row& r) const {
  BatchRow b;
  b.id = Int(r[0]);
  b.state = Str(r[1]);
  b.command = Str(r[2]);
  b.kind = Str(r[3]);
  b.version_name = Str(r[4]);
  std::string version = Str(r[5]);
  if (!version.empty()) b.version = VersionSpecFromJson(json::parse(version));
  b.latest_sql = Str(r[6]);
  b.plan_hash = Str(r[7]);
  b.error = Str(r[8]);
  b.applied_by = Str(r[9]);
  b.started_at = Str(r[10]);
  b.finished_at = Str(r[11]);
  return b;
}

namespace {
const char* kBatchColumns =
    "id, state, command, kind, version_name, version, latest_sql, plan_hash, error, applied_by, "
    "started_at, finished_at";
}

Result<std::optional<BatchRow>> StateStore::Batch(long long id) {
  BELLOWS_ASSIGN_OR_RETURN(Rows rows,
                           conn_.Query(std::string("SELECT ") + kBatchColumns + " FROM " +
                                       d_.StateTable("batches") + " WHERE id = " + Num(id)));
  if (rows.empty()) return std::optional<BatchRow>();
  return std::optional<BatchRow>(ToBatch(rows.rows[0]));
}

Result<std::optional<BatchRow>> StateStore::InFlight() {
  BELLOWS_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query(std::string("SELECT ") + kBatchColumns + " FROM " +
                             d_.StateTable("batches") + " WHERE state NOT IN ('" + kCompleted +
                             "', '" + kRolledBack + "') ORDER BY id DESC LIMIT 1"));
  if (rows.empty()) return std::optional<BatchRow>();
  return std::optional<BatchRow>(ToBatch(rows.rows[0]));
}

Result<std::optional<BatchRow>> StateStore::LastCompleted() {
  BELLOWS_ASSIGN_OR_RETURN(Rows rows,
                           conn_.Query(std::string("SELECT ") + kBatchColumns + " FROM " +
                                       d_.StateTable("batches") + " WHERE state = '" + kCompleted +
                                       "' AND version_name <> '' ORDER BY id DESC LIMIT 1"));
  if (rows.empty()) return std::optional<BatchRow>();
  return std::optional<BatchRow>(ToBatch(rows.rows[0]));
}

Result<std::vector<StepRow>> StateStore::Steps(long long batch) {
  BELLOWS_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("SELECT definition, migration, status, checkpoint, error FROM " +
                  d_.StateTable("steps") + " WHERE batch_id = " + Num(batch) + " ORDER BY seq"));
  std::vector<StepRow> out;
  for (const Row& r : rows.rows) {
    StepRow s;
    s.step = PlannedStepFromJson(json::parse(Str(r[0])));
    s.migration_version = Str(r[1]);
    s.status = Str(r[2]);
    s.checkpoint = Str(r[3]);
    s.error = Str(r[4]);
    out.push_back(std::move(s));
  }
  return out;
}

Result<long long> StateStore::InsertBatch(const BatchRow& b) {
  BELLOWS_ASSIGN_OR_RETURN(long long id, NextId(d_.StateTable("batches")));
  BELLOWS_TRY(conn_.Execute("INSERT INTO " + d_.StateTable("batches") + " (" + kBatchColumns +
                            ") VALUES (" + Num(id) + ", " + Quote(b.state) + ", " +
                            Quote(b.command) + ", " + Quote(b.kind) + ", " + Quote(b.version_name) +
                            ", " + Quote(ToJson(b.version).dump()) + ", " + Quote(b.latest_sql) +
                            ", " + Quote(b.plan_hash) + ", " + Quote(b.error) + ", " +
                            Quote(b.applied_by) + ", " + Quote(NowUtc()) + ", NULL)"));
  return id;
}

Status StateStore::SetBatchState(long long batch, const std::string& state,
                                 const std::string& error) {
  bool final = state == kCompleted || state == kRolledBack;
  return conn_.Execute("UPDATE " + d_.StateTable("batches") + " SET state = " + Quote(state) +
                       ", error = " + Quote(error) +
                       (final ? ", finished_at = " + Quote(NowUtc()) : "") +
                       " WHERE id = " + Num(batch));
}

Status StateStore::InsertRows(const std::string& table, const std::string& columns,
                              const std::vector<std::string>& values) {
  const size_t kStatementBytes = 512 * 1024;
  const std::string head = "INSERT INTO " + table + " (" + columns + ") VALUES ";
  std::string sql;
  for (size_t i = 0; i < values.size(); ++i) {
    sql += (sql.empty() ? head : ", ") + values[i];
    if (sql.size() >= kStatementBytes || i + 1 == values.size()) {
      BELLOWS_TRY(conn_.Execute(sql));
      sql.clear();
    }
  }
  return Status::Ok();
}

Status StateStore::InsertHistory(const std::vector<HistoryRow>& rows) {
  if (rows.empty()) return Status::Ok();
  BELLOWS_ASSIGN_OR_RETURN(long long id, NextId(d_.StateTable("history")));
  const std::string now = Quote(NowUtc());
  std::vector<std::string> values;
  for (const HistoryRow& h : rows) {
    values.push_back("(" + Num(id++) + ", " + Quote(h.version) + ", " + Quote(h.name) + ", " +
                     Quote(h.file) + ", " + Quote(h.kind) + ", " + Quote(h.checksum) + ", " +
                     Quote(h.down_checksum) + ", " + Num(h.batch_id) + ", " + Quote(h.state) +
                     ", " + now + ", NULL, 0, " + Quote(h.applied_by) + ", " +
                     Quote(h.bellows_version) + ", " + Quote(h.fingerprint) + ", " +
                     Quote(h.plan_hash) + ", " + (h.inverse.empty() ? "NULL" : Quote(h.inverse)) +
                     ", " + Quote(h.irreversible) + ", '')");
  }
  return InsertRows(d_.StateTable("history"),
                    "id, version, name, file, kind, checksum, down_checksum, batch_id, state, "
                    "started_at, finished_at, duration_ms, applied_by, bellows_version, "
                    "fingerprint, plan_hash, inverse, irreversible, error",
                    values);
}

Status StateStore::SetHistoryState(long long batch, const std::string& state,
                                   const std::string& error, const std::string& fingerprint) {
  bool final = state == kCompleted || state == kRolledBack || state == kFailed;
  std::string sql = "UPDATE " + d_.StateTable("history") + " SET state = " + Quote(state) +
                    ", error = " + Quote(error);
  if (!fingerprint.empty()) sql += ", fingerprint = " + Quote(fingerprint);
  if (final) sql += ", finished_at = " + Quote(NowUtc());
  return conn_.Execute(sql + " WHERE batch_id = " + Num(batch));
}

Status StateStore::SetHistoryStateById(long long id, const std::string& state) {
  return conn_.Execute("UPDATE " + d_.StateTable("history") + " SET state = " + Quote(state) +
                       " WHERE id = " + Num(id));
}

Status StateStore::SetHistoryStateFor(long long batch, const std::string& version,
                                      const std::string& state, const std::string& error) {
  return conn_.Execute("UPDATE " + d_.StateTable("history") + " SET state = " + Quote(state) +
                       ", error = " + Quote(error) + " WHERE batch_id = " + Num(batch) +
                       " AND version = " + Quote(version));
}

Status StateStore::InsertSteps(long long batch, const std::vector<StepRow>& steps) {
  std::vector<std::string> values;
  for (const StepRow& s : steps) {
    values.push_back("(" + Num(batch) + ", " + Num(s.step.seq) + ", " + Quote(s.migration_version) +
                     ", " + Quote(PhaseName(s.step.phase)) + ", " + Quote(s.step.kind) + ", " +
                     Quote(s.step.description) + ", " + Quote(s.status) + ", " +
                     Quote(ToJson(s.step).dump()) + ", " + Quote(s.checkpoint) + ", '')");
  }
  return InsertRows(d_.StateTable("steps"),
                    "batch_id, seq, migration, phase, kind, description, status, definition, "
                    "checkpoint, error",
                    values);
}

Status StateStore::SetStepStatus(long long batch, int seq, const std::string& status,
                                 const std::string& error) {
  std::string time_column = status == kRunning ? "started_at" : "finished_at";
  return conn_.Execute("UPDATE " + d_.StateTable("steps") + " SET status = " + Quote(status) +
                       ", error = " + Quote(error) + ", " + time_column + " = " + Quote(NowUtc()) +
                       " WHERE batch_id = " + Num(batch) + " AND seq = " + Num(seq));
}

Status StateStore::MarkDoneThenRunning(long long batch, int done_seq, int running_seq) {
  std::string now = Quote(NowUtc());
  std::string is_done = "seq = " + Num(done_seq);
  return conn_.Execute("UPDATE " + d_.StateTable("steps") + " SET status = CASE WHEN " + is_done +
                       " THEN " + Quote(kDone) + " ELSE " + Quote(kRunning) +
                       " END, error = '', finished_at = CASE WHEN " + is_done + " THEN " + now +
                       " ELSE finished_at END, started_at = CASE WHEN " + is_done +
                       " THEN started_at ELSE " + now + " END WHERE batch_id = " + Num(batch) +
                       " AND seq IN (" + Num(done_seq) + ", " + Num(running_seq) + ")");
}

Status StateStore::SetCheckpoint(long long batch, int seq, const std::string& checkpoint) {
  return conn_.Execute("UPDATE " + d_.StateTable("steps") +
                       " SET checkpoint = " + Quote(checkpoint) +
                       " WHERE batch_id = " + Num(batch) + " AND seq = " + Num(seq));
}

Status StateStore::LogRepair(const std::string& by, const std::string& action,
                             const std::string& detail) {
  BELLOWS_ASSIGN_OR_RETURN(long long id, NextId(d_.StateTable("repairs")));
  return conn_.Execute("INSERT INTO " + d_.StateTable("repairs") +
                       " (id, at, by_whom, action, detail) VALUES (" + Num(id) + ", " +
                       Quote(NowUtc()) + ", " + Quote(by) + ", " + Quote(action) + ", " +
                       Quote(detail) + ")");
}

Result<std::vector<RepairRow>> StateStore::Repairs() {
  BELLOWS_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT id, at, by_whom, action, detail FROM " +
                                                  d_.StateTable("repairs") + " ORDER BY id"));
  std::vector<RepairRow> out;
  for (const Row& r : rows.rows)
    out.push_back({Int(r[0]), Str(r[1]), Str(r[2]), Str(r[3]), Str(r[4])});
  return out;
}

Status StateStore::ResolveBatch(long long batch, const std::string& by, const std::string& note) {
  BELLOWS_TRY(conn_.Execute("UPDATE " + d_.StateTable("batches") + " SET state = '" + kRolledBack +
                            "', finished_at = " + Quote(NowUtc()) + ", error = " + Quote(note) +
                            " WHERE id = " + Num(batch)));
  BELLOWS_TRY(conn_.Execute("UPDATE " + d_.StateTable("history") + " SET state = '" + kRolledBack +
                            "', finished_at = " + Quote(NowUtc()) +
                            " WHERE batch_id = " + Num(batch) + " AND state <> '" + kFailed + "'"));
  return LogRepair(by, "resolve-failed", "batch " + Num(batch) + ": " + note);
}

Status StateStore::AcceptChecksum(long long history_id, const std::string& checksum,
                                  const std::string& down_checksum, const std::string& by,
                                  const std::string& note) {
  BELLOWS_TRY(conn_.Execute(
      "UPDATE " + d_.StateTable("history") + " SET checksum = " + Quote(checksum) +
      ", down_checksum = " + Quote(down_checksum) + " WHERE id = " + Num(history_id)));
  return LogRepair(by, "accept-checksums", note);
}

Status StateStore::SaveSnapshot(const std::string& fingerprint, const std::string& snapshot) {
  BELLOWS_ASSIGN_OR_RETURN(std::optional<std::string> existing, Snapshot(fingerprint));
  if (existing) return Status::Ok();
  return conn_.Execute("INSERT INTO " + d_.StateTable("snapshots") +
                       " (fingerprint, snapshot, created_at) VALUES (" + Quote(fingerprint) + ", " +
                       Quote(snapshot) + ", " + Quote(NowUtc()) + ")");
}

Result<std::optional<std::string>> StateStore::Snapshot(const std::string& fingerprint) {
  BELLOWS_ASSIGN_OR_RETURN(Rows rows,
                           conn_.Query("SELECT snapshot FROM " + d_.StateTable("snapshots") +
                                       " WHERE fingerprint = " + Quote(fingerprint)));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(Str(rows.rows[0][0]));
}

Result<std::string> StateStore::RecordedFingerprint() {
  BELLOWS_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT value FROM " + d_.StateTable("meta") +
                                                  " WHERE name = 'fingerprint'"));
  return rows.empty() ? std::string() : Str(rows.rows[0][0]);
}

Status StateStore::SetFingerprint(const std::string& fingerprint, const std::string& snapshot) {
  BELLOWS_TRY(SaveSnapshot(fingerprint, snapshot));
  BELLOWS_TRY(
      conn_.Execute("DELETE FROM " + d_.StateTable("meta") + " WHERE name = 'fingerprint'"));
  return conn_.Execute("INSERT INTO " + d_.StateTable("meta") +
                       " (name, value) VALUES ('fingerprint', " + Quote(fingerprint) + ")");
}

}  // namespace bellows
