#include "kjudge/score/competition_standings.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "kjudge/score/points.h"

namespace kjudge::score {

double ScoredPart::MaxPoints() const { return kMaxPartPoints * weight; }

std::vector<ScoredPart> ExpandParts(const store::Competition& competition, const std::vector<store::Leaderboard>& boards) {
  std::vector<ScoredPart> out;
  for (const store::CompetitionProblem& part : competition.problems) {
    std::vector<const store::Leaderboard*> matched;
    for (const store::Leaderboard& b : boards) {
      if ((part.leaderboard_id && b.id == *part.leaderboard_id) || (part.problem_id && b.problem_id == *part.problem_id)) {
        matched.push_back(&b);
      }
    }
    std::sort(matched.begin(), matched.end(), [](const auto* a, const auto* b) { return a->gpu < b->gpu; });
    for (const store::Leaderboard* b : matched) {
      out.push_back({part.id, *b, part.weight / static_cast<double>(matched.size())});
    }
  }
  return out;
}

namespace {

/// Totals that differ only by rounding (50 + 25 against 25 + 50 summed in another order) are equal.
bool SamePoints(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)}); }

}  // namespace

std::vector<CompetitorStanding> CompetitionStandings(store::PointsRule rule, const std::vector<ScoredPart>& parts,
                                                     const std::vector<std::vector<store::StandingEntry>>& standings) {
  std::vector<CompetitorStanding> out;
  std::unordered_map<std::int64_t, std::size_t> index;  // user id -> position in out
  const std::size_t n_parts = std::min(parts.size(), standings.size());
  for (std::size_t p = 0; p < n_parts; ++p) {
    const auto& entries = standings[p];
    const auto ranked = static_cast<std::int64_t>(entries.size());
    for (std::int64_t r = 0; r < ranked; ++r) {
      const store::StandingEntry& e = entries[static_cast<std::size_t>(r)];
      auto [it, inserted] = index.try_emplace(e.user_id, out.size());
      if (inserted) {
        CompetitorStanding c;
        c.user_id = e.user_id;
        c.user_name = e.user_name;
        c.display_name = e.display_name;
        c.parts.resize(parts.size());
        out.push_back(std::move(c));
      }
      CompetitorStanding& c = out[it->second];
      const EntryPlace place{r + 1, ranked, entries.front().score_ns, e.score_ns, e.sol_ratio};
      PartResult& result = c.parts[p];
      result.rank = r + 1;
      result.points = PartPoints(rule, parts[p].weight, place);
      result.score_ns = e.score_ns;
      result.sol_ratio = e.sol_ratio;
      result.run_id = e.run_id;
      c.points += result.points;
      c.reached_ms = std::max(c.reached_ms, e.submitted_ms);
    }
  }
  std::sort(out.begin(), out.end(), [](const CompetitorStanding& a, const CompetitorStanding& b) {
    if (!SamePoints(a.points, b.points)) return a.points > b.points;
    if (a.reached_ms != b.reached_ms) return a.reached_ms < b.reached_ms;
    return a.user_id < b.user_id;
  });
  for (std::size_t i = 0; i < out.size(); ++i) out[i].rank = static_cast<std::int64_t>(i) + 1;
  return out;
}

}  // namespace kjudge::score
