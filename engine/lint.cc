#include "engine/lint.h"

#include <filesystem>
#include <map>

#include "engine/lint_context.h"
#include "engine/loader.h"
#include "engine/operation.h"
#include "engine/planner.h"
#include "engine/strings.h"

namespace bellows {

namespace fs = std::filesystem;

void LintContext::Add(std::string_view code, SourceLocation at, std::string message) const {
  const LintRule* rule = FindLintRule(code);
  if (rule == nullptr) return;
  if (!rule->dialects.empty()) {
    bool applies = false;
    for (const std::string& d : Split(rule->dialects, ',')) applies = applies || d == dialect_name;
    if (!applies) return;
  }
  Finding f;
  f.code = std::string(code);
  f.severity = rule->severity;
  f.dialects = {dialect_name};
  f.at = std::move(at);
  f.migration = migration.id;
  f.message = std::move(message);
  f.hint = std::string(rule->hint);
  out->push_back(std::move(f));
}

SourceLocation LintContext::FileStart() const {
  if (!migration.operations.empty() && !migration.operations.front()->location().file.empty())
    return {migration.operations.front()->location().file, 1, 1};
  return {migration.file, 1, 1};
}

Result<std::vector<Finding>> LintMigrations(const LintRequest& request) {
  PlanRequest pr;
  pr.dialect = request.dialect;
  pr.base = request.base;
  pr.pending = request.migrations;
  pr.version_prefix = request.version_prefix;
  pr.split = true;
  pr.one_per_batch = true;
  pr.keep_bases = true;
  pr.lean = true;
  BELLOWS_ASSIGN_OR_RETURN(PlannedBatches planned, PlanBatches(pr));
  std::vector<Finding> out;
  for (size_t i = 0; i < planned.batches.size() && i < request.migrations.size(); ++i) {
    if (i < request.report.size() && !request.report[i]) continue;
    const Schema& after =
        i + 1 < planned.bases.size() ? planned.bases[i + 1] : planned.final_schema;
    LintContext ctx{*request.dialect,
                    std::string(request.dialect->Name()),
                    planned.bases[i],
                    after,
                    *request.migrations[i],
                    planned.batches[i],
                    &out};
    LintSql(ctx);
    LintOps(ctx);
  }
  return out;
}

namespace {

struct Ignore {
  std::vector<std::string> codes;
  std::string reason;
  SourceLocation at;
  bool used = false;
};

// "-- bellows:lint-ignore CODE[,CODE] reason" (SQL) or "# bellows:lint-ignore ..." (YAML).
std::vector<Ignore> ReadIgnores(const std::string& path) {
  std::vector<Ignore> out;
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return out;
  std::vector<std::string> lines = Split(*text, '\n');
  for (size_t n = 0; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    size_t at = line.find("bellows:lint-ignore");
    if (at == std::string::npos) continue;
    std::string_view before = Trim(std::string_view(line).substr(0, at));
    if (before != "--" && before != "#") continue;
    std::string_view rest = Trim(std::string_view(line).substr(at + 19));
    size_t space = rest.find_first_of(" \t");
    std::string codes(rest.substr(0, space));
    Ignore ig;
    for (const std::string& c : Split(codes, ',')) {
      if (!Trim(c).empty()) ig.codes.push_back(Upper(Trim(c)));
    }
    ig.reason = space == std::string_view::npos ? "" : std::string(Trim(rest.substr(space)));
    ig.at = {path, static_cast<int>(n + 1), static_cast<int>(at + 1)};
    out.push_back(std::move(ig));
  }
  return out;
}

Finding Meta(std::string_view code, SourceLocation at, std::string migration, std::string message) {
  const LintRule* rule = FindLintRule(code);
  return {std::string(code),  rule->severity,         {}, std::move(at), std::move(migration),
          std::move(message), std::string(rule->hint)};
}

}  // namespace

std::vector<Finding> Suppress(std::vector<Finding> findings,
                              const std::vector<const Migration*>& linted, const std::string& dir,
                              const std::vector<std::string>& disabled, int* ignored) {
  // One finding per place and message, listing every dialect it applies to.
  std::vector<Finding> merged;
  std::map<std::string, size_t> seen;
  for (Finding& f : findings) {
    std::string key = f.code + "\n" + f.at.file + ":" + std::to_string(f.at.line) + ":" +
                      std::to_string(f.at.column) + "\n" + f.message;
    auto [it, fresh] = seen.emplace(key, merged.size());
    if (fresh) {
      merged.push_back(std::move(f));
    } else {
      for (const std::string& d : f.dialects) merged[it->second].dialects.push_back(d);
    }
  }
  std::vector<Finding> out;
  *ignored = 0;
  for (const std::string& code : disabled) {
    if (FindLintRule(Upper(code)) == nullptr) {
      out.push_back(
          Meta("LN003", {"bellows.yaml", 0, 0}, "", "lint.disable names unknown rule " + code));
    }
  }
  auto is_disabled = [&](const std::string& code) {
    for (const std::string& d : disabled) {
      if (Upper(d) == code) return true;
    }
    return false;
  };
  std::map<std::string, std::vector<Ignore>> ignores;  // by migration id
  for (const Migration* m : linted) {
    std::vector<Ignore>& list = ignores[m->id];
    for (const std::string& file : {m->file, m->down_file}) {
      if (file.empty()) continue;
      for (Ignore& ig : ReadIgnores((fs::path(dir) / file).string())) list.push_back(ig);
    }
    for (const Ignore& ig : list) {
      if (ig.codes.empty() || ig.reason.empty()) {
        out.push_back(Meta("LN001", ig.at, m->id,
                           "bellows:lint-ignore " + Join(ig.codes, ",") + " gives no reason"));
      }
      for (const std::string& c : ig.codes) {
        if (FindLintRule(c) == nullptr)
          out.push_back(Meta("LN003", ig.at, m->id, "bellows:lint-ignore names unknown rule " + c));
      }
    }
  }
  for (Finding& f : merged) {
    if (is_disabled(f.code)) {
      ++*ignored;
      continue;
    }
    bool silenced = false;
    for (Ignore& ig : ignores[f.migration]) {
      if (ig.reason.empty()) continue;  // an ignore without a reason silences nothing
      for (const std::string& c : ig.codes) {
        if (c == f.code) {
          ig.used = true;
          silenced = true;
        }
      }
    }
    if (silenced) {
      ++*ignored;
      continue;
    }
    out.push_back(std::move(f));
  }
  for (auto& [id, list] : ignores) {
    for (const Ignore& ig : list) {
      if (ig.used || ig.reason.empty()) continue;
      bool known = true;
      for (const std::string& c : ig.codes) known = known && FindLintRule(c) != nullptr;
      if (known) {
        out.push_back(Meta(
            "LN002", ig.at, id,
            "bellows:lint-ignore " + Join(ig.codes, ",") + " silences nothing in this migration"));
      }
    }
  }
  for (Finding& f : out) {
    if (is_disabled(f.code) && f.code != "LN001" && f.code != "LN003") f.code.clear();
  }
  std::erase_if(out, [](const Finding& f) { return f.code.empty(); });
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    if (a.at.file != b.at.file) return a.at.file < b.at.file;
    if (a.at.line != b.at.line) return a.at.line < b.at.line;
    return a.at.column < b.at.column;
  });
  return out;
}

}  // namespace bellows
