#include "engine/session_liveness.h"

#include <chrono>
#include <poll.h>

namespace bellows {

namespace {

long long NowMs() {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool SessionLiveness::NeedsRoundTrip(int fd) const {
  if (fd < 0 || last_round_trip_ms_ < 0) return true;
  if (NowMs() - last_round_trip_ms_ >= max_quiet_.count()) return true;
  pollfd p{fd, POLLIN, 0};
  int ready = poll(&p, 1, 0);
  return ready != 0;  // input, hang-up, error, or poll itself failed
}

void SessionLiveness::RoundTripped() { last_round_trip_ms_ = NowMs(); }

}  // namespace bellows
