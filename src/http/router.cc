#include "kjudge/http/router.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <exception>

namespace kjudge::http {

namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    std::size_t j = i;
    while (j < path.size() && path[j] != '/') ++j;
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool Match(const std::vector<std::string>& pattern, const std::vector<std::string_view>& parts, PathParams* params) {
  if (pattern.size() != parts.size()) return false;
  PathParams captured;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const std::string& seg = pattern[i];
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      captured.emplace(seg.substr(1, seg.size() - 2), std::string(parts[i]));
    } else if (seg != parts[i]) {
      return false;
    }
  }
  *params = std::move(captured);
  return true;
}

}  // namespace

std::string_view TargetPath(std::string_view target) {
  const auto q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}

beast_http::status StatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return beast_http::status::bad_request;
    case ErrorCode::kNotFound: return beast_http::status::not_found;
    case ErrorCode::kAlreadyExists: return beast_http::status::conflict;
    case ErrorCode::kPermissionDenied: return beast_http::status::forbidden;
    case ErrorCode::kUnauthenticated: return beast_http::status::unauthorized;
    case ErrorCode::kFailedPrecondition: return beast_http::status::conflict;
    case ErrorCode::kResourceExhausted: return beast_http::status::payload_too_large;
    case ErrorCode::kRateLimited: return beast_http::status::too_many_requests;
    case ErrorCode::kUnavailable: return beast_http::status::service_unavailable;
    case ErrorCode::kCorruption:
    case ErrorCode::kIo:
    case ErrorCode::kInternal: return beast_http::status::internal_server_error;
  }
  return beast_http::status::internal_server_error;
}

