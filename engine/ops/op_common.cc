#include "engine/ops/op_common.h"

#include <algorithm>

#include "engine/expr_binder.h"
#include "engine/generate.h"
#include "engine/strings.h"

namespace bellows {

Status ReadDialectText(FieldReader& r, std::string_view key, DialectText* out, bool required) {
  Status s;
  const Node* child = r.Child(key, required, &s);
  if (!s.ok() || child == nullptr) return s;
  // bellows diff leaves "{{review: ...}}" where a person must decide (a conversion, what NULLs
  // become): such a file must not run until someone has.
  auto unreviewed = [&](const Node& at, const std::string& text) -> Status {
    if (text.find(kReviewPlaceholder) == std::string::npos) return Status::Ok();
    return r.Error(at, "field \"" + std::string(key) + "\" still holds the placeholder " + text)
        .WithHint(
            "bellows diff left it for review: replace it with the expression you want (the "
            "suggestion follows \"review:\"), then run bellows hash");
  };
  if (child->is_scalar()) {
    BELLOWS_TRY(unreviewed(*child, child->scalar));
    *out = DialectText(child->scalar);
    return Status::Ok();
  }
  if (!child->is_map()) {
    return r.Error(*child, "field \"" + std::string(key) +
                               "\" must be a string or a map of dialect to string");
  }
  std::map<std::string, std::string> texts;
  for (const auto& [dialect, value] : child->entries) {
    if (!IsDialectName(dialect)) {
      return r
          .Error(value,
                 "field \"" + std::string(key) + "\" names unknown dialect \"" + dialect + "\"")
          .WithHint("dialects are sqlite, postgres, mysql");
    }
    if (!value.is_scalar())
      return r.Error(value, "field \"" + std::string(key) + "." + dialect + "\" must be a string");
    BELLOWS_TRY(unreviewed(value, value.scalar));
    texts[dialect] = value.scalar;
  }
  *out = DialectText::PerDialect(std::move(texts));
  return Status::Ok();
}

nlohmann::json DialectTextJson(const DialectText& t) {
  if (t.all()) return *t.all();
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [d, text] : t.per_dialect()) j[d] = text;
  return j;
}

std::vector<std::string> LimitDialects(const std::vector<const DialectText*>& texts) {
  std::vector<std::string> out(std::begin(kDialectNames), std::end(kDialectNames));
  bool limited = false;
  for (const DialectText* t : texts) {
    if (t == nullptr || !t->is_per_dialect()) continue;
    limited = true;
    std::erase_if(out, [&](const std::string& d) { return !t->For(d); });
  }
  return limited ? out : std::vector<std::string>{};
}

Result<CheckSpec> ParseCheck(FieldReader& r, std::string_view key) {
  Status s;
  const Node* node = r.Child(key, false, &s);
  CheckSpec c;
  if (node == nullptr) return c;
  if (node->is_scalar()) {
    c.constraint = DialectText(node->scalar);
    return c;
  }
  FieldReader f(*node, r.what() + " " + std::string(key));
  BELLOWS_TRY(f.String("name", &c.name));
  BELLOWS_TRY(ReadDialectText(f, "constraint", &c.constraint, true));
  BELLOWS_TRY(f.Finish());
  return c;
}

Status NormalizeFkAction(const FieldReader& r, std::string* action) {
  *action = Upper(NormalizeSpace(*action));
  static const char* kActions[] = {"",         "CASCADE",  "SET NULL", "SET DEFAULT",
                                   "RESTRICT", "NO ACTION"};
  if (std::find(std::begin(kActions), std::end(kActions), *action) == std::end(kActions)) {
    return r.Error(r.node(), "unknown foreign key action \"" + *action + "\"")
        .WithHint("use CASCADE, SET NULL, SET DEFAULT, RESTRICT or NO ACTION");
  }
  if (*action == "NO ACTION") action->clear();
  return Status::Ok();
}

Result<std::optional<ReferencesSpec>> ParseReferences(FieldReader& r, std::string_view key) {
  Status s;
  const Node* node = r.Child(key, false, &s);
  if (node == nullptr) return std::optional<ReferencesSpec>();
  FieldReader f(*node, r.what() + " " + std::string(key));
  ReferencesSpec ref;
  BELLOWS_TRY(f.String("name", &ref.name));
  BELLOWS_TRY(f.String("table", &ref.table, true));
  BELLOWS_TRY(f.String("column", &ref.column, true));
  BELLOWS_TRY(f.String("on_delete", &ref.on_delete));
  BELLOWS_TRY(f.String("on_update", &ref.on_update));
  BELLOWS_TRY(f.Finish());
  BELLOWS_TRY(NormalizeFkAction(f, &ref.on_delete));
  BELLOWS_TRY(NormalizeFkAction(f, &ref.on_update));
  return std::optional<ReferencesSpec>(ref);
}

nlohmann::json CheckJson(const CheckSpec& c) {
  nlohmann::json j = {{"constraint", DialectTextJson(c.constraint)}};
  if (!c.name.empty()) j["name"] = c.name;
  return j;
}

