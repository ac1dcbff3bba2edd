// CompetitionRepository: competitions, which rank competitors by a weighted sum over several
// problems (all of a problem's GPU leaderboards) or single leaderboards, between a start and a
// deadline. The score module computes the points; this stores what is being scored.
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

/// One scored part of a competition: exactly one of problem_id and leaderboard_id is set.
struct CompetitionProblem {
  std::int64_t id = 0;
  std::int64_t competition_id = 0;
  std::optional<std::int64_t> problem_id;
  std::optional<std::int64_t> leaderboard_id;
  double weight = 1.0;  ///< > 0
};

struct Competition {
  std::int64_t id = 0;
  std::string name;  ///< unique, 1-128 characters
  std::string title;
  std::string description;  ///< Markdown
  std::int64_t start_ms = 0;
  std::int64_t deadline_ms = 0;  ///< after start_ms
  PointsRule points_rule = PointsRule::kRelativeScore;
  /// Whether everyone may read the competition's submissions' sources (usually after the deadline).
  bool submissions_published = false;
  std::int64_t created_ms = 0;
  std::vector<CompetitionProblem> problems;  ///< in the order they were added
};

struct NewCompetition {
  std::string name;
  std::string title;
  std::string description;
  std::int64_t start_ms = 0;
  std::int64_t deadline_ms = 0;
  PointsRule points_rule = PointsRule::kRelativeScore;
  bool submissions_published = false;
};

class CompetitionRepository {
 public:
  explicit CompetitionRepository(Session session) : session_(session) {}

  /// kAlreadyExists when the name is taken; kInvalidArgument when the deadline is not after the start.
  Result<Competition> Create(const NewCompetition& competition);
  /// Adds every GPU leaderboard of a problem with `weight` (> 0). kNotFound for a missing
  /// competition or problem; kAlreadyExists when the problem is already part of it.
  Result<CompetitionProblem> AddProblem(std::int64_t competition_id, std::int64_t problem_id, double weight);
  /// Adds one leaderboard with `weight` (> 0). Errors as AddProblem.
  Result<CompetitionProblem> AddLeaderboard(std::int64_t competition_id, std::int64_t leaderboard_id, double weight);
  /// Removes a part. kNotFound when absent.
  Status RemoveProblem(std::int64_t competition_problem_id);

  /// Every competition with its parts, most recent start first.
  Result<std::vector<Competition>> List();
  /// kNotFound when absent.
  Result<Competition> Get(std::int64_t id);
  Result<Competition> GetByName(std::string_view name);
  /// The competitions (with their parts) that contain leaderboard `leaderboard_id`, as a
  /// leaderboard part or through its problem; earliest deadline first. Empty for a missing board.
  Result<std::vector<Competition>> ListContaining(std::int64_t leaderboard_id);

  Status SetSubmissionsPublished(std::int64_t id, bool published);
  /// kInvalidArgument when the deadline is not after the start.
  Status SetSchedule(std::int64_t id, std::int64_t start_ms, std::int64_t deadline_ms);

 private:
  Session session_;
};

}  // namespace kjudge::store
