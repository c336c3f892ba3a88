#include "engine/status.h"

#include <cstring>

namespace bellows {

namespace {
const std::string& EmptyString() {
  static const std::string* empty = new std::string();
  return *empty;
}
const std::optional<SourceLocation>& NoLocation() {
  static const auto* none = new std::optional<SourceLocation>();
  return *none;
}
}  // namespace

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kUsage:
      return "usage";
    case Code::kConnection:
      return "connection";
    case Code::kDrift:
      return "drift";
    case Code::kInvalid:
      return "validation";
    case Code::kNotFound:
      return "not_found";
    case Code::kUnsupported:
      return "unsupported";
    case Code::kLockBusy:
      return "lock_busy";
    case Code::kLockTimeout:
      return "lock_timeout";
    case Code::kDatabase:
      return "database";
    case Code::kNotRestored:
      return "not_restored";
    case Code::kConflict:
      return "conflict";
    case Code::kInternal:
      return "internal";
  }
  return "internal";
}

Status::Status(const Status& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  return *this;
}

Status Status::Error(Code code, std::string message, const char* src_file, int src_line) {
  Status s;
  s.rep_ = std::make_unique<Rep>(
      Rep{code, std::move(message), {}, std::nullopt, {}, {}, {}, src_file, src_line});
  return s;
}

const std::string& Status::message() const { return rep_ ? rep_->message : EmptyString(); }
const std::string& Status::hint() const { return rep_ ? rep_->hint : EmptyString(); }
const std::optional<SourceLocation>& Status::location() const {
  return rep_ ? rep_->location : NoLocation();
}
const std::string& Status::migration() const { return rep_ ? rep_->migration : EmptyString(); }
const std::string& Status::step() const { return rep_ ? rep_->step : EmptyString(); }
const std::string& Status::sql_state() const { return rep_ ? rep_->sql_state : EmptyString(); }

std::string Status::origin() const {
  if (!rep_ || rep_->src_file == nullptr) return "";
  const char* file = rep_->src_file;
  // Keep the path from the repository root (engine/..., dialects/..., cli/...).
  for (const char* root : {"/engine/", "/dialects/", "/cli/"}) {
    if (const char* p = std::strstr(file, root)) {
      file = p + 1;
      break;
    }
  }
  return std::string(file) + ":" + std::to_string(rep_->src_line);
}

Status& Status::WithHint(std::string hint) {
  if (rep_) rep_->hint = std::move(hint);
  return *this;
}
Status& Status::WithLocation(SourceLocation location) {
  if (rep_ && !rep_->location) rep_->location = std::move(location);
  return *this;
}
Status& Status::WithMigration(std::string migration) {
  if (rep_ && rep_->migration.empty()) rep_->migration = std::move(migration);
  return *this;
}
Status& Status::WithStep(std::string step) {
  if (rep_ && rep_->step.empty()) rep_->step = std::move(step);
  return *this;
}
Status& Status::WithSqlState(std::string sql_state) {
  if (rep_) rep_->sql_state = std::move(sql_state);
  return *this;
}
Status& Status::WithCode(Code code) {
  if (rep_) rep_->code = code;
  return *this;
}
Status& Status::With(std::string_view context) {
  if (rep_) rep_->message = std::string(context) + ": " + rep_->message;
  return *this;
}

std::string Status::ToString() const {
  if (!rep_) return "ok";
  std::string out;
  if (rep_->location && !rep_->location->file.empty()) {
    out += rep_->location->file;
    if (rep_->location->line > 0) {
      out += ":" + std::to_string(rep_->location->line);
      if (rep_->location->column > 0) out += ":" + std::to_string(rep_->location->column);
    }
    out += ": ";
  }
  return out + rep_->message;
}

}  // namespace bellows
