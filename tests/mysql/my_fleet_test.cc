// bellows fleet on 10 MariaDB databases of one server (issue 11).

#include <doctest/doctest.h>

#include "tests/e2e/fleet_cases.h"
#include "tests/mysql/my_harness.h"

namespace bellows::mytest {

TEST_CASE("fleet on 10 MariaDB databases: waves, per-server limit, expand and contract") {
  std::vector<std::unique_ptr<MyDb>> dbs;
  e2e::FleetServer s;
  for (int i = 0; i < 10; ++i) {
    dbs.push_back(std::make_unique<MyDb>());
    s.urls.push_back(dbs.back()->url());
  }
  s.sleep_sql = "DO SLEEP(0.3)";
  MyConn admin(ServerUrl());
  s.sleeping = [&] {
    return std::stoi(
        admin.Query("SELECT count(*) FROM information_schema.PROCESSLIST WHERE "
                    "INFO LIKE 'DO SLEEP(0.3)%' AND ID <> CONNECTION_ID()")[0][0]);
  };
  s.query = [&](size_t i, const std::string& sql) {
    MyConn c(dbs[i]->url());
    return c.Query(sql);
  };
  e2e::FleetOnServer(s);
}

}  // namespace bellows::mytest
