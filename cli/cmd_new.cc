// bellows new <slug> [--sql]: the next migration file in the directory's numbering scheme.

#include "cli/commands.h"
#include "engine/project.h"

namespace bellows::cli {

Command SetupNew(CLI::App& app) {
  struct Options {
    std::string slug;
    bool sql = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "new", "Write the next migration file (YAML operations, or SQL with --sql)");
  sub->add_option("slug", o->slug, "Name of the migration: lowercase letters, digits, underscores")
      ->required();
  sub->add_flag("--sql", o->sql, "Write a SQL file with -- bellows:up / -- bellows:down sections");
  return {sub, [o](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(Directory dir, s.LoadDir());
            BELLOWS_ASSIGN_OR_RETURN(std::string path, NewMigration(dir, o->slug, o->sql));
            s.out().Line("created " + path);
            s.out().fields()["file"] = path;
            return Status::Ok();
          }};
}

}  // namespace bellows::cli
