#include "kjudge/core/random.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <string>

#include "kjudge/core/hex.h"

namespace kjudge {

namespace {
void Fill(unsigned char* out, std::size_t n) {
  // RAND_bytes only fails when the OS entropy source is broken; nothing sensible can continue.
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
}
}  // namespace

std::string RandomHex(std::size_t n_bytes) {
  std::string raw(n_bytes, '\0');
  Fill(reinterpret_cast<unsigned char*>(raw.data()), n_bytes);
  return HexEncode(raw);
}

std::uint64_t RandomU64() {
  std::uint64_t v = 0;
  Fill(reinterpret_cast<unsigned char*>(&v), sizeof v);
  return v;
}

}  // namespace kjudge
