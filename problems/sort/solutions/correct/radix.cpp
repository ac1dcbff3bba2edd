// expect: passed — LSD radix sort, three passes of 11 bits over order-preserving integer keys, histograms of all passes in one read
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

// Unsigned keys that sort like the floats: flip every bit of a negative, only the sign of the rest.
inline std::uint32_t ToKey(std::uint32_t bits) { return (bits >> 31) ? ~bits : bits | 0x80000000u; }
inline std::uint32_t FromKey(std::uint32_t key) { return (key >> 31) ? key & 0x7fffffffu : ~key; }

}  // namespace

void sort(const float* x, float* y, std::int64_t n) {
  if (n <= 0) return;
  const auto count = static_cast<std::size_t>(n);
  static std::vector<std::uint32_t> a, b;
  a.resize(count);
  b.resize(count);
  std::memcpy(a.data(), x, count * sizeof(float));
  constexpr int kPasses = 3, kBits = 11, kBuckets = 1 << kBits;
  static std::size_t offsets[kPasses][kBuckets];
  std::memset(offsets, 0, sizeof offsets);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t k = a[i] = ToKey(a[i]);
    ++offsets[0][k & (kBuckets - 1)];
    ++offsets[1][(k >> kBits) & (kBuckets - 1)];
    ++offsets[2][k >> (2 * kBits)];
  }
  for (auto& pass : offsets) {
    std::size_t sum = 0;
    for (auto& o : pass) {
      const std::size_t c = o;
      o = sum;
      sum += c;
    }
  }
  for (int pass = 0; pass < kPasses; ++pass) {
    const int shift = pass * kBits;
    for (std::size_t i = 0; i < count; ++i) b[offsets[pass][(a[i] >> shift) & (kBuckets - 1)]++] = a[i];
    a.swap(b);
  }
  for (std::size_t i = 0; i < count; ++i) a[i] = FromKey(a[i]);
  std::memcpy(y, a.data(), count * sizeof(float));
}
