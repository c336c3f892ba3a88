#include "engine/url.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "engine/strings.h"

namespace bellows {

namespace {

// Where the password of `url`'s userinfo lies: [first, last), or first == last when none.
// Lenient on purpose, as masking must also cover mistyped URLs: the userinfo runs from after
// the first "//" (else the scheme's ':') to the last '@', so a password holding '/', ':' or
// '@' is covered whole; the password is what follows the userinfo's first ':'.
std::pair<size_t, size_t> PasswordSpan(std::string_view url) {
  size_t at = url.rfind('@');
  if (at == std::string_view::npos) return {0, 0};
  size_t start = url.find("//");
  if (start != std::string_view::npos && start < at) {
    start += 2;
  } else {
    start = url.find(':');
    if (start == std::string_view::npos || start > at) return {0, 0};
    ++start;
  }
  size_t colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return {0, 0};
  return {colon + 1, at};
}

// The values of every password= parameter: [first, last) each, in order. (A URL may repeat a
// parameter; whichever one a driver takes, none is shown.) A value runs to the next '&': the
// MySQL adapter reads it so, spaces included (found by fuzzing), and masking more than a
// keyword/value string's password is harmless.
std::vector<std::pair<size_t, size_t>> ParameterSpans(std::string_view url) {
  std::vector<std::pair<size_t, size_t>> out;
  const std::string lower = Lower(url);
  for (size_t p = lower.find("password="); p != std::string::npos;
       p = lower.find("password=", p + 9)) {
    // A parameter starts the text or follows '?', '&', ';' or a space ("pwpassword=" in a
    // userinfo is part of a password, which PasswordSpan covers).
    if (p > 0 && std::string_view("?&; ").find(url[p - 1]) == std::string_view::npos) continue;
    size_t end = url.find('&', p);
    out.emplace_back(p + 9, end == std::string_view::npos ? url.size() : end);
  }
  return out;
}

// Every password in a URL: the userinfo's and the password= parameters'.
std::vector<std::string> Passwords(std::string_view url) {
  std::vector<std::string> out;
  auto [first, last] = PasswordSpan(url);
  if (first != last) out.emplace_back(url.substr(first, last - first));
  for (auto [f, l] : ParameterSpans(url)) {
    if (f == l) continue;
    std::string_view value = url.substr(f, l - f);
    out.emplace_back(value);
    // In a keyword/value string ("password=x user=y") the password ends at the space.
    size_t space = value.find(' ');
    if (space != std::string_view::npos && space > 0) out.emplace_back(value.substr(0, space));
  }
  return out;
}

}  // namespace

std::string MaskUrl(std::string_view url) {
  // Every span is found in the URL as written (a "password=" inside the userinfo must not
  // move or hide its '@'), overlapping spans are joined, and they are masked last to first, as
  // masking moves the positions after it.
  std::vector<std::pair<size_t, size_t>> spans = ParameterSpans(url);
  if (auto span = PasswordSpan(url); span.first != span.second) spans.push_back(span);
  std::sort(spans.begin(), spans.end());
  std::vector<std::pair<size_t, size_t>> joined;
  for (auto [first, last] : spans) {
    if (first == last) continue;
    if (!joined.empty() && first <= joined.back().second) {
      joined.back().second = std::max(joined.back().second, last);
    } else {
      joined.emplace_back(first, last);
    }
  }
  std::string out(url);
  for (auto it = joined.rbegin(); it != joined.rend(); ++it)
    out.replace(it->first, it->second - it->first, "***");
  return out;
}

std::string MaskSecrets(std::string_view text, std::string_view url) {
  std::string out(text);
  for (const std::string& password : Passwords(url)) out = ReplaceAll(out, password, "***");
  return out;
}

std::string UrlDialect(std::string_view url) {
  std::string lower = Lower(url.substr(0, url.find(':')));
  if (lower == "sqlite" || lower == "sqlite3" || lower == "file") return "sqlite";
  if (lower == "postgres" || lower == "postgresql") return "postgres";
  if (lower == "mysql" || lower == "mariadb") return "mysql";
  return "";
}

std::string UrlWithDatabase(std::string_view url, std::string_view database) {
  size_t scheme = url.find("://");
  size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  size_t query = url.find('?', start);
  size_t slash = url.find('/', start);
  if (slash == std::string_view::npos || (query != std::string_view::npos && slash > query)) {
    slash = query == std::string_view::npos ? url.size() : query;
    return std::string(url.substr(0, slash)) + "/" + std::string(database) +
           std::string(url.substr(slash));
  }
  return std::string(url.substr(0, slash + 1)) + std::string(database) +
         (query == std::string_view::npos ? "" : std::string(url.substr(query)));
}

}  // namespace bellows
