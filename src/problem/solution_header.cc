#include "kjudge/problem/solution_header.h"

#include <algorithm>
#include <vector>

namespace kjudge::problem {

namespace {

constexpr std::string_view kVerdicts[] = {"passed",        "wrong_answer", "compile_error",
                                          "runtime_error", "time_limit",   "rejected"};
constexpr std::string_view kModes[] = {"test", "benchmark", "leaderboard", "profile"};
constexpr std::string_view kPrefix = "// expect:";
constexpr std::string_view kFormat = "expected a first line like '// expect: passed — what this solution is'";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsVerdict(std::string_view v) { return std::find(std::begin(kVerdicts), std::end(kVerdicts), v) != std::end(kVerdicts); }
bool IsMode(std::string_view m) { return std::find(std::begin(kModes), std::end(kModes), m) != std::end(kModes); }

Error Bad(const std::string& why) { return MakeError(ErrorCode::kInvalidArgument, why); }

}  // namespace

const std::string& SolutionExpectation::VerdictFor(std::string_view mode) const {
  auto it = by_mode.find(std::string(mode));
  return it != by_mode.end() ? it->second : verdict;
}

Result<SolutionExpectation> ParseSolutionHeader(std::string_view source) {
  const std::string_view line = source.substr(0, source.find('\n'));
  if (line.substr(0, kPrefix.size()) != kPrefix) return Bad(std::string(kFormat));
  std::string_view rest = line.substr(kPrefix.size());
  // The description starts at the first em dash (U+2014) or "--".
  std::size_t dash = rest.find("\xe2\x80\x94");
  std::size_t dash_len = 3;
  const std::size_t ascii = rest.find("--");
  if (ascii != std::string_view::npos && (dash == std::string_view::npos || ascii < dash)) {
    dash = ascii;
    dash_len = 2;
  }
  if (dash == std::string_view::npos) return Bad("no description after the verdicts: " + std::string(kFormat));
  SolutionExpectation out;
  out.description = std::string(Trim(rest.substr(dash + dash_len)));
  if (out.description.empty()) return Bad("empty description: " + std::string(kFormat));
  std::string_view verdicts = rest.substr(0, dash);
  bool first = true;
  while (true) {
    const std::size_t comma = verdicts.find(',');
    const std::string_view item = Trim(verdicts.substr(0, comma));
    if (first) {
      if (!IsVerdict(item)) return Bad("unknown verdict '" + std::string(item) + "' (passed, wrong_answer, ...)");
      out.verdict = std::string(item);
      first = false;
    } else {
      const std::size_t colon = item.find(':');
      if (colon == std::string_view::npos) return Bad("expected 'mode: verdict' after the first verdict, got '" +
                                                      std::string(item) + "'");
      const std::string_view mode = Trim(item.substr(0, colon));
      const std::string_view verdict = Trim(item.substr(colon + 1));
      if (!IsMode(mode)) return Bad("unknown mode '" + std::string(mode) + "' (test, benchmark, leaderboard, profile)");
      if (!IsVerdict(verdict)) return Bad("unknown verdict '" + std::string(verdict) + "'");
      if (!out.by_mode.emplace(std::string(mode), std::string(verdict)).second) {
        return Bad("mode '" + std::string(mode) + "' given twice");
      }
    }
    if (comma == std::string_view::npos) break;
    verdicts.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace kjudge::problem