Response JsonResponse(const Request& req, beast_http::status status, std::string json_body) {
  Response res{status, req.version()};
  res.set(beast_http::field::content_type, "application/json");
  res.set(beast_http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(json_body);
  res.prepare_payload();
  return res;
}

Response ErrorResponse(const Request& req, beast_http::status status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", code}, {"message", message}};
  // Invalid UTF-8 in a message (it may echo client input) must not turn an error into an exception.
  return JsonResponse(req, status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Response ErrorResponse(const Request& req, const Error& error) {
  if (error.retry_after_s <= 0) return ErrorResponse(req, StatusFor(error.code), ErrorCodeName(error.code), error.message);
  nlohmann::json body = {{"error", ErrorCodeName(error.code)}, {"message", error.message}, {"retry_after_s", error.retry_after_s}};
  Response res = JsonResponse(req, StatusFor(error.code), body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  res.set(beast_http::field::retry_after, std::to_string(error.retry_after_s));
  return res;
}

void Router::Add(beast_http::verb method, std::string pattern, Handler handler, RouteKind kind) {
  std::vector<std::string> segments;
  for (auto s : SplitPath(pattern)) segments.emplace_back(s);
  routes_.push_back(Route{method, std::move(segments), std::move(handler), nullptr, kind, 0});
}

void Router::AddStream(beast_http::verb method, std::string pattern, StreamHandler handler) {
  std::vector<std::string> segments;
  for (auto s : SplitPath(pattern)) segments.emplace_back(s);
  routes_.push_back(Route{method, std::move(segments), nullptr, std::move(handler), RouteKind::kStream, 0});
}

bool Router::SetBodyLimit(beast_http::verb method, const std::string& pattern, std::uint64_t max_body_bytes) {
  std::vector<std::string> segments;
  for (auto s : SplitPath(pattern)) segments.emplace_back(s);
  for (auto& route : routes_) {
    if (route.method != method || route.segments != segments) continue;
    route.max_body_bytes = max_body_bytes;
    return true;
  }
  return false;
}

std::uint64_t Router::BodyLimitOf(beast_http::verb method, std::string_view target) const {
  const auto parts = SplitPath(TargetPath(target));
  for (const auto& route : routes_) {
    PathParams ignored;
    if (route.method == method && Match(route.segments, parts, &ignored)) return route.max_body_bytes;
  }
  return 0;
}

std::vector<std::pair<beast_http::verb, std::string>> Router::Routes() const {
  std::vector<std::pair<beast_http::verb, std::string>> out;
  for (const auto& route : routes_) {
    std::string pattern;
    for (const auto& seg : route.segments) pattern += "/" + seg;
    out.emplace_back(route.method, pattern.empty() ? "/" : pattern);
  }
  return out;
}

RouteKind Router::KindOf(const Request& req) const {
  const auto parts = SplitPath(TargetPath(req.target()));
  for (const auto& route : routes_) {
    PathParams ignored;
    if (route.method == req.method() && Match(route.segments, parts, &ignored)) return route.kind;
  }
  return RouteKind::kQuick;
}

void Router::DispatchStream(const Request& req, StreamWriter& out) const {
  const auto parts = SplitPath(TargetPath(req.target()));
  for (const auto& route : routes_) {
    PathParams params;
    if (route.kind != RouteKind::kStream || route.method != req.method() || !Match(route.segments, parts, &params)) {
      continue;
    }
    // Tracks whether the head went out, so a late exception does not try to answer twice.
    struct Tracking final : StreamWriter {
      StreamWriter& inner;
      bool started = false;
      explicit Tracking(StreamWriter& w) : inner(w) {}
      void Respond(Response r) override {
        started = true;
        inner.Respond(std::move(r));
      }
      bool Begin(Response head) override {
        started = true;
        return inner.Begin(std::move(head));
      }
      bool Write(std::string_view data) override { return inner.Write(data); }
      bool Stopping() const override { return inner.Stopping(); }
      bool ClientGone() const override { return inner.ClientGone(); }
    } tracking(out);
    try {
      route.stream_handler(req, params, tracking);
      NoteWrite(req, beast_http::status::ok);
      if (!tracking.started) {
        out.Respond(ErrorResponse(req, beast_http::status::internal_server_error, "internal", "the stream produced nothing"));
      }
    } catch (const std::exception& e) {
      spdlog::error("stream handler for {} {} threw: {}", std::string(req.method_string()), std::string(req.target()), e.what());
      if (!tracking.started) {
        out.Respond(ErrorResponse(req, beast_http::status::internal_server_error, "internal", "internal server error"));
      }
    }
    return;
  }
  out.Respond(Dispatch(req));
}

void Router::NoteWrite(const Request& req, beast_http::status status) const {
  if (!on_write_ || req.method() == beast_http::verb::get || req.method() == beast_http::verb::head) return;
  if (static_cast<unsigned>(status) >= 400) return;
  on_write_(req);
}

Response Router::Dispatch(const Request& req) const {
  const auto parts = SplitPath(TargetPath(req.target()));
  std::string allow;
  for (const auto& route : routes_) {
    PathParams params;
    if (!Match(route.segments, parts, &params)) continue;
    if (route.kind == RouteKind::kStream && route.method == req.method()) {
      // Reached only when called directly (the server sends stream routes to DispatchStream).
      return ErrorResponse(req, beast_http::status::not_acceptable, "not_acceptable", "this route only streams");
    }
    const bool method_ok = route.method == req.method() ||
                           (req.method() == beast_http::verb::head && route.method == beast_http::verb::get &&
                            route.kind != RouteKind::kStream);
    if (!method_ok) {
      if (!allow.empty()) allow += ", ";
      allow += std::string(beast_http::to_string(route.method));
      continue;
    }
    try {
      Response res = route.handler(req, params);
      NoteWrite(req, res.result());
      return res;
    } catch (const std::exception& e) {
      spdlog::error("handler for {} {} threw: {}", std::string(req.method_string()), std::string(req.target()), e.what());
      return ErrorResponse(req, beast_http::status::internal_server_error, "internal", "internal server error");
    }
  }
  if (!allow.empty()) {
    auto res = ErrorResponse(req, beast_http::status::method_not_allowed, "method_not_allowed",
                             "method " + std::string(req.method_string()) + " is not allowed here");
    res.set(beast_http::field::allow, allow);
    return res;
  }
  return ErrorResponse(req, beast_http::status::not_found, "not_found", "no such route");
}

}  // namespace kjudge::http
