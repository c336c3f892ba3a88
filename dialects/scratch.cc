#include "dialects/scratch.h"

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "dialects/open.h"
#include "engine/strings.h"
#include "engine/url.h"

namespace bellows {

namespace {

std::string UniqueName() {
  static std::atomic<int> counter{0};
  return "bellows_scratch_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
}

}  // namespace

Result<std::unique_ptr<ScratchDatabase>> ScratchDatabase::Create(const std::string& server_url,
                                                                 const DialectOptions& options) {
  std::unique_ptr<ScratchDatabase> s(new ScratchDatabase());
  s->dialect_ = UrlDialect(server_url);
  if (s->dialect_ == "sqlite") {
    std::string path = (std::filesystem::temp_directory_path() / (UniqueName() + ".db")).string();
    s->name_ = path;
    s->url_ = "sqlite:" + path;
    BELLOWS_ASSIGN_OR_RETURN(s->conn_, OpenConnection(s->url_, options));
    return s;
  }
  if (s->dialect_ != "postgres" && s->dialect_ != "mysql") {
    return BELLOWS_ERR(kUsage, "a scratch database needs a sqlite:, postgres:// or mysql:// URL");
  }
  BELLOWS_ASSIGN_OR_RETURN(s->admin_, OpenConnection(server_url, options));
  s->name_ = UniqueName();
  Status created =
      s->admin_->Execute("CREATE DATABASE " + s->admin_->dialect().QuoteIdentifier(s->name_));
  if (!created.ok()) {
    return BELLOWS_ERR(kUsage, "cannot create a scratch database on " + MaskUrl(server_url) + ": " +
                                   created.message())
        .WithHint(
            "bellows diff needs a server where it may create and drop databases: pass "
            "--dev-url with one (a local or CI server, never production)");
  }
  s->url_ = UrlWithDatabase(server_url, s->name_);
  BELLOWS_ASSIGN_OR_RETURN(s->conn_, OpenConnection(s->url_, options));
  if (s->dialect_ == "postgres" && !options.schema.empty() && options.schema != "public") {
    BELLOWS_TRY(s->conn_->Execute("CREATE SCHEMA IF NOT EXISTS " +
                                  s->conn_->dialect().QuoteIdentifier(options.schema)));
  }
  return s;
}

ScratchDatabase::~ScratchDatabase() {
  conn_.reset();
  if (dialect_ == "sqlite") {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      std::filesystem::remove(name_ + suffix, ignored);
    return;
  }
  if (!admin_) return;
  const Dialect& d = admin_->dialect();
  std::vector<std::string> names = {name_};
  if (dialect_ == "mysql") {
    // The version databases bellows made while replaying: <name>_<version>.
    Result<Rows> versions = admin_->Query(
        "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE " +
        d.QuoteString(EscapeLike(name_) + "\\_%"));
    if (versions.ok()) {
      for (const Row& r : versions->rows) names.push_back(r[0].value_or(""));
    }
  }
  for (const std::string& n : names) {
    std::string sql = "DROP DATABASE IF EXISTS " + d.QuoteIdentifier(n);
    if (dialect_ == "postgres") sql += " WITH (FORCE)";
    Status ignored = admin_->Execute(sql);
    (void)ignored;
  }
}

}  // namespace bellows
