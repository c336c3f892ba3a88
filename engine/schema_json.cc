#include "engine/schema_json.h"

#include <algorithm>

#include "engine/checksum.h"
#include "engine/strings.h"

namespace bellows {

using nlohmann::json;

namespace {
template <typename T>
T Get(const json& j, const char* key, T fallback = T()) {
  auto it = j.find(key);
  return it == j.end() || it->is_null() ? fallback : it->get<T>();
}
ConstraintKind KindFromName(const std::string& name) {
  if (name == "unique") return ConstraintKind::kUnique;
  if (name == "foreign_key") return ConstraintKind::kForeignKey;
  return ConstraintKind::kCheck;
}
}  // namespace

json ToJson(const Column& c) {
  json j = {{"name", c.name}, {"type", c.type}, {"nullable", c.nullable}};
  if (c.default_expr) j["default"] = *c.default_expr;
  if (c.identity) j["identity"] = true;
  if (!c.identity_detail.empty()) j["identity_detail"] = c.identity_detail;
  if (!c.collation.empty()) j["collation"] = c.collation;
  if (!c.comment.empty()) j["comment"] = c.comment;
  if (c.generated) {
    j["generated"] = *c.generated;
    j["generated_stored"] = c.generated_stored;
  }
  return j;
}

Column ColumnFromJson(const json& j) {
  Column c;
  c.name = Get<std::string>(j, "name");
  c.type = Get<std::string>(j, "type");
  c.nullable = Get<bool>(j, "nullable", true);
  if (j.contains("default") && !j["default"].is_null())
    c.default_expr = j["default"].get<std::string>();
  c.identity = Get<bool>(j, "identity");
  c.identity_detail = Get<std::string>(j, "identity_detail");
  c.collation = Get<std::string>(j, "collation");
  c.comment = Get<std::string>(j, "comment");
  if (j.contains("generated")) c.generated = j["generated"].get<std::string>();
  c.generated_stored = Get<bool>(j, "generated_stored");
  return c;
}

json ToJson(const Constraint& c) {
  json j = {{"name", c.name}, {"kind", ConstraintKindName(c.kind)}};
  if (!c.columns.empty()) j["columns"] = c.columns;
  if (!c.check.empty()) j["check"] = c.check;
  if (!c.ref_table.empty()) {
    j["ref_table"] = c.ref_table;
    j["ref_columns"] = c.ref_columns;
  }
  if (!c.on_delete.empty()) j["on_delete"] = c.on_delete;
  if (!c.on_update.empty()) j["on_update"] = c.on_update;
  if (!c.deferrable.empty()) j["deferrable"] = c.deferrable;
  if (!c.validated) j["validated"] = false;
  return j;
}

Constraint ConstraintFromJson(const json& j) {
  Constraint c;
  c.name = Get<std::string>(j, "name");
  c.kind = KindFromName(Get<std::string>(j, "kind"));
  c.columns = Get<std::vector<std::string>>(j, "columns");
  c.check = Get<std::string>(j, "check");
  c.ref_table = Get<std::string>(j, "ref_table");
  c.ref_columns = Get<std::vector<std::string>>(j, "ref_columns");
  c.on_delete = Get<std::string>(j, "on_delete");
  c.on_update = Get<std::string>(j, "on_update");
  c.deferrable = Get<std::string>(j, "deferrable");
  c.validated = Get<bool>(j, "validated", true);
  return c;
}

json ToJson(const Index& i) {
  json keys = json::array();
  for (const IndexKey& k : i.keys) {
    json key = json::object();
    if (!k.column.empty()) key["column"] = k.column;
    if (!k.expression.empty()) key["expression"] = k.expression;
    if (k.descending) key["descending"] = true;
    if (!k.collation.empty()) key["collation"] = k.collation;
    keys.push_back(key);
  }
  json j = {{"name", i.name}, {"unique", i.unique}, {"keys", keys}};
  if (!i.where.empty()) j["where"] = i.where;
  if (!i.method.empty()) j["method"] = i.method;
  if (!i.valid) j["valid"] = false;
  return j;
}

Index IndexFromJson(const json& j) {
  Index i;
  i.name = Get<std::string>(j, "name");
  i.unique = Get<bool>(j, "unique");
  for (const json& k : j.value("keys", json::array())) {
    i.keys.push_back({Get<std::string>(k, "column"), Get<std::string>(k, "expression"),
                      Get<bool>(k, "descending"), Get<std::string>(k, "collation")});
  }
  i.where = Get<std::string>(j, "where");
  i.method = Get<std::string>(j, "method");
  i.valid = Get<bool>(j, "valid", true);
  return i;
}

json ToJson(const Table& t) {
  json j = {{"name", t.name}, {"columns", json::array()}};
  for (const Column& c : t.columns) j["columns"].push_back(ToJson(c));
  if (!t.primary_key.empty()) j["primary_key"] = t.primary_key;
  if (!t.primary_key_name.empty()) j["primary_key_name"] = t.primary_key_name;
  if (!t.constraints.empty()) {
    j["constraints"] = json::array();
    for (const Constraint& c : t.constraints) j["constraints"].push_back(ToJson(c));
  }
  if (!t.indexes.empty()) {
    j["indexes"] = json::array();
    for (const Index& i : t.indexes) j["indexes"].push_back(ToJson(i));
  }
  if (!t.options.empty()) j["options"] = t.options;
  if (!t.comment.empty()) j["comment"] = t.comment;
  if (t.opaque) j["opaque"] = true;
  return j;
}

Table TableFromJson(const json& j) {
  Table t;
  t.name = Get<std::string>(j, "name");
  for (const json& c : j.value("columns", json::array())) t.columns.push_back(ColumnFromJson(c));
  t.primary_key = Get<std::vector<std::string>>(j, "primary_key");
  t.primary_key_name = Get<std::string>(j, "primary_key_name");
  for (const json& c : j.value("constraints", json::array()))
    t.constraints.push_back(ConstraintFromJson(c));
  for (const json& i : j.value("indexes", json::array())) t.indexes.push_back(IndexFromJson(i));
  t.options = Get<std::string>(j, "options");
  t.comment = Get<std::string>(j, "comment");
  t.opaque = Get<bool>(j, "opaque");
  return t;
}

json ToJson(const Schema& s) {
  json j = {{"tables", json::array()},
            {"views", json::array()},
            {"triggers", json::array()},
            {"sequences", json::array()}};
  for (const Table& t : s.tables) j["tables"].push_back(ToJson(t));
  for (const View& v : s.views)
    j["views"].push_back({{"name", v.name}, {"definition", v.definition}});
  for (const Trigger& t : s.triggers) {
    j["triggers"].push_back({{"name", t.name}, {"table", t.table}, {"definition", t.definition}});
  }
  for (const Sequence& q : s.sequences)
    j["sequences"].push_back({{"name", q.name}, {"owned_by", q.owned_by}});
  if (s.opaque) j["opaque"] = true;
  if (!s.bellows_objects.empty()) j["bellows_objects"] = s.bellows_objects;
  return j;
}

Schema SchemaFromJson(const json& j) {
  Schema s;
  for (const json& t : j.value("tables", json::array())) s.tables.push_back(TableFromJson(t));
  for (const json& v : j.value("views", json::array()))
    s.views.push_back({Get<std::string>(v, "name"), Get<std::string>(v, "definition")});
  for (const json& t : j.value("triggers", json::array())) {
    s.triggers.push_back({Get<std::string>(t, "name"), Get<std::string>(t, "table"),
                          Get<std::string>(t, "definition")});
  }
  for (const json& q : j.value("sequences", json::array())) {
    s.sequences.push_back({Get<std::string>(q, "name"), Get<std::string>(q, "owned_by")});
  }
  s.opaque = Get<bool>(j, "opaque");
  s.bellows_objects = Get<std::vector<std::string>>(j, "bellows_objects");
  return s;
}

json CanonicalJson(const Schema& s) {
  auto sorted_by_name = [](json arr) {
    // By name; only unnamed objects (SQLite constraints) fall back to their whole text.
    std::sort(arr.begin(), arr.end(), [](const json& a, const json& b) {
      const std::string& na = a.at("name").get_ref<const std::string&>();
      const std::string& nb = b.at("name").get_ref<const std::string&>();
      if (na != nb) return na < nb;
      return a.dump() < b.dump();
    });
    return arr;
  };
  json tables = json::array();
  for (const Table& t : s.tables) {
    json jt = ToJson(t);
    for (json& c : jt["columns"]) {
      c["type"] = Lower(NormalizeSpace(c["type"].get<std::string>()));
      if (c.contains("default")) c["default"] = NormalizeSpace(c["default"].get<std::string>());
    }
    if (jt.contains("constraints")) {
      for (json& c : jt["constraints"]) {
        if (c.contains("check")) c["check"] = NormalizeSpace(c["check"].get<std::string>());
      }
      jt["constraints"] = sorted_by_name(jt["constraints"]);
    }
    if (jt.contains("indexes")) jt["indexes"] = sorted_by_name(jt["indexes"]);
    jt.erase("opaque");
    tables.push_back(jt);
  }
  json views = json::array();
  for (const View& v : s.views)
    views.push_back({{"name", v.name}, {"definition", NormalizeSpace(v.definition)}});
  json triggers = json::array();
  for (const Trigger& t : s.triggers) {
    triggers.push_back(
        {{"name", t.name}, {"table", t.table}, {"definition", NormalizeSpace(t.definition)}});
  }
  json sequences = json::array();
  for (const Sequence& q : s.sequences)
    sequences.push_back({{"name", q.name}, {"owned_by", q.owned_by}});
  json out = {{"tables", sorted_by_name(tables)},
              {"views", sorted_by_name(views)},
              {"triggers", sorted_by_name(triggers)},
              {"sequences", sorted_by_name(sequences)}};
  if (!s.bellows_objects.empty()) {
    std::vector<std::string> owned = s.bellows_objects;
    std::sort(owned.begin(), owned.end());
    out["bellows_objects"] = owned;
  }
  return out;
}

std::string Fingerprint(const Schema& s) { return Sha256Hex(CanonicalJson(s).dump()); }

}  // namespace bellows
