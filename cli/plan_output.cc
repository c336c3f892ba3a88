#include "cli/plan_output.h"

#include <sstream>

#include "engine/strings.h"

namespace bellows::cli {

namespace {

std::string Flags(const RenderedStep& r) {
  std::string out = r.lock;
  if (!r.cost.empty() && r.cost != r.lock) out += (out.empty() ? "" : ", ") + r.cost;
  if (!r.transactional) out += ", outside a transaction";
  return out;
}

std::string Indent(const std::string& sql, const std::string& prefix) {
  std::string out;
  for (const std::string& line : Split(sql, '\n')) out += prefix + line + "\n";
  return out;
}

}  // namespace

std::string PlanText(const std::vector<BatchPlan>& batches, const std::string& header) {
  std::ostringstream out;
  out << header << "\n";
  if (batches.empty()) out << "nothing to do: no pending migrations\n";
  for (size_t b = 0; b < batches.size(); ++b) {
    const BatchPlan& plan = batches[b];
    out << "\nbatch " << (b + 1) << " -> version " << plan.version.name << "\n";
    for (size_t m = 0; m < plan.migrations.size(); ++m) {
      const MigrationPlan& mp = plan.migrations[m];
      out << "  " << mp.version << " " << mp.name << " (" << mp.kind << ", " << mp.file << ")";
      if (!mp.irreversible.empty())
        out << "  [irreversible once completed: " << mp.irreversible << "]";
      out << "\n";
      if (!mp.description.empty()) out << "    " << mp.description << "\n";
      for (const PlannedStep& s : plan.steps) {
        if (s.migration != static_cast<int>(m)) continue;
        out << "    " << PhaseName(s.phase)
            << std::string(9 - std::string(PhaseName(s.phase)).size(), ' ') << "[" << s.seq << "] "
            << s.description << "  (" << Flags(s.forward)
            << (s.destructive ? ", point of no return" : "") << ")\n";
        for (const std::string& sql : s.forward.outside_before) out << Indent(sql, "        | ");
        for (const std::string& sql : s.forward.sql) out << Indent(sql, "        | ");
        for (const StepCheck& c : s.forward.checks)
          out << "        check: " << c.query << " returns no rows\n";
        for (const std::string& sql : s.forward.outside_after) out << Indent(sql, "        | ");
        if (!s.inverse) {
          out << "        undo: none\n";
        } else if (!s.inverse->sql.empty()) {
          out << "        undo: " << NormalizeSpace(s.inverse->sql.front()).substr(0, 100)
              << (s.inverse->sql.size() > 1 ? " ..." : "") << "\n";
        }
      }
    }
    for (const std::string& w : plan.warnings) out << "  warning: " << w << "\n";
  }
  return out.str();
}

std::string PlanMarkdown(
    const std::vector<BatchPlan>& batches, const std::string& header, const LintReport* lint,
    const std::map<std::string, std::vector<std::pair<std::string, long long>>>* rows) {
  std::ostringstream out;
  out << "## bellows plan\n\n" << header << "\n";
  if (lint != nullptr) {
    out << "\nLint: " << Count(lint->Errors(), "error") << ", "
        << Count(lint->Warnings(), "warning")
        << (lint->ignored > 0 ? ", " + std::to_string(lint->ignored) + " ignored" : "") << "\n";
  }
  if (batches.empty()) out << "\nNothing to do: no pending migrations.\n";
  for (size_t b = 0; b < batches.size(); ++b) {
    const BatchPlan& plan = batches[b];
    out << "\n### Batch " << (b + 1) << " → version `" << plan.version.name << "`\n";
    for (size_t m = 0; m < plan.migrations.size(); ++m) {
      const MigrationPlan& mp = plan.migrations[m];
      out << "\n#### `" << mp.version << "` " << mp.name << " (" << mp.kind << ", `" << mp.file
          << "`)\n\n";
      if (!mp.description.empty()) out << mp.description << "\n\n";
      if (!mp.irreversible.empty())
        out << "> **Irreversible once completed:** " << mp.irreversible << "\n\n";
      if (rows != nullptr && rows->count(mp.id) && !rows->at(mp.id).empty()) {
        out << "Rows touched:";
        std::string sep = " ";
        for (const auto& [table, n] : rows->at(mp.id)) {
          out << sep << "`" << table << "` " << (n >= kRowCap ? "≥ " : "") << n;
          sep = ", ";
        }
        out << "\n\n";
      }
      out << "| # | phase | step | lock | cost | undo |\n|---|---|---|---|---|---|\n";
      std::string sql, undo;
      for (const PlannedStep& s : plan.steps) {
        if (s.migration != static_cast<int>(m)) continue;
        if (s.inverse) {
          std::string text;
          for (const std::string& q : s.inverse->sql) text += q + ";\n";
          if (!text.empty()) undo = "-- undo step " + std::to_string(s.seq) + "\n" + text + undo;
        }
        out << "| " << s.seq << " | " << PhaseName(s.phase) << " | "
            << ReplaceAll(s.description, "|", "\\|") << " | " << s.forward.lock
            << (s.forward.blocks_writes ? " ⚠️" : "") << " | " << s.forward.cost
            << (s.destructive ? " (point of no return)" : "") << " | "
            << (s.inverse ? "yes" : "**no**") << " |\n";
        for (const std::string& q : s.forward.sql)
          sql += "-- step " + std::to_string(s.seq) + "\n" + q + ";\n";
      }
      if (!sql.empty())
        out << "\n<details><summary>SQL</summary>\n\n```sql\n" << sql << "```\n\n</details>\n";
      if (!undo.empty()) {
        out << "\n<details><summary>Rollback of the in-flight batch (newest first)</summary>\n\n"
               "```sql\n"
            << undo << "```\n\n</details>\n";
      }
      if (lint != nullptr) {
        std::string list = LintMarkdownList(lint->findings, mp.id);
        out << "\n**Lint:** " << (list.empty() ? "no findings\n" : "\n\n" + list);
      }
    }
    for (const std::string& w : plan.warnings) out << "\n- ⚠️ " << w << "\n";
  }
  return out.str();
}

}  // namespace bellows::cli
