#include "engine/fleet_targets.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <set>

#include "engine/loader.h"
#include "engine/migration_yaml.h"
#include "engine/strings.h"
#include "engine/url.h"

namespace bellows {

namespace {

constexpr std::string_view kLabelHint = "labels: {region: eu, tier: canary}";

// url with every ${VAR} replaced by `replace(VAR)`; kInvalid on an unclosed "${".
Result<std::string> Expand(std::string_view url,
                           const std::function<Result<std::string>(const std::string&)>& replace) {
  std::string out;
  size_t pos = 0;
  for (size_t open = url.find("${"); open != std::string_view::npos; open = url.find("${", pos)) {
    size_t close = url.find('}', open);
    if (close == std::string_view::npos)
      return BELLOWS_ERR(kInvalid, "\"${\" without a closing '}' in a target URL")
          .WithHint("write ${NAME} for the environment variable NAME");
    out.append(url.substr(pos, open - pos));
    BELLOWS_ASSIGN_OR_RETURN(std::string value,
                             replace(std::string(url.substr(open + 2, close - open - 2))));
    out += value;
    pos = close + 1;
  }
  out.append(url.substr(pos));
  return out;
}

Result<FleetTarget> ReadTarget(const Node& n, const std::string& what) {
  if (!n.is_map())
    return BELLOWS_ERR(kInvalid, what + ": a target must be a map, not " + n.Describe())
        .WithLocation(n.location)
        .WithHint("- {id: tenant-1, url_env: TENANT_1_URL, labels: {tier: canary}}");
  FleetTarget t;
  t.where = n.location;
  FieldReader r(n, what + " target");
  BELLOWS_TRY(r.String("id", &t.id, true));
  BELLOWS_TRY(r.String("url", &t.url));
  BELLOWS_TRY(r.String("url_env", &t.url_env));
  BELLOWS_TRY(r.String("server", &t.server));
  Status s;
  if (const Node* labels = r.Child("labels", false, &s)) {
    if (!labels->is_map())
      return r.Error(*labels, "labels must be a map").WithHint(std::string(kLabelHint));
    for (const auto& [key, value] : labels->entries) {
      if (!value.is_scalar())
        return r.Error(value, "label " + key + " must be a single value, not " + value.Describe())
            .WithHint(std::string(kLabelHint));
      t.labels[key] = value.scalar;
    }
  }
  BELLOWS_TRY(s);
  BELLOWS_TRY(r.Finish());
  if (t.url.empty() == t.url_env.empty())
    return r.Error(n, "target " + t.id + " needs exactly one of url and url_env")
        .WithHint("url_env: NAME reads the whole URL from the environment variable NAME");
  if (!t.url.empty()) {
    // ${VAR} placeholders removed, a URL that still holds a password has it written down.
    Result<std::string> bare =
        Expand(t.url, [](const std::string&) -> Result<std::string> { return std::string(); });
    if (!bare.ok()) return std::move(bare).status().WithLocation(n.Find("url")->location);
    if (MaskUrl(*bare) != *bare)
      return r.Error(*n.Find("url"), "target " + t.id + " has a password written in its URL")
          .WithHint(
              "keep secrets out of the file: url_env: NAME, or ${NAME} in place of the "
              "password");
  }
  return t;
}

Result<std::vector<FleetTarget>> ReadTargets(const Node& list, const std::string& what) {
  if (!list.is_list())
    return BELLOWS_ERR(kInvalid, what + ": targets must be a list, not " + list.Describe())
        .WithLocation(list.location);
  std::vector<FleetTarget> out;
  for (const Node& item : list.items) {
    BELLOWS_ASSIGN_OR_RETURN(FleetTarget t, ReadTarget(item, what));
    BELLOWS_TRY(AddTargets(out, {std::move(t)}, what));
  }
  return out;
}

Result<std::vector<Selector>> ReadSelectors(const FieldReader& r, const Node& n) {
  std::vector<std::string> texts;
  if (n.is_scalar()) {
    texts.push_back(n.scalar);
  } else if (n.is_list()) {
    for (const Node& item : n.items) {
      if (!item.is_scalar()) return r.Error(item, "a selector must be label=value");
      texts.push_back(item.scalar);
    }
  } else {
    return r.Error(n, "select must be label=value or a list of them")
        .WithHint("select: [tier=canary]");
  }
  std::vector<Selector> out;
  for (const std::string& text : texts) {
    Result<Selector> sel = ParseSelector(text);
    if (!sel.ok()) return std::move(sel).status().WithLocation(n.location);
    out.push_back(std::move(sel).value());
  }
  return out;
}

}  // namespace

Result<Selector> ParseSelector(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size())
    return BELLOWS_ERR(kUsage, "selector \"" + std::string(text) + "\" is not label=value")
        .WithHint("for example tier=canary, or region=eu,us for either");
  Selector s;
  s.key = std::string(Trim(text.substr(0, eq)));
  for (const std::string& v : Split(text.substr(eq + 1), ',')) s.values.emplace_back(Trim(v));
  return s;
}

bool Matches(const FleetTarget& target, const std::vector<Selector>& selectors) {
  for (const Selector& s : selectors) {
    std::string value;
    if (s.key == "id") {
      value = target.id;
    } else if (auto it = target.labels.find(s.key); it != target.labels.end()) {
      value = it->second;
    } else {
      return false;
    }
    if (std::find(s.values.begin(), s.values.end(), value) == s.values.end()) return false;
  }
  return true;
}

