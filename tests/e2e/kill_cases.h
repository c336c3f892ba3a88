#pragma once
// Kill-and-resume, shared by the PostgreSQL and MariaDB suites (SPEC 4.0): a command is killed
// with SIGKILL right after its n-th state record (BELLOWS_FAULT_AFTER_STEP=n), for n = 1, 2, ...
// until it runs through; after each kill, status must say where the batch stopped and the same
// command must finish it.

#include <functional>
#include <string>

#include <doctest/doctest.h>

#include "tests/e2e/harness.h"

namespace bellows::e2e {

struct KillCase {
  std::string command;      // "start --batch-size 4", "complete", "rollback"
  std::string interrupted;  // the batch state status shows while the command is unfinished
  std::string settled;      // what status shows when the kill came after the last record
  std::string then;         // run after the command has finished ("" = nothing)
};

// `P` is a dialect's project (PgProject, MyProject: a fresh database and its `project`), made
// for every kill; `prepare` sets it up, `verify` checks it at the end. Returns the number of
// runs killed.
template <typename P>
int KillAfterEveryRecord(const KillCase& k, const std::function<void(P&)>& prepare,
                         const std::function<void(P&)>& verify) {
  int crashes = 0;
  for (int n = 1; n < 100; ++n) {
    CAPTURE(n);
    P target;
    prepare(target);
    Project& p = target.project;
    Run r = p.Bellows(k.command, {{"BELLOWS_FAULT_AFTER_STEP", std::to_string(n)}});
    if (r.exit_code == 0) break;
    INFO(r.out, r.err);
    REQUIRE(r.exit_code == 128 + 9);
    ++crashes;
    Run status = p.Bellows("status");
    INFO(status.out, status.err);
    CHECK(status.exit_code == 0);
    if (Has(status.out, "is " + k.interrupted)) {
      Run resumed = p.Bellows(k.command);
      INFO(resumed.out, resumed.err);
      REQUIRE(resumed.exit_code == 0);
    } else {
      CHECK(Has(status.out, k.settled));
    }
    if (!k.then.empty()) {
      Run then = p.Bellows(k.then);
      INFO(then.out, then.err);
      REQUIRE(then.exit_code == 0);
    }
    verify(target);
  }
  return crashes;
}

}  // namespace bellows::e2e
