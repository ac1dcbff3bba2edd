#include "kjudge/store/competition_repository.h"

#include <string>

#include "row_reading.h"

namespace kjudge::store {

namespace {

#define KJ_COMPETITION_COLUMNS \
  "id, name, title, description, start_ms, deadline_ms, points_rule, submissions_published, created_ms"
#define KJ_PART_COLUMNS "id, competition_id, problem_id, leaderboard_id, weight"

Result<Competition> ReadCompetition(const Statement& row) {
  Competition c;
  c.id = row.Int(0);
  c.name = row.Text(1);
  c.title = row.Text(2);
  c.description = row.Text(3);
  c.start_ms = row.Int(4);
  c.deadline_ms = row.Int(5);
  KJ_ASSIGN_OR_RETURN(c.points_rule, ColumnEnum<PointsRule>(row, 6));
  c.submissions_published = row.Int(7) != 0;
  c.created_ms = row.Int(8);
  return c;
}

Result<CompetitionProblem> ReadPart(const Statement& row) {
  CompetitionProblem p;
  p.id = row.Int(0);
  p.competition_id = row.Int(1);
  p.problem_id = row.OptionalInt(2);
  p.leaderboard_id = row.OptionalInt(3);
  p.weight = row.Double(4);
  return p;
}

Status AttachParts(Connection& c, Competition& competition) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_PART_COLUMNS
                                              " FROM competition_problems WHERE competition_id = ? ORDER BY id",
                                              competition.id));
  KJ_ASSIGN_OR_RETURN(competition.problems, CollectRows<CompetitionProblem>(stmt, ReadPart));
  return Ok();
}

// Reads the competition `stmt` selects (bound and ready), with its parts.
Result<Competition> LoadSelected(Connection& c, Statement& stmt, const std::string& what) {
  KJ_ASSIGN_OR_RETURN(Competition competition, SingleRow<Competition>(stmt, ReadCompetition, what));
  KJ_RETURN_IF_ERROR(AttachParts(c, competition));
  return competition;
}

Result<Competition> LoadById(Connection& c, std::int64_t id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_COMPETITION_COLUMNS " FROM competitions WHERE id = ?", id));
  return LoadSelected(c, stmt, Describe("competition", id));
}

Status ValidateSchedule(std::int64_t start_ms, std::int64_t deadline_ms) {
  if (deadline_ms <= start_ms) {
    return MakeError(ErrorCode::kInvalidArgument, "a competition's deadline must be after its start");
  }
  return Ok();
}

Status ValidateWeight(double weight) {
  if (!(weight > 0)) return MakeError(ErrorCode::kInvalidArgument, "a competition problem's weight must be > 0");
  return Ok();
}

// Inserts one part after checking that what it points at exists (kNotFound beats a foreign key
// error for telling the organizer which id is wrong).
enum class PartKind { kProblem, kLeaderboard };

Result<CompetitionProblem> InsertPart(Connection& c, std::int64_t competition_id, PartKind kind, std::int64_t target_id,
                                      double weight) {
  KJ_RETURN_IF_ERROR(LoadById(c, competition_id));
  const bool problem = kind == PartKind::kProblem;
  {
    KJ_ASSIGN_OR_RETURN(Statement exists, c.Query(problem ? "SELECT 1 FROM problems WHERE id = ?"
                                                          : "SELECT 1 FROM leaderboards WHERE id = ?",
                                                  target_id));
    KJ_ASSIGN_OR_RETURN(bool found, exists.Step());
    if (!found) return MakeError(ErrorCode::kNotFound, Describe(problem ? "problem" : "leaderboard", target_id) + " not found");
  }
  Status inserted =
      c.Exec(problem ? "INSERT INTO competition_problems(competition_id, problem_id, weight) VALUES (?, ?, ?)"
                     : "INSERT INTO competition_problems(competition_id, leaderboard_id, weight) VALUES (?, ?, ?)",
             competition_id, target_id, weight);
  if (!inserted.ok()) {
    if (inserted.error().code == ErrorCode::kAlreadyExists) {
      return MakeError(ErrorCode::kAlreadyExists, Describe(problem ? "problem" : "leaderboard", target_id) +
                                                      " is already part of " + Describe("competition", competition_id));
    }
    return inserted.error();
  }
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_PART_COLUMNS " FROM competition_problems WHERE id = ?",
                                              c.LastInsertId()));
  return SingleRow<CompetitionProblem>(stmt, ReadPart, "competition problem");
}

}  // namespace

