#include "engine/config.h"

#include "engine/dialect_text.h"
#include "engine/loader.h"
#include "engine/migration_yaml.h"

namespace bellows {

Result<ProjectConfig> LoadConfig(const std::string& path) {
  ProjectConfig c;
  c.path = path;
  BELLOWS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  BELLOWS_ASSIGN_OR_RETURN(Node root, ParseYaml(text, path));
  if (root.is_null()) return c;
  if (!root.is_map())
    return BELLOWS_ERR(kInvalid, "bellows.yaml must be a map of settings")
        .WithLocation(root.location);
  FieldReader r(root, "bellows.yaml");
  auto str = [&](const char* key, std::optional<std::string>* out) -> Status {
    if (root.Find(key) == nullptr) {
      r.Declare(key);
      return Status::Ok();
    }
    std::string v;
    BELLOWS_TRY(r.String(key, &v));
    *out = v;
    return Status::Ok();
  };
  auto num = [&](const char* key, std::optional<long long>* out) -> Status {
    long long v = 0;
    r.Declare(key);
    if (root.Find(key) == nullptr) return Status::Ok();
    BELLOWS_TRY(r.Int(key, &v));
    *out = v;
    return Status::Ok();
  };
  BELLOWS_TRY(str("url", &c.url));
  BELLOWS_TRY(str("dir", &c.dir));
  BELLOWS_TRY(str("dir_format", &c.dir_format));
  BELLOWS_TRY(str("schema", &c.schema));
  BELLOWS_TRY(str("version_prefix", &c.version_prefix));
  BELLOWS_TRY(str("lock_timeout", &c.lock_timeout));
  BELLOWS_TRY(str("concurrent_wait", &c.concurrent_wait));
  BELLOWS_TRY(str("lock_wait", &c.lock_wait));
  BELLOWS_TRY(str("lock_stale", &c.lock_stale));
  BELLOWS_TRY(str("batch_pause", &c.batch_pause));
  BELLOWS_TRY(str("nice_ratio", &c.nice_ratio));
  BELLOWS_TRY(str("max_replica_lag", &c.max_replica_lag));
  BELLOWS_TRY(num("lock_retries", &c.lock_retries));
  BELLOWS_TRY(num("batch_size", &c.batch_size));
  r.Declare("require_sum");
  if (root.Find("require_sum") != nullptr) {
    bool v = false;
    BELLOWS_TRY(r.Bool("require_sum", &v));
    c.require_sum = v;
  }
  Status s;
  if (const Node* state = r.Child("state", false, &s)) {
    FieldReader st(*state, "bellows.yaml state");
    std::string schema, prefix;
    BELLOWS_TRY(st.String("schema", &schema));
    BELLOWS_TRY(st.String("prefix", &prefix));
    BELLOWS_TRY(st.Finish());
    if (!schema.empty()) c.state_schema = schema;
    if (!prefix.empty()) c.state_prefix = prefix;
  }
  BELLOWS_TRY(r.StringList("dialects", &c.dialects));
  for (const std::string& d : c.dialects) {
    if (!IsDialectName(d)) {
      return r.Error(*root.Find("dialects"), "unknown dialect \"" + d + "\"")
          .WithHint("use sqlite, postgres, mysql");
    }
  }
  if (const Node* lint = r.Child("lint", false, &s)) {
    if (!lint->is_map())
      return r.Error(*lint, "lint must be a map").WithHint("lint: {disable: [DS001]}");
    FieldReader lr(*lint, "bellows.yaml lint");
    BELLOWS_TRY(lr.StringList("disable", &c.lint_disable));
    BELLOWS_TRY(lr.Finish());
  }
  BELLOWS_TRY(s);
  r.Declare("grants");
  BELLOWS_TRY(r.Finish());
  return c;
}

std::string DefaultConfigText(const std::string& url, const std::string& dir) {
  return "# bellows project settings. Flags and environment variables (BELLOWS_URL, DATABASE_URL)\n"
         "# take precedence over this file.\n"
         "url: " +
         url +
         "\n"
         "dir: " +
         dir +
         "\n"
         "# dialects this project's migrations must run on (validate and plan --offline check "
         "each)\n"
         "dialects: [sqlite, postgres, mysql]\n"
         "lock_timeout: 2s\n"
         "lock_wait: 60s\n"
         "batch_size: 1000\n";
}

}  // namespace bellows
