// SHA-256 digests (OpenSSL EVP), as lower-case hex. Used for submission sources, problem bundle
// content hashes, migration checksums and stored token hashes.
#pragma once

#include <string>
#include <string_view>

namespace kjudge {

/// Hex SHA-256 of `data` (64 lower-case characters).
std::string Sha256Hex(std::string_view data);

/// Incremental SHA-256 for hashing many pieces (a problem bundle's files) without concatenating them.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);
  /// Hex digest; the object must not be updated afterwards.
  std::string FinishHex();

 private:
  struct State;
  State* state_;
};

}  // namespace kjudge
