#include "engine/plan.h"

#include <algorithm>

#include "engine/schema_json.h"

namespace bellows {

using nlohmann::json;

std::vector<const PlannedStep*> BatchPlan::StepsOf(Phase a, Phase b) const {
  std::vector<const PlannedStep*> out;
  for (const PlannedStep& s : steps) {
    if (s.phase == a || s.phase == b) out.push_back(&s);
  }
  return out;
}

json ToJson(const RenderedStep& r) {
  json checks = json::array();
  for (const StepCheck& c : r.checks)
    checks.push_back({{"query", c.query}, {"message", c.message}});
  json j = {{"sql", r.sql},
            {"transactional", r.transactional},
            {"lock", r.lock},
            {"cost", r.cost},
            {"blocks_writes", r.blocks_writes}};
  if (!r.checks.empty()) j["checks"] = checks;
  if (!r.outside_before.empty()) j["outside_before"] = r.outside_before;
  if (!r.outside_after.empty()) j["outside_after"] = r.outside_after;
  if (!r.probe.empty()) j["probe"] = r.probe;
  if (r.restart_on_retry) j["restart_on_retry"] = true;
  if (!r.patient.empty()) j["patient"] = r.patient;
  if (!r.guards.empty()) j["guards"] = r.guards;
  if (r.idempotent) j["idempotent"] = true;
  if (r.leading_checks > 0) j["leading_checks"] = r.leading_checks;
  if (r.unordered_to > r.unordered_from)
    j["unordered"] = {{"from", r.unordered_from}, {"to", r.unordered_to}};
  return j;
}

RenderedStep RenderedStepFromJson(const json& j) {
  RenderedStep r;
  r.sql = j.value("sql", std::vector<std::string>{});
  for (const json& c : j.value("checks", json::array())) {
    r.checks.push_back({c.value("query", ""), c.value("message", "")});
  }
  r.outside_before = j.value("outside_before", std::vector<std::string>{});
  r.outside_after = j.value("outside_after", std::vector<std::string>{});
  r.transactional = j.value("transactional", true);
  r.lock = j.value("lock", "");
  r.cost = j.value("cost", "");
  r.blocks_writes = j.value("blocks_writes", false);
  r.probe = j.value("probe", "");
  r.restart_on_retry = j.value("restart_on_retry", false);
  r.patient = j.value("patient", std::vector<size_t>{});
  r.guards = j.value("guards", std::vector<std::string>{});
  r.idempotent = j.value("idempotent", false);
  r.leading_checks = j.value("leading_checks", size_t{0});
  const json unordered = j.value("unordered", json::object());
  r.unordered_from = unordered.value("from", size_t{0});
  r.unordered_to = std::min(unordered.value("to", size_t{0}), r.sql.size());
  return r;
}

json ToJson(const steps::Backfill& b) {
  json set = json::array(), names = json::array();
  for (const auto& [c, e] : b.set) set.push_back({c, e});
  for (const auto& [n, p] : b.names) names.push_back({n, p});
  return {{"table", b.table}, {"key", b.key}, {"set", set}, {"names", names}};
}

steps::Backfill BackfillFromJson(const json& j) {
  steps::Backfill b;
  b.table = j.value("table", "");
  b.key = j.value("key", std::vector<std::string>{});
  for (const json& p : j.value("set", json::array()))
    b.set.emplace_back(p[0].get<std::string>(), p[1].get<std::string>());
  for (const json& p : j.value("names", json::array()))
    b.names.emplace_back(p[0].get<std::string>(), p[1].get<std::string>());
  return b;
}

json ToJson(const PlannedStep& s) {
  json j = {{"seq", s.seq},
            {"migration", s.migration},
            {"phase", PhaseName(s.phase)},
            {"kind", s.kind},
            {"description", s.description},
            {"op", s.op},
            {"forward", ToJson(s.forward)},
            {"destructive", s.destructive},
            {"group", s.group}};
  j["inverse"] = s.inverse ? ToJson(*s.inverse) : json(nullptr);
  if (s.backfill) j["backfill"] = ToJson(*s.backfill);
  return j;
}

PlannedStep PlannedStepFromJson(const json& j) {
  PlannedStep s;
  s.seq = j.value("seq", 0);
  s.migration = j.value("migration", 0);
  std::string phase = j.value("phase", "expand");
  s.phase = phase == "contract"   ? Phase::kContract
            : phase == "backfill" ? Phase::kBackfill
                                  : Phase::kExpand;
  s.kind = j.value("kind", "");
  s.description = j.value("description", "");
  s.op = j.value("op", "");
  s.forward = RenderedStepFromJson(j.at("forward"));
  if (j.contains("inverse") && !j["inverse"].is_null())
    s.inverse = RenderedStepFromJson(j["inverse"]);
  if (j.contains("backfill")) s.backfill = BackfillFromJson(j["backfill"]);
  s.destructive = j.value("destructive", false);
  s.group = j.value("group", 0);
  return s;
}

json ToJson(const VersionSpec& v) {
  json tables = json::array();
  for (const TableView& t : v.tables) {
    json cols = json::array();
    for (const ViewColumn& c : t.columns)
      cols.push_back({{"name", c.name}, {"physical", c.physical}, {"def", ToJson(c.def)}});
    json fill = json::array();
    for (const auto& [p, e] : t.fill) fill.push_back({p, e});
    json checks = json::array();
    for (const Constraint& c : t.checks) checks.push_back(ToJson(c));
    tables.push_back({{"name", t.name},
                      {"physical", t.physical},
                      {"columns", cols},
                      {"fill", fill},
                      {"checks", checks},
                      {"not_null", t.not_null},
                      {"key", t.key},
                      {"changed", t.changed}});
  }
  return {{"name", v.name}, {"tables", tables}};
}

VersionSpec VersionSpecFromJson(const json& j) {
  VersionSpec v;
  v.name = j.value("name", "");
  for (const json& t : j.value("tables", json::array())) {
    TableView view;
    view.name = t.value("name", "");
    view.physical = t.value("physical", "");
    for (const json& c : t.value("columns", json::array())) {
      view.columns.push_back(
          {c.value("name", ""), c.value("physical", ""), ColumnFromJson(c.at("def"))});
    }
    for (const json& f : t.value("fill", json::array()))
      view.fill.emplace_back(f[0].get<std::string>(), f[1].get<std::string>());
    for (const json& c : t.value("checks", json::array()))
      view.checks.push_back(ConstraintFromJson(c));
    view.not_null = t.value("not_null", std::vector<std::string>{});
    view.key = t.value("key", std::vector<std::string>{});
    view.changed = t.value("changed", false);
    v.tables.push_back(std::move(view));
  }
  return v;
}

}  // namespace bellows
