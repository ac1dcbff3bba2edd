// Following a submission while it is judged: the server's Server-Sent Events stream
// (GET /api/v1/submissions/{id}/stream), reconnecting with Last-Event-ID when the connection
// drops, until its "end" event; or, from a server without that route (404) or with no stream to
// spare (429), the long-poll route (GET /api/v1/submissions/{id}/events?after=&wait_s=) until a
// verdict, a cancellation, or a finished status.
//
// Thread safety: a call uses only its arguments; callbacks run on the calling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "kjudge/core/result.h"
#include "kjudge/runner/http_client.h"
#include "progress_view.h"

namespace kjudge::cli {

struct FollowOptions {
  /// Give up following after this long (`kjudge submit --timeout`).
  std::chrono::milliseconds timeout = std::chrono::minutes(30);
  /// A stream silent this long is treated as dropped and reconnected; servers send keep-alive
  /// comments well within it.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
  /// With no answer from the server for this long, it is gone: an error.
  std::chrono::milliseconds give_up_after = std::chrono::seconds(60);
  /// The wait before reconnecting until the server sets one ("retry:"), as browsers do.
  std::chrono::milliseconds default_retry = std::chrono::seconds(2);
  /// How long one long-poll request waits for events on the server (the server caps it at 30).
  int poll_wait_s = 20;
};

struct FollowCallbacks {
  std::function<void(const ProgressEvent&)> event;  ///< each progress event, once, in order
  std::function<void(const std::string&)> note;     ///< connection news ("reconnecting")
};

struct FollowOutcome {
  std::string status;     ///< the status the end event gave ("" when long-polling ended it)
  bool streamed = false;  ///< followed through the SSE stream (else long-poll)
  int reconnects = 0;     ///< stream connections after the first
};

/// Follows submission `id` until it is finished. Errors: the server's refusal (ReplyError: the
/// submission does not exist or is not ours, bad token), kUnavailable when the server stays
/// unreachable for give_up_after or the timeout passes first, or sends a malformed stream.
Result<FollowOutcome> FollowSubmission(const runner::HttpClient& http, std::int64_t id, const FollowCallbacks& callbacks,
                                       const FollowOptions& options = {});

}  // namespace kjudge::cli
