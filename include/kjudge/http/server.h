// HttpServer: the Beast listener behind `kjudge serve`. Asynchronous, on a small fixed pool of
// threads; per-connection keep-alive, header and body size limits and read/write timeouts, so a
// slow or hostile client costs one socket and a timer, never a thread. Plain HTTP, or HTTPS only
// (TLS 1.2+) when a certificate and key are configured. Blocking routes and streams (SSE) run on a
// separate pool; a stream's writes are bounded by the write timeout, so a client that stops
// reading pins a thread for at most that long.
//
// Thread safety: Start/Stop/Wait are called from one controlling thread; the router is called
// concurrently from the pool threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kjudge/core/result.h"
#include "kjudge/http/router.h"

namespace kjudge::http {

/// Listener settings, with the defaults an operator gets without configuring anything.
struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;           ///< 0 picks a free port (tests); see HttpServer::port()
  int threads = 4;                     ///< a few threads suffice: handlers are short, the store serializes writes
  std::uint64_t header_limit_bytes = 16 * 1024;
  std::uint64_t body_limit_bytes = 1024 * 1024;  ///< default submission size limit (issue 5)
  int read_timeout_s = 30;             ///< a request must arrive whole within this, else the socket closes
  int write_timeout_s = 30;
  int idle_timeout_s = 60;             ///< keep-alive connections idle longer than this are closed
  int max_connections = 1024;          ///< further connections are accepted and closed at once
  /// Concurrent connections from one client address (loopback included); further ones get a 429
  /// JSON answer to their first request and are closed. Bounds what one host can hold open.
  int max_connections_per_ip = 64;
  int blocking_threads = 64;           ///< for RouteKind::kBlocking handlers (runner long-polls) and streams
  /// Concurrent streamed responses (RouteKind::kStream) in the whole server; more get 503. Below
  /// blocking_threads (0: half of them) so streams can never starve runner long-polls.
  int max_streams = 0;
  /// PEM files; when both are set the server speaks HTTPS only (TLS 1.2 or newer). The certificate
  /// file may hold the chain (leaf first).
  std::string tls_cert_file;
  std::string tls_key_file;
  int tls_handshake_timeout_s = 10;    ///< a TLS handshake must finish within this, else the socket closes
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, std::shared_ptr<const Router> router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Loads the TLS certificate and key (if configured), binds and starts the threads. Fails with
  /// kInvalidArgument naming the file for an unreadable or mismatched certificate or key, and with
  /// kIo if the address cannot be bound.
  Status Start();
  /// The bound port (useful when options.port was 0).
  std::uint16_t port() const;
  /// Whether the server speaks HTTPS.
  bool tls() const;
  /// Open client connections right now (for tests and metrics).
  int live_connections() const;
  /// Graceful stop: the listening socket closes first (new connections are refused), idle
  /// keep-alive connections close, streams are told to end (StreamWriter::Stopping), in-flight
  /// requests finish (up to `grace_ms`), then threads end.
  void Stop(int grace_ms = 5000);
  /// Blocks until the server has stopped.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Parses "HOST:PORT" ("127.0.0.1:8080", "[::1]:80", ":8080" meaning all interfaces).
Result<std::pair<std::string, std::uint16_t>> ParseListenAddress(const std::string& text);

}  // namespace kjudge::http
