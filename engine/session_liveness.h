#pragma once
// Telling, without a round trip, that a runner-lock session is still there. A server that ends
// a session (pg_terminate_backend, KILL, shutdown, idle timeout, crash) sends an error or
// closes the socket, so the socket has input or a hang-up waiting; an idle socket with nothing
// waiting is a live session. A round trip is still made when the last one is older than
// `max_quiet`, which keeps the session from idling into the server's timeouts and bounds how
// long a half-open connection (no FIN ever arrives) goes unnoticed. Decision 35.

#include "engine/duration.h"

namespace bellows {

class SessionLiveness {
 public:
  explicit SessionLiveness(Millis max_quiet = Millis(5000)) : max_quiet_(max_quiet) {}

  // True when the lock must be checked with a round trip on socket `fd`: something waits on
  // it, it hung up, `fd` is not a socket (< 0), or the last round trip is too old.
  bool NeedsRoundTrip(int fd) const;
  // Call after every successful round trip on the session.
  void RoundTripped();

 private:
  Millis max_quiet_;
  long long last_round_trip_ms_ = -1;  // steady clock; -1: never
};

}  // namespace bellows
