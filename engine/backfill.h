#pragma once
// Batched keyset backfill (SPEC 4.4): pages through a table by its key, each batch one short
// UPDATE in the caller's transaction; the checkpoint (the last key done) is committed with
// the batch so a restart resumes after it.

#include <string>
#include <vector>

#include "engine/dialect.h"
#include "engine/step.h"

namespace bellows {

class Backfiller {
 public:
  Backfiller(Connection& conn, const steps::Backfill& spec, int batch_size)
      : conn_(conn),
        d_(conn.dialect()),
        spec_(spec),
        batch_size_(batch_size < 1 ? 1 : batch_size) {}

  // Reads the checkpoint of an earlier run ("" = from the start) and counts the rows.
  Status Prepare(const std::string& checkpoint);
  // Runs one batch inside the caller's transaction; `finished` when no rows are left.
  Status RunBatch(bool* finished);
  // The checkpoint to commit with the batch.
  std::string Checkpoint() const;
  void Committed();  // the batch committed: move on
  void Retry();      // the batch rolled back: run it again
  long long rows_done() const { return done_; }
  long long rows_total() const { return total_; }

 private:
  std::string KeyList() const;
  std::string After(const std::vector<std::string>& key) const;
  std::string Tuple(const std::vector<std::string>& values) const;

  Connection& conn_;
  const Dialect& d_;
  steps::Backfill spec_;
  int batch_size_;
  std::string set_sql_;
  std::vector<std::string> last_;     // last key committed
  std::vector<std::string> pending_;  // last key of the running batch
  long long done_ = 0, total_ = 0, pending_rows_ = 0;
};

}  // namespace bellows
