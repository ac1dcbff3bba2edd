// HttpClient: a small blocking HTTP/1.1 client for the runner (lease, heartbeat, results) and the
// CLI (submit, watch). http:// and https:// (OpenSSL, certificate verified against the system
// store). One connection per request keeps it simple and robust against servers restarting; the
// request rate of a runner is a few per second at most.
//
// Thread safety: each call is independent; one client may be used from several threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "kjudge/core/result.h"

namespace kjudge::runner {

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
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

  const ServerUrl& server() const { return server_; }

 private:
  ServerUrl server_;
  std::string token_;
};

}  // namespace kjudge::runner
