#include "kjudge/harness/compare.h"

#include <cmath>
#include <cstdio>

namespace kjudge::harness {

namespace {
std::string Num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
}  // namespace

Comparison CompareBuffers(DType t, const void* expected, const void* got, std::size_t count, Tolerance tol,
                          std::size_t keep_first) {
  Comparison c;
  c.count = count;
  const bool floating = IsFloating(t);
  for (std::size_t i = 0; i < count; ++i) {
    const double e = LoadAsDouble(t, expected, i);
    const double g = LoadAsDouble(t, got, i);
    bool same;
    if (floating) {
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
