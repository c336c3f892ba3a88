#include "engine/checksum.h"

#include <cassert>
#include <memory>

#include <openssl/evp.h>

namespace bellows {

std::string Sha256Hex(std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // These calls fail only on allocation failure or a broken OpenSSL build.
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1 &&
            EVP_DigestFinal_ex(ctx.get(), digest, &length) == 1;
  assert(ok && "OpenSSL SHA-256 failed");
  (void)ok;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace bellows
