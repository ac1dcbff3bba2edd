#include "kjudge/store/leaderboard_repository.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <unordered_map>

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

namespace {

/// The standings of leaderboard `id` over the submissions made in [from_ms, before_ms).
Result<std::vector<StandingEntry>> StandingsBetween(Connection& c, std::int64_t id, std::int64_t from_ms,
                                                    std::int64_t before_ms) {
  // Two scans of covering indexes (migration 0003), reduced here: SQLite's window functions
  // sort through a temporary B-tree and cost several times more for the same answer. The
  // created_ms range is the last column of submissions_by_board_mode_user, so it is filtered in
  // that index too; INDEXED BY keeps the planner from the narrower submissions_by_leaderboard
  // range, which would read every wide submission row.
  std::unordered_map<std::int64_t, StandingEntry> by_user;
  KJ_ASSIGN_OR_RETURN(Statement tried, c.Query(
      "SELECT s.user_id, users.name, users.display_name, count(*) FROM submissions s JOIN users ON users.id = s.user_id"
      " WHERE s.leaderboard_id = ? AND s.mode = 'leaderboard' AND s.created_ms >= ? AND s.created_ms < ?"
      " GROUP BY s.user_id",
      id, from_ms, before_ms));
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool row, tried.Step());
    if (!row) break;
    StandingEntry& e = by_user[tried.Int(0)];
    e.user_id = tried.Int(0);
    e.user_name = tried.Text(1);
    e.display_name = tried.Text(2);
    e.submissions = tried.Int(3);
  }
  KJ_ASSIGN_OR_RETURN(Statement passed, c.Query(
      "SELECT s.user_id, s.id, s.created_ms, r.id, r.score_ns, r.sol_ratio"
      " FROM submissions s INDEXED BY submissions_by_board_mode_user JOIN runs r ON r.submission_id = s.id"
      " WHERE s.leaderboard_id = ? AND s.mode = 'leaderboard' AND s.created_ms >= ? AND s.created_ms < ?"
      " AND r.verdict = 'passed' AND r.score_ns IS NOT NULL",
      id, from_ms, before_ms));
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool row, passed.Step());
    if (!row) break;
    auto it = by_user.find(passed.Int(0));
    if (it == by_user.end()) continue;  // cannot happen within one snapshot
    StandingEntry& e = it->second;
    const double score = passed.Double(4);
    const std::int64_t submitted = passed.Int(2), run_id = passed.Int(3);
    const bool better = e.run_id == 0 || score < e.score_ns ||
                        (score == e.score_ns && (submitted < e.submitted_ms ||
                                                 (submitted == e.submitted_ms && run_id < e.run_id)));
    if (!better) continue;
    e.submission_id = passed.Int(1);
    e.run_id = run_id;
    e.score_ns = score;
    e.sol_ratio = passed.OptionalDouble(5);
    e.submitted_ms = submitted;
  }
  std::vector<StandingEntry> out;
  out.reserve(by_user.size());
  for (auto& [_, e] : by_user) {
    if (e.run_id != 0) out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const StandingEntry& a, const StandingEntry& b) {
    if (a.score_ns != b.score_ns) return a.score_ns < b.score_ns;
    if (a.submitted_ms != b.submitted_ms) return a.submitted_ms < b.submitted_ms;
    return a.run_id < b.run_id;
  });
  return out;
}

}  // namespace

Result<std::vector<StandingEntry>> LeaderboardRepository::Standings(std::int64_t id, std::optional<std::int64_t> before_ms) {
  return session_.Read([&](Connection& c) { return StandingsBetween(c, id, INT64_MIN, before_ms.value_or(INT64_MAX)); });
}

Result<std::vector<StandingEntry>> LeaderboardRepository::PostDeadline(std::int64_t id, std::int64_t from_ms) {
  return session_.Read([&](Connection& c) { return StandingsBetween(c, id, from_ms, INT64_MAX); });
}

Result<std::vector<ImprovementSeries>> LeaderboardRepository::Improvements(std::int64_t id,
                                                                           const std::vector<std::int64_t>& user_ids,
                                                                           std::optional<std::int64_t> before_ms) {
  return session_.Read([&](Connection& c) -> Result<std::vector<ImprovementSeries>> {
    std::vector<ImprovementSeries> out;
    for (const std::int64_t user_id : user_ids) {
      if (std::any_of(out.begin(), out.end(), [&](const ImprovementSeries& s) { return s.user_id == user_id; })) continue;
      ImprovementSeries series{user_id, {}};
      // One user's passing runs in submission order, from the same covering indexes as Standings.
      KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query(
          "SELECT s.created_ms, r.score_ns FROM submissions s"
          " JOIN runs r INDEXED BY runs_passed_by_submission ON r.submission_id = s.id"
          " WHERE s.leaderboard_id = ? AND s.mode = 'leaderboard' AND s.user_id = ? AND s.created_ms < ?"
          " AND r.verdict = 'passed' AND r.score_ns IS NOT NULL ORDER BY s.created_ms, s.id, r.id",
          id, user_id, before_ms.value_or(INT64_MAX)));
      for (;;) {
        KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        const double score = stmt.Double(1);
        if (series.points.empty() || score < series.points.back().score_ns) {
          series.points.push_back({stmt.Int(0), score});
        }
      }
      out.push_back(std::move(series));
    }
    return out;
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
