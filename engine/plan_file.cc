#include "engine/plan_file.h"

#include "engine/checksum.h"
#include "engine/schema_json.h"
#include "engine/strings.h"

namespace bellows {

using nlohmann::json;

Result<PlanInputs> CurrentInputs(Connection& conn, const Inventory& inv,
                                 const std::vector<const Migration*>& pending, const Schema* live) {
  PlanInputs in;
  in.bellows_version = BELLOWS_VERSION;
  in.dialect = std::string(conn.dialect().Name());
  in.server_version = conn.ServerVersion();
  for (const Migration* m : pending) {
    in.files.emplace_back(m->file, m->checksum);
    if (!m->down_file.empty()) in.files.emplace_back(m->down_file, m->down_checksum);
  }
  long long last = inv.history.empty() ? 0 : inv.history.back().id;
  in.state_head =
      "history " + std::to_string(last) + ", in flight " +
      (inv.in_flight ? std::to_string(inv.in_flight->id) + " " + inv.in_flight->state : "none");
  if (live != nullptr) {
    in.fingerprint = Fingerprint(*live);
  } else {
    BELLOWS_ASSIGN_OR_RETURN(Schema schema, conn.Introspect());
    in.fingerprint = Fingerprint(schema);
  }
  return in;
}

namespace {
json InputsJson(const PlanInputs& in) {
  json files = json::array();
  for (const auto& [f, c] : in.files) files.push_back({{"file", f}, {"checksum", c}});
  return {{"bellows_version", in.bellows_version}, {"dialect", in.dialect},
          {"server_version", in.server_version},   {"files", files},
          {"state_head", in.state_head},           {"fingerprint", in.fingerprint}};
}

PlanInputs InputsFromJson(const json& j) {
  PlanInputs in;
  in.bellows_version = j.value("bellows_version", "");
  in.dialect = j.value("dialect", "");
  in.server_version = j.value("server_version", "");
  for (const json& f : j.value("files", json::array()))
    in.files.emplace_back(f.value("file", ""), f.value("checksum", ""));
  in.state_head = j.value("state_head", "");
  in.fingerprint = j.value("fingerprint", "");
  return in;
}

json DataCheckJson(const DataCheck& c) {
  return {{"kind", static_cast<int>(c.kind)},
          {"table", c.table},
          {"expr", c.expr},
          {"ref_table", c.ref_table},
          {"ref_column", c.ref_column},
          {"message", c.message},
          {"hint", c.hint},
          {"op", c.op}};
}

DataCheck DataCheckFromJson(const json& j) {
  DataCheck c;
  c.kind = static_cast<DataCheck::Kind>(j.value("kind", 0));
  c.table = j.value("table", "");
  c.expr = j.value("expr", "");
  c.ref_table = j.value("ref_table", "");
  c.ref_column = j.value("ref_column", "");
  c.message = j.value("message", "");
  c.hint = j.value("hint", "");
  c.op = j.value("op", "");
  return c;
}
}  // namespace

json ToJson(const BatchPlan& plan) {
  json migrations = json::array();
  for (const MigrationPlan& m : plan.migrations) {
    migrations.push_back({{"version", m.version},
                          {"id", m.id},
                          {"name", m.name},
                          {"description", m.description},
                          {"kind", m.kind},
                          {"file", m.file},
                          {"checksum", m.checksum},
                          {"down_checksum", m.down_checksum},
                          {"inverse", m.inverse},
                          {"irreversible", m.irreversible},
                          {"no_transaction", m.no_transaction}});
  }
  json steps = json::array();
  for (const PlannedStep& s : plan.steps) steps.push_back(ToJson(s));
  json checks = json::array();
  for (const DataCheck& c : plan.data_checks) checks.push_back(DataCheckJson(c));
  return {
      {"version", ToJson(plan.version)}, {"migrations", migrations}, {"steps", steps},
      {"latest_sql", plan.latest_sql},   {"data_checks", checks},    {"warnings", plan.warnings}};
}

BatchPlan BatchPlanFromJson(const json& j) {
  BatchPlan plan;
  plan.version = VersionSpecFromJson(j.at("version"));
  for (const json& m : j.value("migrations", json::array())) {
    MigrationPlan mp;
    mp.version = m.value("version", "");
    mp.id = m.value("id", "");
    mp.name = m.value("name", "");
    mp.description = m.value("description", "");
    mp.kind = m.value("kind", "");
    mp.file = m.value("file", "");
    mp.checksum = m.value("checksum", "");
    mp.down_checksum = m.value("down_checksum", "");
    mp.inverse = m.value("inverse", json());
    mp.irreversible = m.value("irreversible", "");
    mp.no_transaction = m.value("no_transaction", false);
    plan.migrations.push_back(mp);
  }
  for (const json& s : j.value("steps", json::array()))
    plan.steps.push_back(PlannedStepFromJson(s));
  plan.latest_sql = j.value("latest_sql", "");
  for (const json& c : j.value("data_checks", json::array()))
    plan.data_checks.push_back(DataCheckFromJson(c));
  plan.warnings = j.value("warnings", std::vector<std::string>{});
  return plan;
}

std::string PlanHash(const PlanInputs& inputs, const std::vector<BatchPlan>& batches) {
  json steps = json::array();
  for (const BatchPlan& b : batches) {
    for (const PlannedStep& s : b.steps) steps.push_back(ToJson(s));
  }
  return Sha256Hex(json{{"inputs", InputsJson(inputs)}, {"steps", steps}}.dump());
}

json ToJson(const PlanDocument& doc) {
  json batches = json::array();
  for (const BatchPlan& b : doc.batches) batches.push_back(ToJson(b));
  return {{"plan_hash", doc.plan_hash}, {"inputs", InputsJson(doc.inputs)}, {"batches", batches}};
}

Result<PlanDocument> ReadPlanFile(const std::string& path) {
  BELLOWS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("plan_hash") || !j.contains("batches")) {
    return BELLOWS_ERR(kUsage, path + " is not a plan written by bellows plan --out");
  }
  PlanDocument doc;
  try {
    doc.plan_hash = j.at("plan_hash").get<std::string>();
    doc.inputs = InputsFromJson(j.at("inputs"));
    for (const json& b : j.at("batches")) doc.batches.push_back(BatchPlanFromJson(b));
  } catch (const json::exception& e) {
    return BELLOWS_ERR(kUsage, path + " is not a valid plan: " + e.what());
  }
  if (PlanHash(doc.inputs, doc.batches) != doc.plan_hash) {
    return BELLOWS_ERR(kConflict, path + " was edited: its plan_hash does not match its content")
        .WithHint("make the plan again with bellows plan --out");
  }
  return doc;
}

std::vector<std::string> CompareInputs(const PlanInputs& saved, const PlanInputs& now) {
  std::vector<std::string> out;
  auto cmp = [&](const std::string& what, const std::string& a, const std::string& b) {
    if (a != b)
      out.push_back(what + ": plan has " + (a.empty() ? "none" : a) + ", now " +
                    (b.empty() ? "none" : b));
  };
  cmp("bellows version", saved.bellows_version, now.bellows_version);
  cmp("dialect", saved.dialect, now.dialect);
  cmp("server version", saved.server_version, now.server_version);
  cmp("state", saved.state_head, now.state_head);
  cmp("schema fingerprint", saved.fingerprint.substr(0, 12), now.fingerprint.substr(0, 12));
  if (saved.files != now.files) {
    std::vector<std::string> a, b;
    for (const auto& [f, c] : saved.files) a.push_back(f + "@" + c.substr(0, 8));
    for (const auto& [f, c] : now.files) b.push_back(f + "@" + c.substr(0, 8));
    out.push_back("migration files: plan covers [" + Join(a, ", ") + "], now pending [" +
                  Join(b, ", ") + "]");
  }
  return out;
}

}  // namespace bellows
