#include "engine/schema_diff.h"

#include <algorithm>
#include <map>
#include <set>

#include "engine/schema_json.h"
#include "engine/strings.h"

namespace bellows {

namespace {

std::string List(const std::vector<std::string>& names) { return "(" + Join(names, ", ") + ")"; }

std::string ColumnDefinition(const Column& c) {
  std::string out = c.type;
  if (!c.nullable) out += " not null";
  if (c.default_expr) out += " default " + *c.default_expr;
  if (c.generated) out += " generated " + *c.generated + (c.generated_stored ? " stored" : "");
  if (c.identity) out += " identity" + (c.identity_detail.empty() ? "" : " " + c.identity_detail);
  if (!c.collation.empty()) out += " collate " + c.collation;
  return out;
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

std::string Or(const std::string& s, const char* none) { return s.empty() ? none : s; }

class Differ {
 public:
  std::vector<SchemaChange> changes;

  void Add(char sign, std::string kind, std::string table, std::string name, std::string detail) {
    changes.push_back(
        {sign, std::move(kind), std::move(table), std::move(name), std::move(detail)});
  }

  void Tables(const Schema& a, const Schema& b) {
    for (const Table& t : a.tables) {
      const Table* u = b.FindTable(t.name);
      if (u == nullptr) {
        Add('-', "table", "", t.name, "");
      } else {
        DiffTable(t, *u);
      }
    }
    for (const Table& u : b.tables) {
      if (a.FindTable(u.name) != nullptr) continue;
      Add('+', "table", "", u.name, List(u.ColumnNames()));
      for (const Index& i : u.indexes) Add('+', "index", u.name, i.name, DescribeIndex(i));
      for (const Constraint& c : u.constraints)
        Add('+', "constraint", u.name, c.name, DescribeConstraint(c));
    }
  }

  void DiffTable(const Table& t, const Table& u) {
    for (const Column& c : t.columns) {
      const Column* d = u.FindColumn(c.name);
      if (d == nullptr) {
        Add('-', "column", t.name, c.name, "");
      } else {
        DiffColumn(t.name, c, *d);
      }
    }
    for (const Column& d : u.columns) {
      if (t.FindColumn(d.name) == nullptr) Add('+', "column", t.name, d.name, ColumnDefinition(d));
    }
    // The order of the columns both have.
    std::vector<std::string> before, after;
    for (const Column& c : t.columns) {
      if (u.FindColumn(c.name) != nullptr) before.push_back(c.name);
    }
    for (const Column& d : u.columns) {
      if (t.FindColumn(d.name) != nullptr) after.push_back(d.name);
    }
    if (before != after)
      Add('~', "table", "", t.name, "column order " + List(before) + " -> " + List(after));
    if (t.primary_key != u.primary_key) {
      Add('~', "primary key", t.name, "",
          (t.primary_key.empty() ? "none" : List(t.primary_key)) + " -> " +
              (u.primary_key.empty() ? "none" : List(u.primary_key)));
    } else if (t.primary_key_name != u.primary_key_name) {
      Add('~', "primary key", t.name, "",
          "name " + Or(t.primary_key_name, "none") + " -> " + Or(u.primary_key_name, "none"));
    }
    if (t.options != u.options)
      Add('~', "table", "", t.name,
          "options " + Or(t.options, "none") + " -> " + Or(u.options, "none"));
    if (t.comment != u.comment)
      Add('~', "table", "", t.name, "comment " + Quoted(t.comment) + " -> " + Quoted(u.comment));

    for (const Index& i : t.indexes) {
      const Index* j = u.FindIndex(i.name);
      if (j == nullptr) {
        Add('-', "index", t.name, i.name, DescribeIndex(i));
      } else if (!(i == *j)) {
        Add('~', "index", t.name, i.name, DescribeIndex(i) + " -> " + DescribeIndex(*j));
      }
    }
    for (const Index& j : u.indexes) {
      if (t.FindIndex(j.name) == nullptr) Add('+', "index", t.name, j.name, DescribeIndex(j));
    }
    Constraints(t, u);
  }

  void DiffColumn(const std::string& table, const Column& c, const Column& d) {
    auto change = [&](const std::string& detail) { Add('~', "column", table, c.name, detail); };
    if (c.type != d.type) change(c.type + " -> " + d.type);
    if (c.nullable != d.nullable)
      change(std::string(c.nullable ? "null" : "not null") + " -> " +
             (d.nullable ? "null" : "not null"));
    if (c.default_expr != d.default_expr)
      change("default " + c.default_expr.value_or("NULL") + " -> " +
             d.default_expr.value_or("NULL"));
    if (c.identity != d.identity || c.identity_detail != d.identity_detail) {
      auto identity = [](const Column& x) {
        return x.identity ? "identity" + (x.identity_detail.empty() ? "" : " " + x.identity_detail)
                          : std::string("not identity");
      };
      change(identity(c) + " -> " + identity(d));
    }
    if (c.generated != d.generated || c.generated_stored != d.generated_stored)
      change("generated " + c.generated.value_or("none") + " -> " + d.generated.value_or("none"));
    if (c.collation != d.collation)
      change("collation " + Or(c.collation, "default") + " -> " + Or(d.collation, "default"));
    if (c.comment != d.comment) change("comment " + Quoted(c.comment) + " -> " + Quoted(d.comment));
  }

  void Constraints(const Table& t, const Table& u) {
    for (const auto& [c, d] : PairConstraints(t, u)) {
      if (d == nullptr) {
        Add('-', "constraint", t.name, c->name, DescribeConstraint(*c));
      } else if (c == nullptr) {
        Add('+', "constraint", t.name, d->name, DescribeConstraint(*d));
      } else if (DescribeConstraint(*c) != DescribeConstraint(*d) ||
                 (!c->name.empty() && !d->name.empty() && !(*c == *d))) {
        Add('~', "constraint", t.name, c->name.empty() ? d->name : c->name,
            DescribeConstraint(*c) + " -> " + DescribeConstraint(*d));
      }
    }
  }

  template <typename T, typename Same, typename Describe>
  void Named(const std::vector<T>& a, const std::vector<T>& b, const char* kind, Same same,
             Describe describe) {
    std::map<std::string, const T*> before, after;
    for (const T& x : a) before[x.name] = &x;
    for (const T& x : b) after[x.name] = &x;
    for (const auto& [name, x] : before) {
      auto it = after.find(name);
      if (it == after.end()) {
        Add('-', kind, TableOf(*x), name, "");
      } else if (!same(*x, *it->second)) {
        Add('~', kind, TableOf(*x), name, describe(*x, *it->second));
      }
    }
    for (const auto& [name, x] : after) {
      if (before.count(name) == 0) Add('+', kind, TableOf(*x), name, "");
    }
  }

  static std::string TableOf(const View&) { return ""; }
  static std::string TableOf(const Sequence&) { return ""; }
  static std::string TableOf(const Trigger& t) { return t.table; }

  void Owned(const Schema& a, const Schema& b) {
    std::set<std::string> before(a.bellows_objects.begin(), a.bellows_objects.end());
    std::set<std::string> after(b.bellows_objects.begin(), b.bellows_objects.end());
    for (const std::string& o : before) {
      if (after.count(o) == 0) Add('-', "bellows object", "", o, "the state tables expect it");
    }
    for (const std::string& o : after) {
      if (before.count(o) == 0) Add('+', "orphan", "", o, "no bellows record expects it");
    }
  }
};

int KindRank(const std::string& kind) {
  static const char* kOrder[] = {"table",   "column", "primary key", "index",          "constraint",
                                 "trigger", "view",   "sequence",    "bellows object", "orphan"};
  for (size_t i = 0; i < std::size(kOrder); ++i) {
    if (kind == kOrder[i]) return static_cast<int>(i);
  }
  return 99;
}

}  // namespace

std::vector<std::pair<const Constraint*, const Constraint*>> PairConstraints(const Table& before,
                                                                             const Table& after) {
  std::vector<std::pair<const Constraint*, const Constraint*>> out;
  std::vector<const Constraint*> left;
  std::set<const Constraint*> taken;
  for (const Constraint& c : before.constraints) {
    const Constraint* match = nullptr;
    for (const Constraint& d : after.constraints) {
      if (!c.name.empty() && d.name == c.name) match = &d;
    }
    if (match != nullptr) {
      out.emplace_back(&c, match);
      taken.insert(match);
    } else {
      left.push_back(&c);
    }
  }
  for (const Constraint* c : left) {
    const Constraint* match = nullptr;
    for (const Constraint& d : after.constraints) {
      if (match == nullptr && !taken.count(&d) && (c->name.empty() || d.name.empty()) &&
          DescribeConstraint(*c) == DescribeConstraint(d))
        match = &d;
    }
    if (match != nullptr) taken.insert(match);
    out.emplace_back(c, match);
  }
  for (const Constraint& d : after.constraints) {
    if (!taken.count(&d)) out.emplace_back(nullptr, &d);
  }
  return out;
}

std::string DescribeIndex(const Index& index) {
  std::vector<std::string> keys;
  for (const IndexKey& k : index.keys) {
    std::string key = k.column.empty() ? k.expression : k.column;
    if (!k.collation.empty()) key += " COLLATE " + k.collation;
    if (k.descending) key += " DESC";
    keys.push_back(key);
  }
  std::string out = List(keys);
  if (index.unique) out += " unique";
  if (!index.method.empty()) out += " using " + index.method;
  if (!index.where.empty()) out += " where " + index.where;
  if (!index.valid) out += " (invalid)";
  return out;
}

std::string DescribeConstraint(const Constraint& c) {
  std::string out;
  switch (c.kind) {
    case ConstraintKind::kCheck:
      out = "check (" + c.check + ")";
      break;
    case ConstraintKind::kUnique:
      out = "unique " + List(c.columns);
      break;
    case ConstraintKind::kForeignKey:
      out = "foreign key " + List(c.columns) + " references " + c.ref_table + List(c.ref_columns);
      if (!c.on_delete.empty()) out += " on delete " + Lower(c.on_delete);
      if (!c.on_update.empty()) out += " on update " + Lower(c.on_update);
      if (!c.deferrable.empty()) out += " " + Lower(c.deferrable);
      break;
  }
  if (!c.validated) out += " not valid";
  return out;
}

std::string SchemaChange::Object() const {
  std::string object = kind == "column" ? table + "." + name : name;
  if (!table.empty() && kind != "column") object += (object.empty() ? "on " : " on ") + table;
  return kind + " " + object;
}

const char* SchemaChange::Verb() const {
  return sign == '+' ? "added" : sign == '-' ? "removed" : "changed";
}

std::vector<std::string> Lines(const std::vector<SchemaChange>& changes) {
  std::vector<std::string> out;
  for (const SchemaChange& c : changes) out.push_back(c.Line());
  return out;
}

std::string SchemaChange::Line() const {
  std::string out = std::string(1, sign) + " " + Object();
  if (detail.empty()) return out;
  // "+ index users_email_idx on users(email)": a new or dropped index reads like its SQL.
  if (sign != '~' && kind == "index" && detail[0] == '(') return out + detail;
  return out + ": " + detail;
}

std::vector<SchemaChange> DiffSchemas(const Schema& before, const Schema& after) {
  // Compare the canonical forms: what the fingerprint sees, nothing more.
  Schema a = SchemaFromJson(CanonicalJson(before));
  Schema b = SchemaFromJson(CanonicalJson(after));
  Differ d;
  d.Tables(a, b);
  d.Named(
      a.views, b.views, "view", [](const View& x, const View& y) { return x == y; },
      [](const View&, const View&) { return std::string("definition changed"); });
  d.Named(
      a.triggers, b.triggers, "trigger", [](const Trigger& x, const Trigger& y) { return x == y; },
      [](const Trigger& x, const Trigger& y) {
        return x.table != y.table ? "moved from " + x.table + " to " + y.table
                                  : std::string("definition changed");
      });
  d.Named(
      a.sequences, b.sequences, "sequence",
      [](const Sequence& x, const Sequence& y) { return x == y; },
      [](const Sequence& x, const Sequence& y) {
        return "owned by " + Or(x.owned_by, "none") + " -> " + Or(y.owned_by, "none");
      });
  d.Owned(a, b);
  std::stable_sort(
      d.changes.begin(), d.changes.end(), [](const SchemaChange& x, const SchemaChange& y) {
        auto key = [](const SchemaChange& c) {
          return std::make_tuple(c.table.empty() ? c.name : c.table, KindRank(c.kind), c.name);
        };
        return key(x) < key(y);
      });
  return d.changes;
}

nlohmann::json ToJson(const SchemaChange& c) {
  return {{"change", c.Verb()},
          {"kind", c.kind},
          {"table", c.table.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.table)},
          {"name", c.name},
          {"detail", c.detail},
          {"line", c.Line()}};
}

}  // namespace bellows
