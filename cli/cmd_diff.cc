// bellows diff: generate the migration from the schema the directory builds to a desired one
// (a database or a SQL schema file), or compare two live databases (--from/--to).

#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "cli/commands.h"
#include "dialects/open.h"
#include "dialects/scratch.h"
#include "engine/generate.h"
#include "engine/project.h"
#include "engine/schema_diff.h"
#include "engine/sql_splitter.h"
#include "engine/strings.h"
#include "engine/url.h"

namespace bellows::cli {

namespace {

struct Options {
  std::string from, to, dev_url, slug = "generated";
  std::vector<std::string> renames, drop_add;
  bool dry_run = false;
};

bool IsUrl(const std::string& s) { return !UrlDialect(s).empty(); }

// Introspects a live database; bellows' own objects (versions) are not part of the design.
Result<Schema> Live(Connection& conn) {
  BELLOWS_ASSIGN_OR_RETURN(Schema s, conn.Introspect());
  s.bellows_objects.clear();
  return s;
}

// Loads the SQL schema file `path` into `conn`, statement by statement.
Status LoadSchemaFile(Connection& conn, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return BELLOWS_ERR(kUsage, "cannot read " + path)
        .WithHint("--to takes a database URL or a .sql file of CREATE statements");
  }
  std::stringstream text;
  text << in.rdbuf();
  BELLOWS_ASSIGN_OR_RETURN(std::vector<SqlStatement> statements,
                           SplitSql(text.str(), conn.dialect().SqlSplitOptions(), path));
  for (const SqlStatement& st : statements) {
    Status s = conn.Execute(st.text);
    if (!s.ok()) {
      return BELLOWS_ERR(kInvalid, path + ":" + std::to_string(st.line) + ":" +
                                       std::to_string(st.column) + ": " + s.message())
          .WithLocation({path, st.line, st.column})
          .WithHint("the schema file must run on an empty " + std::string(conn.dialect().Name()) +
                    " database");
    }
  }
  return Status::Ok();
}

Status ParseRenames(const Options& o, GenerateOptions* g) {
  for (const std::string& r : o.renames) {
    size_t eq = r.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == r.size()) {
      return BELLOWS_ERR(kUsage, "--rename " + r + ": expected TABLE=NEW or TABLE.COLUMN=NEW")
          .WithHint("for example --rename users.name=full_name");
    }
    g->renames[r.substr(0, eq)] = r.substr(eq + 1);
  }
  for (const std::string& d : o.drop_add) g->drop_add.insert(d);
  return Status::Ok();
}

// Asks on the terminal whether a candidate is a rename.
bool Ask(const RenameCandidate& c) {
  for (;;) {
    std::cerr << c.Describe() << "? [r]ename / [d]rop and add: " << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) return false;
    answer = Lower(std::string(Trim(answer)));
    if (answer == "r" || answer == "rename") return true;
    if (answer == "d" || answer == "drop" || answer == "drop and add") return false;
  }
}

void PrintChanges(Session& s, const std::vector<SchemaChange>& changes) {
  nlohmann::json j = nlohmann::json::array();
  for (const SchemaChange& c : changes) j.push_back(ToJson(c));
  s.out().fields()["changes"] = j;
  if (s.out().format() == "markdown") {
    std::string md = "| change |\n|---|\n";
    for (const SchemaChange& c : changes) md += "| `" + ReplaceAll(c.Line(), "|", "\\|") + "` |\n";
    s.out().Raw(changes.empty() ? "No difference.\n" : md);
    return;
  }
  if (changes.empty()) s.out().Line("no difference");
  for (const SchemaChange& c : changes) s.out().Line(c.Line());
}

}  // namespace

