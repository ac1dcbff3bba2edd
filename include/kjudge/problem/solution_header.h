// Solution header: the first line of every sample solution under problems/<name>/solutions/
// says what the file is and which verdict judging it must give, so the test suite and
// scripts/gpu-check.sh can judge every sample and compare:
//
//   // expect: passed — naive loop, one element at a time
//   // expect: wrong_answer — off by one: the last element is never written
//   // expect: wrong_answer, test: passed — skips the work when n looks like a benchmark size
//
// The first verdict applies to every mode not named after it (test, benchmark, leaderboard,
// profile). Verdict names are the runner's: passed, wrong_answer, compile_error, runtime_error,
// time_limit, rejected. The description follows an em dash (or "--").
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "kjudge/core/result.h"

namespace kjudge::problem {

struct SolutionExpectation {
  std::string verdict;                         ///< for every mode not in by_mode
  std::map<std::string, std::string> by_mode;  ///< mode -> verdict
  std::string description;

  /// The verdict expected in `mode` ("test", "benchmark", "leaderboard", "profile").
  const std::string& VerdictFor(std::string_view mode) const;
};

/// Parses the first line of `source`; an error says what is wrong with it.
Result<SolutionExpectation> ParseSolutionHeader(std::string_view source);

}  // namespace kjudge::problem
