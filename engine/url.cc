#include "engine/url.h"

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
// parameter; whichever one a driver takes, none is shown.)
std::vector<std::pair<size_t, size_t>> ParameterSpans(std::string_view url) {
  std::vector<std::pair<size_t, size_t>> out;
  const std::string lower = Lower(url);
  for (size_t p = lower.find("password="); p != std::string::npos;
       p = lower.find("password=", p + 9)) {
    size_t end = url.find_first_of("& ", p);
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
    if (f != l) out.emplace_back(url.substr(f, l - f));
  }
  return out;
}

}  // namespace

std::string MaskUrl(std::string_view url) {
  std::string out(url);
  // The parameters first, last to first: masking moves the positions after it.
  std::vector<std::pair<size_t, size_t>> spans = ParameterSpans(out);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
    if (it->first != it->second) out.replace(it->first, it->second - it->first, "***");
  }
  if (auto [first, last] = PasswordSpan(out); first != last)
    out.replace(first, last - first, "***");
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
