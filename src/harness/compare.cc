#include "kjudge/harness/compare.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>

namespace kjudge::harness {

namespace {

std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

/// Every fp16 value as a double: a lookup instead of ldexp per element (the comparison of a
/// 16M-element output took ~0.7 s with ldexp, longer than a benchmark case's whole budget).
const std::array<double, 65536>& HalfTable() {
  static const auto table = [] {
    std::array<double, 65536> t{};
    for (std::uint32_t i = 0; i < 65536; ++i) t[i] = HalfToDouble(static_cast<std::uint16_t>(i));
    return t;
  }();
  return table;
}

const std::array<double, 256>& Fp8Table() {
  static const auto table = [] {
    std::array<double, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) t[i] = Fp8E4M3ToDouble(static_cast<std::uint8_t>(i));
    return t;
  }();
  return table;
}

template <typename T>
T Load(const void* data, std::size_t index) {
  T v;
  std::memcpy(&v, static_cast<const unsigned char*>(data) + index * sizeof(T), sizeof(T));
  return v;
}

/// Compares [begin, end) with `load(buffer, i)` giving element i as a double.
template <bool kFloating, typename Loader>
Comparison CompareRange(const void* expected, const void* got, std::size_t begin, std::size_t end, Tolerance tol,
                        std::size_t keep_first, Loader load) {
  Comparison c;
  c.count = end - begin;
  for (std::size_t i = begin; i < end; ++i) {
    const double e = load(expected, i);
    const double g = load(got, i);
    bool same;
    if constexpr (kFloating) {
      const double diff = std::fabs(g - e);
      if (std::isfinite(diff) && diff > c.max_abs_error) c.max_abs_error = diff;
      // Written so that NaN in either operand fails; infinities must match exactly.
      same = (std::isinf(e) || std::isinf(g)) ? (e == g) : (diff <= tol.atol + tol.rtol * std::fabs(e));
    } else {
      same = e == g;
      if (!same && std::fabs(g - e) > c.max_abs_error) c.max_abs_error = std::fabs(g - e);
    }
    if (!same) {
      ++c.mismatches;
      if (c.first.size() < keep_first) c.first.push_back({i, e, g});
    }
  }
  return c;
}

template <typename Fn>
Comparison Dispatch(DType t, Fn&& fn) {
  switch (t) {
    case DType::kF64: return fn(std::true_type{}, [](const void* d, std::size_t i) { return Load<double>(d, i); });
    case DType::kF32: return fn(std::true_type{}, [](const void* d, std::size_t i) { return double{Load<float>(d, i)}; });
    case DType::kF16: {
      const auto& table = HalfTable();
      return fn(std::true_type{}, [&table](const void* d, std::size_t i) { return table[Load<std::uint16_t>(d, i)]; });
    }
    case DType::kBF16:
      return fn(std::true_type{}, [](const void* d, std::size_t i) { return BFloat16ToDouble(Load<std::uint16_t>(d, i)); });
    case DType::kFP8E4M3: {
      const auto& table = Fp8Table();
      return fn(std::true_type{}, [&table](const void* d, std::size_t i) { return table[Load<std::uint8_t>(d, i)]; });
    }
    case DType::kI64:
      return fn(std::false_type{}, [](const void* d, std::size_t i) { return static_cast<double>(Load<std::int64_t>(d, i)); });
    case DType::kI32: return fn(std::false_type{}, [](const void* d, std::size_t i) { return double(Load<std::int32_t>(d, i)); });
    case DType::kI16: return fn(std::false_type{}, [](const void* d, std::size_t i) { return double(Load<std::int16_t>(d, i)); });
    case DType::kI8: return fn(std::false_type{}, [](const void* d, std::size_t i) { return double(Load<std::int8_t>(d, i)); });
    case DType::kU8: return fn(std::false_type{}, [](const void* d, std::size_t i) { return double(Load<std::uint8_t>(d, i)); });
    case DType::kU32: return fn(std::false_type{}, [](const void* d, std::size_t i) { return double(Load<std::uint32_t>(d, i)); });
  }
  return fn(std::true_type{}, [](const void*, std::size_t) { return std::nan(""); });
}

/// Below this many elements one thread compares; above, the range is split over a few threads.
constexpr std::size_t kParallelFrom = std::size_t{1} << 20;

}  // namespace

Comparison CompareBuffers(DType t, const void* expected, const void* got, std::size_t count, Tolerance tol,
                          std::size_t keep_first) {
  return Dispatch(t, [&](auto floating, auto load) {
    constexpr bool kFloating = decltype(floating)::value;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t parts = count < kParallelFrom ? 1 : std::min<std::size_t>({8, cores, count / (kParallelFrom / 4)});
    if (parts <= 1) return CompareRange<kFloating>(expected, got, 0, count, tol, keep_first, load);
    std::vector<Comparison> partial(parts);
    std::vector<std::thread> threads;
    const std::size_t step = (count + parts - 1) / parts;
    for (std::size_t p = 0; p < parts; ++p) {
      const std::size_t begin = std::min(count, p * step), end = std::min(count, begin + step);
      threads.emplace_back([&, p, begin, end] {
        partial[p] = CompareRange<kFloating>(expected, got, begin, end, tol, keep_first, load);
      });
    }
    for (auto& th : threads) th.join();
    // Merged in index order, so "first" is the same as one thread would report.
    Comparison c;
    for (const auto& part : partial) {
      c.count += part.count;
      c.mismatches += part.mismatches;
      c.max_abs_error = std::max(c.max_abs_error, part.max_abs_error);
      for (const auto& m : part.first) {
        if (c.first.size() < keep_first) c.first.push_back(m);
      }
    }
    return c;
  });
}

std::string Comparison::Summary(const std::string& buffer_name) const {
  if (ok()) return buffer_name + ": all " + std::to_string(count) + " elements match";
  std::string s = buffer_name + ": " + std::to_string(mismatches) + " of " + std::to_string(count) +
                  " elements differ (max abs error " + Num(max_abs_error) + "); first:";
  for (std::size_t i = 0; i < first.size(); ++i) {
    s += (i ? ", [" : " [") + std::to_string(first[i].index) + "] expected " + Num(first[i].expected) + " got " +
         Num(first[i].got);
  }
  return s;
}

}  // namespace kjudge::harness
