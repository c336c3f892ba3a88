// bellows latest schema|sql|env: what a new-version application adds to its connection
// (SPEC 4.2). Never prints a URL with credentials.

#include "cli/commands.h"
#include "engine/latest.h"

namespace bellows::cli {

Command SetupLatest(CLI::App& app) {
  auto what = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "latest", "What an application on the newest version adds to its connection");
  sub->add_option("what", *what, "schema, sql or env")
      ->required()
      ->check(CLI::IsMember({"schema", "sql", "env"}));
  return {sub, [what](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, s.Connect());
            BELLOWS_ASSIGN_OR_RETURN(Latest latest, LatestVersion(*conn));
            s.out().fields()["version"] = latest.version.name;
            s.out().fields()["in_flight"] = latest.in_flight;
            const std::string& text = *what == "sql"      ? latest.sql
                                      : *what == "schema" ? latest.schema
                                                          : latest.env;
            s.out().fields()[*what == "schema" ? "schema_name" : *what] = text;
            if (*what == "schema") {
              s.out().Line(text);
            } else if (!s.out().json()) {
              s.out().Raw(text);
            }
            return Status::Ok();
          }};
}

}  // namespace bellows::cli
