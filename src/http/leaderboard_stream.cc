// GET /api/v1/leaderboards/{problem}/{gpu}/stream: one Server-Sent Event ("data: changed") when
// the leaderboard's standings change, for the page's live refresh. Each connection lasts at most
// a minute and then ends; EventSource reconnects after the `retry` delay. That keeps a page left
// open from holding one of the server's few stream slots for hours.
#include <chrono>
#include <thread>

#include "access.h"
#include "documents.h"
#include "kjudge/problem/gpu_catalog.h"
#include "routes.h"

namespace kjudge::http {

namespace {

using beast_http::status;

constexpr auto kPoll = std::chrono::milliseconds(500);
constexpr auto kLongest = std::chrono::seconds(55);
constexpr auto kKeepAliveEvery = std::chrono::seconds(15);

/// What a reader of the page would notice changing: who is where, with which run and count.
bool SameStandings(const std::vector<store::StandingEntry>& a, const std::vector<store::StandingEntry>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
    return x.user_id == y.user_id && x.run_id == y.run_id && x.submissions == y.submissions;
  });
}

void Stream(ServerContext& ctx, const Request& req, const PathParams& p, StreamWriter& out) {
  auto caller = OptionalPerson(req, ctx.db);
  if (!caller.ok()) return out.Respond(ErrorResponse(req, caller.error()));
  const problem::GpuSpec* gpu = problem::FindGpu(p.at("gpu"));
  auto board = store::LeaderboardRepository(ctx.db).Find(p.at("problem"), gpu != nullptr ? gpu->name : p.at("gpu"));
  if (!board.ok() || !MaySee(*caller, *board)) {
    return out.Respond(ErrorResponse(req, status::not_found, "not_found", "no leaderboard " + p.at("problem") + " on " + p.at("gpu")));
  }
  auto first = StandingsOf(ctx, *board);
  if (!first.ok()) return out.Respond(ErrorResponse(req, first.error()));
  Response head{status::ok, req.version()};
  head.set(beast_http::field::content_type, "text/event-stream");
  head.set(beast_http::field::cache_control, "no-store");
  head.set("X-Accel-Buffering", "no");
  if (!out.Begin(std::move(head)) || !out.Write("retry: 5000\n\n")) return;
  auto shown = first->ranked;
  std::uint64_t seen = ctx.generation.Current();
  const auto start = std::chrono::steady_clock::now();
  auto last_write = start;
  while (!out.Stopping() && !out.ClientGone() && std::chrono::steady_clock::now() - start < kLongest) {
    std::this_thread::sleep_for(kPoll);
    if (const std::uint64_t now = ctx.generation.Current(); now != seen) {
      seen = now;
      auto current = StandingsOf(ctx, *board);
      if (!current.ok()) return;
      if (!SameStandings(*current->ranked, *shown)) {
        out.Write("data: changed\n\n");
        return;
      }
    }
    if (std::chrono::steady_clock::now() - last_write >= kKeepAliveEvery) {
      if (!out.Write(": keep-alive\n\n")) return;
      last_write = std::chrono::steady_clock::now();
    }
  }
}

}  // namespace

void AddLeaderboardStreamRoutes(Router& router, ServerContext& ctx) {
  router.AddStream(beast_http::verb::get, "/api/v1/leaderboards/{problem}/{gpu}/stream",
                   [&ctx](const Request& req, const PathParams& p, StreamWriter& out) { Stream(ctx, req, p, out); });
}

}  // namespace kjudge::http
