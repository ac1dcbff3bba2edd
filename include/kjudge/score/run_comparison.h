// Two runs of one leaderboard side by side, case by case: how much faster or slower B is than A,
// and whether that difference is larger than the measurement noise of both.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kjudge::score {

/// One benchmark case's timing as a run reports it (its cases_json entry).
struct CaseTiming {
  std::int64_t index = 0;
  std::map<std::string, std::int64_t> params;
  double sol_ns = 0;     ///< 0: unknown
  double mean_ns = 0;    ///< what the score uses
  double stddev_ns = 0;  ///< of the samples
  std::int64_t samples = 0;
};

/// The benchmark cases of a run's cases_json that have timings, by index. Entries that are not
/// benchmark cases, have no timing, or are malformed are left out.
std::vector<CaseTiming> BenchmarkTimings(const nlohmann::json& cases);

enum class Faster { kA, kB, kWithinNoise };
const char* FasterName(Faster faster);  ///< "a_faster", "b_faster", "within_noise"

struct CaseComparison {
  std::int64_t index = 0;
  std::map<std::string, std::int64_t> params;
  double sol_ns = 0;
  double a_ns = 0;
  double b_ns = 0;
  std::optional<double> a_sol_ratio;  ///< a_ns / sol_ns, when the case has a speed of light
  std::optional<double> b_sol_ratio;
  double diff_ns = 0;    ///< b - a
  double diff_pct = 0;   ///< (b / a - 1) x 100
  double noise_pct = 0;  ///< half-width of the 95% band of diff_pct from both standard errors
  Faster faster = Faster::kWithinNoise;
};

/// The cases both runs timed, matched by index, in index order.
std::vector<CaseComparison> CompareCases(const std::vector<CaseTiming>& a, const std::vector<CaseTiming>& b);

}  // namespace kjudge::score
