#pragma once
// Database URLs as bellows shows them: the password is never printed (SPEC 7).

#include <string>
#include <string_view>

namespace bellows {

// "postgres://u:secret@h/db?password=x" -> "postgres://u:***@h/db?password=***".
std::string MaskUrl(std::string_view url);
// Replaces every occurrence of the URL's password in `text` (error messages of client
// libraries may echo it).
std::string MaskSecrets(std::string_view text, std::string_view url);
// "postgres://u@h:5432/app?sslmode=x" with the database `database` instead of "app" (query
// kept). For URLs of the scheme://authority/database form only.
std::string UrlWithDatabase(std::string_view url, std::string_view database);
// "sqlite", "postgres", "mysql", or "" when the scheme is none of them.
std::string UrlDialect(std::string_view url);

}  // namespace bellows
