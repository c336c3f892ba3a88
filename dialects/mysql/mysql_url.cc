#include "dialects/mysql/mysql_url.h"

#include <cctype>
#include <set>

#include "engine/strings.h"
#include "engine/url.h"

namespace bellows::mysql {

namespace {

// %XX escapes, so a password may hold '@', ':' or '/'.
Result<std::string> Decode(std::string_view s, const std::string& url) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return BELLOWS_ERR(kUsage, "bad %-escape in " + MaskUrl(url))
          .WithHint("write a literal % as %25");
    }
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

}  // namespace

Result<MysqlUrl> ParseMysqlUrl(const std::string& url) {
  MysqlUrl out;
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) {
    return BELLOWS_ERR(kUsage, "not a mysql URL: " + MaskUrl(url))
        .WithHint("write mysql://user:password@host:port/database");
  }
  std::string rest = url.substr(scheme + 3);
  std::string query;
  if (size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string authority = rest;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    authority = rest.substr(0, slash);
    BELLOWS_ASSIGN_OR_RETURN(out.database, Decode(rest.substr(slash + 1), url));
  }
  if (size_t at = authority.rfind('@'); at != std::string::npos) {
    std::string userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    BELLOWS_ASSIGN_OR_RETURN(out.user, Decode(userinfo.substr(0, colon), url));
    if (colon != std::string::npos) {
      BELLOWS_ASSIGN_OR_RETURN(out.password, Decode(userinfo.substr(colon + 1), url));
    }
  }
  std::string host = authority;
  if (!host.empty() && host[0] == '[') {  // [::1]:3306
    size_t close = host.find(']');
    if (close == std::string::npos)
      return BELLOWS_ERR(kUsage, "unclosed [ in the host of " + MaskUrl(url));
    std::string port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty() && port[0] == ':')
      authority = port;
    else
      authority.clear();
  } else if (size_t colon = host.rfind(':'); colon != std::string::npos) {
    authority = host.substr(colon);
    host = host.substr(0, colon);
  } else {
    authority.clear();
  }
  if (!host.empty()) out.host = host;
  if (!authority.empty()) {
    std::string port = authority.substr(1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
        port.size() > 5 || std::stoul(port) == 0 || std::stoul(port) > 65535) {
      return BELLOWS_ERR(kUsage, "bad port \"" + port + "\" in " + MaskUrl(url))
          .WithHint("write a port between 1 and 65535, for example mysql://user@host:3306/db");
    }
    out.port = static_cast<unsigned>(std::stoul(port));
  }
  static const std::set<std::string> kKnown = {
      "ssl-mode",      "ssl-ca",  "ssl-capath",  "ssl-cert",        "ssl-key",
      "ssl-cipher",    "ssl-crl", "tls-version", "connect-timeout", "read-timeout",
      "write-timeout", "socket",  "charset",     "password"};
  for (const std::string& pair : Split(query, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key = Lower(ReplaceAll(pair.substr(0, eq), "_", "-"));
    BELLOWS_ASSIGN_OR_RETURN(std::string value,
                             Decode(eq == std::string::npos ? "" : pair.substr(eq + 1), url));
    if (key == "sslmode") key = "ssl-mode";
    if (kKnown.count(key) == 0) {
      return BELLOWS_ERR(kUsage, "unknown parameter \"" + key + "\" in " + MaskUrl(url))
          .WithHint(
              "parameters are ssl-mode, ssl-ca, ssl-capath, ssl-cert, ssl-key, ssl-cipher, "
              "ssl-crl, tls-version, connect-timeout, read-timeout, write-timeout, socket, "
              "charset");
    }
    if (key == "socket") {
      out.socket = value;
    } else if (key == "password") {
      out.password = value;
    } else {
      out.params[key] = value;
    }
  }
  if (out.database.empty()) {
    return BELLOWS_ERR(kUsage, "no database in " + MaskUrl(url))
        .WithHint("name the database after the host: mysql://user@host:3306/app");
  }
  return out;
}

}  // namespace bellows::mysql
