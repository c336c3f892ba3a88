#include "tests/e2e/fleet_cases.h"

#include <fstream>

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
  f << "targets:\n";
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

}  // namespace bellows::e2e
