// bellows lint: safety rules over pending migrations (docs/lint/README.md). Offline (no URL,
// --all or --since) it replays the directory from an empty schema for each target dialect;
// with a URL it lints the pending migrations against the live schema. Exit 4 on errors (or
// on warnings with --strict).

#include <array>
#include <cstdio>
#include <set>

#include "cli/commands.h"
#include "cli/lint_output.h"
#include "dialects/open.h"
#include "engine/strings.h"

namespace bellows::cli {

namespace {

std::string ShellQuote(const std::string& s) { return "'" + ReplaceAll(s, "'", "'\\''") + "'"; }

Result<std::string> RunGit(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return BELLOWS_ERR(kUsage, "cannot run git");
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  int status = pclose(pipe);
  if (status != 0) {
    return BELLOWS_ERR(kUsage, "--since: git failed: " + std::string(Trim(out)))
        .WithHint("run lint inside a git work tree and name a revision git knows (origin/main)");
  }
  return out;
}

// Files of the migration directory changed since `rev` (committed, staged, in the work tree,
// or new and untracked), relative to the directory.
Result<std::set<std::string>> ChangedSince(const std::string& dir, const std::string& rev) {
  for (char c : rev) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string("_./~^@{}-").find(c) == std::string::npos)
      return BELLOWS_ERR(kUsage, "--since " + rev + " is not a git revision");
  }
  std::string git = "git -C " + ShellQuote(dir);
  BELLOWS_ASSIGN_OR_RETURN(std::string diff,
                           RunGit(git + " diff --name-only --relative " + rev + " -- ."));
  BELLOWS_ASSIGN_OR_RETURN(std::string fresh,
                           RunGit(git + " ls-files --others --exclude-standard -- ."));
  std::set<std::string> out;
  for (const std::string& text : {diff, fresh}) {
    for (const std::string& line : Split(text, '\n')) {
      if (!Trim(line).empty()) out.emplace(Trim(line));
    }
  }
  return out;
}

}  // namespace

Command SetupLint(CLI::App& app) {
  struct Options {
    std::vector<std::string> dialects;
    bool all = false;
    std::string since;
    bool strict = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand(
      "lint", "Check pending migrations for locking, rewrite, data-loss and compatibility hazards");
  sub->add_option("--dialect", o->dialects,
                  "Dialect to lint for (repeatable; default: bellows.yaml's dialects, else the "
                  "URL's, else all three)")
      ->check(CLI::IsMember({"sqlite", "postgres", "mysql"}));
  sub->add_flag("--all", o->all, "Lint every migration, applied or not (offline replay)");
  sub->add_option("--since", o->since,
                  "Lint the migration files changed since this git revision (origin/main)");
  sub->add_flag("--strict", o->strict, "Warnings fail too (exit 4)");
  return {sub, [o](Session& s) -> Status {
            BELLOWS_ASSIGN_OR_RETURN(Directory dir, s.LoadDir());
            s.out().Warnings(dir.warnings);
            std::vector<std::string> names = o->dialects;
            if (names.empty()) names = s.config().dialects;
            const bool online =
                !s.Url().empty() && !o->all && o->since.empty() && o->dialects.empty();
            std::unique_ptr<Connection> conn;
            Schema base;
            std::vector<const Migration*> migrations;
            std::vector<bool> report;
            std::vector<std::unique_ptr<Dialect>> owned;
            std::vector<const Dialect*> dialects;
            if (online) {
              BELLOWS_ASSIGN_OR_RETURN(conn, s.Connect());
              BELLOWS_ASSIGN_OR_RETURN(RunOptions run, s.MakeRunOptions());
              BELLOWS_ASSIGN_OR_RETURN(Inventory inv, TakeInventory(*conn, dir, run));
              if (!inv.problems.empty()) return inv.problems.front();
              BELLOWS_ASSIGN_OR_RETURN(base, conn->Introspect());
              migrations = inv.pending;
              report.assign(migrations.size(), true);
              dialects.push_back(&conn->dialect());
            } else {
              if (names.empty() && !s.Url().empty()) {
                BELLOWS_ASSIGN_OR_RETURN(conn, s.Connect());
                names.emplace_back(conn->dialect().Name());
              }
              if (names.empty()) names = {"sqlite", "postgres", "mysql"};
              for (const std::string& name : names) {
                BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<Dialect> d,
                                         OpenDialect(name, s.MakeDialectOptions()));
                dialects.push_back(d.get());
                owned.push_back(std::move(d));
              }
              std::set<std::string> changed;
              if (!o->since.empty()) {
                BELLOWS_ASSIGN_OR_RETURN(changed, ChangedSince(dir.path, o->since));
              }
              for (const Migration& m : dir.migrations) {
                migrations.push_back(&m);
                report.push_back(o->since.empty() || changed.count(m.file) > 0 ||
                                 (!m.down_file.empty() && changed.count(m.down_file) > 0));
              }
            }
            BELLOWS_ASSIGN_OR_RETURN(LintReport r, RunLint(dialects, base, migrations, report,
                                                           dir.path, s.config().lint_disable));
            nlohmann::json fields = LintJson(r);
            for (auto& [k, v] : fields.items()) s.out().fields()[k] = v;
            s.out().fields()["online"] = online;
            if (s.out().format() == "markdown") {
              s.out().Raw(LintMarkdown(r));
            } else if (s.out().format() == "sarif") {
              s.out().Raw(LintSarif(r));
            } else {
              s.out().Line(LintText(r));
            }
            int failing = r.Errors() + (o->strict ? r.Warnings() : 0);
            if (failing > 0) {
              return BELLOWS_ERR(kInvalid, "lint: " + Count(r.Errors(), "error") + ", " +
                                               Count(r.Warnings(), "warning") +
                                               (o->strict ? " (--strict)" : ""))
                  .WithHint("fix them, or silence one with -- bellows:lint-ignore CODE <reason>");
            }
            return Status::Ok();
          }};
}

}  // namespace bellows::cli
