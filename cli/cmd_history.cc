// bellows history: every recorded migration run.

#include <cstdio>

#include "cli/commands.h"

namespace bellows::cli {

Command SetupHistory(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("history", "Every migration run recorded in the state tables");
  return {sub, [](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, s.Connect());
            StateStore state(*conn);
            BELLOWS_ASSIGN_OR_RETURN(bool exists, state.Exists());
            std::vector<HistoryRow> rows;
            if (exists) {
              BELLOWS_ASSIGN_OR_RETURN(rows, state.History());
            }
            nlohmann::json out = nlohmann::json::array();
            if (rows.empty()) s.out().Line("no migrations recorded yet");
            char line[512];
            if (!rows.empty()) {
              std::snprintf(line, sizeof line, "%-5s %-16s %-28s %-12s %-6s %-21s %s", "id",
                            "version", "name", "state", "batch", "finished", "by");
              s.out().Line(line);
            }
            for (const HistoryRow& h : rows) {
              std::snprintf(line, sizeof line, "%-5lld %-16s %-28s %-12s %-6lld %-21s %s", h.id,
                            h.version.c_str(), h.name.substr(0, 28).c_str(), h.state.c_str(),
                            h.batch_id, h.finished_at.empty() ? "-" : h.finished_at.c_str(),
                            h.applied_by.c_str());
              s.out().Line(line);
              if (!h.error.empty()) s.out().Line("      error: " + h.error);
              out.push_back(
                  {{"id", h.id},
                   {"version", h.version},
                   {"name", h.name},
                   {"file", h.file},
                   {"kind", h.kind},
                   {"checksum", h.checksum},
                   {"batch", h.batch_id},
                   {"state", h.state},
                   {"started_at", h.started_at},
                   {"finished_at", h.finished_at.empty() ? nlohmann::json(nullptr)
                                                         : nlohmann::json(h.finished_at)},
                   {"applied_by", h.applied_by},
                   {"bellows_version", h.bellows_version},
                   {"fingerprint", h.fingerprint},
                   {"plan_hash", h.plan_hash},
                   {"error", h.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(h.error)}});
            }
            s.out().fields()["history"] = out;
            std::vector<RepairRow> repairs;
            if (exists) {
              BELLOWS_ASSIGN_OR_RETURN(repairs, state.Repairs());
            }
            nlohmann::json jr = nlohmann::json::array();
            if (!repairs.empty()) s.out().Line("repairs:");
            for (const RepairRow& r : repairs) {
              s.out().Line("  " + r.at + " " + r.by + " " + r.action + ": " + r.detail);
              jr.push_back({{"id", r.id},
                            {"at", r.at},
                            {"by", r.by},
                            {"action", r.action},
                            {"detail", r.detail}});
            }
            s.out().fields()["repairs"] = jr;
            return Status::Ok();
          }};
}

}  // namespace bellows::cli
