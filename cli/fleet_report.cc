// What bellows fleet prints: a line per finished target while it runs (stderr), then a
// report with a line per target and the totals (stdout), in text, markdown or JSON.

#include <algorithm>
#include <iostream>
#include <map>

#include "cli/exit_codes.h"
#include "cli/fleet.h"
#include "engine/strings.h"

namespace bellows::cli {

namespace {

// Worst first: what a fleet's exit code is when targets end differently (docs/fleet.md).
int Severity(int exit_code) {
  static constexpr int kOrder[] = {6, 1, 3, 7, 5, 4, 2};
  for (int i = 0; i < 7; ++i) {
    if (kOrder[i] == exit_code) return 7 - i;
  }
  return 0;
}

std::string Pad(std::string text, size_t width) {
  if (text.size() < width) text.resize(width, ' ');
  return text;
}

std::string ErrorText(const TargetReport& r) {
  if (r.error.ok()) return "";
  return std::string(CodeName(r.error.code())) + ": " + r.error.message();
}

std::string Summary(const TargetReport& r) {
  std::vector<std::string> parts;
  if (!r.run.applied.empty()) parts.push_back("applied " + Join(r.run.applied, ","));
  if (!r.run.started.empty()) parts.push_back("expanded " + Join(r.run.started, ","));
  if (!r.run.rolled_back.empty()) parts.push_back("rolled back " + Join(r.run.rolled_back, ","));
  if (r.details.contains("summary")) parts.push_back(r.details["summary"].get<std::string>());
  if (parts.empty() && r.run.nothing_to_do) parts.push_back("nothing to do");
  return Join(parts, "; ");
}

}  // namespace

std::string VersionsText(const TargetReport& r) {
  auto v = [](const std::string& s) { return s.empty() ? std::string("none") : s; };
  if (r.result == "not_started") return "";
  if (r.version_before == r.version_after) return v(r.version_after);
  return v(r.version_before) + " -> " + v(r.version_after);
}

void FleetProgress::Event(const std::string& target, nlohmann::json event) {
  if (!json_) return;  // text mode shows targets, not their steps
  event["target"] = target;
  std::lock_guard<std::mutex> lock(mu_);
  std::cerr << event.dump() << "\n";
}

void FleetProgress::Finished(const std::string& id, const TargetReport& r) {
  std::lock_guard<std::mutex> lock(mu_);
  ++done_;
  if (json_) {
    nlohmann::json e = bellows::Event("target_finished");
    e["target"] = id;
    e["result"] = r.result;
    e["exit_code"] = r.exit_code;
    e["duration_ms"] = r.duration.count();
    std::cerr << e.dump() << "\n";
    return;
  }
  if (quiet_) return;
  std::string count = std::to_string(total_);
  std::string n = std::to_string(done_);
  n.insert(0, count.size() - std::min(count.size(), n.size()), ' ');
  std::string line = "[" + n + "/" + count + "] " + id + "  " + r.result;
  std::string versions = VersionsText(r);
  if (!versions.empty()) line += "  " + versions;
  if (!r.error.ok()) line += "  " + ErrorText(r);
  std::cerr << line << "  (" << FormatDuration(r.duration) << ")\n";
}

void FleetProgress::Note(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (json_) {
    nlohmann::json e = bellows::Event("fleet");
    e["message"] = text;
    std::cerr << e.dump() << "\n";
  } else if (!quiet_) {
    std::cerr << text << "\n";
  }
}

Status ReportFleet(Session& s, const std::string& command, const std::vector<FleetTarget>& targets,
                   const std::vector<TargetReport>& reports, const FleetOutcome& outcome) {
  Output& out = s.out();
  std::map<std::string, int> totals;
  nlohmann::json rows = nlohmann::json::array();
  const TargetReport* worst = nullptr;
  const FleetTarget* worst_target = nullptr;
  std::vector<size_t> shown;
  for (size_t i = 0; i < targets.size(); ++i) {
    const TargetReport& r = reports[i];
    if (r.wave.empty()) continue;  // not selected
    shown.push_back(i);
    ++totals[r.result];
    if (r.exit_code != 0 &&
        (worst == nullptr || Severity(r.exit_code) > Severity(worst->exit_code))) {
      worst = &r;
      worst_target = &targets[i];
    }
    nlohmann::json e = nullptr;
    if (!r.error.ok()) {
      e = {{"class", CodeName(r.error.code())},
           {"message", r.error.message()},
           {"hint",
            r.error.hint().empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error.hint())},
           {"migration", r.error.migration().empty() ? nlohmann::json(nullptr)
                                                     : nlohmann::json(r.error.migration())}};
    }
    auto opt = [](const std::string& v) {
      return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
    };
    nlohmann::json row = {{"id", targets[i].id},
                          {"database", r.database},
                          {"labels", targets[i].labels},
                          {"wave", r.wave},
                          {"result", r.result},
                          {"ok", r.exit_code == 0 && r.result != "not_started"},
                          {"exit_code", r.exit_code},
                          {"error", e},
                          {"version_before", opt(r.version_before)},
                          {"version_after", opt(r.version_after)},
                          {"applied", r.run.applied},
                          {"started", r.run.started},
                          {"rolled_back", r.run.rolled_back},
                          {"duration_ms", r.duration.count()}};
    for (auto& [k, v] : r.details.items()) row[k] = v;
    rows.push_back(std::move(row));
  }
  auto& f = out.fields();
  f["targets"] = rows;
  nlohmann::json t = {{"selected", shown.size()}};
  for (const char* k : {"ok", "failed", "not_started", "done_earlier"}) t[k] = totals[k];
  f["totals"] = t;
  f["peak_parallel"] = outcome.peak_parallel;
  f["peak_per_server"] = outcome.peak_per_server;
  f["stopped"] =
      outcome.stopped.ok() ? nlohmann::json(nullptr) : nlohmann::json(outcome.stopped.message());
  std::string totals_line =
      std::to_string(shown.size()) + " targets: " + std::to_string(totals["ok"]) + " ok, " +
      std::to_string(totals["failed"]) + " failed, " + std::to_string(totals["not_started"]) +
      " not started" +
      (totals["done_earlier"] > 0
           ? ", " + std::to_string(totals["done_earlier"]) + " done by an earlier run"
           : "");
  const bool markdown = out.format() == "markdown";
  if (markdown) {
    std::string md = "### bellows fleet " + command +
                     "\n\n| target | wave | result | versions | "
                     "duration | error |\n|---|---|---|---|---|---|\n";
    auto cell = [](std::string v) { return ReplaceAll(ReplaceAll(v, "|", "\\|"), "\n", " "); };
    for (size_t i : shown) {
      const TargetReport& r = reports[i];
      md += "| " + cell(targets[i].id) + " | " + cell(r.wave) + " | " + r.result + " | " +
            VersionsText(r) + " | " + FormatDuration(r.duration) + " | " + cell(ErrorText(r)) +
            " |\n";
    }
    out.Raw(md + "\n" + totals_line + "\n");
  } else {
    size_t w = 6, wv = 16, ww = 8;
    for (size_t i : shown) {
      w = std::max(w, targets[i].id.size());
      wv = std::max(wv, VersionsText(reports[i]).size());
      ww = std::max(ww, reports[i].wave.size());
    }
    out.Line(Pad("target", w) + "  " + Pad("wave", ww) + "  " + Pad("result", 12) + "  " +
             Pad("versions", wv) + "  " + Pad("duration", 9) + "  summary");
    for (size_t i : shown) {
      const TargetReport& r = reports[i];
      std::string summary = r.error.ok() ? Summary(r) : ErrorText(r);
      out.Line(Pad(targets[i].id, w) + "  " + Pad(r.wave, ww) + "  " + Pad(r.result, 12) + "  " +
               Pad(VersionsText(r), wv) + "  " + Pad(FormatDuration(r.duration), 9) + "  " +
               summary);
    }
    out.Line(totals_line);
  }
  if (worst != nullptr) {
    int failed = totals["failed"];
    std::string message = std::to_string(failed) + " of " + std::to_string(shown.size()) +
                          " targets failed; the worst: " + worst_target->id + ": " +
                          worst->error.message();
    if (!outcome.stopped.ok())
      message += "; " + std::to_string(totals["not_started"]) + " not started (" +
                 outcome.stopped.message() + ")";
    Status st = Status::Error(worst->error.ok() ? Code::kNotRestored : worst->error.code(), message,
                              __FILE__, __LINE__);
    return st.WithHint(
        "bellows fleet status shows where each target stands; run the same fleet "
        "command again to do what is left");
  }
  if (!outcome.stopped.ok()) return outcome.stopped;
  return Status::Ok();
}

}  // namespace bellows::cli
