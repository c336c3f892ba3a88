// The MariaDB/MySQL tests need a server: scripts/servers.sh starts one and prints the URL for
// BELLOWS_TEST_MYSQL_URL. Without it the suite is reported as skipped (exit 77), except under
// CI=true, where a missing server is a failure.
#define DOCTEST_CONFIG_IMPLEMENT
#include <cstdio>
#include <cstdlib>
#include <string>

#include <doctest/doctest.h>
#include <mysql.h>

#include "tests/mysql/my_harness.h"

int main(int argc, char** argv) {
  if (bellows::mytest::ServerUrl().empty()) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") {
      std::fprintf(stderr, "BELLOWS_TEST_MYSQL_URL is not set: no MariaDB server to test\n");
      return 1;
    }
    std::fprintf(stderr,
                 "skipped: set BELLOWS_TEST_MYSQL_URL (scripts/servers.sh start mariadb starts a "
                 "server)\n");
    return 77;
  }
  // the writer tests connect from several threads: initialise the client library once, first
  if (mysql_library_init(0, nullptr, nullptr) != 0) {
    std::fprintf(stderr, "mysql_library_init failed\n");
    return 1;
  }
  doctest::Context context(argc, argv);
  int rc = context.run();
  mysql_library_end();
  return rc;
}
