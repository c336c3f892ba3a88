#pragma once
// SHA-256 digests (OpenSSL EVP). This is the only file that uses OpenSSL.

#include <string>
#include <string_view>

namespace bellows {

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace bellows
