// The PostgreSQL tests need a server: scripts/test.sh starts one and sets
// BELLOWS_TEST_POSTGRES_URL. Without it the suite is reported as skipped (exit 77), except under
// CI=true, where a missing server is a failure.
#define DOCTEST_CONFIG_IMPLEMENT
#include <cstdio>
#include <cstdlib>
#include <string>

#include <doctest/doctest.h>

#include "tests/pg/pg_harness.h"

int main(int argc, char** argv) {
  if (bellows::pgtest::ServerUrl().empty()) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") {
      std::fprintf(stderr, "BELLOWS_TEST_POSTGRES_URL is not set: no PostgreSQL server to test\n");
      return 1;
    }
    std::fprintf(stderr,
                 "skipped: set BELLOWS_TEST_POSTGRES_URL (scripts/test.sh starts a server)\n");
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
