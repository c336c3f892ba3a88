#pragma once
// What a command prints. Text: human lines on stdout, errors on stderr. JSON (--format json):
// exactly one object on stdout, written last (SPEC 7.1); progress events on stderr as JSON
// lines. Every text passes through the password mask.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/events.h"
#include "engine/status.h"

namespace bellows::cli {

class Output {
 public:
  Output(std::string command, std::string format)
      : command_(std::move(command)), format_(std::move(format)) {}

  const std::string& format() const { return format_; }
  bool json() const { return format_ == "json"; }
  void set_url(std::string url) { url_ = std::move(url); }
  void set_verbose(bool verbose) { verbose_ = verbose; }

  // Text mode only: a line on stdout.
  void Line(const std::string& text);
  // Raw text on stdout in any mode (plan in markdown, latest sql).
  void Raw(const std::string& text);
  void Warn(const std::string& text);
  void Warnings(const std::vector<std::string>& texts) {
    for (const auto& t : texts) Warn(t);
  }
  // The command's own JSON fields.
  nlohmann::json& fields() { return fields_; }

  // Prints the error (text) or the JSON object, and returns the exit code.
  int Finish(const Status& status);

  std::string Mask(const std::string& text) const;

 private:
  std::string command_;
  std::string format_;
  std::string url_;
  bool verbose_ = false;
  nlohmann::json fields_ = nlohmann::json::object();
  std::vector<std::string> warnings_;
};

// Progress on stderr: JSON lines in JSON mode, otherwise one line per step and a progress
// bar for backfills when stderr is a terminal.
class CliEvents final : public EventSink {
 public:
  explicit CliEvents(bool json, bool quiet) : json_(json), quiet_(quiet) {}
  void Emit(const nlohmann::json& event) override;

 private:
  bool json_;
  bool quiet_;
  bool bar_open_ = false;
};

}  // namespace bellows::cli
