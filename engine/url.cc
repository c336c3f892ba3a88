#include "engine/url.h"

#include <tuple>
#include <utility>

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

// The value of a password= parameter: [first, last), or first == last when none.
std::pair<size_t, size_t> ParameterSpan(std::string_view url) {
  size_t p = Lower(url).find("password=");
  if (p == std::string::npos) return {0, 0};
  size_t end = url.find_first_of("& ", p);
  return {p + 9, end == std::string_view::npos ? url.size() : end};
}

// The password of a URL, or "" (userinfo password, or a password= parameter).
std::string Password(std::string_view url) {
  auto [first, last] = PasswordSpan(url);
  if (first == last) std::tie(first, last) = ParameterSpan(url);
  return std::string(url.substr(first, last - first));
}

}  // namespace

std::string MaskUrl(std::string_view url) {
  std::string out(url);
  // The parameter first: masking the userinfo moves the positions after it.
  if (auto [first, last] = ParameterSpan(out); first != last)
    out.replace(first, last - first, "***");
  if (auto [first, last] = PasswordSpan(out); first != last)
    out.replace(first, last - first, "***");
  return out;
}

std::string MaskSecrets(std::string_view text, std::string_view url) {
  std::string password = Password(url);
  std::string out(text);
  if (password.size() >= 1) out = ReplaceAll(out, password, "***");
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
