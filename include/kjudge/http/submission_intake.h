// SubmissionIntake: the one way a submission enters the queue, whatever it came through (our REST
// API, popcorn-cli's routes, Discord, the web form). The rules competitors meet live here once:
// target checks (problem, GPU, language, visibility, closed or expired leaderboards, bans), per-user
// rate limits per leaderboard, GPU type and mode, a cap on queued jobs, and duplicate detection.
// It also answers "where am I in the queue and when will I run" for every status response.
//
// The rate limits are counted from the jobs table inside the same write transaction that inserts
// the new job, so they hold across restarts and under concurrent requests (writes are serialized).
//
// Thread safety: stateless over the thread-safe Database and JobQueue; call from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/http/event_hub.h"
#include "kjudge/queue/job_queue.h"
#include "kjudge/store/database.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/schema_enums.h"
#include "kjudge/store/submission_repository.h"
#include "kjudge/store/token_repository.h"

namespace kjudge::http {

/// At most `max_jobs` jobs per user within `window_s` seconds, counted separately for each
/// leaderboard (problem x GPU) and mode, over the submissions the filters match ("" matches all).
/// Several matching rules all apply. Organizers and admins are exempt.
struct RateRule {
  std::string mode;     ///< "test", "benchmark", "leaderboard", "profile"; "" = any mode
  std::string gpu;      ///< GPU type (canonical catalogue name); "" = any GPU
  std::string problem;  ///< problem name; "" = any problem
  int max_jobs = 0;
  std::int64_t window_s = 3600;
};

/// Parses an operator's rule: comma-separated key=value pairs, keys mode, gpu, problem (each
/// optional, "*" = any), max (required), per (window: 3600, 90s, 10m, 1h, 1d; default 1h).
/// Example: "mode=leaderboard,gpu=H100,max=1,per=1h". kInvalidArgument naming the bad part.
Result<RateRule> ParseRateRule(std::string_view text);

struct IntakeRules {
  /// Defaults: generous for test mode, tighter for the modes that hold a GPU longer.
  std::vector<RateRule> rate_rules = {
      {"test", "", "", 120, 3600},
      {"benchmark", "", "", 60, 3600},
      {"leaderboard", "", "", 30, 3600},
      {"profile", "", "", 20, 3600},
  };
  /// Jobs a competitor may have waiting or running at once, over all leaderboards.
  int max_queued_jobs_per_user = 20;
  /// A submission with the same user, source, leaderboard and mode as one made within this many
  /// seconds is not judged again: the earlier submission is returned (0 turns this off).
  std::int64_t duplicate_window_s = 600;
  /// Runners that leased work on a GPU type within this window count as serving it (for ETAs).
  std::int64_t runner_seen_window_s = 600;
  /// Largest accepted source file, in bytes (`serve --max-submission-bytes`).
  std::uint64_t max_source_bytes = 1024 * 1024;
};

/// What a submission asks for. The GPU may be given in any case ("h100" finds "H100").
struct SubmitRequest {
  std::string problem;
  std::string gpu;
  store::Mode mode = store::Mode::kTest;
  std::string file_name;  ///< decides the language (.cu, .hip, .cpp); kept for listings
  std::string source;
};

/// Where a submission stands in its GPU type's queue. Once its job is running or finished,
/// position and jobs_ahead are 0.
struct QueueStatus {
  std::string gpu;
  std::int64_t position = 0;     ///< 1 = next to run; 0 = running or done
  std::int64_t jobs_ahead = 0;   ///< queued jobs on this GPU type that run before it
  std::int64_t queued_jobs = 0;  ///< all queued jobs on this GPU type
  std::int64_t running_jobs = 0; ///< jobs on this GPU type leased to runners now
  std::int64_t runners = 0;      ///< distinct runners seen serving this GPU type recently
  /// Seconds until it starts (queued) or finishes (running), from the median duration of recent
  /// jobs on this GPU type; absent when no runner serves this GPU type or nothing was timed yet.
  std::optional<std::int64_t> eta_s;
  /// One line for people: "3rd in the H100 queue (2 jobs ahead), starts in about 40 s".
  std::string summary;
};

struct Accepted {
  store::Submission submission;
  std::vector<store::Job> jobs;
  /// True when an identical recent submission was returned instead of judging again.
  bool duplicate = false;
  QueueStatus queue;
};

class SubmissionIntake {
 public:
  /// Time (rate-limit windows, deadlines) is the database's clock, the one rows are stamped with.
  /// Accepted submissions get a "queued" event on `events` (null: none published).
  SubmissionIntake(store::Database& db, queue::JobQueue& queue, EventHub* events, IntakeRules rules = {});

  /// Checks and queues one submission for `caller`. Errors, each with a message that says why
  /// (and, where it applies, when): kInvalidArgument (bad fields, unknown language or mode),
  /// kNotFound (no such problem, or it does not run on that GPU, or it is hidden from the caller),
  /// kPermissionDenied (banned: reason and since when), kFailedPrecondition (leaderboard closed or
  /// past its deadline, for leaderboard mode; no active problem version), kResourceExhausted
  /// (source too large), kRateLimited (with retry_after_s).
  Result<Accepted> Submit(const store::Authenticated& caller, const SubmitRequest& request);

  /// The queue position of the submission's first unfinished job (or of its last job, when all
  /// are finished).
  Result<QueueStatus> StatusOf(std::int64_t submission_id);

  const IntakeRules& rules() const { return rules_; }

 private:
  store::Database& db_;
  queue::JobQueue& queue_;
  EventHub* events_;
  IntakeRules rules_;
};

}  // namespace kjudge::http
