#pragma once
// mysql://user:password@host:port/database?ssl-mode=REQUIRED&ssl-ca=/path ... parsed into
// what mysql_real_connect and mysql_optionsv take. MariaDB Connector/C has no URL parser of its
// own. Parameters follow the mysql client's option names (dashes or underscores).

#include <map>
#include <string>

#include "engine/status.h"

namespace bellows::mysql {

struct MysqlUrl {
  std::string user;
  std::string password;
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string database;
  std::string socket;
  // ssl-mode (DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY), ssl-ca, ssl-cert,
  // ssl-key, ssl-capath, ssl-cipher, connect-timeout, read-timeout, write-timeout; keys
  // normalised to dashes.
  std::map<std::string, std::string> params;
};

// kUsage naming the part that is wrong (the URL is masked in the message).
Result<MysqlUrl> ParseMysqlUrl(const std::string& url);

}  // namespace bellows::mysql