Status AddTargets(std::vector<FleetTarget>& targets, std::vector<FleetTarget> more,
                  const std::string& what) {
  std::set<std::string> ids;
  for (const FleetTarget& t : targets) ids.insert(t.id);
  for (FleetTarget& t : more) {
    if (t.id.empty())
      return BELLOWS_ERR(kInvalid, what + ": a target has an empty id").WithLocation(t.where);
    if (!ids.insert(t.id).second)
      return BELLOWS_ERR(kInvalid, what + ": target id " + t.id + " appears twice")
          .WithLocation(t.where)
          .WithHint("ids must be unique: they name the target in reports and in the run file");
    targets.push_back(std::move(t));
  }
  return Status::Ok();
}

Result<std::vector<FleetTarget>> ParseTargetList(std::string_view text, const std::string& what) {
  BELLOWS_ASSIGN_OR_RETURN(Node root, ParseYaml(text, what));
  if (root.is_null()) return std::vector<FleetTarget>{};
  if (root.is_map()) {
    const Node* list = root.Find("targets");
    if (list == nullptr)
      return BELLOWS_ERR(kInvalid, what + " printed a map without targets:")
          .WithLocation(root.location);
    return ReadTargets(*list, what);
  }
  return ReadTargets(root, what);
}

Result<FleetFile> LoadFleetFile(const std::string& path) {
  FleetFile f;
  f.path = path;
  Result<std::string> read = ReadFile(path);
  if (!read.ok()) {
    return std::move(read).status().WithHint(
        "write a targets file (targets: - {id: ..., url_env: ...}; docs/fleet.md), or pass "
        "--targets FILE");
  }
  std::string text = std::move(read).value();
  BELLOWS_ASSIGN_OR_RETURN(Node root, ParseYaml(text, path));
  if (!root.is_map())
    return BELLOWS_ERR(kInvalid, path + " must be a map with targets:")
        .WithLocation(root.location)
        .WithHint("targets:\n  - {id: tenant-1, url_env: TENANT_1_URL}");
  FieldReader r(root, path);
  Status s;
  if (const Node* list = r.Child("targets", false, &s)) {
    BELLOWS_ASSIGN_OR_RETURN(f.targets, ReadTargets(*list, path));
  }
  BELLOWS_TRY(s);
  BELLOWS_TRY(r.String("targets_command", &f.targets_command));
  if (const Node* q = r.Child("targets_query", false, &s)) {
    FieldReader qr(*q, path + " targets_query");
    FleetQuery query;
    BELLOWS_TRY(qr.String("url_env", &query.url_env, true));
    BELLOWS_TRY(qr.String("sql", &query.sql, true));
    BELLOWS_TRY(qr.Finish());
    f.targets_query = query;
  }
  BELLOWS_TRY(s);
  if (const Node* waves = r.Child("waves", false, &s)) {
    if (!waves->is_list())
      return r.Error(*waves, "waves must be a list")
          .WithHint(
              "waves:\n  - {name: canary, select: [tier=canary], bake: 10m}\n"
              "  - {name: rest}");
    for (const Node& w : waves->items) {
      FieldReader wr(w, path + " wave");
      FleetWaveSpec spec;
      BELLOWS_TRY(wr.String("name", &spec.name, true));
      wr.Declare("select");
      if (const Node* sel = w.Find("select")) {
        BELLOWS_ASSIGN_OR_RETURN(spec.select, ReadSelectors(wr, *sel));
      }
      std::string bake;
      BELLOWS_TRY(wr.String("bake", &bake));
      if (!bake.empty()) {
        Result<Millis> d = ParseDuration(bake);
        if (!d.ok()) return std::move(d).status().WithLocation(w.Find("bake")->location);
        spec.bake = *d;
      }
      BELLOWS_TRY(wr.Finish());
      f.waves.push_back(std::move(spec));
    }
  }
  BELLOWS_TRY(s);
  BELLOWS_TRY(r.String("health_check", &f.health_check));
  auto num = [&](const char* key, std::optional<long long>* out, long long min) -> Status {
    r.Declare(key);
    const Node* n = root.Find(key);
    if (n == nullptr) return Status::Ok();
    long long v = 0;
    BELLOWS_TRY(r.Int(key, &v));
    if (v < min) return r.Error(*n, std::string(key) + " must be at least " + std::to_string(min));
    *out = v;
    return Status::Ok();
  };
  BELLOWS_TRY(num("parallel", &f.parallel, 1));
  BELLOWS_TRY(num("per_server", &f.per_server, 1));
  BELLOWS_TRY(num("max_failures", &f.max_failures, 1));
  BELLOWS_TRY(r.Finish());
  return f;
}

Result<std::string> ResolveUrl(const FleetTarget& target) {
  auto env = [&](const std::string& name) -> Result<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr || *v == '\0')
      return BELLOWS_ERR(kUsage, "environment variable " + name + " is not set")
          .WithLocation(target.where)
          .WithHint("export " + name + " before running bellows fleet");
    return std::string(v);
  };
  if (!target.url_env.empty()) return env(target.url_env);
  return Expand(target.url, env);
}

std::string ServerKey(std::string_view url) {
  std::string dialect = UrlDialect(url);
  if (dialect == "sqlite" || dialect.empty()) return std::string(url);
  size_t scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? url.find(':') + 1 : scheme + 3;
  // The userinfo runs to the last '@' (a password may hold '/', '?' or '@'), as masking reads it.
  size_t at = url.rfind('@');
  if (at != std::string_view::npos && at >= start) start = at + 1;
  size_t end = url.find_first_of("/?", start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? end : end - start);
  return dialect + "://" + std::string(authority);
}

}  // namespace bellows
