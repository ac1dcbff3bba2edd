// Unpredictable values from the operating system's CSPRNG (OpenSSL RAND_bytes): tokens, lease ids,
// secret leaderboard seeds. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace kjudge {

/// `n_bytes` random bytes as 2*n_bytes lower-case hex characters.
std::string RandomHex(std::size_t n_bytes);

/// A uniformly random 64-bit value.
std::uint64_t RandomU64();

}  // namespace kjudge
