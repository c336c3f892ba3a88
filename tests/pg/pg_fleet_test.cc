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

namespace bellows::pgtest {

TEST_CASE("fleet takes its targets from a tenants table") {
  PgDb registry, eu1, eu2, us1;
  PgConn reg(registry.url());
  reg.Must("CREATE TABLE tenants (id text PRIMARY KEY, url text NOT NULL, region text)");
  reg.Must("INSERT INTO tenants VALUES ('eu1', '" + eu1.url() + "', 'eu'), ('eu2', '" + eu2.url() +
           "', 'eu'), ('us1', '" + us1.url() + "', 'us')");
  e2e::Project p;
  e2e::WriteFleetProject(p);
  e2e::WriteTargets(p, {},
                    "targets_query:\n  url_env: REGISTRY_URL\n  sql: SELECT id, url, region FROM "
                    "tenants ORDER BY id\n");
  std::map<std::string, std::string> env = {{"REGISTRY_URL", registry.url()}};
  e2e::Run run = e2e::Fleet(p, "apply --select region=eu --format json", env);
  REQUIRE_MESSAGE(run.exit_code == 0, (run.out + run.err));
  auto targets = e2e::TargetsOf(e2e::JsonOf(run));
  CHECK(targets.size() == 2);
  CHECK(targets["eu2"]["version_after"] == "5");
  CHECK(targets["eu2"]["labels"]["region"] == "eu");
  PgConn eu(eu1.url()), us(us1.url());
  CHECK(eu.Query("SELECT name FROM items ORDER BY id") == Table{{"apple"}, {"pear"}});
  CHECK(us.Query("SELECT count(*) FROM pg_tables WHERE tablename = 'items'") == Table{{"0"}});
}

}  // namespace bellows::pgtest
