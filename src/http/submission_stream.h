// Live progress of one submission as Server-Sent Events (GET /api/v1/submissions/{id}/stream),
// with the tunables tests shorten. BuildRouter adds the route with the defaults (routes.h).
#pragma once

#include <cstdint>

#include "routes.h"

namespace kjudge::http {

struct SubmissionStreamOptions {
  /// A comment line after this much silence: proxies and load balancers close idle responses
  /// (often after 30-60 s), and each keep-alive also re-checks whether the submission finished.
  std::int64_t keepalive_ms = 15'000;
  /// Concurrent streams one user may hold; more get 429. Enough for a few terminals and browser
  /// tabs, small enough that one user cannot take the server's stream threads.
  int max_streams_per_user = 8;
};

/// The stream route with explicit options (AddSubmissionStreamRoutes(router, ctx) uses the defaults).
void AddSubmissionStreamRoutes(Router& router, ServerContext& ctx, const SubmissionStreamOptions& options);

}  // namespace kjudge::http
