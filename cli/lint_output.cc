#include "cli/lint_output.h"

#include <algorithm>
#include <sstream>

#include "engine/strings.h"

namespace bellows::cli {

namespace {

std::string Where(const Finding& f) {
  std::string out = f.at.file;
  if (f.at.line > 0) out += ":" + std::to_string(f.at.line);
  if (f.at.column > 0) out += ":" + std::to_string(f.at.column);
  return out;
}

std::string DialectList(const Finding& f) {
  return f.dialects.empty() ? "" : " [" + Join(f.dialects, ", ") + "]";
}

std::string Cell(const std::string& text) { return ReplaceAll(text, "|", "\\|"); }

std::string Summary(const LintReport& r) {
  return Count(r.Errors(), "error") + ", " + Count(r.Warnings(), "warning") + " in " +
         Count(static_cast<long long>(r.migrations), "migration") + " (" + Join(r.dialects, ", ") +
         ")" + (r.ignored > 0 ? ", " + std::to_string(r.ignored) + " ignored" : "");
}

}  // namespace

Result<LintReport> RunLint(const std::vector<const Dialect*>& dialects, const Schema& base,
                           const std::vector<const Migration*>& migrations,
                           const std::vector<bool>& report, const std::string& dir,
                           const std::vector<std::string>& disabled) {
  LintReport r;
  std::vector<Finding> all;
  for (const Dialect* d : dialects) {
    LintRequest req;
    req.dialect = d;
    req.base = base;
    req.migrations = migrations;
    req.report = report;
    req.version_prefix = d->DefaultVersionPrefix("app");
    Result<std::vector<Finding>> found = LintMigrations(req);
    if (!found.ok()) {
      Status e = found.status();
      return e.With("for " + std::string(d->Name()));
    }
    for (Finding& f : *found) all.push_back(std::move(f));
    r.dialects.emplace_back(d->Name());
  }
  std::vector<const Migration*> linted;
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (i >= report.size() || report[i]) linted.push_back(migrations[i]);
  }
  r.migrations = linted.size();
  r.findings = Suppress(std::move(all), linted, dir, disabled, &r.ignored);
  return r;
}

int LintReport::Errors() const {
  return static_cast<int>(std::count_if(findings.begin(), findings.end(), [](const Finding& f) {
    return f.severity == Severity::kError;
  }));
}

int LintReport::Warnings() const { return static_cast<int>(findings.size()) - Errors(); }

std::string LintText(const LintReport& r) {
  std::ostringstream out;
  for (const Finding& f : r.findings) {
    out << Where(f) << ": " << SeverityName(f.severity) << " " << f.code << DialectList(f) << " "
        << f.message << "\n";
    if (!f.hint.empty()) out << "  hint: " << f.hint << " (docs/lint/" << f.code << ".md)\n";
  }
  out << "lint: " << Summary(r);
  return out.str();
}

nlohmann::json LintJson(const LintReport& r) {
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& f : r.findings) {
    const LintRule* rule = FindLintRule(f.code);
    findings.push_back({{"code", f.code},
                        {"name", rule ? std::string(rule->name) : ""},
                        {"severity", SeverityName(f.severity)},
                        {"dialects", f.dialects},
                        {"file", f.at.file},
                        {"line", f.at.line},
                        {"column", f.at.column},
                        {"migration", f.migration},
                        {"message", f.message},
                        {"hint", f.hint},
                        {"docs", "docs/lint/" + f.code + ".md"}});
  }
  return {{"findings", findings}, {"errors", r.Errors()},       {"warnings", r.Warnings()},
          {"ignored", r.ignored}, {"migrations", r.migrations}, {"dialects", r.dialects}};
}

std::string LintMarkdownList(const std::vector<Finding>& findings, const std::string& migration) {
  std::string out;
  for (const Finding& f : findings) {
    if (f.migration != migration) continue;
    out += std::string("- ") + (f.severity == Severity::kError ? "**error**" : "warning") + " `" +
           f.code + "`" + DialectList(f) + " " + f.message + " (`" + Where(f) + "`)\n  " + f.hint +
           "\n";
  }
  return out;
}

std::string LintMarkdown(const LintReport& r) {
  std::string out = "## bellows lint\n\n";
  if (r.findings.empty()) {
    out += "No findings: " + Summary(r) + ".\n";
    return out;
  }
  out += "| severity | rule | where | finding | safe alternative |\n|---|---|---|---|---|\n";
  for (const Finding& f : r.findings) {
    out += std::string("| ") + (f.severity == Severity::kError ? "**error**" : "warning") + " | `" +
           f.code + "`" + DialectList(f) + " | `" + Cell(Where(f)) + "` | " + Cell(f.message) +
           " | " + Cell(f.hint) + " |\n";
  }
  out += "\n" + Summary(r) + ". Each rule is explained in `docs/lint/<code>.md`.\n";
  return out;
}

std::string LintSarif(const LintReport& r) {
  nlohmann::json rules = nlohmann::json::array();
  std::vector<std::string> ids;
  for (const LintRule& rule : LintRules()) {
    ids.emplace_back(rule.code);
    rules.push_back({{"id", std::string(rule.code)},
                     {"name", std::string(rule.name)},
                     {"shortDescription", {{"text", std::string(rule.summary)}}},
                     {"help", {{"text", std::string(rule.hint)}}},
                     {"defaultConfiguration", {{"level", SeverityName(rule.severity)}}},
                     {"properties", {{"docs", "docs/lint/" + std::string(rule.code) + ".md"}}}});
  }
  nlohmann::json results = nlohmann::json::array();
  for (const Finding& f : r.findings) {
    size_t index = std::find(ids.begin(), ids.end(), f.code) - ids.begin();
    results.push_back({{"ruleId", f.code},
                       {"ruleIndex", index},
                       {"level", SeverityName(f.severity)},
                       {"message", {{"text", f.message + DialectList(f) + ". " + f.hint}}},
                       {"locations",
                        {{{"physicalLocation",
                           {{"artifactLocation", {{"uri", f.at.file}}},
                            {"region",
                             {{"startLine", std::max(f.at.line, 1)},
                              {"startColumn", std::max(f.at.column, 1)}}}}}}}}});
  }
  nlohmann::json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       {{{"tool",
          {{"driver", {{"name", "bellows"}, {"version", BELLOWS_VERSION}, {"rules", rules}}}}},
         {"results", results}}}}};
  return sarif.dump(2) + "\n";
}

}  // namespace bellows::cli