nlohmann::json ReferencesJson(const ReferencesSpec& r) {
  nlohmann::json j = {{"table", r.table}, {"column", r.column}};
  if (!r.name.empty()) j["name"] = r.name;
  if (!r.on_delete.empty()) j["on_delete"] = r.on_delete;
  if (!r.on_update.empty()) j["on_update"] = r.on_update;
  return j;
}

Result<ColumnSpec> ColumnSpec::Parse(const Node& node, const std::string& what) {
  ColumnSpec c;
  c.location = node.location;
  if (!node.is_map()) {
    return BELLOWS_ERR(kInvalid, what + ": a column must be a map with name and type")
        .WithLocation(node.location);
  }
  const Node* name = node.Find("name");
  FieldReader named(node, what + (name && name->is_scalar() ? " " + name->scalar : ""));
  BELLOWS_TRY(named.String("name", &c.name, true));
  BELLOWS_TRY(ReadDialectText(named, "type", &c.type, true));
  BELLOWS_TRY(named.Bool("nullable", &c.nullable));
  DialectText def;
  BELLOWS_TRY(ReadDialectText(named, "default", &def));
  if (!def.empty()) c.default_expr = def;
  BELLOWS_TRY(named.Bool("identity", &c.identity));
  BELLOWS_TRY(named.Bool("primary_key", &c.primary_key));
  Status s;
  if (const Node* unique = named.Child("unique", false, &s)) {
    if (unique->is_map()) {
      FieldReader u(*unique, what + " " + c.name + " unique");
      BELLOWS_TRY(u.String("name", &c.unique_name));
      BELLOWS_TRY(u.Finish());
      c.unique = true;
    } else {
      BELLOWS_TRY(named.Bool("unique", &c.unique));
    }
  }
  BELLOWS_ASSIGN_OR_RETURN(CheckSpec check, ParseCheck(named, "check"));
  if (!check.constraint.empty()) c.check = check;
  BELLOWS_ASSIGN_OR_RETURN(c.references, ParseReferences(named, "references"));
  BELLOWS_TRY(named.String("comment", &c.comment));
  BELLOWS_TRY(named.Finish());
  if (c.primary_key || c.identity) c.nullable = false;
  return c;
}

nlohmann::json ColumnSpec::ToJson() const {
  nlohmann::json j = {{"name", name}, {"type", DialectTextJson(type)}};
  if (!nullable && !primary_key && !identity) j["nullable"] = false;
  if (default_expr) j["default"] = DialectTextJson(*default_expr);
  if (identity) j["identity"] = true;
  if (primary_key) j["primary_key"] = true;
  if (unique)
    j["unique"] =
        unique_name.empty() ? nlohmann::json(true) : nlohmann::json({{"name", unique_name}});
  if (check) j["check"] = CheckJson(*check);
  if (references) j["references"] = ReferencesJson(*references);
  if (!comment.empty()) j["comment"] = comment;
  return j;
}

Result<std::string> TextFor(const BatchBuilder& b, const DialectText& t, std::string_view field) {
  std::optional<std::string> text = t.For(b.dialect().Name());
  if (!text) {
    return b
        .Error(Code::kInvalid, "field \"" + std::string(field) + "\" has no text for dialect " +
                                   std::string(b.dialect().Name()))
        .WithHint("add a \"" + std::string(b.dialect().Name()) + "\" entry to \"" +
                  std::string(field) + "\"");
  }
  return *text;
}

Result<std::string> TypeFor(BatchBuilder& b, const DialectText& type, bool identity) {
  BELLOWS_ASSIGN_OR_RETURN(std::string text, TextFor(b, type, "type"));
  if (Trim(text).empty()) return b.Error(Code::kInvalid, "empty type");
  if (!type.is_per_dialect() && !IsPortableType(text)) {
    b.Warn("type \"" + text + "\" is not one of the portable types; it is passed to " +
           std::string(b.dialect().Name()) +
           " as written (write a per-dialect map to run elsewhere)");
  }
  return b.dialect().MapType(text, identity);
}

Result<Column> ColumnFor(BatchBuilder& b, const ColumnSpec& spec) {
  Column c;
  c.name = spec.name;
  BELLOWS_ASSIGN_OR_RETURN(c.type, TypeFor(b, spec.type, spec.identity));
  c.nullable = spec.nullable;
  if (spec.default_expr) {
    BELLOWS_ASSIGN_OR_RETURN(std::string def, TextFor(b, *spec.default_expr, "default"));
    c.default_expr = def;
  }
  c.identity = spec.identity;
  c.comment = spec.comment;
  return c;
}

bool UniqueAsIndex(const BatchBuilder& b) {
  return !b.dialect().Supports(Capability::kUniqueConstraints);
}

Index UniqueIndex(const Constraint& c) {
  Index i;
  i.name = c.name;
  i.unique = true;
  for (const std::string& col : c.columns) i.keys.push_back({col, "", false, ""});
  return i;
}

