// expect: wrong_answer, test: passed, benchmark: passed, profile: passed — remembers the output per (input pointer, shape) and replays it; only fresh inputs on every timed call (leaderboard mode) expose it
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <tuple>
#include <vector>

void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols) {
  static std::map<std::tuple<const float*, std::int64_t, std::int64_t>, std::vector<float>> cache;
  const auto key = std::make_tuple(x, rows, cols);
  auto it = cache.find(key);
  if (it != cache.end()) {
    std::memcpy(y, it->second.data(), it->second.size() * sizeof(float));
    return;
  }
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * cols;
    float* out = y + r * cols;
    float max = in[0];
    for (std::int64_t c = 1; c < cols; ++c) max = std::fmax(max, in[c]);
    float sum = 0;
    for (std::int64_t c = 0; c < cols; ++c) sum += (out[c] = std::exp(in[c] - max));
    for (std::int64_t c = 0; c < cols; ++c) out[c] /= sum;
  }
  cache[key].assign(y, y + rows * cols);
}
