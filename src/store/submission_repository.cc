#include "kjudge/store/submission_repository.h"

#include <string>

#include "kjudge/core/sha256.h"
#include "row_reading.h"
#include "user_rows.h"

namespace kjudge::store {

namespace {

// Everything but the source, which only Get reads.
#define KJ_SUBMISSION_COLUMNS                                                                          \
  "id, user_id, problem_version_id, leaderboard_id, language, file_name, source_sha256, source_bytes, mode, " \
  "created_ms"

Result<Submission> ReadSubmission(const Statement& row) {
  Submission s;
  s.id = row.Int(0);
  s.user_id = row.Int(1);
  s.problem_version_id = row.Int(2);
  s.leaderboard_id = row.OptionalInt(3);
  KJ_ASSIGN_OR_RETURN(s.language, ColumnEnum<Language>(row, 4));
  s.file_name = row.Text(5);
  s.source_sha256 = row.Text(6);
  s.source_bytes = row.Int(7);
  KJ_ASSIGN_OR_RETURN(s.mode, ColumnEnum<Mode>(row, 8));
  s.created_ms = row.Int(9);
  return s;
}

Status ValidateFileName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name == "." || name == ".." ||
      name.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "file name '" + std::string(name) + "': give a plain file name (1-255 bytes, no '/')");
  }
  return Ok();
}

// The problem a version or leaderboard belongs to, or kNotFound.
Result<std::int64_t> ProblemOf(Connection& c, std::string_view sql, std::string_view what, std::int64_t id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query(sql, id));
  KJ_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return MakeError(ErrorCode::kNotFound, Describe(what, id) + " not found");
  return stmt.Int(0);
}

Result<std::vector<Submission>> ListWhere(Connection& c, std::string_view sql, std::int64_t key, const PageRequest& page) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query(sql, key, PageBefore(page), PageLimit(page)));
  return CollectRows<Submission>(stmt, ReadSubmission);
}

}  // namespace

Result<Submission> SubmissionRepository::Create(const NewSubmission& submission) {
  KJ_RETURN_IF_ERROR(ValidateFileName(submission.file_name));
  const std::int64_t now = session_.clock().NowMs();
  std::string sha256 = Sha256Hex(submission.source);
  return session_.Write([&](Connection& c) -> Result<Submission> {
    // Look the references up first: "user 7 not found" says more than a foreign key error.
    KJ_RETURN_IF_ERROR(LoadUser(c, submission.user_id));
    KJ_ASSIGN_OR_RETURN(std::int64_t version_problem,
                        ProblemOf(c, "SELECT problem_id FROM problem_versions WHERE id = ?", "problem version",
                                  submission.problem_version_id));
    if (submission.leaderboard_id) {
      KJ_ASSIGN_OR_RETURN(std::int64_t board_problem, ProblemOf(c, "SELECT problem_id FROM leaderboards WHERE id = ?",
                                                                "leaderboard", *submission.leaderboard_id));
      if (board_problem != version_problem) {
        return MakeError(ErrorCode::kInvalidArgument, Describe("leaderboard", *submission.leaderboard_id) +
                                                          " is not a leaderboard of the submitted problem version");
      }
    }
    KJ_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO submissions(user_id, problem_version_id, leaderboard_id, language, file_name, source, "
        "source_sha256, source_bytes, mode, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        submission.user_id, submission.problem_version_id, submission.leaderboard_id, Name(submission.language),
        submission.file_name, submission.source, sha256, submission.source.size(), Name(submission.mode), now));
    Submission stored;
    stored.id = c.LastInsertId();
    stored.user_id = submission.user_id;
    stored.problem_version_id = submission.problem_version_id;
    stored.leaderboard_id = submission.leaderboard_id;
    stored.language = submission.language;
    stored.file_name = submission.file_name;
    stored.source_sha256 = sha256;
    stored.source_bytes = static_cast<std::int64_t>(submission.source.size());
    stored.mode = submission.mode;
    stored.created_ms = now;
    stored.source = submission.source;
    return stored;
  });
}

Result<Submission> SubmissionRepository::Get(std::int64_t id) {
  return session_.Read([&](Connection& c) -> Result<Submission> {
    KJ_ASSIGN_OR_RETURN(Statement stmt,
                        c.Query("SELECT " KJ_SUBMISSION_COLUMNS ", source FROM submissions WHERE id = ?", id));
    return SingleRow<Submission>(
        stmt,
        [](const Statement& row) -> Result<Submission> {
          KJ_ASSIGN_OR_RETURN(Submission s, ReadSubmission(row));
          s.source = row.Text(10);
          return s;
        },
        Describe("submission", id));
  });
}

Result<std::vector<Submission>> SubmissionRepository::ListByUser(std::int64_t user_id, const PageRequest& page) {
  return session_.Read([&](Connection& c) {
    return ListWhere(c,
                     "SELECT " KJ_SUBMISSION_COLUMNS
                     " FROM submissions WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                     user_id, page);
  });
}

Result<std::vector<Submission>> SubmissionRepository::ListByLeaderboard(std::int64_t leaderboard_id,
                                                                        const PageRequest& page) {
  return session_.Read([&](Connection& c) {
    return ListWhere(c,
                     "SELECT " KJ_SUBMISSION_COLUMNS
                     " FROM submissions WHERE leaderboard_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                     leaderboard_id, page);
  });
}

Result<std::optional<Submission>> SubmissionRepository::FindRecentDuplicate(std::int64_t user_id,
                                                                            std::string_view source_sha256,
                                                                            std::optional<std::int64_t> leaderboard_id,
                                                                            Mode mode, std::int64_t since_ms) {
  return session_.Read([&](Connection& c) -> Result<std::optional<Submission>> {
    // "leaderboard_id IS ?" matches NULL to NULL, unlike "=".
    KJ_ASSIGN_OR_RETURN(Statement stmt,
                        c.Query("SELECT " KJ_SUBMISSION_COLUMNS
                                " FROM submissions WHERE user_id = ? AND source_sha256 = ? AND created_ms >= ?"
                                " AND leaderboard_id IS ? AND mode = ? ORDER BY id DESC LIMIT 1",
                                user_id, source_sha256, since_ms, leaderboard_id, Name(mode)));
    KJ_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) return std::optional<Submission>();
    KJ_ASSIGN_OR_RETURN(Submission s, ReadSubmission(stmt));
    return std::optional<Submission>(std::move(s));
  });
}

}  // namespace kjudge::store
