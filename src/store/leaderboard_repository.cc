#include "kjudge/store/leaderboard_repository.h"

#include <algorithm>
#include <climits>
#include <cstdint>
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

namespace {

// The standings read one row per entrant of the board (leaderboard_entrants, migration 0005),
// whose best run triggers keep current: about 10,000 rows for 10,000 competitors, whatever their
// run count. CROSS JOIN fixes the join order: with the statistics of a database holding one big
// board the planner otherwise prefers scans. ?1 is the board, ?2 the cutoff where there is one.
constexpr const char* kStandingsLive =
    "SELECT e.user_id, u.name, u.display_name, e.submissions, e.best_submission_id, e.best_run_id, e.best_score_ns,"
    " e.best_sol_ratio, e.best_submitted_ms"
    " FROM leaderboard_entrants e CROSS JOIN users u ON u.id = e.user_id"
    " WHERE e.leaderboard_id = ?1 AND e.best_run_id IS NOT NULL";
// Around a deadline the best run before or after it is sought per entrant, the first qualifying
// entry of leaderboard_results_by_rank in ranking order (one seek while it is among their
// fastest), and counts come from submissions_by_board_mode_user.
#define KJ_STANDINGS_BEST(window)                                                                          \
  " b.submission_id, b.run_id, b.score_ns, b.sol_ratio, b.submitted_ms"                                    \
  " FROM leaderboard_entrants e CROSS JOIN users u ON u.id = e.user_id"                                    \
  " CROSS JOIN leaderboard_results b ON b.run_id = (SELECT x.run_id"                                        \
  " FROM leaderboard_results x INDEXED BY leaderboard_results_by_rank"                                     \
  " WHERE x.leaderboard_id = e.leaderboard_id AND x.user_id = e.user_id AND x.submitted_ms " window          \
  " ORDER BY x.score_ns, x.submitted_ms, x.run_id LIMIT 1)"                                                \
  " WHERE e.leaderboard_id = ?1"
// The entrant's leaderboard-mode submissions made at or after the cutoff.
#define KJ_STANDINGS_COUNT_SINCE                                                                            \
  "(SELECT count(*) FROM submissions s INDEXED BY submissions_by_board_mode_user"                           \
  " WHERE s.leaderboard_id = e.leaderboard_id AND s.mode = 'leaderboard' AND s.user_id = e.user_id"          \
  " AND s.created_ms >= ?2)"
// Before the cutoff: the entrant's count less their submissions since (few once a deadline passed).
constexpr const char* kStandingsBefore =
    "SELECT e.user_id, u.name, u.display_name, e.submissions - " KJ_STANDINGS_COUNT_SINCE ","
    KJ_STANDINGS_BEST("< ?2");
// At or after the cutoff: the post-deadline runs, counted directly.
constexpr const char* kStandingsSince =
    "SELECT e.user_id, u.name, u.display_name, " KJ_STANDINGS_COUNT_SINCE "," KJ_STANDINGS_BEST(">= ?2");

/// The entries `stmt` selects, in rank order: by score, ties to the earlier submission, then the
/// earlier run.
Result<std::vector<StandingEntry>> ReadStandings(Statement& stmt) {
  std::vector<StandingEntry> out;
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    StandingEntry& e = out.emplace_back();
    e.user_id = stmt.Int(0);
    e.user_name = stmt.Text(1);
    e.display_name = stmt.Text(2);
    e.submissions = stmt.Int(3);
    e.submission_id = stmt.Int(4);
    e.run_id = stmt.Int(5);
    e.score_ns = stmt.Double(6);
    e.sol_ratio = stmt.OptionalDouble(7);
    e.submitted_ms = stmt.Int(8);
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
  return session_.Read([&](Connection& c) -> Result<std::vector<StandingEntry>> {
    if (!before_ms) {
      KJ_ASSIGN_OR_RETURN(Statement live, c.Query(kStandingsLive, id));
      return ReadStandings(live);
    }
    KJ_ASSIGN_OR_RETURN(Statement frozen, c.Query(kStandingsBefore, id, *before_ms));
    return ReadStandings(frozen);
  });
}

Result<std::vector<StandingEntry>> LeaderboardRepository::PostDeadline(std::int64_t id, std::int64_t from_ms) {
  return session_.Read([&](Connection& c) -> Result<std::vector<StandingEntry>> {
    KJ_ASSIGN_OR_RETURN(Statement late, c.Query(kStandingsSince, id, from_ms));
    return ReadStandings(late);
  });
}

Result<std::vector<ImprovementSeries>> LeaderboardRepository::Improvements(std::int64_t id,
                                                                           const std::vector<std::int64_t>& user_ids,
                                                                           std::optional<std::int64_t> before_ms) {
  return session_.Read([&](Connection& c) -> Result<std::vector<ImprovementSeries>> {
    std::vector<ImprovementSeries> out;
    for (const std::int64_t user_id : user_ids) {
      if (std::any_of(out.begin(), out.end(), [&](const ImprovementSeries& s) { return s.user_id == user_id; })) continue;
      ImprovementSeries series{user_id, {}};
      // One user's passing runs (a range of leaderboard_results_by_rank), in submission order.
      KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query(
          "SELECT submitted_ms, score_ns FROM leaderboard_results INDEXED BY leaderboard_results_by_rank"
          " WHERE leaderboard_id = ? AND user_id = ? AND submitted_ms < ? ORDER BY submitted_ms, submission_id, run_id",
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
