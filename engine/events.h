#pragma once
// Progress events (SPEC 7.1): step_started, step_finished, backfill_progress, lock_wait,
// retry. The engine emits them; the CLI writes them to stderr as JSON lines (--format json)
// or as human progress.

#include <string>

#include <nlohmann/json.hpp>

namespace bellows {

class EventSink {
 public:
  virtual ~EventSink() = default;
  // `event` has "event" and the event's fields; "ts" is added by Emit's callers through Event().
  virtual void Emit(const nlohmann::json& event) = 0;
};

// {"event": name, "ts": now (RFC 3339 UTC, milliseconds)}.
nlohmann::json Event(const std::string& name);

class NullEventSink final : public EventSink {
 public:
  void Emit(const nlohmann::json&) override {}
};

}  // namespace bellows
