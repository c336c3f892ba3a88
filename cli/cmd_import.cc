// bellows import --from TOOL: adopt a database that golang-migrate, Flyway, dbmate or goose
// migrated. bellows reads the tool's directory unchanged (--dir-format TOOL) and its history
// table, and records the migrations the tool applied as applied, so `apply` continues with
// the rest. Asks before writing on a terminal; --yes writes without asking.

#include <iostream>
#include <unistd.h>

#include "cli/lifecycle.h"
#include "engine/foreign_history.h"
#include "engine/strings.h"

namespace bellows::cli {

Command SetupImport(CLI::App& app) {
  struct Options {
    std::string from;
    std::string table;
    bool yes = false;
    bool dry_run = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "import",
      "Adopt a database migrated by golang-migrate, flyway, dbmate or goose: its history "
      "becomes bellows' history");
  sub->add_option("--from", o->from, "The tool that migrated the database")
      ->required()
      ->check(CLI::IsMember({"golang-migrate", "flyway", "dbmate", "goose"}));
  sub->add_option("--table", o->table,
                  "The tool's history table (default: schema_migrations, flyway_schema_history, "
                  "goose_db_version)");
  sub->add_flag("--yes", o->yes, "Adopt without asking");
  sub->add_flag("--dry-run", o->dry_run, "Show what would be adopted, change nothing");
  return {
      sub, [o](Session& s) -> Status {
        BELLOWS_ASSIGN_OR_RETURN(DirFormat tool, ParseDirFormat(o->from));
        if (!s.options().dir_format.empty() && s.options().dir_format != "auto" &&
            s.options().dir_format != o->from) {
          return BELLOWS_ERR(
              kUsage, "--dir-format " + s.options().dir_format + " contradicts --from " + o->from);
        }
        BELLOWS_ASSIGN_OR_RETURN(Directory dir, LoadDirectory(s.DirPath(), tool));
        s.out().Warnings(dir.warnings);
        BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, s.Connect());
        BELLOWS_ASSIGN_OR_RETURN(ForeignHistory history, ReadForeignHistory(*conn, tool, o->table));
        Adoption a = MatchHistory(history, dir);
        auto& f = s.out().fields();
        f["from"] = o->from;
        f["table"] = history.table;
        f["adopted"] = nlohmann::json::array();
        f["pending"] = nlohmann::json::array();
        for (const Migration* m : a.adopted) f["adopted"].push_back(m->VersionText());
        for (const Migration* m : a.pending) f["pending"].push_back(m->VersionText());
        f["missing"] = a.missing;
        f["dry_run"] = o->dry_run;
        s.out().Line(o->from + "'s " + history.table + ": " + history.summary);
        s.out().Line(Count(static_cast<long long>(a.adopted.size()), "migration") +
                     " to record as applied, " +
                     Count(static_cast<long long>(a.pending.size()), "migration") +
                     " left pending for bellows apply");
        for (const Migration* m : a.adopted) s.out().Line("  adopt   " + m->file);
        for (const Migration* m : a.pending) s.out().Line("  pending " + m->file);
        if (!a.missing.empty()) {
          return BELLOWS_ERR(kInvalid,
                             o->from + " applied " +
                                 Count(static_cast<long long>(a.missing.size()), "version") +
                                 " that have no file in " + dir.path + ": " + Join(a.missing, ", "))
              .WithHint("point --dir at the directory " + o->from + " ran");
        }
        if (o->dry_run) return Status::Ok();
        if (!o->yes) {
          if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
            return BELLOWS_ERR(kUsage, "import changes bellows' state: confirm with --yes")
                .WithHint("--dry-run shows what would be adopted");
          }
          std::cerr << "record these as applied in bellows' state tables? [y/N] " << std::flush;
          std::string answer;
          std::getline(std::cin, answer);
          answer = Lower(std::string(Trim(answer)));
          if (answer != "y" && answer != "yes") {
            s.out().Line("nothing changed");
            return Status::Ok();
          }
        }
        BELLOWS_ASSIGN_OR_RETURN(RunOptions run, s.MakeRunOptions());
        Runner runner(*conn, dir, run, s.events());
        RunReport report;
        Status st = runner.Adopt(
            a.adopted, "import",
            "adopted " + Count(static_cast<long long>(a.adopted.size()), "migration") + " from " +
                o->from + "'s " + history.table + " (" + history.summary + ")",
            &report);
        BELLOWS_TRY(st);
        s.out().Line("imported: " + Count(static_cast<long long>(a.adopted.size()), "migration") +
                     " recorded as applied; run bellows apply --dir-format " + o->from +
                     " for the rest (or set dir_format: " + o->from + " in bellows.yaml)");
        s.out().Warnings(report.warnings);
        return Status::Ok();
      }};
}

}  // namespace bellows::cli