Result<Competition> CompetitionRepository::Create(const NewCompetition& competition) {
  KJ_RETURN_IF_ERROR(ValidateSchedule(competition.start_ms, competition.deadline_ms));
  if (competition.name.empty() || competition.name.size() > 128) {
    return MakeError(ErrorCode::kInvalidArgument, "competition name must be 1-128 characters");
  }
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Result<Competition> {
    Status inserted = c.Exec(
        "INSERT INTO competitions(name, title, description, start_ms, deadline_ms, points_rule, submissions_published, "
        "created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        competition.name, competition.title, competition.description, competition.start_ms, competition.deadline_ms,
        Name(competition.points_rule), competition.submissions_published, now);
    if (!inserted.ok()) {
      if (inserted.error().code == ErrorCode::kAlreadyExists) {
        return MakeError(ErrorCode::kAlreadyExists, "competition '" + competition.name + "' already exists");
      }
      return inserted.error();
    }
    return LoadById(c, c.LastInsertId());
  });
}

Result<CompetitionProblem> CompetitionRepository::AddProblem(std::int64_t competition_id, std::int64_t problem_id,
                                                             double weight) {
  KJ_RETURN_IF_ERROR(ValidateWeight(weight));
  return session_.Write([&](Connection& c) { return InsertPart(c, competition_id, PartKind::kProblem, problem_id, weight); });
}

Result<CompetitionProblem> CompetitionRepository::AddLeaderboard(std::int64_t competition_id,
                                                                 std::int64_t leaderboard_id, double weight) {
  KJ_RETURN_IF_ERROR(ValidateWeight(weight));
  return session_.Write(
      [&](Connection& c) { return InsertPart(c, competition_id, PartKind::kLeaderboard, leaderboard_id, weight); });
}

Status CompetitionRepository::RemoveProblem(std::int64_t competition_problem_id) {
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("DELETE FROM competition_problems WHERE id = ?", competition_problem_id));
    return RequireChanged(c, Describe("competition problem", competition_problem_id));
  });
}

Result<std::vector<Competition>> CompetitionRepository::List() {
  return session_.Read([&](Connection& c) -> Result<std::vector<Competition>> {
    std::vector<Competition> competitions;
    {
      KJ_ASSIGN_OR_RETURN(Statement stmt,
                          c.Query("SELECT " KJ_COMPETITION_COLUMNS " FROM competitions ORDER BY start_ms DESC, id DESC"));
      KJ_ASSIGN_OR_RETURN(competitions, CollectRows<Competition>(stmt, ReadCompetition));
    }
    for (Competition& competition : competitions) KJ_RETURN_IF_ERROR(AttachParts(c, competition));
    return competitions;
  });
}

Result<Competition> CompetitionRepository::Get(std::int64_t id) {
  return session_.Read([&](Connection& c) { return LoadById(c, id); });
}

Result<Competition> CompetitionRepository::GetByName(std::string_view name) {
  return session_.Read([&](Connection& c) -> Result<Competition> {
    KJ_ASSIGN_OR_RETURN(Statement stmt,
                        c.Query("SELECT " KJ_COMPETITION_COLUMNS " FROM competitions WHERE name = ?", name));
    return LoadSelected(c, stmt, "competition '" + std::string(name) + "'");
  });
}

Result<std::vector<Competition>> CompetitionRepository::ListContaining(std::int64_t leaderboard_id) {
  return session_.Read([&](Connection& c) -> Result<std::vector<Competition>> {
    std::vector<Competition> competitions;
    {
      // Competitions and their parts are few (tens): a scan of competition_problems costs nothing.
      KJ_ASSIGN_OR_RETURN(Statement stmt,
                          c.Query("SELECT " KJ_COMPETITION_COLUMNS " FROM competitions WHERE id IN ("
                                  "SELECT cp.competition_id FROM competition_problems cp WHERE cp.leaderboard_id = ?"
                                  " OR cp.problem_id = (SELECT problem_id FROM leaderboards WHERE id = ?))"
                                  " ORDER BY deadline_ms, id",
                                  leaderboard_id, leaderboard_id));
      KJ_ASSIGN_OR_RETURN(competitions, CollectRows<Competition>(stmt, ReadCompetition));
    }
    for (Competition& competition : competitions) KJ_RETURN_IF_ERROR(AttachParts(c, competition));
    return competitions;
  });
}

Status CompetitionRepository::SetSubmissionsPublished(std::int64_t id, bool published) {
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("UPDATE competitions SET submissions_published = ? WHERE id = ?", published, id));
    return RequireChanged(c, Describe("competition", id));
  });
}

Status CompetitionRepository::SetSchedule(std::int64_t id, std::int64_t start_ms, std::int64_t deadline_ms) {
  KJ_RETURN_IF_ERROR(ValidateSchedule(start_ms, deadline_ms));
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("UPDATE competitions SET start_ms = ?, deadline_ms = ? WHERE id = ?", start_ms,
                              deadline_ms, id));
    return RequireChanged(c, Describe("competition", id));
  });
}

}  // namespace kjudge::store