void AddToModel(const BatchBuilder& b, Table& table, const Constraint& c) {
  if (c.kind == ConstraintKind::kUnique && UniqueAsIndex(b)) {
    table.indexes.push_back(UniqueIndex(c));
  } else {
    table.constraints.push_back(c);
  }
}

std::pair<Step, Step> AddConstraintStep(const BatchBuilder& b, const std::string& ptable,
                                        const Constraint& c, bool online) {
  if (c.kind == ConstraintKind::kUnique && UniqueAsIndex(b)) {
    Index i = UniqueIndex(c);
    return {steps::CreateIndex{ptable, i, online}, steps::DropIndex{ptable, i, online}};
  }
  return {steps::AddConstraint{ptable, c, online}, steps::DropConstraint{ptable, c}};
}

Result<std::vector<Constraint>> ConstraintsFor(BatchBuilder& b, const std::string& table,
                                               const ColumnSpec& spec) {
  std::vector<Constraint> out;
  std::string base = table + "_" + spec.name;
  if (spec.unique) {
    out.push_back(MakeConstraint(spec.unique_name.empty() ? base + "_key" : spec.unique_name,
                                 ConstraintKind::kUnique, {spec.name}));
  }
  if (spec.check) {
    Constraint c = MakeConstraint(spec.check->name.empty() ? base + "_check" : spec.check->name,
                                  ConstraintKind::kCheck, {});
    BELLOWS_ASSIGN_OR_RETURN(c.check, TextFor(b, spec.check->constraint, "check"));
    out.push_back(c);
  }
  if (spec.references) {
    const ReferencesSpec& r = *spec.references;
    const Table* target = b.schema().FindTable(r.table);
    if (target == nullptr && r.table != table) {
      return b.Error(Code::kNotFound, "references table \"" + r.table + "\", which does not exist");
    }
    if (target != nullptr && target->FindColumn(r.column) == nullptr) {
      return b.Error(Code::kNotFound, "references column \"" + r.table + "." + r.column +
                                          "\", which does not exist");
    }
    Constraint c = MakeConstraint(r.name.empty() ? base + "_fkey" : r.name,
                                  ConstraintKind::kForeignKey, {spec.name});
    c.ref_table = r.table;
    c.ref_columns = {r.column};
    c.on_delete = r.on_delete;
    c.on_update = r.on_update;
    out.push_back(c);
  }
  return out;
}

Result<Table*> RequireTable(BatchBuilder& b, const std::string& table) {
  Table* t = b.schema().FindTable(table);
  if (t == nullptr) {
    std::vector<std::string> names;
    for (const Table& x : b.schema().tables) names.push_back(x.name);
    Status s = b.Error(Code::kNotFound, "table \"" + table + "\" does not exist");
    if (!names.empty() && names.size() <= 20) s.WithHint("existing tables: " + Join(names, ", "));
    return s;
  }
  if (t->opaque) {
    b.Warn("table " + table +
           " was changed by SQL bellows could not follow; checks on it are incomplete");
  }
  return t;
}

Result<Column*> RequireColumn(BatchBuilder& b, Table& table, const std::string& column) {
  Column* c = table.FindColumn(column);
  if (c == nullptr) {
    return b.Error(Code::kNotFound, "column \"" + table.name + "." + column + "\" does not exist")
        .WithHint("columns of " + table.name + ": " + Join(table.ColumnNames(), ", "));
  }
  return c;
}

Status CheckExpression(BatchBuilder& b, const Table& table, const std::string& expr,
                       std::string_view field) {
  LexOptions lex = b.dialect().SqlSplitOptions().lex;
  Result<std::string> bound =
      BindColumns(expr, lex, [&](std::string_view n) -> std::optional<std::string> {
        if (table.FindColumn(n) != nullptr) return std::string(n);
        return std::nullopt;
      });
  if (!bound.ok()) {
    return b.Error(Code::kInvalid, std::string(field) + ": " + bound.status().message())
        .WithHint("columns of " + table.name + " here: " + Join(table.ColumnNames(), ", "));
  }
  return Status::Ok();
}

std::vector<std::string> DependentObjects(const Schema& schema, const std::string& table,
                                          const std::string& column) {
  std::vector<std::string> out;
  auto mentions = [](const std::string& text, const std::string& name) {
    return MentionsIdentifier(text, name);
  };
  for (const View& v : schema.views) {
    if (mentions(v.definition, table) && (column.empty() || mentions(v.definition, column))) {
      out.push_back("view " + v.name);
    }
  }
  for (const Trigger& t : schema.triggers) {
    if (t.table == table && (column.empty() || mentions(t.definition, column)))
      out.push_back("trigger " + t.name);
  }
  return out;
}

nlohmann::json OpJson(std::string_view kind, nlohmann::json fields) {
  return nlohmann::json{{std::string(kind), std::move(fields)}};
}

}  // namespace bellows
