#include "engine/url.h"

#include "engine/strings.h"

namespace bellows {

namespace {
// The password of a URL, or "" (userinfo password, or a password= parameter).
std::string Password(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) {
    size_t start = scheme + 3;
    size_t at = url.find('@', start);
    size_t slash = url.find('/', start);
    if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash)) {
      std::string_view userinfo = url.substr(start, at - start);
      size_t colon = userinfo.find(':');
      if (colon != std::string_view::npos) return std::string(userinfo.substr(colon + 1));
    }
  }
  size_t p = Lower(url).find("password=");
  if (p != std::string::npos) {
    size_t end = url.find_first_of("& ", p);
    return std::string(
        url.substr(p + 9, end == std::string_view::npos ? std::string_view::npos : end - p - 9));
  }
  return "";
}
}  // namespace

std::string MaskUrl(std::string_view url) {
  std::string out(url);
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t at = out.find('@', start);
    size_t slash = out.find('/', start);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  size_t p = Lower(out).find("password=");
  if (p != std::string::npos) {
    size_t end = out.find('&', p);
    out.replace(p + 9, end == std::string::npos ? std::string::npos : end - p - 9, "***");
  }
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
