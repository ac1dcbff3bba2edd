// LeaderboardRepository: one ranking per (problem, GPU type), with its deadline, visibility and
// open/closed state. ProblemRepository::Publish creates them; organizers adjust them here.
//
// Thread safety: as its Session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/schema_enums.h"
#include "kjudge/store/session.h"

namespace kjudge::store {

struct Leaderboard {
  std::int64_t id = 0;
  std::int64_t problem_id = 0;
  std::string problem_name;  ///< popcorn-cli names a leaderboard by its problem
  std::string gpu;           ///< GPU catalogue name ("H100", "cpu")
  std::optional<std::int64_t> deadline_ms;  ///< empty: no deadline
  Visibility visibility = Visibility::kPublic;
  LeaderboardState state = LeaderboardState::kOpen;
  std::int64_t created_ms = 0;

  /// Open. After the deadline leaderboard-mode submissions are still judged; they are recorded
  /// apart as unranked post-deadline runs (LeaderboardRepository::PostDeadline). `now_ms` is kept
  /// for callers that ask at a given time.
  bool AcceptsLeaderboardSubmissions(std::int64_t /*now_ms*/) const { return state == LeaderboardState::kOpen; }
};

/// One competitor's entry on a leaderboard: their best passing leaderboard-mode run.
struct StandingEntry {
  std::int64_t user_id = 0;
  std::string user_name;     ///< login name, unique
  std::string display_name;  ///< as the user set it; may be empty
  std::int64_t submission_id = 0;
  std::int64_t run_id = 0;
  double score_ns = 0;
  std::optional<double> sol_ratio;
  std::int64_t submitted_ms = 0;  ///< when the entry's submission was made
  std::int64_t submissions = 0;   ///< the competitor's leaderboard-mode submissions here, passing or not
};

/// One step of a competitor's best score over time.
struct ImprovementPoint {
  std::int64_t t_ms = 0;   ///< when the improving submission was made
  double score_ns = 0;     ///< the competitor's best score from then on
};

/// A competitor's improvements on one leaderboard, oldest first.
struct ImprovementSeries {
  std::int64_t user_id = 0;
  std::vector<ImprovementPoint> points;
};

class LeaderboardRepository {
 public:
  explicit LeaderboardRepository(Session session) : session_(session) {}

  /// Leaderboards by problem name then GPU; hidden ones only when `include_hidden`.
  Result<std::vector<Leaderboard>> List(bool include_hidden = false);
  /// A problem's leaderboards (hidden included), by GPU.
  Result<std::vector<Leaderboard>> ListForProblem(std::int64_t problem_id);
  /// kNotFound when absent.
  Result<Leaderboard> Get(std::int64_t id);
  /// The leaderboard of (problem name, GPU). kNotFound when absent.
  Result<Leaderboard> Find(std::string_view problem_name, std::string_view gpu);

  /// The standings of leaderboard `id`: per competitor the passing leaderboard-mode run with the
  /// lowest score (a tie goes to the earlier submission), ordered by score, ties to the earlier
  /// submission. Reads one row per competitor (migration 0005's tables, which triggers keep in
  /// step with submissions and runs; with `before_ms`, plus an index seek for the best run before
  /// it), never the wide rows.
  /// With `before_ms`, only submissions made before it count (the ranks frozen at a deadline).
  Result<std::vector<StandingEntry>> Standings(std::int64_t id, std::optional<std::int64_t> before_ms = std::nullopt);
  /// As Standings over the submissions made at or after `from_ms` alone: each competitor's best
  /// post-deadline run, unranked on the leaderboard itself.
  Result<std::vector<StandingEntry>> PostDeadline(std::int64_t id, std::int64_t from_ms);
  /// For each of `user_ids` (in that order, each once), the points at which their best passing
  /// leaderboard-mode score strictly improved, oldest first; with `before_ms`, only submissions
  /// made before it. A user without a passing run gets an empty series.
  Result<std::vector<ImprovementSeries>> Improvements(std::int64_t id, const std::vector<std::int64_t>& user_ids,
                                                      std::optional<std::int64_t> before_ms = std::nullopt);

  /// Sets or (nullopt) clears the deadline. kNotFound when absent.
  Status SetDeadline(std::int64_t id, std::optional<std::int64_t> deadline_ms);
  Status SetVisibility(std::int64_t id, Visibility visibility);
  Status SetState(std::int64_t id, LeaderboardState state);

 private:
  Session session_;
};

}  // namespace kjudge::store
