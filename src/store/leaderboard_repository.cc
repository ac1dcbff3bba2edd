#include "kjudge/store/leaderboard_repository.h"

#include <string>

#include "leaderboard_rows.h"
#include "row_reading.h"

namespace kjudge::store {

Result<Leaderboard> ReadLeaderboard(const Statement& row, int first) {
  Leaderboard board;
  board.id = row.Int(first);
  board.problem_id = row.Int(first + 1);
  board.problem_name = row.Text(first + 2);
  board.gpu = row.Text(first + 3);
  board.deadline_ms = row.OptionalInt(first + 4);
  KJ_ASSIGN_OR_RETURN(board.visibility, ColumnEnum<Visibility>(row, first + 5));
  KJ_ASSIGN_OR_RETURN(board.state, ColumnEnum<LeaderboardState>(row, first + 6));
  board.created_ms = row.Int(first + 7);
  return board;
}

Result<Leaderboard> LoadLeaderboard(Connection& connection, std::int64_t id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, connection.Query("SELECT " KJ_LEADERBOARD_COLUMNS KJ_LEADERBOARD_FROM
                                                       " WHERE leaderboards.id = ?",
                                                       id));
  return SingleRow<Leaderboard>(stmt, [](const Statement& row) { return ReadLeaderboard(row); },
                                Describe("leaderboard", id));
}

Result<Leaderboard> InsertLeaderboard(Connection& connection, std::int64_t problem_id, std::string_view gpu,
                                      std::optional<std::int64_t> deadline_ms, std::int64_t now_ms) {
  KJ_RETURN_IF_ERROR(connection.Exec(
      "INSERT INTO leaderboards(problem_id, gpu, deadline_ms, created_ms) VALUES (?, ?, ?, ?)", problem_id, gpu,
      deadline_ms, now_ms));
  return LoadLeaderboard(connection, connection.LastInsertId());
}

Result<std::vector<Leaderboard>> LeaderboardRepository::List(bool include_hidden) {
  return session_.Read([&](Connection& c) -> Result<std::vector<Leaderboard>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_LEADERBOARD_COLUMNS KJ_LEADERBOARD_FROM
                                                " WHERE ? OR leaderboards.visibility = 'public'"
                                                " ORDER BY problems.name, leaderboards.gpu",
                                                include_hidden));
    return CollectRows<Leaderboard>(stmt, [](const Statement& row) { return ReadLeaderboard(row); });
  });
}

Result<std::vector<Leaderboard>> LeaderboardRepository::ListForProblem(std::int64_t problem_id) {
  return session_.Read([&](Connection& c) -> Result<std::vector<Leaderboard>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_LEADERBOARD_COLUMNS KJ_LEADERBOARD_FROM
                                                " WHERE leaderboards.problem_id = ? ORDER BY leaderboards.gpu",
                                                problem_id));
    return CollectRows<Leaderboard>(stmt, [](const Statement& row) { return ReadLeaderboard(row); });
  });
}

Result<Leaderboard> LeaderboardRepository::Get(std::int64_t id) {
  return session_.Read([&](Connection& c) { return LoadLeaderboard(c, id); });
}

Result<Leaderboard> LeaderboardRepository::Find(std::string_view problem_name, std::string_view gpu) {
  return session_.Read([&](Connection& c) -> Result<Leaderboard> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_LEADERBOARD_COLUMNS KJ_LEADERBOARD_FROM
                                                " WHERE problems.name = ? AND leaderboards.gpu = ?",
                                                problem_name, gpu));
    return SingleRow<Leaderboard>(stmt, [](const Statement& row) { return ReadLeaderboard(row); },
                                  "leaderboard " + std::string(problem_name) + " on " + std::string(gpu));
  });
}

Status LeaderboardRepository::SetDeadline(std::int64_t id, std::optional<std::int64_t> deadline_ms) {
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("UPDATE leaderboards SET deadline_ms = ? WHERE id = ?", deadline_ms, id));
    return RequireChanged(c, Describe("leaderboard", id));
  });
}

Status LeaderboardRepository::SetVisibility(std::int64_t id, Visibility visibility) {
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("UPDATE leaderboards SET visibility = ? WHERE id = ?", Name(visibility), id));
    return RequireChanged(c, Describe("leaderboard", id));
  });
}

Status LeaderboardRepository::SetState(std::int64_t id, LeaderboardState state) {
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("UPDATE leaderboards SET state = ? WHERE id = ?", Name(state), id));
    return RequireChanged(c, Describe("leaderboard", id));
  });
}

}  // namespace kjudge::store
