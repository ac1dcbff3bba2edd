#include "popcorn_queries.h"

#include "kjudge/store/token_repository.h"

namespace kjudge::http::popcorn {

namespace {

/// Runs a two-column "key, count" query into a JSON object.
Status CountsInto(store::Connection& c, std::string_view sql, std::int64_t since_ms, nlohmann::json* out) {
  KJ_ASSIGN_OR_RETURN(store::Statement stmt, c.Query(sql, since_ms));
  *out = nlohmann::json::object();
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return Ok();
    (*out)[stmt.Text(0)] = stmt.Int(1);
  }
}

Result<std::int64_t> Count(store::Connection& c, std::string_view sql, std::int64_t since_ms) {
  KJ_ASSIGN_OR_RETURN(store::Statement stmt, c.Query(sql, since_ms));
  KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Int(0) : 0;
}

}  // namespace

Status DeleteSubmissionRows(store::WriteTransaction& tx, std::int64_t submission_id) {
  KJ_RETURN_IF_ERROR(tx.connection().Exec("DELETE FROM submissions WHERE id = ?", submission_id));
  if (tx.connection().Changes() == 0) return MakeError(ErrorCode::kNotFound, "no submission " + std::to_string(submission_id));
  return Ok();
}

Result<nlohmann::json> ServerStats(store::Database& db, std::optional<std::int64_t> since_ms) {
  const std::int64_t since = since_ms.value_or(0);
  KJ_ASSIGN_OR_RETURN(store::ReadTransaction tx, db.BeginRead());
  store::Connection& c = tx.connection();
  nlohmann::json stats = nlohmann::json::object();
  nlohmann::json part;
  KJ_RETURN_IF_ERROR(CountsInto(c, "SELECT role, count(*) FROM users WHERE created_ms >= ? GROUP BY role ORDER BY role", since, &part));
  stats["users_by_role"] = part;
  KJ_RETURN_IF_ERROR(CountsInto(c, "SELECT mode, count(*) FROM submissions WHERE created_ms >= ? GROUP BY mode ORDER BY mode", since, &part));
  stats["submissions_by_mode"] = part;
  KJ_RETURN_IF_ERROR(CountsInto(c,
                                "SELECT problems.name, count(*) FROM submissions "
                                "JOIN problem_versions ON problem_versions.id = submissions.problem_version_id "
                                "JOIN problems ON problems.id = problem_versions.problem_id "
                                "WHERE submissions.created_ms >= ? GROUP BY problems.name ORDER BY problems.name",
                                since, &part));
  stats["submissions_by_leaderboard"] = part;
  KJ_ASSIGN_OR_RETURN(stats["submissions"], Count(c, "SELECT count(*) FROM submissions WHERE created_ms >= ?", since));
  KJ_ASSIGN_OR_RETURN(stats["submitters"],
                      Count(c, "SELECT count(DISTINCT user_id) FROM submissions WHERE created_ms >= ?", since));
  KJ_RETURN_IF_ERROR(CountsInto(c, "SELECT status, count(*) FROM jobs WHERE created_ms >= ? GROUP BY status ORDER BY status", since, &part));
  stats["jobs_by_status"] = part;
  // The queue as it is now, whatever the window.
  KJ_RETURN_IF_ERROR(CountsInto(c, "SELECT gpu, count(*) FROM jobs WHERE status = 'queued' AND created_ms >= ? GROUP BY gpu ORDER BY gpu", 0, &part));
  stats["queued_jobs_by_gpu"] = part;
  KJ_RETURN_IF_ERROR(CountsInto(c, "SELECT verdict, count(*) FROM runs WHERE finished_ms >= ? GROUP BY verdict ORDER BY verdict", since, &part));
  stats["runs_by_verdict"] = part;
  KJ_ASSIGN_OR_RETURN(stats["total_run_seconds"],
                      Count(c, "SELECT coalesce(sum(finished_ms - started_ms), 0) / 1000 FROM runs WHERE finished_ms >= ?", since));
  return stats;
}

Result<RevokedInvite> RevokeInviteByCode(store::Database& db, std::string_view code, std::int64_t now_ms) {
  KJ_ASSIGN_OR_RETURN(store::WriteTransaction tx, db.BeginWrite());
  store::Connection& c = tx.connection();
  RevokedInvite out;
  {
    KJ_ASSIGN_OR_RETURN(store::Statement stmt,
                        c.Query("SELECT id, last_used_ms IS NOT NULL FROM tokens WHERE hash = ? AND kind = 'invite'",
                                store::HashTokenSecret(code)));
    KJ_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) return MakeError(ErrorCode::kNotFound, "no invite with that code");
    // Redeeming stamps last_used_ms; a plain revoke does not.
    out = RevokedInvite{stmt.Int(0), stmt.Int(1) != 0};
  }
  KJ_RETURN_IF_ERROR(c.Exec("UPDATE tokens SET revoked_ms = coalesce(revoked_ms, ?) WHERE id = ?", now_ms, out.token_id));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return out;
}

}  // namespace kjudge::http::popcorn
