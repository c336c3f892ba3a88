#include "engine/node.h"

#include <algorithm>

#include "engine/strings.h"

namespace bellows {

Node::Node() = default;
Node::~Node() = default;

const Node* Node::Find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string Node::Describe() const {
  switch (kind) {
    case Kind::kNull:
      return "nothing";
    case Kind::kScalar:
      return "\"" + scalar + "\"";
    case Kind::kList:
      return "a list";
    case Kind::kMap:
      return "a map";
  }
  return "nothing";
}

Node Node::FromJson(const nlohmann::json& j) {
  Node n;
  if (j.is_null()) return n;
  if (j.is_object()) {
    n.kind = Kind::kMap;
    for (auto it = j.begin(); it != j.end(); ++it)
      n.entries.emplace_back(it.key(), FromJson(it.value()));
  } else if (j.is_array()) {
    n.kind = Kind::kList;
    for (const auto& item : j) n.items.push_back(FromJson(item));
  } else if (j.is_string()) {
    n.kind = Kind::kScalar;
    n.scalar = j.get<std::string>();
    n.quoted = true;
  } else {
    n.kind = Kind::kScalar;
    n.scalar = j.dump();
  }
  return n;
}

nlohmann::json Node::ToJson() const {
  switch (kind) {
    case Kind::kNull:
      return nullptr;
    case Kind::kScalar:
      return scalar;
    case Kind::kList: {
      nlohmann::json a = nlohmann::json::array();
      for (const Node& i : items) a.push_back(i.ToJson());
      return a;
    }
    case Kind::kMap: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& [k, v] : entries) o[k] = v.ToJson();
      return o;
    }
  }
  return nullptr;
}

FieldReader::FieldReader(const Node& node, std::string what)
    : node_(node), what_(std::move(what)) {}

void FieldReader::Declare(std::string_view key) { declared_.emplace_back(key); }

Status FieldReader::Error(const Node& at, std::string message) const {
  return BELLOWS_ERR(kInvalid, what_ + ": " + message).WithLocation(at.location);
}

const Node* FieldReader::Child(std::string_view key, bool required, Status* status) {
  Declare(key);
  const Node* child = node_.Find(key);
  if ((child == nullptr || child->is_null()) && required) {
    *status = Error(node_, "missing required field \"" + std::string(key) + "\"");
    return nullptr;
  }
  return child != nullptr && !child->is_null() ? child : nullptr;
}

Status FieldReader::String(std::string_view key, std::string* out, bool required) {
  Status s;
  const Node* child = Child(key, required, &s);
  if (!s.ok()) return s;
  if (child == nullptr) return Status::Ok();
  if (!child->is_scalar()) {
    return Error(*child,
                 "field \"" + std::string(key) + "\" must be a string, not " + child->Describe());
  }
  *out = child->scalar;
  return Status::Ok();
}

Status FieldReader::Bool(std::string_view key, bool* out) {
  Status s;
  const Node* child = Child(key, false, &s);
  if (child == nullptr) return s;
  std::string v = child->is_scalar() ? Lower(child->scalar) : "";
  if (v == "true" || v == "yes") {
    *out = true;
  } else if (v == "false" || v == "no") {
    *out = false;
  } else {
    return Error(*child, "field \"" + std::string(key) + "\" must be true or false, not " +
                             child->Describe());
  }
  return Status::Ok();
}

Status FieldReader::Int(std::string_view key, long long* out) {
  Status s;
  const Node* child = Child(key, false, &s);
  if (child == nullptr) return s;
  try {
    size_t used = 0;
    long long v = std::stoll(child->scalar, &used);
    if (used != child->scalar.size()) throw std::invalid_argument("trailing");
    *out = v;
  } catch (const std::exception&) {
    return Error(*child,
                 "field \"" + std::string(key) + "\" must be an integer, not " + child->Describe());
  }
  return Status::Ok();
}

Status FieldReader::StringList(std::string_view key, std::vector<std::string>* out, bool required) {
  Status s;
  const Node* child = Child(key, required, &s);
  if (!s.ok()) return s;
  if (child == nullptr) return Status::Ok();
  if (child->is_scalar()) {
    *out = {child->scalar};
    return Status::Ok();
  }
  if (!child->is_list()) {
    return Error(*child, "field \"" + std::string(key) + "\" must be a list of names, not " +
                             child->Describe());
  }
  out->clear();
  for (const Node& item : child->items) {
    if (!item.is_scalar()) return Error(item, "field \"" + std::string(key) + "\" must list names");
    out->push_back(item.scalar);
  }
  return Status::Ok();
}

Status FieldReader::Finish() const {
  if (!node_.is_map()) return Status::Ok();
  for (const auto& [key, value] : node_.entries) {
    if (std::find(declared_.begin(), declared_.end(), key) == declared_.end()) {
      std::vector<std::string> valid = declared_;
      std::sort(valid.begin(), valid.end());
      valid.erase(std::unique(valid.begin(), valid.end()), valid.end());
      return Error(value, "unknown field \"" + key + "\"")
          .WithHint("valid fields: " + Join(valid, ", "));
    }
  }
  return Status::Ok();
}

}  // namespace bellows
