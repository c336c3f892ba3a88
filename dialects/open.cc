#include "dialects/open.h"

#include "dialects/mysql/mysql_connection.h"
#include "dialects/mysql/mysql_dialect.h"
#include "dialects/postgres/postgres_connection.h"
#include "dialects/postgres/postgres_dialect.h"
#include "dialects/sqlite/sqlite_connection.h"
#include "dialects/sqlite/sqlite_dialect.h"
#include "engine/url.h"

namespace bellows {

namespace {
Status UnknownUrl(const std::string& url) {
  return BELLOWS_ERR(kUsage, "unsupported database URL " + MaskUrl(url))
      .WithHint(
          "use sqlite:path/app.db, sqlite:///abs/path.db, postgres://user@host/db or "
          "mysql://user@host/db");
}
}  // namespace

Result<std::unique_ptr<Connection>> OpenConnection(const std::string& url,
                                                   const DialectOptions& options) {
  std::string dialect = UrlDialect(url);
  if (dialect == "sqlite") {
    std::string path = url.substr(url.find(':') + 1);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite:///abs/path -> /abs/path
    if (path.empty())
      return BELLOWS_ERR(kUsage, "sqlite URL without a path").WithHint("write sqlite:path/app.db");
    BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<sqlite::SqliteConnection> conn,
                             sqlite::SqliteConnection::Open(path, options));
    return std::unique_ptr<Connection>(std::move(conn));
  }
  if (dialect == "postgres") {
    BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<postgres::PostgresConnection> conn,
                             postgres::PostgresConnection::Open(url, options));
    return std::unique_ptr<Connection>(std::move(conn));
  }
  if (dialect == "mysql") {
    BELLOWS_ASSIGN_OR_RETURN(std::unique_ptr<mysql::MysqlConnection> conn,
                             mysql::MysqlConnection::Open(url, options));
    return std::unique_ptr<Connection>(std::move(conn));
  }
  return UnknownUrl(url);
}

Result<std::unique_ptr<Dialect>> OpenDialect(std::string_view name, const DialectOptions& options) {
  if (name == "sqlite")
    return std::unique_ptr<Dialect>(std::make_unique<sqlite::SqliteDialect>(options));
  if (name == "postgres")
    return std::unique_ptr<Dialect>(std::make_unique<postgres::PostgresDialect>(options));
  if (name == "mysql")
    return std::unique_ptr<Dialect>(std::make_unique<mysql::MysqlDialect>(options));
  return BELLOWS_ERR(kUsage, "unknown dialect \"" + std::string(name) + "\"")
      .WithHint("use sqlite, postgres or mysql");
}

}  // namespace bellows
