#include "engine/sql_file.h"

#include "engine/strings.h"

namespace bellows {

namespace {

enum class Marker { kNone, kUp, kDown, kContract, kOption, kIgnored };

struct LineMarker {
  Marker marker = Marker::kNone;
  bool no_transaction = false;
  bool out_of_order = false;
};

Result<LineMarker> Classify(std::string_view line, SqlMarkers markers, const std::string& file,
                            int number) {
  std::string_view t = Trim(line);
  LineMarker m;
  auto bad = [&](const std::string& what, const std::string& valid) {
    return BELLOWS_ERR(kInvalid, "unknown marker \"" + what + "\"")
        .WithLocation({file, number, 1})
        .WithHint("valid markers: " + valid);
  };
  if (markers == SqlMarkers::kBellows && StartsWithIgnoreCase(t, "-- bellows:")) {
    std::string word = Lower(Trim(t.substr(11)));
    std::string first = word.substr(0, word.find(' '));
    if (first == "up")
      m.marker = Marker::kUp;
    else if (first == "down")
      m.marker = Marker::kDown;
    else if (first == "contract")
      m.marker = Marker::kContract;
    else if (first == "no-transaction")
      m = {Marker::kOption, true, false};
    else if (first == "allow-out-of-order")
      m = {Marker::kOption, false, true};
    else if (first == "lint-ignore")
      m.marker = Marker::kIgnored;
    else
      return bad(std::string(t),
                 "-- bellows:up, down, contract, no-transaction, allow-out-of-order, lint-ignore");
  } else if (markers == SqlMarkers::kDbmate && StartsWithIgnoreCase(t, "-- migrate:")) {
    std::string rest = Lower(Trim(t.substr(11)));
    if (StartsWith(rest, "up")) {
      m.marker = Marker::kUp;
      m.no_transaction = rest.find("transaction:false") != std::string::npos;
    } else if (StartsWith(rest, "down")) {
      m.marker = Marker::kDown;
    } else {
      return bad(std::string(t), "-- migrate:up, -- migrate:down");
    }
  } else if (markers == SqlMarkers::kGoose && StartsWithIgnoreCase(t, "-- +goose ")) {
    std::string rest = Lower(Trim(t.substr(10)));
    if (rest == "up")
      m.marker = Marker::kUp;
    else if (rest == "down")
      m.marker = Marker::kDown;
    else if (rest == "no transaction")
      m = {Marker::kOption, true, false};
    else if (rest == "statementbegin" || rest == "statementend" || StartsWith(rest, "envsub"))
      m.marker = Marker::kIgnored;
    else
      return bad(std::string(t),
                 "-- +goose Up, Down, NO TRANSACTION, StatementBegin, StatementEnd");
  }
  return m;
}

}  // namespace

Result<SqlFileSections> ParseSqlFile(std::string_view text, const std::string& file,
                                     SqlMarkers markers) {
  struct Building {
    std::string text;
    int start = 1;
    bool marked = false;
  };
  Building sections[3];  // up, down, contract
  int current = 0;
  bool after_other_section = false;
  bool no_transaction = false;
  bool allow_out_of_order = false;
  int number = 0;
  size_t pos = 0;
  for (;;) {
    size_t eol = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    ++number;
    BELLOWS_ASSIGN_OR_RETURN(LineMarker m, Classify(line, markers, file, number));
    if (m.marker == Marker::kUp || m.marker == Marker::kDown || m.marker == Marker::kContract) {
      int index = m.marker == Marker::kUp ? 0 : m.marker == Marker::kDown ? 1 : 2;
      Building& b = sections[index];
      if (b.marked)
        return BELLOWS_ERR(kInvalid, "section marker repeated").WithLocation({file, number, 1});
      if (index == 0 && !after_other_section && markers == SqlMarkers::kBellows) {
        b.text += "\n";  // text before the marker belongs to up: keep its line numbers
      } else {
        if (index == 0 && !Trim(b.text).empty() && markers == SqlMarkers::kBellows) {
          return BELLOWS_ERR(kInvalid,
                             "SQL before the first section marker and a later -- bellows:up")
              .WithLocation({file, number, 1})
              .WithHint("put the up section first, or move that SQL below -- bellows:up");
        }
        b.text.clear();
        b.start = number + 1;
      }
      b.marked = true;
      if (index != 0) after_other_section = true;
      current = index;
      if (m.no_transaction) no_transaction = true;
    } else if (m.marker == Marker::kOption || m.marker == Marker::kIgnored) {
      no_transaction = no_transaction || m.no_transaction;
      allow_out_of_order = allow_out_of_order || m.out_of_order;
      sections[current].text += "\n";
    } else {
      sections[current].text.append(line);
      if (eol != std::string_view::npos) sections[current].text += "\n";
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  SqlFileSections out;
  out.no_transaction = no_transaction;
  out.allow_out_of_order = allow_out_of_order;
  bool marker_format = markers == SqlMarkers::kDbmate || markers == SqlMarkers::kGoose;
  if (marker_format && !sections[0].marked && !Trim(sections[0].text).empty()) {
    return BELLOWS_ERR(kInvalid,
                       std::string("no ") +
                           (markers == SqlMarkers::kDbmate ? "-- migrate:up" : "-- +goose Up") +
                           " marker")
        .WithLocation({file, 1, 1});
  }
  std::optional<SqlSection>* targets[3] = {&out.up, &out.down, &out.contract};
  for (int i = 0; i < 3; ++i) {
    if (sections[i].marked || !Trim(sections[i].text).empty()) {
      *targets[i] = SqlSection{DialectText(sections[i].text), {file, sections[i].start, 1}};
    }
  }
  return out;
}

}  // namespace bellows
