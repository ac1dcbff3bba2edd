// HttpClient: a small blocking HTTP/1.1 client for the runner (lease, heartbeat, results) and the
// CLI (submit, follow, listings). http:// and https:// (OpenSSL, certificate verified against the
// system store). One connection per request keeps it simple and robust against servers
// restarting; the request rate of a runner is a few per second at most. Stream reads a response
// body as it arrives (Server-Sent Events), with a limit on how long the server may stay silent.
//
// Thread safety: each call is independent; one client may be used from several threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "kjudge/core/result.h"

namespace kjudge::runner {

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
  /// Every response header, names in lower case ("content-disposition", "retry-after").
  std::map<std::string, std::string> headers;

  /// The header's value, or "" when absent; `name` in lower case.
  std::string Header(const std::string& name) const;
};

/// Parsed http(s)://host[:port][/base] URL.
struct ServerUrl {
  bool tls = false;
  std::string host;
  std::uint16_t port = 80;
  std::string base_path;  ///< without trailing slash; "" for the root

  static Result<ServerUrl> Parse(const std::string& url);
  std::string ToString() const;
};

/// Receives a streamed response body piece by piece, as it arrives; returns false to stop
/// reading (the connection is then closed).
using BodySink = std::function<bool(std::string_view piece)>;

class HttpClient {
 public:
  /// `bearer_token` is sent as "Authorization: Bearer ..." when not empty.
  HttpClient(ServerUrl server, std::string bearer_token);

  /// Sends one request; `timeout` bounds the whole exchange (connect, write, read). A transport
  /// failure is kUnavailable; any HTTP status is a reply (the caller decides what 4xx/5xx mean).
  Result<HttpReply> Request(const std::string& method, const std::string& path, const std::string& body = "",
                            const std::string& content_type = "application/json",
                            std::chrono::milliseconds timeout = std::chrono::seconds(30),
                            const std::map<std::string, std::string>& headers = {}) const;

  /// Sends a GET whose answer may stream. A 2xx answer of type `stream_type` (parameters such as
  /// "; charset=utf-8" ignored) goes to `sink` as it arrives and the returned reply has an empty
  /// body; any other answer comes back whole in the reply, as from Request, and `sink` is never
  /// called. `idle_timeout` bounds the connect, the response head, and every wait for more of the
  /// body; a stream has no overall limit. Returns when the server ends the body or `sink` returns
  /// false; kUnavailable when the connection fails or stays silent too long, also mid-stream
  /// (what arrived before went to `sink`).
  Result<HttpReply> Stream(const std::string& path, const BodySink& sink, std::chrono::milliseconds idle_timeout,
                           const std::map<std::string, std::string>& headers = {},
                           const std::string& stream_type = "text/event-stream") const;

  const ServerUrl& server() const { return server_; }

 private:
  ServerUrl server_;
  std::string token_;
};

}  // namespace kjudge::runner
