// bellows init: bellows.yaml, the migration directory, bellows.sum and .gitattributes.

#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"
#include "engine/project.h"

namespace bellows::cli {

Command SetupInit(CLI::App& app) {
  CLI::App* sub = app.add_subcommand(
      "init", "Create bellows.yaml, the migration directory and its bellows.sum");
  return {sub,
          [](Session& s) -> Status {
            std::string config = s.options().config.empty() ? "bellows.yaml" : s.options().config;
            std::string url = s.Url().empty() ? "sqlite:app.db" : s.Url();
            // --dir or BELLOWS_DIR, as every command reads them; else the existing file's dir:,
            // else migrations/ beside the settings file.
            std::string dir = s.DirPath();
            if (s.options().dir.empty() && std::getenv("BELLOWS_DIR") == nullptr &&
                s.config().path.empty()) {
              std::filesystem::path base = std::filesystem::path(config).parent_path();
              dir = (base / "migrations").string();
            }
            BELLOWS_ASSIGN_OR_RETURN(InitResult r, InitProject(config, dir, url));
            for (const std::string& p : r.created) s.out().Line("created " + p);
            for (const std::string& p : r.kept) s.out().Line("kept    " + p + " (already there)");
            s.out().Line("next: bellows new create_users, edit the file, then bellows plan");
            s.out().fields()["created"] = r.created;
            s.out().fields()["kept"] = r.kept;
            return Status::Ok();
          },
          true};
}

}  // namespace bellows::cli
