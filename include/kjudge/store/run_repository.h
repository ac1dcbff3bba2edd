// RunRepository: what one attempt at a job produced — verdict, per-case results, score, speed-of-
// light ratio, and the compile and run logs (capped to kMaxLogBytes each, see log_cap.h).
//
// Thread safety: as its Session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/schema_enums.h"
#include "kjudge/store/session.h"

namespace kjudge::store {

struct Run {
  std::int64_t id = 0;
  std::int64_t job_id = 0;
  std::int64_t submission_id = 0;
  int attempt = 1;
  Verdict verdict = Verdict::kInternalError;
  std::string message;     ///< one line for the competitor
  std::string cases_json;  ///< per-case results as a JSON array (runner::RunResult's "cases")
  std::optional<double> score_ns;
  std::optional<double> sol_ratio;
  std::string compile_log;  ///< capped; ends with the truncation marker when it was cut
  std::string run_log;      ///< capped likewise
  std::string device;       ///< what the judged process ran on
  std::string runner;       ///< which runner produced it
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;
  /// Profile mode: the runner's summary of what Nsight Compute measured (runner::ProfileSummary
  /// as JSON); absent for other modes and for runs stored before migration 0007.
  std::optional<std::string> profile_json;
};

struct NewRun {
  std::int64_t job_id = 0;
  Verdict verdict = Verdict::kInternalError;
  std::string message;
  std::string cases_json = "[]";  ///< must be valid JSON
  std::optional<double> score_ns;
  std::optional<double> sol_ratio;
  std::string compile_log;  ///< any length: capped when stored
  std::string run_log;
  std::string device;
  std::string runner;
  std::int64_t started_ms = 0;
  std::int64_t finished_ms = 0;  ///< not before started_ms
};

/// A leaderboard-mode run as the home page lists it.
struct RecentRun {
  std::int64_t submission_id = 0;
  std::int64_t run_id = 0;
  std::string user_name;     ///< login name
  std::string display_name;  ///< may be empty
  std::string problem;       ///< problem name
  std::string gpu;
  std::string verdict;  ///< Name(Verdict)
  std::optional<double> score_ns;
  std::optional<double> sol_ratio;
  std::int64_t finished_ms = 0;
};

class RunRepository {
 public:
  explicit RunRepository(Session session) : session_(session) {}

  /// Stores the result of the job's current attempt (its submission and attempt number come from
  /// the job). kAlreadyExists when that attempt already has a run (a repeated post); kNotFound for
  /// a missing job; kInvalidArgument for invalid JSON or finished before started.
  Result<Run> Record(const NewRun& run);
  /// kNotFound when absent.
  Result<Run> Get(std::int64_t id);
  /// Stores the run's profile summary (valid JSON), replacing any. kNotFound for a missing run,
  /// kInvalidArgument for invalid JSON.
  Status SetProfile(std::int64_t id, const std::string& profile_json);
  /// A job's runs by attempt.
  Result<std::vector<Run>> ListByJob(std::int64_t job_id);
  /// A submission's runs, oldest first.
  Result<std::vector<Run>> ListBySubmission(std::int64_t submission_id);
  /// The runs of the `limit` (1..kMaxPageSize) newest leaderboard-mode submissions on public
  /// leaderboards that have runs, newest submission first (a submission's runs newest first),
  /// at most `limit` runs, leaving out submissions marked hacked. Walks submissions_by_mode
  /// (migration 0004) from the newest, so its cost does not grow with the number of runs
  /// (run_history.cc).
  Result<std::vector<RecentRun>> RecentLeaderboardRuns(int limit);

 private:
  Session session_;
};

}  // namespace kjudge::store