Command SetupDiff(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "diff", "Write the migration from what the directory builds to a desired schema");
  sub->add_option("--to", o->to, "The desired schema: a database URL or a .sql schema file")
      ->required();
  sub->add_option("--from", o->from,
                  "Compare this database with --to and print the difference (no file)");
  sub->add_option("--dev-url", o->dev_url,
                  "Server for scratch databases (PostgreSQL/MySQL; default: the --to server, "
                  "else --url); never production");
  sub->add_option("--rename", o->renames, "TABLE=NEW or TABLE.COLUMN=NEW: this is a rename")
      ->take_all();
  sub->add_option("--drop-add", o->drop_add, "TABLE or TABLE.COLUMN: not a rename, drop and add")
      ->take_all();
  sub->add_option("--slug", o->slug, "Name of the migration file (default generated)");
  sub->add_flag("--dry-run", o->dry_run, "Print the migration instead of writing it");
  return {sub, [o](Session& s) -> Status {
            DialectOptions dopts = s.MakeDialectOptions();
            std::string server = !o->dev_url.empty() ? o->dev_url
                                 : IsUrl(o->to)      ? o->to
                                 : !o->from.empty()  ? o->from
                                                     : s.Url();
            if (server.empty()) {
              return BELLOWS_ERR(kUsage, "--to " + o->to +
                                             " is a file: bellows needs a database "
                                             "of the target dialect to load it into")
                  .WithHint(
                      "pass --dev-url (sqlite:dev.db, or a PostgreSQL/MySQL server where "
                      "bellows may create scratch databases), or set --url");
            }
            s.out().set_url(server);

            // The desired schema.
            std::unique_ptr<ScratchDatabase> to_scratch;
            std::unique_ptr<Connection> to_conn;
            if (IsUrl(o->to)) {
              BELLOWS_ASSIGN_OR_RETURN(to_conn, OpenConnection(o->to, dopts));
            } else {
              BELLOWS_ASSIGN_OR_RETURN(to_scratch, ScratchDatabase::Create(server, dopts));
              BELLOWS_TRY(LoadSchemaFile(to_scratch->conn(), o->to));
            }
            Connection& to = to_conn ? *to_conn : to_scratch->conn();
            BELLOWS_ASSIGN_OR_RETURN(Schema desired, Live(to));

            // Two live databases: print the difference.
            if (!o->from.empty()) {
              BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<Connection> from,
                                       OpenConnection(o->from, dopts));
              if (from->dialect().Name() != to.dialect().Name()) {
                return BELLOWS_ERR(kUsage, "--from is " + std::string(from->dialect().Name()) +
                                               " and --to is " + std::string(to.dialect().Name()) +
                                               ": bellows compares databases of one dialect");
              }
              BELLOWS_ASSIGN_OR_RETURN(Schema current, Live(*from));
              PrintChanges(s, DiffSchemas(current, desired));
              return Status::Ok();
            }

            // What the migration directory builds, replayed into a scratch database.
            BELLOWS_ASSIGN_OR_RETURN(Directory dir, s.LoadDir());
            BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDatabase> replay,
                                     ScratchDatabase::Create(server, dopts));
            if (replay->conn().dialect().Name() != to.dialect().Name()) {
              return BELLOWS_ERR(kUsage, "the scratch server is " +
                                             std::string(replay->conn().dialect().Name()) +
                                             ", the desired schema " +
                                             std::string(to.dialect().Name()))
                  .WithHint("pass --dev-url of the same dialect as --to");
            }
            BELLOWS_ASSIGN_OR_RETURN(RunOptions run, s.MakeRunOptions());
            run.allow_drift = true;
            NullEventSink quiet;
            RunReport replayed;
            Runner runner(replay->conn(), dir, run, quiet);
            Status applied = runner.Apply(&replayed);
            if (!applied.ok()) {
              Status e = applied;
              return e.With("replaying the migration directory into a scratch database");
            }
            BELLOWS_ASSIGN_OR_RETURN(Schema current, Live(replay->conn()));

            GenerateOptions g;
            BELLOWS_TRY(ParseRenames(*o, &g));
            if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) g.ask = Ask;
            BELLOWS_ASSIGN_OR_RETURN(GeneratedMigration m,
                                     GenerateMigration(current, desired, to.dialect(), g));
            s.out().Warnings(m.warnings);
            auto& f = s.out().fields();
            f["operations"] = m.operations;
            f["placeholders"] = m.placeholders;
            f["file"] = nullptr;
            if (m.operations == 0) {
              s.out().Line("no difference: the migration directory already builds that schema");
              return Status::Ok();
            }
            f["migration"] = m.yaml;
            if (o->dry_run) {
              s.out().Raw(s.out().json() ? "" : m.yaml);
              return Status::Ok();
            }
            BELLOWS_ASSIGN_OR_RETURN(std::string path, NewMigration(dir, o->slug, false, m.yaml));
            f["file"] = path;
            s.out().Line("wrote " + path + " (" + Count(m.operations, "operation") + ")");
            if (m.placeholders > 0) {
              s.out().Warn(Count(m.placeholders, "placeholder") +
                           " ({{review: ...}}) to replace before the file can run: bellows "
                           "validate names each");
            }
            return Status::Ok();
          }};
}

}  // namespace bellows::cli
