// bellows fleet on 20 PostgreSQL databases of one cluster (issue 11). The password in the
// targets file is a ${VAR}; the test server trusts every login, so any password connects.

#include <doctest/doctest.h>

#include "tests/e2e/fleet_cases.h"
#include "tests/pg/pg_harness.h"

namespace bellows::pgtest {

TEST_CASE("fleet on 20 PostgreSQL databases: waves, per-server limit, expand and contract") {
  std::vector<std::unique_ptr<PgDb>> dbs;
  e2e::FleetServer s;
  for (int i = 0; i < 20; ++i) {
    dbs.push_back(std::make_unique<PgDb>());
    std::string url = dbs.back()->url();  // postgres://postgres@host:port/name
    url.replace(url.find("postgres@"), 9, "postgres:${FLEET_PG_SECRET}@");
    s.urls.push_back(url);
  }
  s.env = {{"FLEET_PG_SECRET", "fleet-pg-s3cr3t"}};
  s.sleep_sql = "SELECT pg_sleep(0.3)";
  PgConn admin(ServerUrl());
  s.sleeping = [&] {
    return std::stoi(
        admin.Query("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                    "AND query LIKE '%pg_sleep(0.3)%' AND pid <> pg_backend_pid()")[0][0]);
  };
  s.query = [&](size_t i, const std::string& sql) {
    PgConn c(dbs[i]->url());
    return c.Query(sql);
  };
  e2e::FleetOnServer(s);
}

}  // namespace bellows::pgtest
