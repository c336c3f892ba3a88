#pragma once
// JSON forms of the schema model. ToJson/FromJson round-trip exactly (version specs, stored
// snapshots); CanonicalJson is the normalised, sorted form whose SHA-256 is the schema
// fingerprint (SPEC 6): no counters or OIDs, names sorted, whitespace in expressions and the
// case of types normalised.

#include <string>

#include <nlohmann/json.hpp>

#include "engine/schema.h"

namespace bellows {

nlohmann::json ToJson(const Column& c);
Column ColumnFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const Constraint& c);
Constraint ConstraintFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const Index& i);
Index IndexFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const Table& t);
Table TableFromJson(const nlohmann::json& j);
nlohmann::json ToJson(const Schema& s);
Schema SchemaFromJson(const nlohmann::json& j);

nlohmann::json CanonicalJson(const Schema& s);
// SHA-256 of CanonicalJson(s).dump().
std::string Fingerprint(const Schema& s);

}  // namespace bellows
