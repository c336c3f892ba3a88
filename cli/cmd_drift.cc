// bellows drift: the live schema against the one bellows recorded (SPEC 6). Read-only: exit 0
// when clean, 3 when drifted, so a cron or CI job can watch a database.

#include "cli/commands.h"
#include "engine/drift.h"
#include "engine/strings.h"

namespace bellows::cli {

namespace {

std::string MarkdownCell(const std::string& text) { return ReplaceAll(text, "|", "\\|"); }

void PrintMarkdown(Session& s, const DriftReport& r) {
  std::string md = "### Schema drift\n\n";
  if (!r.recorded) {
    md += "Nothing recorded yet: no bellows run has changed this database.\n";
  } else if (!r.drifted()) {
    md += "No drift: the schema matches the recorded one (`" + r.live_fingerprint.substr(0, 12) +
          "`).\n";
  } else {
    md += "| change | object | detail |\n|---|---|---|\n";
    for (const SchemaChange& c : r.changes) {
      md += std::string("| ") + c.Verb() + " | `" + MarkdownCell(c.Object()) + "` | " +
            MarkdownCell(c.detail) + " |\n";
    }
  }
  if (!r.set_aside.empty()) {
    md += "\nNot checked (interrupted batch " + std::to_string(r.interrupted_batch) + "):\n\n";
    for (const SchemaChange& c : r.set_aside) md += "- `" + MarkdownCell(c.Line()) + "`\n";
  }
  s.out().Raw(md);
}

}  // namespace

Command SetupDrift(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "drift", "Compare the live schema with the one bellows recorded (exit 3 when it drifted)");
  return {sub, [](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, s.Connect());
            StateStore state(*conn);
            BELLOWS_ASSIGN_OR_RETURN(bool exists, state.Exists());
            DriftReport report;
            if (exists) {
              BELLOWS_ASSIGN_OR_RETURN(Schema live, conn->Introspect());
              BELLOWS_ASSIGN_OR_RETURN(report, DetectDrift(state, live));
            }
            s.out().fields()["drift"] = ToJson(report);
            if (s.out().format() == "markdown") {
              PrintMarkdown(s, report);
            } else if (!report.recorded) {
              s.out().Line(
                  "nothing recorded yet: no bellows run has changed this database (bellows "
                  "baseline adopts one built by other means)");
            } else if (!report.drifted()) {
              s.out().Line("no drift: the schema matches the one recorded by the last run (" +
                           report.live_fingerprint.substr(0, 12) + ")");
            } else {
              for (const SchemaChange& c : report.changes) s.out().Line(c.Line());
            }
            if (s.out().format() == "text" && !report.set_aside.empty()) {
              s.out().Line("not checked, interrupted batch " +
                           std::to_string(report.interrupted_batch) + " may have made them:");
              for (const SchemaChange& c : report.set_aside) s.out().Line("  " + c.Line());
            }
            if (!report.drifted()) return Status::Ok();
            return BELLOWS_ERR(kDrift,
                               Count(static_cast<long long>(report.changes.size()), "change") +
                                   " made outside bellows since its last recorded run")
                .WithHint(
                    "undo them, or write them into a migration; after review, bellows repair "
                    "--accept-drift records the schema as it is");
          }};
}

}  // namespace bellows::cli
