#pragma once
// Status and Result<T>: how every fallible bellows function reports failure.
//
// A Status is OK or carries a Code (what kind of failure, so callers can branch: retry a lock
// timeout, undo on a database error, refuse on a conflict) plus the details a user needs: a
// message with context added while unwinding, a hint (what to do next), the location in the
// user's file, the migration and step, the SQLSTATE. The CLI maps Codes to exit codes in one
// table (cli/exit_codes.cc). Status is cheap when OK (a null pointer) and copyable.
// Thread-compatible: distinct objects may be used from distinct threads.

#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace bellows {

enum class Code {
  kOk = 0,
  kUsage,        // bad flag, configuration or URL; nothing changed (exit 2)
  kConnection,   // cannot reach or log in to the database (exit 2)
  kDrift,        // the live schema differs from the recorded one (exit 3)
  kInvalid,      // a migration, sum file or plan-time check is wrong (exit 4)
  kNotFound,     // a named object does not exist (validation, exit 4)
  kUnsupported,  // the dialect or bellows cannot do this (exit 4)
  kLockBusy,     // the runner lock was not acquired in time (exit 5)
  kLockTimeout,  // a statement's lock wait ran out (retried; exit 1 or 6 when retries run out)
  kDatabase,     // the database rejected a statement (exit 1 once undone)
  kNotRestored,  // failed and the undo did not finish (exit 6)
  kConflict,     // refused because of recorded state: batch in flight, stale plan (exit 7)
  kInternal,     // a bug in bellows (exit 1)
};

// Stable lowercase name of a code, used as "class" in JSON errors.
const char* CodeName(Code code);

struct SourceLocation {
  std::string file;  // the user's file, as given to the loader
  int line = 0;      // 1-based; 0 = unknown
  int column = 0;    // 1-based; 0 = unknown
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  // Use BELLOWS_ERR instead: it records where in bellows the error was made.
  static Status Error(Code code, std::string message, const char* src_file, int src_line);
  static Status Ok() { return Status(); }

  bool ok() const { return rep_ == nullptr; }
  Code code() const { return rep_ ? rep_->code : Code::kOk; }
  const std::string& message() const;
  const std::string& hint() const;
  const std::optional<SourceLocation>& location() const;
  const std::string& migration() const;
  const std::string& step() const;
  const std::string& sql_state() const;
  std::string origin() const;  // "engine/loader.cc:42", for --verbose

  // Builders; each is a no-op on an OK status.
  Status& WithHint(std::string hint);
  Status& WithLocation(SourceLocation location);  // keeps an existing location
  Status& WithMigration(std::string migration);   // keeps an existing migration
  Status& WithStep(std::string step);
  Status& WithSqlState(std::string sql_state);
  Status& WithCode(Code code);
  // Prefixes the message with context ("starting 0003_x: " + message).
  Status& With(std::string_view context);

  // "file:line:column: message" (location first when known).
  std::string ToString() const;

 private:
  struct Rep {
    Code code;
    std::string message;
    std::string hint;
    std::optional<SourceLocation> location;
    std::string migration;
    std::string step;
    std::string sql_state;
    const char* src_file;
    int src_line;
  };
  std::unique_ptr<Rep> rep_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }
  // REQUIRES: ok()
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace bellows

#define BELLOWS_ERR(code, msg) \
  ::bellows::Status::Error(::bellows::Code::code, (msg), __FILE__, __LINE__)

#define BELLOWS_CONCAT_INNER(a, b) a##b
#define BELLOWS_CONCAT(a, b) BELLOWS_CONCAT_INNER(a, b)

// Returns the Status of `expr` (a Status) from the enclosing function if it is not OK.
#define BELLOWS_TRY(expr) BELLOWS_TRY_IMPL(BELLOWS_CONCAT(bellows_try_status_, __COUNTER__), expr)
#define BELLOWS_TRY_IMPL(tmp, expr) \
  do {                              \
    ::bellows::Status tmp = (expr); \
    if (!tmp.ok()) return tmp;      \
  } while (0)

// `decl` = value of the Result `expr`, or return its Status from the enclosing function.
#define BELLOWS_ASSIGN_OR_RETURN(decl, expr) \
  BELLOWS_ASSIGN_OR_RETURN_IMPL(BELLOWS_CONCAT(bellows_result_, __COUNTER__), decl, expr)
#define BELLOWS_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return std::move(tmp).status();       \
  decl = std::move(tmp).value()
