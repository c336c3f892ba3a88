#include "engine/foreign_history.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "engine/strings.h"

namespace bellows {

namespace {

bool Truthy(const std::optional<std::string>& v) {
  if (!v) return false;
  std::string s = Lower(*v);
  return s == "t" || s == "true" || s == "1";
}

std::string QuoteQualified(const Dialect& d, const std::string& table) {
  std::vector<std::string> parts;
  for (const std::string& p : Split(table, '.')) parts.push_back(d.QuoteIdentifier(p));
  return Join(parts, ".");
}

Status BadVersion(const ForeignHistory& h, const std::string& text) {
  return BELLOWS_ERR(kInvalid, h.table + " holds \"" + text + "\", which is not a version");
}

}  // namespace

std::string DefaultHistoryTable(DirFormat tool) {
  switch (tool) {
    case DirFormat::kFlyway:
      return "flyway_schema_history";
    case DirFormat::kGoose:
      return "goose_db_version";
    default:
      return "schema_migrations";
  }
}

Result<ForeignHistory> ReadForeignHistory(Connection& conn, DirFormat tool, std::string table) {
  if (tool == DirFormat::kAuto || tool == DirFormat::kBellows) {
    return BELLOWS_ERR(kUsage, "import reads another tool's history")
        .WithHint("--from golang-migrate, flyway, dbmate or goose");
  }
  ForeignHistory h;
  h.tool = DirFormatName(tool);
  h.table = table.empty() ? DefaultHistoryTable(tool) : table;
  const std::string from = " FROM " + QuoteQualified(conn.dialect(), h.table);
  std::string sql;
  switch (tool) {
    case DirFormat::kGolangMigrate:
      sql = "SELECT version, dirty" + from;
      break;
    case DirFormat::kDbmate:
      sql = "SELECT version" + from;
      break;
    case DirFormat::kGoose:
      sql = "SELECT version_id, is_applied" + from + " ORDER BY id";
      break;
    default:  // Flyway
      sql = "SELECT version, script, type, success" + from + " ORDER BY installed_rank";
      break;
  }
  Result<Rows> rows = conn.Query(sql);
  if (!rows.ok()) {
    return BELLOWS_ERR(kInvalid, "cannot read " + h.tool + "'s history table " + h.table + ": " +
                                     rows.status().message())
        .WithHint("name the table with --table if " + h.tool + " was configured with another one");
  }
  auto version = [&](const std::optional<std::string>& text) -> Result<Version> {
    std::optional<Version> v = Version::Parse(text.value_or(""));
    if (!v) return BadVersion(h, text.value_or("NULL"));
    return *v;
  };
  switch (tool) {
    case DirFormat::kGolangMigrate: {
      if (rows->rows.empty()) {
        h.summary = "no version (nothing applied)";
        break;
      }
      const Row& r = rows->rows.back();
      BELLOWS_ASSIGN_OR_RETURN(Version v, version(r[0]));
      if (Truthy(r[1])) {
        return BELLOWS_ERR(kConflict, "golang-migrate left version " + v.canonical() +
                                          " dirty: a migration failed halfway")
            .WithHint("repair the database, then clear the flag (migrate force " + v.canonical() +
                      ") before importing");
      }
      h.upto = v;
      h.summary = "version " + v.canonical() + " (clean)";
      break;
    }
    case DirFormat::kDbmate:
      for (const Row& r : rows->rows) {
        BELLOWS_ASSIGN_OR_RETURN(Version v, version(r[0]));
        h.applied.push_back(v);
      }
      h.summary = Count(static_cast<long long>(h.applied.size()), "applied version");
      break;
    case DirFormat::kGoose: {
      std::map<std::string, std::pair<Version, bool>> last;  // by canonical version
      for (const Row& r : rows->rows) {
        BELLOWS_ASSIGN_OR_RETURN(Version v, version(r[0]));
        last.insert_or_assign(v.canonical(), std::make_pair(v, Truthy(r[1])));
      }
      for (const auto& [text, state] : last) {
        if (state.second && text != "0") h.applied.push_back(state.first);
      }
      h.summary = Count(static_cast<long long>(h.applied.size()), "applied version");
      break;
    }
    default: {  // Flyway
      for (const Row& r : rows->rows) {
        std::string type = Upper(r[2].value_or(""));
        if (!Truthy(r[3])) {
          return BELLOWS_ERR(kConflict, "Flyway recorded a failed migration (" +
                                            r[1].value_or("?") + ") in " + h.table)
              .WithHint("repair the database and run flyway repair before importing");
        }
        if (type == "SCHEMA" || type == "DELETE") continue;
        if (!r[0] || r[0]->empty()) {
          h.repeatables.push_back(std::filesystem::path(r[1].value_or("")).filename().string());
          continue;
        }
        BELLOWS_ASSIGN_OR_RETURN(Version v, version(r[0]));
        if (type == "BASELINE") {
          h.upto = v;
        } else if (StartsWith(type, "UNDO")) {
          std::erase(h.applied, v);
        } else {
          h.applied.push_back(v);
        }
      }
      h.summary =
          Count(static_cast<long long>(h.applied.size()), "applied version") +
          (h.upto ? ", baseline " + h.upto->canonical() : "") +
          (h.repeatables.empty()
               ? ""
               : ", " + Count(static_cast<long long>(h.repeatables.size()), "repeatable run"));
      break;
    }
  }
  return h;
}

Adoption MatchHistory(const ForeignHistory& history, const Directory& dir) {
  Adoption a;
  std::vector<Version> unmatched = history.applied;
  for (const Migration& m : dir.migrations) {
    bool applied = false;
    if (m.kind == MigrationKind::kRepeatable) {
      std::string name = std::filesystem::path(m.file).filename().string();
      applied = std::find(history.repeatables.begin(), history.repeatables.end(), name) !=
                history.repeatables.end();
    } else {
      applied = history.upto && !(*history.upto < m.version);
      auto it = std::find(unmatched.begin(), unmatched.end(), m.version);
      if (it != unmatched.end()) {
        applied = true;
        unmatched.erase(it);
      }
    }
    (applied ? a.adopted : a.pending).push_back(&m);
  }
  for (const Version& v : unmatched) a.missing.push_back(v.canonical());
  if (history.upto) {
    bool found = std::any_of(dir.migrations.begin(), dir.migrations.end(), [&](const Migration& m) {
      return m.kind != MigrationKind::kRepeatable && m.version == *history.upto;
    });
    // golang-migrate's version names a file; a Flyway baseline usually has none.
    if (!found && history.tool == "golang-migrate" && history.upto->canonical() != "0")
      a.missing.push_back(history.upto->canonical());
  }
  return a;
}

}  // namespace bellows
