#pragma once
// What a new-version application adds to its connection (bellows latest, SPEC 4.2): the
// in-flight batch's version while a window is open, else the newest version, the base schema.

#include <string>

#include "engine/dialect.h"

namespace bellows {

struct Latest {
  VersionSpec version;
  bool in_flight = false;
  std::string sql;     // `latest sql`
  std::string schema;  // `latest schema`
  std::string env;     // `latest env`
};

Result<Latest> LatestVersion(Connection& conn);

}  // namespace bellows
