// Read models of judged work for listings: the home page's recent leaderboard runs
// (RunRepository::RecentLeaderboardRuns) and a competitor's history (SubmissionRepository::UserHistory).
// Both stay index-backed: their cost follows the rows they return, not the size of the tables.
#include <algorithm>
#include <string>

#include "kjudge/store/run_repository.h"
#include "kjudge/store/submission_repository.h"
#include "row_reading.h"

namespace kjudge::store {

namespace {

std::int64_t ClampLimit(int limit) {
  return std::clamp<std::int64_t>(limit, 1, static_cast<std::int64_t>(kMaxPageSize));
}

// The columns ReadHistory expects after "SELECT", for the submission aliased s.
#define KJ_HISTORY_COLUMNS                                                                                   \
  "s.id, p.name, COALESCE(lb.gpu, (SELECT j.gpu FROM jobs j WHERE j.submission_id = s.id ORDER BY j.id LIMIT 1), ''), " \
  "s.mode, s.created_ms, "                                                                                   \
  "best.score_ns, best.sol_ratio, "                                                                          \
  "(SELECT r.verdict FROM runs r WHERE r.submission_id = s.id ORDER BY r.id DESC LIMIT 1), "                 \
  "EXISTS(SELECT 1 FROM jobs j WHERE j.submission_id = s.id AND j.status IN ('leased', 'running')), "        \
  "EXISTS(SELECT 1 FROM jobs j WHERE j.submission_id = s.id AND j.status = 'queued'), "                      \
  "EXISTS(SELECT 1 FROM jobs j WHERE j.submission_id = s.id AND j.status = 'cancelled'), "                  \
  "EXISTS(SELECT 1 FROM submission_hacks h WHERE h.submission_id = s.id)"
// The best passing run of s comes from runs_passed_by_submission (covering).
#define KJ_HISTORY_FROM                                                                                   \
  " FROM submissions s JOIN problem_versions pv ON pv.id = s.problem_version_id"                          \
  " JOIN problems p ON p.id = pv.problem_id LEFT JOIN leaderboards lb ON lb.id = s.leaderboard_id"         \
  " LEFT JOIN runs best ON best.id = (SELECT r.id FROM runs r WHERE r.submission_id = s.id"               \
  " AND r.verdict = 'passed' AND r.score_ns IS NOT NULL ORDER BY r.score_ns, r.id LIMIT 1)"

Result<SubmissionHistoryEntry> ReadHistory(const Statement& row) {
  SubmissionHistoryEntry h;
  h.submission_id = row.Int(0);
  h.problem = row.Text(1);
  h.gpu = row.Text(2);
  h.mode = row.Text(3);
  h.created_ms = row.Int(4);
  h.score_ns = row.OptionalDouble(5);
  h.sol_ratio = row.OptionalDouble(6);
  if (!row.IsNull(7)) {
    h.status = row.Text(7);
  } else if (row.Int(8) != 0) {
    h.status = "judging";
  } else if (row.Int(9) != 0) {
    h.status = "queued";
  } else if (row.Int(10) != 0) {
    h.status = "cancelled";
  } else {
    h.status = "failed";
  }
  h.hacked = row.Int(11) != 0;
  return h;
}

}  // namespace

Result<std::vector<RecentRun>> RunRepository::RecentLeaderboardRuns(int limit) {
  const std::int64_t n = ClampLimit(limit);
  return session_.Read([&](Connection& c) -> Result<std::vector<RecentRun>> {
    // CROSS JOIN keeps the newest submissions the outer loop, read backwards until `n` rows: with
    // ANALYZE statistics of one big board the planner would start from leaderboards instead and
    // sort every leaderboard-mode submission (5 s at a million).
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query(
        "SELECT s.id, r.id, u.name, u.display_name, p.name, lb.gpu, r.verdict, r.score_ns, r.sol_ratio, r.finished_ms"
        " FROM submissions s INDEXED BY submissions_by_mode"
        " CROSS JOIN leaderboards lb ON lb.id = s.leaderboard_id"
        " CROSS JOIN runs r ON r.submission_id = s.id"
        " CROSS JOIN users u ON u.id = s.user_id CROSS JOIN problems p ON p.id = lb.problem_id"
        " WHERE s.mode = 'leaderboard' AND lb.visibility = 'public'"
        // Hacked submissions (migration 0006) are out of every public listing of results.
        " AND NOT EXISTS (SELECT 1 FROM submission_hacks h WHERE h.submission_id = s.id)"
        " ORDER BY s.id DESC, r.id DESC LIMIT ?",
        n));
    return CollectRows<RecentRun>(stmt, [](const Statement& row) -> Result<RecentRun> {
      RecentRun r;
      r.submission_id = row.Int(0);
      r.run_id = row.Int(1);
      r.user_name = row.Text(2);
      r.display_name = row.Text(3);
      r.problem = row.Text(4);
      r.gpu = row.Text(5);
      KJ_ASSIGN_OR_RETURN(Verdict verdict, ColumnEnum<Verdict>(row, 6));
      r.verdict = std::string(Name(verdict));
      r.score_ns = row.OptionalDouble(7);
      r.sol_ratio = row.OptionalDouble(8);
      r.finished_ms = row.Int(9);
      return r;
    });
  });
}

Result<std::vector<SubmissionHistoryEntry>> SubmissionRepository::UserHistory(std::int64_t user_id, bool all_modes,
                                                                              int limit) {
  const std::int64_t n = ClampLimit(limit);
  return session_.Read([&](Connection& c) -> Result<std::vector<SubmissionHistoryEntry>> {
    Result<Statement> stmt =
        all_modes ? c.Query("SELECT " KJ_HISTORY_COLUMNS KJ_HISTORY_FROM " WHERE s.user_id = ? ORDER BY s.created_ms DESC, s.id DESC LIMIT ?",
                            user_id, n)
                  : c.Query("SELECT " KJ_HISTORY_COLUMNS KJ_HISTORY_FROM
                            " WHERE s.user_id = ? AND s.mode = 'leaderboard' ORDER BY s.created_ms DESC, s.id DESC LIMIT ?",
                            user_id, n);
    if (!stmt.ok()) return stmt.error();
    return CollectRows<SubmissionHistoryEntry>(*stmt, ReadHistory);
  });
}

}  // namespace kjudge::store
