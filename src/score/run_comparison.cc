#include "kjudge/score/run_comparison.h"

#include <algorithm>
#include <cmath>

namespace kjudge::score {

namespace {

/// 97.5th percentile of the normal distribution: a two-sided 95% band.
constexpr double kZ95 = 1.959964;

double RelativeStandardError(const CaseTiming& c) {
  if (c.samples < 2 || c.mean_ns <= 0) return 0;
  return c.stddev_ns / std::sqrt(static_cast<double>(c.samples)) / c.mean_ns;
}

}  // namespace

const char* FasterName(Faster faster) {
  switch (faster) {
    case Faster::kA: return "a_faster";
    case Faster::kB: return "b_faster";
    case Faster::kWithinNoise: return "within_noise";
  }
  return "within_noise";
}

std::vector<CaseTiming> BenchmarkTimings(const nlohmann::json& cases) {
  std::vector<CaseTiming> out;
  if (!cases.is_array()) return out;
  for (const auto& c : cases) {
    if (!c.is_object() || c.value("kind", "") != "benchmark") continue;
    const auto timing = c.find("timing");
    if (timing == c.end() || !timing->is_object()) continue;
    const auto number = [&](const nlohmann::json& j, const char* key) {
      const auto it = j.find(key);
      return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
    };
    CaseTiming t;
    const auto index = c.find("index");
    if (index == c.end() || !index->is_number_integer()) continue;
    t.index = index->get<std::int64_t>();
    if (const auto params = c.find("params"); params != c.end() && params->is_object()) {
      for (const auto& [name, value] : params->items()) {
        if (value.is_number_integer()) t.params[name] = value.get<std::int64_t>();
      }
    }
    t.sol_ns = number(c, "sol_ns");
    t.mean_ns = number(*timing, "mean_ns");
    t.stddev_ns = number(*timing, "stddev_ns");
    t.samples = static_cast<std::int64_t>(number(*timing, "samples"));
    if (!(t.mean_ns > 0) || !std::isfinite(t.mean_ns)) continue;
    out.push_back(std::move(t));
  }
  std::sort(out.begin(), out.end(), [](const CaseTiming& x, const CaseTiming& y) { return x.index < y.index; });
  return out;
}

std::vector<CaseComparison> CompareCases(const std::vector<CaseTiming>& a, const std::vector<CaseTiming>& b) {
  std::vector<CaseComparison> out;
  for (const auto& ca : a) {
    const auto cb = std::find_if(b.begin(), b.end(), [&](const CaseTiming& t) { return t.index == ca.index; });
    if (cb == b.end()) continue;
    CaseComparison c;
    c.index = ca.index;
    c.params = ca.params;
    c.sol_ns = ca.sol_ns > 0 ? ca.sol_ns : cb->sol_ns;
    c.a_ns = ca.mean_ns;
    c.b_ns = cb->mean_ns;
    if (c.sol_ns > 0) {
      c.a_sol_ratio = c.a_ns / c.sol_ns;
      c.b_sol_ratio = c.b_ns / c.sol_ns;
    }
    c.diff_ns = c.b_ns - c.a_ns;
    const double ratio = c.b_ns / c.a_ns;
    c.diff_pct = (ratio - 1) * 100;
    // The ratio of two independent means: relative errors add in quadrature (first order).
    const double ra = RelativeStandardError(ca), rb = RelativeStandardError(*cb);
    c.noise_pct = kZ95 * ratio * std::sqrt(ra * ra + rb * rb) * 100;
    if (std::abs(c.diff_pct) <= c.noise_pct) {
      c.faster = Faster::kWithinNoise;
    } else {
      c.faster = c.diff_pct < 0 ? Faster::kB : Faster::kA;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace kjudge::score
