// Router: the one table of routes. Every handler receives a parsed request and returns a response;
// shared concerns (JSON errors, 404/405, exceptions -> 500) live here once, not in each handler.
//
// Thread safety: routes are added before the server starts; Dispatch is then called concurrently
// from the server's threads and only reads the table.
#pragma once

#include <boost/beast/http.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::http {

namespace beast_http = boost::beast::http;

using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

/// Path parameters captured by `{name}` segments of a route pattern.
using PathParams = std::map<std::string, std::string, std::less<>>;

using Handler = std::function<Response(const Request&, const PathParams&)>;

/// The server side of a streamed response (Server-Sent Events, long downloads). A stream handler
/// either answers once with Respond (errors, redirects) or calls Begin and then Write repeatedly;
/// the response ends when the handler returns (HTTP/1.1: chunked, ended by the last chunk).
/// Calls block until the bytes are written or the server's write timeout passes, so a client that
/// stops reading holds the handler's thread for at most that long.
///
/// Thread safety: used by the one thread running the handler.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  /// A complete response instead of a stream (e.g. a JSON error). Ends the exchange.
  virtual void Respond(Response response) = 0;
  /// Sends the status line and headers of `head` (its body is ignored); the body follows through
  /// Write and ends when the handler returns. False when the client is already gone.
  virtual bool Begin(Response head) = 0;
  /// Sends one piece of the body. False once the client has gone away or a write timed out:
  /// the handler should return then.
  virtual bool Write(std::string_view data) = 0;
  /// True once the server is shutting down: long streams should finish promptly.
  virtual bool Stopping() const = 0;
  /// True once the client is known to be gone (it closed the connection, or a write failed or
  /// timed out): the handler should return. Lets a waiting stream notice without writing.
  virtual bool ClientGone() const { return false; }
};

using StreamHandler = std::function<void(const Request&, const PathParams&, StreamWriter&)>;

/// A JSON error body {"error": code, "message": message} with the status that fits the code.
Response ErrorResponse(const Request& req, beast_http::status status, std::string_view code, std::string_view message);
/// The same, for an Error value; the status comes from its ErrorCode.
Response ErrorResponse(const Request& req, const Error& error);
/// A 2xx JSON response; `json_body` must already be serialized JSON.
Response JsonResponse(const Request& req, beast_http::status status, std::string json_body);

/// HTTP status for an ErrorCode (kNotFound -> 404, kInvalidArgument -> 400, ...).
beast_http::status StatusFor(ErrorCode code);

/// How a route's handler runs.
enum class RouteKind {
  kQuick,     ///< short work: runs on the server's I/O threads
  kBlocking,  ///< may wait (long-poll): runs on the server's blocking pool so it never
              ///< holds an I/O thread
  kStream,    ///< a StreamHandler, run on the blocking pool, writing its body as it goes
};

class Router {
 public:
  /// `pattern` is a path like "/api/v1/problems/{name}"; `{x}` matches one non-empty segment.
  void Add(beast_http::verb method, std::string pattern, Handler handler, RouteKind kind = RouteKind::kQuick);

  /// A streamed route (RouteKind::kStream).
  void AddStream(beast_http::verb method, std::string pattern, StreamHandler handler);

  /// Lets requests to the route added as (method, pattern) carry bodies of up to `max_body_bytes`
  /// instead of the server's body_limit_bytes (the runner's report upload). False when no such
  /// route was added. Set before serving.
  bool SetBodyLimit(beast_http::verb method, const std::string& pattern, std::uint64_t max_body_bytes);
  /// The body limit of the route a request with this method and target goes to; 0 when it has
  /// none of its own (the server's limit applies).
  std::uint64_t BodyLimitOf(beast_http::verb method, std::string_view target) const;

  /// How the route `req` goes to runs (kQuick for unknown routes: their 404/405 is quick).
  RouteKind KindOf(const Request& req) const;
  /// Whether the route `req` goes to was added as kBlocking.
  bool IsBlocking(const Request& req) const { return KindOf(req) == RouteKind::kBlocking; }

  /// Finds the route and runs it. Unknown path -> 404, known path with another method -> 405
  /// (with Allow; HEAD is answered by GET routes, but not by streamed ones), a handler that
  /// throws -> 500 with no internals leaked.
  Response Dispatch(const Request& req) const;

  /// Runs a kStream route; any other route's response (including 404/405) goes to out.Respond.
  /// A handler that throws before Begin gets a 500 response; after Begin the stream just ends.
  void DispatchStream(const Request& req, StreamWriter& out) const;

  /// Called after a request other than GET or HEAD was handled without an error status (and
  /// after every streamed one): the hook for caches of what writes change. Set before serving.
  void OnWrite(std::function<void(const Request&)> hook) { on_write_ = std::move(hook); }

  /// Every route as (method, pattern), in the order added: for the API docs check and role tests.
  std::vector<std::pair<beast_http::verb, std::string>> Routes() const;

 private:
  struct Route {
    beast_http::verb method;
    std::vector<std::string> segments;
    Handler handler;
    StreamHandler stream_handler;
    RouteKind kind;
    std::uint64_t max_body_bytes = 0;  ///< 0: the server's body_limit_bytes
  };
  std::vector<Route> routes_;
  std::function<void(const Request&)> on_write_;

  void NoteWrite(const Request& req, beast_http::status status) const;
};

/// Splits a request target into its path (without query string), percent-decoding nothing.
std::string_view TargetPath(std::string_view target);

}  // namespace kjudge::http
