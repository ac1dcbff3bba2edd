// expect: wrong_answer — radix-sorts the float bits as signed integers: positives come out right, but negatives in reverse order
#include <cstdint>
#include <cstring>
#include <vector>

void sort(const float* x, float* y, std::int64_t n) {
  const auto count = static_cast<std::size_t>(n);
  std::vector<std::uint32_t> a(count), b(count);
  std::memcpy(a.data(), x, count * sizeof(float));
  // Flipping only the sign bit makes the signed order of the bits an unsigned order: right for
  // integers, wrong for sign-magnitude floats.
  for (auto& k : a) k ^= 0x80000000u;
  for (int shift = 0; shift < 32; shift += 8) {
    std::size_t offsets[257] = {};
    for (auto k : a) ++offsets[((k >> shift) & 0xff) + 1];
    for (int i = 0; i < 256; ++i) offsets[i + 1] += offsets[i];
    for (auto k : a) b[offsets[(k >> shift) & 0xff]++] = k;
    a.swap(b);
  }
  for (auto& k : a) k ^= 0x80000000u;
  std::memcpy(y, a.data(), count * sizeof(float));
}
