// SubmissionRepository: what competitors sent — the source, pinned to the problem version it is
// judged against, with its SHA-256 for duplicate detection.
//
// Thread safety: as its Session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/page.h"
#include "kjudge/store/schema_enums.h"
#include "kjudge/store/session.h"

namespace kjudge::store {

struct Submission {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::int64_t problem_version_id = 0;
  std::optional<std::int64_t> leaderboard_id;  ///< the leaderboard it was sent to, when one was named
  Language language = Language::kCpp;
  std::string file_name;
  std::string source_sha256;  ///< hex SHA-256 of the source
  std::int64_t source_bytes = 0;
  Mode mode = Mode::kTest;
  std::int64_t created_ms = 0;
  /// The source itself: filled by Get, left empty by the List* calls (listings must stay cheap
  /// when sources are up to a megabyte each).
  std::string source;
};

struct NewSubmission {
  std::int64_t user_id = 0;
  std::int64_t problem_version_id = 0;
  std::optional<std::int64_t> leaderboard_id;  ///< must belong to the version's problem
  Language language = Language::kCpp;
  std::string file_name;  ///< a base name: no '/', 1-255 bytes
  std::string source;
  Mode mode = Mode::kTest;
};

/// One line of a competitor's submission history.
struct SubmissionHistoryEntry {
  std::int64_t submission_id = 0;
  std::string problem;  ///< problem name
  std::string gpu;      ///< the leaderboard's, else the first job's; "" when neither
  std::string mode;     ///< Name(Mode)
  /// Name(Verdict) of the latest run; without runs "judging" (a job is leased or running),
  /// "queued" (a job waits), "cancelled", or "failed" (every job gave up without a result).
  std::string status;
  std::optional<double> score_ns;   ///< the best passing run's, when one passed with a score
  std::optional<double> sol_ratio;  ///< of that same run
  std::int64_t created_ms = 0;
  bool hacked = false;  ///< marked hacked by an organizer (HackRepository): ranks nowhere
};

class SubmissionRepository {
 public:
  explicit SubmissionRepository(Session session) : session_(session) {}

  /// Stores a submission, computing its SHA-256. kInvalidArgument for a bad file name or a
  /// leaderboard of another problem; kNotFound for a missing user, version or leaderboard.
  Result<Submission> Create(const NewSubmission& submission);
  /// With its source. kNotFound when absent.
  Result<Submission> Get(std::int64_t id);
  /// A user's submissions, newest first, without sources.
  Result<std::vector<Submission>> ListByUser(std::int64_t user_id, const PageRequest& page = {});
  /// A leaderboard's submissions, newest first, without sources.
  Result<std::vector<Submission>> ListByLeaderboard(std::int64_t leaderboard_id, const PageRequest& page = {});
  /// The newest submission by `user_id` with the same source hash, leaderboard and mode made at or
  /// after `since_ms`, if any: a resend the API answers with the earlier result.
  Result<std::optional<Submission>> FindRecentDuplicate(std::int64_t user_id, std::string_view source_sha256,
                                                        std::optional<std::int64_t> leaderboard_id, Mode mode,
                                                        std::int64_t since_ms);
  /// A user's submissions, newest first, at most `limit` (1..kMaxPageSize): every mode when
  /// `all_modes`, else leaderboard-mode ones only. Index-backed (submissions_by_user, and
  /// submissions_by_user_mode of migration 0004); defined in run_history.cc.
  Result<std::vector<SubmissionHistoryEntry>> UserHistory(std::int64_t user_id, bool all_modes, int limit);

 private:
  Session session_;
};

}  // namespace kjudge::store
