// POST /{leaderboard}/{gpu}/profile: popcorn-cli's streamed submission (submit_solution_streaming
// in its src/service/mod.rs). The submission is queued like any other; the response is a
// text/event-stream that relays the submission's live events (queue position, compiling, each
// case) as `status` events with a `message`, and ends with one `result` event in KernelBot's shape
// ({"results": [{"runs": {"profile": {"run": ..., "profile": ...}}}]}) or an `error` event with a
// `detail`. Each benchmark case's report holds the supervisor's timings; on an NVIDIA GPU with
// Nsight Compute the profile's download_url is the run's report (GET /api/v1/runs/{id}/profile-report).
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

#include "kjudge/core/clock.h"
#include "kjudge/store/artifact_repository.h"
#include "popcorn_views.h"
#include "routes.h"
#include "views.h"

namespace kjudge::http::popcorn {

namespace {

using beast_http::status;

/// How long one stream waits for its submission before handing the user over to polling. Under
/// popcorn-cli's own one-hour request timeout, so the CLI still receives the hand-over message.
constexpr std::int64_t kMaxStreamMs = 3500 * 1000;
/// Longest silence on the stream: a comment line keeps proxies and the client from timing out.
constexpr std::int64_t kKeepAliveMs = 15 * 1000;

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], kAlphabet[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

/// "12.3 us", "4.56 ms": three significant digits in the unit that fits.
std::string FormatNs(double ns) {
  const char* unit = "ns";
  double v = ns;
  if (ns >= 1e9) {
    v = ns / 1e9, unit = "s";
  } else if (ns >= 1e6) {
    v = ns / 1e6, unit = "ms";
  } else if (ns >= 1e3) {
    v = ns / 1e3, unit = "us";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g %s", v, unit);
  return buf;
}

/// One line for a live event ({"event": "case", "kind": "test", "index": 2, "of": 5, ...}).
std::string DescribeEvent(const nlohmann::json& e) {
  const std::string name = e.value("event", "");
  if (name == "queued") return "queued for " + e.value("gpu", std::string("a GPU"));
  if (name == "leased") return "picked up by runner " + e.value("runner", std::string("?")) + " (attempt " + std::to_string(e.value("attempt", 1)) + ")";
  if (name == "compiling") return "compiling " + e.value("language", std::string()) + " for " + e.value("target", std::string("?"));
  if (name == "compiled") return "compiled";
  if (name == "case") {
    std::string line = e.value("kind", std::string("case")) + " " + std::to_string(e.value("index", 0)) + "/" +
                       std::to_string(e.value("of", 0)) + (e.value("passed", false) ? " passed" : " failed");
    if (auto mean = e.find("mean_ns"); mean != e.end() && mean->is_number()) line += ", mean " + FormatNs(mean->get<double>());
    return line;
  }
  if (name == "verdict") {
    std::string line = "verdict: " + e.value("verdict", std::string("?"));
    if (auto score = e.find("score_ns"); score != e.end() && score->is_number()) line += ", score " + FormatNs(score->get<double>());
    return line;
  }
  if (name == "retrying") return "the runner failed (" + e.value("message", std::string()) + "); the job goes back in the queue";
  return name.empty() ? Dump(e) : name;
}

std::string Sse(std::string_view event, const nlohmann::json& data) {
  return "event: " + std::string(event) + "\ndata: " + Dump(data) + "\n\n";
}

/// The report for one benchmark case of `cases_json` (runner::RunResult's "cases").
std::string CaseReport(const nlohmann::json& c) {
  std::string out;
  if (auto t = c.find("timing"); t != c.end() && t->is_object()) {
    out += "mean " + FormatNs(t->value("mean_ns", 0.0)) + ", median " + FormatNs(t->value("median_ns", 0.0)) + ", min " +
           FormatNs(t->value("min_ns", 0.0)) + ", max " + FormatNs(t->value("max_ns", 0.0)) + ", stddev " +
           FormatNs(t->value("stddev_ns", 0.0)) + " over " + std::to_string(t->value("samples", 0)) + " timed calls\n";
    const double sol = c.value("sol_ns", 0.0);
    if (sol > 0) {
      char ratio[32];
      std::snprintf(ratio, sizeof ratio, "%.2f", t->value("mean_ns", 0.0) / sol);
      out += "speed of light " + FormatNs(sol) + ": " + ratio + "x the limit\n";
    }
  } else {
    out += "no timing recorded\n";
  }
  if (!c.value("passed", false)) out += "FAILED: " + c.value("message", std::string()) + "\n";
  return out;
}

std::string CaseSpec(const nlohmann::json& c) {
  std::string spec;
  if (auto params = c.find("params"); params != c.end() && params->is_object()) {
    for (const auto& [k, v] : params->items()) spec += (spec.empty() ? "" : "; ") + k + ": " + Dump(v);
  }
  return spec;
}

/// The final `result` event for a passed run, in the shape popcorn-cli's profile handler reads.
/// `has_report`: the run's Nsight Compute report is stored, and download_url points at it.
nlohmann::json ResultEvent(const store::Submission& sub, const store::Job& job, const store::Run& run, bool has_report) {
  const auto cases = nlohmann::json::parse(run.cases_json, nullptr, false);
  nlohmann::json result = nlohmann::json::object();
  std::string summary = "submission " + std::to_string(sub.id) + " on " + job.gpu + ": " + std::string(store::Name(run.verdict));
  if (run.score_ns) summary += ", geomean " + FormatNs(*run.score_ns);
  summary += "\n";
  int count = 0;
  if (cases.is_array()) {
    for (const auto& c : cases) {
      if (!c.is_object() || c.value("kind", "") != "benchmark") continue;
      const std::string spec = CaseSpec(c), report = CaseReport(c);
      result["benchmark." + std::to_string(count) + ".spec"] = spec;
      result["benchmark." + std::to_string(count) + ".report"] = Base64(report);
      summary += "benchmark " + std::to_string(count) + " (" + spec + "): " + report;
      ++count;
    }
  }
  result["benchmark-count"] = count;
  const double duration_s = static_cast<double>(run.finished_ms - run.started_ms) / 1000.0;
  nlohmann::json profile_run = {
      {"start", FormatIso8601Ms(run.started_ms)},
      {"end", FormatIso8601Ms(run.finished_ms)},
      {"compilation", {{"success", true}, {"stdout", run.compile_log}}},
      {"run",
       {{"success", true},
        {"passed", true},
        {"command", ""},
        {"stdout", run.run_log},
        {"stderr", ""},
        {"exit_code", 0},
        {"duration", duration_s},
        {"result", std::move(result)}}},
      {"profile",
       {{"profiler", run.profile_json ? "Nsight Compute" : "kjudge benchmark timings (no hardware profiler)"},
        {"trace", ""},
        {"download_url", has_report ? ProfileReportPath(run.id) : ""}}},
  };
  return {{"status", "success"},
          {"submission_id", sub.id},
          {"score", run.score_ns ? nlohmann::json(SecondsFromNs(*run.score_ns)) : nlohmann::json()},
          {"results",
           nlohmann::json::array({{{"success", true},
                                   {"error", ""},
                                   {"system", {{"gpu", job.gpu}, {"device", run.device}, {"runner", run.runner}}},
                                   {"runs", {{"profile", std::move(profile_run)}}}}})},
          {"reports", nlohmann::json::array({summary})}};
}

/// Follows submission `sub` until it is judged, writing SSE messages; returns when done or when
/// the client, the server or the time limit ends the stream.
void Follow(ServerContext& ctx, const store::Submission& sub, StreamWriter& out) {
  const std::int64_t started = MonotonicMs();
  std::int64_t seen = 0;
  std::string last_queue_summary;
  auto error = [&](const std::string& detail) { out.Write(Sse("error", {{"status", "error"}, {"detail", detail}})); };
  const std::string follow_hint = "; follow it with `popcorn submissions show " + std::to_string(sub.id) + "`";
  for (;;) {
    if (out.Stopping() || ctx.stopping) return error("the server is restarting; submission " + std::to_string(sub.id) + " stays queued" + follow_hint);
    const auto events = ctx.events.Since(sub.id, seen, kKeepAliveMs);
    for (const auto& e : events) {
      seen = std::max(seen, e.value("seq", seen));
      if (!out.Write(Sse("status", {{"status", e.value("event", "")}, {"message", DescribeEvent(e)}, {"event", e}}))) return;
    }
    auto jobs = store::JobRepository(ctx.db).ListBySubmission(sub.id);
    auto runs = store::RunRepository(ctx.db).ListBySubmission(sub.id);
    if (!jobs.ok() || !runs.ok()) return error("the server could not read submission " + std::to_string(sub.id) + follow_hint);
    const bool done = !jobs->empty() && std::all_of(jobs->begin(), jobs->end(), [](const store::Job& j) { return store::IsTerminal(j.status); });
    if (done) {
      const nlohmann::json job_status = PopcornJobStatus(*jobs, *runs);
      const store::Run* last = nullptr;
      for (const auto& r : *runs) {
        if (r.job_id == jobs->back().id && (last == nullptr || r.attempt > last->attempt)) last = &r;
      }
      if (job_status["status"] != "succeeded" || last == nullptr) {
        return error("submission " + std::to_string(sub.id) + " " + job_status["status"].get<std::string>() + ": " +
                     job_status.value("error", std::string("no result")));
      }
      auto report = store::ArtifactRepository(ctx.db).Find(last->id, store::ArtifactKind::kNcuReport);
      out.Write(Sse("result", ResultEvent(sub, jobs->back(), *last, report.ok() && report->has_value())));
      return;
    }
    if (MonotonicMs() - started > kMaxStreamMs) return error("submission " + std::to_string(sub.id) + " is still waiting after 58 minutes" + follow_hint);
    if (events.empty()) {
      // Nothing happened for a while: say where it stands if that changed, else keep the line alive.
      auto queue = ctx.Intake().StatusOf(sub.id);
      if (queue.ok() && !queue->summary.empty() && queue->summary != last_queue_summary) {
        last_queue_summary = queue->summary;
        if (!out.Write(Sse("status", {{"status", "queued"}, {"message", queue->summary}, {"runner_queue", PopcornQueue(*queue)}}))) return;
      } else if (!out.Write(": keep-alive\n\n")) {
        return;
      }
    }
  }
}

void Profile(ServerContext& ctx, const Request& req, const PathParams& p, StreamWriter& out) {
  auto accepted = SubmitFromPopcorn(ctx, req, p.at("leaderboard"), p.at("gpu"), store::Mode::kProfile);
  if (!accepted.ok()) return out.Respond(PopcornError(req, accepted.error()));
  Response head{status::ok, req.version()};
  head.set(beast_http::field::content_type, "text/event-stream");
  head.set(beast_http::field::cache_control, "no-cache");
  head.set("X-Accel-Buffering", "no");  // nginx: pass events through as they come
  head.keep_alive(false);
  if (!out.Begin(std::move(head))) return;
  const auto& sub = accepted->submission;
  std::string message = (accepted->duplicate ? "identical to your submission " : "submission ") + std::to_string(sub.id) +
                        (accepted->duplicate ? " (following it)" : " accepted");
  if (!accepted->queue.summary.empty()) message += "; " + accepted->queue.summary;
  if (!out.Write(Sse("status", {{"status", "accepted"},
                                {"message", message},
                                {"submission_id", sub.id},
                                {"runner_queue", PopcornQueue(accepted->queue)}}))) {
    return;
  }
  Follow(ctx, sub, out);
}

}  // namespace

void AddPopcornProfileRoute(Router& router, ServerContext& ctx) {
  router.AddStream(beast_http::verb::post, "/{leaderboard}/{gpu}/profile",
                   [&ctx](const Request& req, const PathParams& p, StreamWriter& out) { Profile(ctx, req, p, out); });
}

}  // namespace kjudge::http::popcorn
