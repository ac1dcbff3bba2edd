// expect: wrong_answer — sorts on the top 16 bits of each key only (two radix passes instead of four): values that agree to bf16 precision keep their input order
#include <cstdint>
#include <cstring>
#include <vector>

void sort(const float* x, float* y, std::int64_t n) {
  const auto count = static_cast<std::size_t>(n);
  std::vector<std::uint32_t> a(count), b(count);
  std::memcpy(a.data(), x, count * sizeof(float));
  for (auto& k : a) k = (k >> 31) ? ~k : k | 0x80000000u;
  for (int shift = 16; shift < 32; shift += 8) {
    std::size_t offsets[257] = {};
    for (auto k : a) ++offsets[((k >> shift) & 0xff) + 1];
    for (int i = 0; i < 256; ++i) offsets[i + 1] += offsets[i];
    for (auto k : a) b[offsets[(k >> shift) & 0xff]++] = k;
    a.swap(b);
  }
  for (auto& k : a) k = (k >> 31) ? k & 0x7fffffffu : ~k;
  std::memcpy(y, a.data(), count * sizeof(float));
}
