// The kjudge server's HTTP application: what the routes share (database, queue, live events,
// limits) and the one function that builds the route table from it. `kjudge serve` owns the
// pieces and the HttpServer; tests build the same app over a temporary database.
//
// Thread safety: ServerContext members are thread-safe; BuildRouter runs once at start-up.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "kjudge/http/event_hub.h"
#include "kjudge/http/page_cache.h"
#include "kjudge/http/router.h"
#include "kjudge/http/submission_intake.h"
#include "kjudge/queue/job_queue.h"
#include "kjudge/store/database.h"
#include "kjudge/store/leaderboard_repository.h"

namespace kjudge::http {

struct AppLimits {
  int max_lease_wait_s = 30;                     ///< longest runner long-poll the server grants
};

struct ServerContext {
  ServerContext(store::Database& database, queue::JobQueue& job_queue, EventHub& event_hub)
      : db(database), queue(job_queue), events(event_hub) {}

  store::Database& db;
  queue::JobQueue& queue;
  EventHub& events;
  AppLimits limits;
  /// Rate limits, queue caps and duplicate detection for new submissions (see SubmissionIntake).
  IntakeRules intake_rules;

  SubmissionIntake Intake() { return SubmissionIntake(db, queue, &events, intake_rules); }
  /// Set at shutdown so long-polls return at once.
  std::atomic<bool> stopping{false};
  /// Whether new submissions are taken (popcorn's POST /admin/stop clears it): while false, every
  /// submission route answers 503 and queued jobs still run.
  std::atomic<bool> accepting{true};
  /// Bumped after every request that may change what pages show (BuildRouter decides which).
  DataGeneration generation;
  /// Rendered pages and documents for anonymous readers, by target (documents.h).
  GenerationCache<std::string> pages{generation, 4096};
  /// Computed standings per leaderboard and cutoff (board_standings.cc).
  GenerationCache<std::vector<store::StandingEntry>> standings{generation, 1024};
};

/// Every route: health, runner protocol, submissions.
std::shared_ptr<Router> BuildRouter(ServerContext& ctx);

}  // namespace kjudge::http
