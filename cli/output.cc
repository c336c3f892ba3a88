#include "cli/output.h"

#include <cstdio>
#include <iostream>
#include <unistd.h>

#include "cli/exit_codes.h"
#include "engine/url.h"

namespace bellows::cli {

std::string Output::Mask(const std::string& text) const {
  return url_.empty() ? text : MaskSecrets(text, url_);
}

void Output::Line(const std::string& text) {
  if (!json()) std::cout << Mask(text) << "\n";
}

void Output::Raw(const std::string& text) { std::cout << Mask(text); }

void Output::Warn(const std::string& text) {
  warnings_.push_back(Mask(text));
  if (!json()) std::cerr << "warning: " << Mask(text) << "\n";
}

int Output::Finish(const Status& status) {
  int code = ExitCode(status);
  if (json()) {
    nlohmann::json out = fields_;
    out["bellows"] = BELLOWS_VERSION;
    out["schema"] = 1;
    out["command"] = command_;
    out["ok"] = status.ok();
    out["exit_code"] = code;
    out["warnings"] = warnings_;
    if (status.ok()) {
      out["error"] = nullptr;
    } else {
      nlohmann::json e = {{"class", CodeName(status.code())},
                          {"message", Mask(status.message())},
                          {"hint", status.hint().empty() ? nlohmann::json(nullptr)
                                                         : nlohmann::json(Mask(status.hint()))}};
      const auto& loc = status.location();
      e["file"] = loc && !loc->file.empty() ? nlohmann::json(loc->file) : nlohmann::json(nullptr);
      e["line"] = loc && loc->line > 0 ? nlohmann::json(loc->line) : nlohmann::json(nullptr);
      e["column"] = loc && loc->column > 0 ? nlohmann::json(loc->column) : nlohmann::json(nullptr);
      e["migration"] =
          status.migration().empty() ? nlohmann::json(nullptr) : nlohmann::json(status.migration());
      e["step"] = status.step().empty() ? nlohmann::json(nullptr) : nlohmann::json(status.step());
      e["sql_state"] =
          status.sql_state().empty() ? nlohmann::json(nullptr) : nlohmann::json(status.sql_state());
      out["error"] = e;
    }
    std::cout << out.dump(2) << "\n";
    return code;
  }
  if (!status.ok()) {
    std::cerr << "error: " << Mask(status.ToString()) << "\n";
    if (!status.migration().empty()) std::cerr << "  migration: " << status.migration() << "\n";
    if (!status.step().empty()) std::cerr << "  step: " << Mask(status.step()) << "\n";
    if (!status.hint().empty()) std::cerr << "  hint: " << Mask(status.hint()) << "\n";
    if (verbose_) std::cerr << "  (" << status.origin() << ", exit " << code << ")\n";
  }
  return code;
}

void CliEvents::Emit(const nlohmann::json& event) {
  std::cout.flush();  // keeps stdout and stderr in order when both go to one log
  if (json_) {
    std::cerr << event.dump() << "\n";
    return;
  }
  if (quiet_) return;
  const std::string name = event.value("event", "");
  auto close_bar = [&] {
    if (bar_open_) std::cerr << "\n";
    bar_open_ = false;
  };
  if (name == "step_started" || name == "undo_started") {
    close_bar();
    std::cerr << (name == "undo_started" ? "  undo " : "  ") << "[" << event.value("seq", 0) << "] "
              << event.value("description", "") << "\n";
  } else if (name == "backfill_progress") {
    long long done = event.value("rows_done", 0LL), total = event.value("rows_total", 0LL);
    if (isatty(STDERR_FILENO)) {
      int width = 30;
      int filled = total > 0 ? static_cast<int>(width * done / total) : width;
      std::cerr << "\r      [" << std::string(static_cast<size_t>(filled), '#')
                << std::string(static_cast<size_t>(width - filled), '.') << "] " << done << "/"
                << total << " rows" << std::flush;
      bar_open_ = true;
    }
  } else if (name == "retry") {
    close_bar();
    std::cerr << "  lock wait: " << event.value("error", "") << "; retrying in "
              << event.value("wait_ms", 0LL) << "ms (attempt " << event.value("attempt", 0)
              << ")\n";
  } else if (name == "reconnect") {
    close_bar();
    std::cerr << "  connection lost (" << event.value("error", "") << "); reconnected, retrying "
              << "the batch (attempt " << event.value("attempt", 0) << " of "
              << event.value("attempts", 0) << ")\n";
  } else if (name == "replica_lag") {
    close_bar();
    nlohmann::json lag = event.value("lag_s", nlohmann::json());
    std::cerr << "  replica lag ";
    if (lag.is_number())
      std::cerr << lag.get<double>() << "s";
    else
      std::cerr << "unknown (replication stopped)";
    std::cerr << " (limit " << event.value("max_s", 0.0) << "s): backfill of "
              << event.value("table", "") << " waits (" << event.value("waited_ms", 0LL) / 1000
              << "s so far)\n";
  } else if (name == "lock_wait") {
    close_bar();
    std::cerr << "waiting for the runner lock held by " << event.value("holder", "") << "\n";
  } else if (name == "step_finished" || name == "undo_finished") {
    close_bar();
  }
}

}  // namespace bellows::cli
