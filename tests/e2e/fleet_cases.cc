#include "tests/e2e/fleet_cases.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

namespace bellows::e2e {

void WriteFleetProject(Project& p) {
  p.Write("0001_items.yaml", R"yaml(operations:
  - create_table:
      table: items
      columns:
        - {name: id, type: bigint, identity: true, primary_key: true}
        - {name: name, type: varchar(100), nullable: false}
)yaml");
  p.Write("0002_seed.sql", "INSERT INTO items (name) VALUES ('apple'), ('pear');\n");
  p.Write("0003_price.yaml",
          "operations:\n  - add_column: {table: items, column: {name: price, type: integer}}\n");
  p.Write("0004_index.yaml", R"yaml(operations:
  - create_index: {name: items_name_idx, table: items, columns: [name]}
)yaml");
  p.Write("0005_amount.yaml",
          "operations:\n  - rename_column: {table: items, from: price, to: amount}\n");
}

void WriteTargets(const Project& p, const std::vector<FleetEntry>& targets,
                  const std::string& extra) {
  std::ofstream f(p.dir() + "/bellows.fleet.yaml");
  if (!targets.empty()) f << "targets:\n";
  for (const FleetEntry& t : targets) {
    f << "  - id: " << t.id << "\n";
    if (!t.url.empty()) f << "    url: \"" << t.url << "\"\n";
    if (!t.url_env.empty()) f << "    url_env: " << t.url_env << "\n";
    if (!t.labels.empty()) f << "    labels: {" << t.labels << "}\n";
  }
  f << extra;
}

Run Fleet(const Project& p, const std::string& args,
          const std::map<std::string, std::string>& env) {
  return p.Bellows("--dir migrations fleet " + args, env, true);
}

std::map<std::string, nlohmann::json> TargetsOf(const nlohmann::json& report) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& t : report["targets"]) out[t["id"].get<std::string>()] = t;
  return out;
}

void FleetOnServer(const FleetServer& s) {
  Project p;
  WriteFleetProject(p);
  p.Write("0002_seed.sql",
          "INSERT INTO items (name) VALUES ('apple'), ('pear');\n" + s.sleep_sql + ";\n");
  std::vector<FleetEntry> targets;
  for (size_t i = 0; i < s.urls.size(); ++i) {
    targets.push_back(
        {"db" + std::to_string(i), s.urls[i], i < 2 ? "tier: canary" : "tier: main", ""});
  }
  WriteTargets(p, targets, "waves:\n  - {name: canary, select: tier=canary}\n");

  std::atomic<bool> running{true};
  std::atomic<int> most{0};
  std::thread watch([&] {
    while (running) {
      int now = s.sleeping();
      if (now > most) most = now;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  Run apply = Fleet(p, "apply --parallel 4 --per-server 2 --format json", s.env);
  running = false;
  watch.join();
  REQUIRE_MESSAGE(apply.exit_code == 0, (apply.out + apply.err));
  nlohmann::json report = JsonOf(apply);
  CHECK(report["totals"]["ok"] == s.urls.size());
  CHECK(report["peak_per_server"] == 2);
  CHECK(most.load() == 2);  // two at once, never more, on the one server
  for (const auto& [name, value] : s.env) CHECK(!Has(apply.out + apply.err, value));
  for (size_t i : {size_t{0}, s.urls.size() - 1}) {
    CHECK(s.query(i, "SELECT name, amount FROM items ORDER BY id") ==
          Table{{"apple", "NULL"}, {"pear", "NULL"}});
  }

  // Expand everywhere but one database; complete waits for it.
  p.Write("0006_cost.yaml",
          "operations:\n  - rename_column: {table: items, from: amount, to: cost}\n");
  std::string last = "db" + std::to_string(s.urls.size() - 1);
  Run start =
      Fleet(p, "start --parallel 4 --per-server 4 --select tier=main,canary --format json", s.env);
  REQUIRE_MESSAGE(start.exit_code == 0, (start.out + start.err));
  CHECK(TargetsOf(JsonOf(start))["db1"]["started"] == nlohmann::json({"6"}));
  // Roll one back so that not every database is expanded.
  REQUIRE(Fleet(p, "rollback --select id=" + last, s.env).exit_code == 0);
  Run refused = Fleet(p, "complete --format json", s.env);
  CHECK(refused.exit_code == 7);
  CHECK(Has(JsonOf(refused)["error"]["message"].get<std::string>(),
            last + ": not expanded (6 is pending)"));
  CHECK(s.query(0, "SELECT name, amount FROM items ORDER BY id").size() == 2);
  REQUIRE(Fleet(p, "start --select id=" + last, s.env).exit_code == 0);
  Run complete = Fleet(p, "complete --parallel 4 --per-server 4 --format json", s.env);
  REQUIRE_MESSAGE(complete.exit_code == 0, (complete.out + complete.err));
  CHECK(JsonOf(complete)["totals"]["ok"] == s.urls.size());
  for (size_t i = 0; i < s.urls.size(); ++i) {
    CHECK(s.query(i, "SELECT name, cost FROM items ORDER BY id") ==
          Table{{"apple", "NULL"}, {"pear", "NULL"}});
  }
  Run status = Fleet(p, "status --format json", s.env);
  REQUIRE(status.exit_code == 0);
  for (const auto& [id, t] : TargetsOf(JsonOf(status))) {
    CHECK_MESSAGE(t["version_after"] == "6", id);
    CHECK_MESSAGE(t["in_flight"].is_null(), id);
  }
}

}  // namespace bellows::e2e
