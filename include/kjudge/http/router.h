// Router: the one table of routes. Every handler receives a parsed request and returns a response;
// shared concerns (JSON errors, 404/405, exceptions -> 500) live here once, not in each handler.
//
// Thread safety: routes are added before the server starts; Dispatch is then called concurrently
// from the server's threads and only reads the table.
#pragma once

#include <boost/beast/http.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::http {

namespace beast_http = boost::beast::http;

using Request = beast_http::request<beast_http::string_body>;
using Response = beast_http::response<beast_http::string_body>;

/// Path parameters captured by `{name}` segments of a route pattern.
using PathParams = std::map<std::string, std::string, std::less<>>;

using Handler = std::function<Response(const Request&, const PathParams&)>;

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
  kBlocking,  ///< may wait (long-poll, streams): runs on the server's blocking pool so it never
              ///< holds an I/O thread
};

class Router {
 public:
  /// `pattern` is a path like "/api/v1/problems/{name}"; `{x}` matches one non-empty segment.
  void Add(beast_http::verb method, std::string pattern, Handler handler, RouteKind kind = RouteKind::kQuick);

  /// Whether the route `req` goes to was added as kBlocking.
  bool IsBlocking(const Request& req) const;

  /// Finds the route and runs it. Unknown path -> 404, known path with another method -> 405
  /// (with Allow), a handler that throws -> 500 with no internals leaked.
  Response Dispatch(const Request& req) const;

 private:
  struct Route {
    beast_http::verb method;
    std::vector<std::string> segments;
    Handler handler;
    RouteKind kind;
  };
  std::vector<Route> routes_;
};

/// Splits a request target into its path (without query string), percent-decoding nothing.
std::string_view TargetPath(std::string_view target);

}  // namespace kjudge::http
