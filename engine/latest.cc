#include "engine/latest.h"

#include "engine/state.h"

namespace bellows {

Result<Latest> LatestVersion(Connection& conn) {
  const Dialect& d = conn.dialect();
  StateStore state(conn);
  Latest out;
  BELLOWS_ASSIGN_OR_RETURN(bool exists, state.Exists());
  std::optional<BatchRow> batch;
  if (exists) {
    BELLOWS_ASSIGN_OR_RETURN(batch, state.InFlight());
    if (batch && batch->state != kExpanded && batch->state != kCompleting) batch.reset();
  }
  if (batch) {
    out.version = batch->version;
    out.in_flight = true;
    out.sql = batch->latest_sql;
  } else {
    // No window is open: the newest version is the base schema itself.
    BELLOWS_ASSIGN_OR_RETURN(Schema live, conn.Introspect());
    std::optional<BatchRow> last;
    if (exists) {
      BELLOWS_ASSIGN_OR_RETURN(last, state.LastCompleted());
    }
    out.version.name = last && !last->version_name.empty()
                           ? last->version_name
                           : d.DefaultVersionPrefix(conn.DatabaseName());
    for (const Table& t : live.tables) {
      TableView v;
      v.name = t.name;
      v.physical = t.name;
      out.version.tables.push_back(v);
    }
    out.sql = d.LatestSql(out.version);
  }
  out.schema = d.LatestSchema(out.version);
  out.env = d.LatestEnv(out.version);
  return out;
}

}  // namespace bellows
