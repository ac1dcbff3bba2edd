#include "kjudge/http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace kjudge::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

/// Bytes read at a time while waiting for a request to start (or watching a streaming client).
constexpr std::size_t kReadChunkBytes = 4096;
/// At the end of a TLS connection, how long the close_notify exchange may take.
constexpr auto kTlsShutdownTimeout = std::chrono::seconds(2);
/// How long a refused client (plain HTTP on the HTTPS port, a request over a limit) may take to
/// finish sending before it is closed.
constexpr auto kPlainRefusalDrain = std::chrono::seconds(1);
/// A route with a body limit of its own (Router::SetBodyLimit) gets one more second to arrive
/// per this many bytes of its declared length, beyond read_timeout_s: 64 MiB at 1 MiB/s.
constexpr std::uint64_t kMinLargeBodyBytesPerS = 1u << 20;
/// How often a stream thread waiting for a write checks whether the I/O threads have stopped.
constexpr auto kAwaitSlice = std::chrono::milliseconds(50);

/// Lets Stop reach every connection without owning it.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  /// Called from any thread when the server starts to stop: a connection waiting for a request
  /// closes; one busy with a request finishes it first.
  virtual void PostServerStop() = 0;
};

/// What the listener and every connection share. Outlives all of them (each holds a shared_ptr).
struct ServerState {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  asio::thread_pool* blocking = nullptr;
  ssl::context* tls = nullptr;  ///< null: plain HTTP

  std::atomic<int> live{0};             ///< open connections
  std::atomic<int> streams{0};          ///< stream handlers running
  std::atomic<bool> stopping{false};    ///< Stop began: the listener is closed, streams should end
  std::atomic<bool> io_stopped{false};  ///< the I/O threads are stopping: work posted to them may never run
  std::mutex mu;
  std::condition_variable cv;                                              ///< live dropped to 0
  std::unordered_map<std::string, int> per_ip;                             ///< guarded by mu
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;  ///< guarded by mu

  int MaxStreams() const {
    return options.max_streams > 0 ? options.max_streams : std::max(1, options.blocking_threads / 2);
  }

  /// Counts a new connection from `ip`; false (not counted against the address) when the address
  /// is over its cap. The connection counts towards `live` either way.
  bool Admit(const std::string& ip) {
    std::lock_guard lock(mu);
    ++live;
    if (options.max_connections_per_ip <= 0) return true;  // no cap (Release finds no entry)
    int& n = per_ip[ip];
    if (n >= options.max_connections_per_ip) return false;
    ++n;
    return true;
  }

  void Register(SessionBase* session, std::weak_ptr<SessionBase> weak) {
    std::lock_guard lock(mu);
    sessions.emplace(session, std::move(weak));
  }

  /// A connection ended (from its destructor).
  void Release(SessionBase* session, const std::string& ip, bool counted) {
    std::lock_guard lock(mu);
    sessions.erase(session);
    if (counted) {
      auto it = per_ip.find(ip);
      if (it != per_ip.end() && --it->second <= 0) per_ip.erase(it);
    }
    if (--live == 0) cv.notify_all();
  }
};

/// OpenSSL refused the handshake because the client spoke plain HTTP to the HTTPS port.
bool IsPlainHttpOnTlsPort(const beast::error_code& ec) {
  if (ec.category() != asio::error::get_ssl_category()) return false;
  const int reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
  return reason == SSL_R_HTTP_REQUEST || reason == SSL_R_HTTPS_PROXY_REQUEST;
}

/// One client connection over `Stream` (beast::tcp_stream, or an ssl_stream over one): read a
/// request, dispatch it (on this connection's strand, or on the blocking pool), write the answer,
/// repeat while keep-alive. All members are used on the strand only, except where noted.
template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  Session(tcp::socket socket, std::shared_ptr<ServerState> state, std::string ip, bool counted)
      : stream_(OpenStream(std::move(socket), *state)),
        state_(std::move(state)),
        ip_(std::move(ip)),
        counted_(counted),
        idle_timer_(stream_.get_executor()) {}

  ~Session() override { state_->Release(this, ip_, counted_); }

  void Start() {
    state_->Register(this, this->weak_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->Handshake();
      } else {
        self->request_deadline_ = SteadyClock::now() + std::chrono::seconds(self->options().read_timeout_s);
        self->AwaitRequest();
      }
    });
  }

  void PostServerStop() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->phase_ == Phase::kIdle || self->phase_ == Phase::kHandshake) self->CloseNow();
    });
  }

 private:
  enum class Phase {
    kHandshake,  ///< TLS handshake in progress
    kIdle,       ///< waiting for the first byte of a request
    kReading,    ///< a request is arriving
    kBusy,       ///< a request is being answered
    kStreaming,  ///< a streamed body is being written (from the blocking pool)
    kClosed,
  };

  class StreamExchange;

  static Stream OpenStream(tcp::socket socket, ServerState& state) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *state.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  const ServerOptions& options() const { return state_->options; }
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  // --- TLS handshake -------------------------------------------------------------------------

  void Handshake() {
    phase_ = Phase::kHandshake;
    Lowest().expires_after(std::chrono::seconds(options().tls_handshake_timeout_s));
    stream_.async_handshake(ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) { self->OnHandshake(ec); });
  }

  void OnHandshake(beast::error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (!ec) {
      handshake_done_ = true;
      request_deadline_ = SteadyClock::now() + std::chrono::seconds(options().read_timeout_s);
      return AwaitRequest();
    }
    if (IsPlainHttpOnTlsPort(ec)) return RefusePlainHttp();
    spdlog::debug("TLS handshake with {} failed: {}", ip_, ec.message());
    CloseNow();
  }

  /// A plain-HTTP request reached the HTTPS port: say so in plain HTTP, then close.
  void RefusePlainHttp() {
    if constexpr (kTls) {
      phase_ = Phase::kBusy;
      const std::string body =
          R"({"error":"bad_request","message":"this server speaks HTTPS only: use an https:// URL"})";
      auto message = std::make_shared<std::string>(
          "HTTP/1.1 400 Bad Request\r\nServer: kjudge\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
          "Connection: close\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body);
      Lowest().expires_after(std::chrono::seconds(options().write_timeout_s));
      asio::async_write(Lowest(), asio::buffer(*message),
                        [self = this->shared_from_this(), message](beast::error_code ec, std::size_t) {
                          if (ec) return self->CloseNow();
                          // Half-close and read what the client still sends, so closing does not
                          // reset the connection before it has read the answer.
                          beast::error_code ignored;
                          self->Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
                          self->Lowest().expires_after(kPlainRefusalDrain);
                          self->Drain();
                        });
    }
  }

  void Drain() {
    auto scratch = std::make_shared<std::array<char, 1024>>();
    Lowest().async_read_some(asio::buffer(*scratch),
                             [self = this->shared_from_this(), scratch](beast::error_code ec, std::size_t) {
                               if (ec) return self->CloseNow();
                               self->Drain();
                             });
  }

  // --- reading requests ----------------------------------------------------------------------

  /// Waits for the next request: at most the read timeout for the first one (counted from the
  /// connection's start), the idle timeout between keep-alive requests.
  void AwaitRequest() {
    if (phase_ == Phase::kClosed) return;
    if (state_->stopping) return Close();
    if (buffer_.size() > 0) {  // pipelined: already started
      if (requests_served_ > 0) request_deadline_ = SteadyClock::now() + std::chrono::seconds(options().read_timeout_s);
      return ReadRequest();
    }
    phase_ = Phase::kIdle;
    ArmIdleTimer(requests_served_ == 0 ? request_deadline_
                                       : SteadyClock::now() + std::chrono::seconds(options().idle_timeout_s));
    if (!background_read_) StartBackgroundRead();
  }

  void ArmIdleTimer(SteadyClock::time_point deadline) {
    const std::uint64_t generation = ++idle_generation_;
    idle_timer_.expires_at(deadline);
    idle_timer_.async_wait([self = this->shared_from_this(), generation](beast::error_code ec) {
      if (ec || generation != self->idle_generation_ || self->phase_ != Phase::kIdle) return;
      self->CloseNow();
    });
  }

  /// Reads whatever the client sends next into buffer_: the start of the next request, or, while
  /// a body is being streamed, an early end of the connection. Invariant: while this read is
  /// pending, buffer_ is empty.
  void StartBackgroundRead() {
    background_read_ = true;
    Lowest().expires_never();  // only the read's timer: a write in flight keeps its own
    stream_.async_read_some(buffer_.prepare(kReadChunkBytes),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->OnBackgroundRead(ec, n);
                            });
  }

  void OnBackgroundRead(beast::error_code ec, std::size_t n) {
    background_read_ = false;
    buffer_.commit(n);
    if (ec) {
      client_gone_ = true;
      // A stream in progress notices through ClientGone/Write and ends; otherwise close now.
      if (phase_ != Phase::kStreaming) CloseNow();
      return;
    }
    // While streaming, bytes are a pipelined request: kept for after the stream, watching stops.
    if (phase_ != Phase::kIdle) return;
    ++idle_generation_;
    idle_timer_.cancel();
    if (requests_served_ > 0) request_deadline_ = SteadyClock::now() + std::chrono::seconds(options().read_timeout_s);
    ReadRequest();
  }

  /// The whole request (headers and body) must arrive by request_deadline_: the stream's timer
  /// spans the entire async_read, so a client trickling bytes (slowloris) is cut off at it.
  /// The headers come first: a route with a body limit of its own (Router::SetBodyLimit) gets it,
  /// and more time for its body, before the body is read.
  void ReadRequest() {
    phase_ = Phase::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options().header_limit_bytes));
    // Unbounded until the headers say which route it is (beast would check Content-Length against
    // it while parsing them); OnHeader sets the real limit.
    parser_->body_limit(boost::none);
    Lowest().expires_at(request_deadline_);
    beast::http::async_read_header(stream_, buffer_, *parser_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnHeader(ec);
    });
  }

  void OnHeader(beast::error_code ec) {
    if (ec || phase_ == Phase::kClosed) return OnRead(ec);
    const auto& head = parser_->get();
    const std::uint64_t own = state_->router->BodyLimitOf(head.method(), head.target());
    body_limit_ = own > 0 ? own : options().body_limit_bytes;
    parser_->body_limit(body_limit_);  // counts down as a body without Content-Length (chunked) arrives
    const auto length = parser_->content_length();
    if (length && *length > body_limit_) return OnRead(beast::http::error::body_limit);
    if (own > 0 && length) {
      request_deadline_ += std::chrono::seconds(*length / kMinLargeBodyBytesPerS);
      Lowest().expires_at(request_deadline_);
    }
    beast::http::async_read(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code read_ec, std::size_t) { self->OnRead(read_ec); });
  }

  void OnRead(beast::error_code ec) {
    if (phase_ == Phase::kClosed) return;
    if (ec == beast::http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      return CloseNow();
    }
    if (ec == beast::http::error::body_limit) {
      return WriteError(beast::http::status::payload_too_large, "payload_too_large",
                        "request body exceeds " + std::to_string(body_limit_) + " bytes");
    }
    if (ec == beast::http::error::header_limit) {
      return WriteError(beast::http::status::request_header_fields_too_large, "headers_too_large",
                        "request headers exceed " + std::to_string(options().header_limit_bytes) + " bytes");
    }
    if (ec) {
      if (buffer_.size() == 0 && !parser_->got_some()) return CloseNow();
      return WriteError(beast::http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message());
    }
    phase_ = Phase::kBusy;
    auto req = std::make_shared<Request>(parser_->release());
    if (!counted_) {
      return WriteError(beast::http::status::too_many_requests, "rate_limited",
                        "too many connections from " + ip_ + " (at most " +
                            std::to_string(options().max_connections_per_ip) + " at once)");
    }
    switch (state_->router->KindOf(*req)) {
      case RouteKind::kStream: return StartStream(req);
      case RouteKind::kBlocking:
        // Off the I/O threads; the answer comes back to this connection's strand.
        asio::post(*state_->blocking, [self = this->shared_from_this(), req] {
          Response res = self->state_->router->Dispatch(*req);
          asio::post(self->stream_.get_executor(),
                     [self, req, res = std::move(res)]() mutable { self->Respond(*req, std::move(res)); });
        });
        return;
      case RouteKind::kQuick: return Respond(*req, state_->router->Dispatch(*req));
    }
  }

  // --- writing whole responses ---------------------------------------------------------------

  void Respond(const Request& req, Response res) {
    if (phase_ == Phase::kClosed) return;
    if (req.method() == beast::http::verb::head) {
      const auto length = res.body().size();
      res.body().clear();
      res.content_length(length);
    }
    res.set(beast::http::field::server, "kjudge");
    keep_alive_ = res.keep_alive() && !state_->stopping;
    res.keep_alive(keep_alive_);
    Write(std::move(res));
  }

  void WriteError(beast::http::status status, std::string_view code, const std::string& message) {
    Request plain;
    plain.version(11);
    plain.keep_alive(false);
    keep_alive_ = false;
    // The request may not have been read to its end (a body over the limit is refused at its
    // headers): close only after draining what the client still sends, or closing with unread
    // data resets the connection and the client never sees this answer.
    drain_after_write_ = true;
    Response res = ErrorResponse(plain, status, code, message);
    res.set(beast::http::field::server, "kjudge");
    Write(std::move(res));
  }

  void Write(Response res) {
    phase_ = Phase::kBusy;
    response_ = std::make_shared<Response>(std::move(res));
    Lowest().expires_after(std::chrono::seconds(options().write_timeout_s));
    beast::http::async_write(stream_, *response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnWrite(ec);
    });
  }

  void OnWrite(beast::error_code ec) {
    response_.reset();
    ++requests_served_;
    if (ec) return CloseNow();
    if (drain_after_write_) {
      phase_ = Phase::kClosed;
      ++idle_generation_;
      idle_timer_.cancel();
      beast::error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Lowest().expires_after(kPlainRefusalDrain);
      return Drain();
    }
    if (!keep_alive_) return Close();
    AwaitRequest();
  }

  // --- streamed responses --------------------------------------------------------------------

  void StartStream(const std::shared_ptr<Request>& req) {
    const int max_streams = state_->MaxStreams();
    if (state_->streams.fetch_add(1) >= max_streams) {
      --state_->streams;
      Error busy{ErrorCode::kUnavailable,
                 "the server is streaming to " + std::to_string(max_streams) + " clients already; try again shortly", 5};
      return Respond(*req, ErrorResponse(*req, busy));
    }
    asio::post(*state_->blocking, [self = this->shared_from_this(), req] {
      {
        StreamExchange exchange(self, req);
        self->state_->router->DispatchStream(*req, exchange);
        exchange.Finish();
      }
      --self->state_->streams;
    });
  }

  /// After a streamed body: the next request on a clean keep-alive connection, else close.
  void EndStream(bool keep_alive) {
    ++requests_served_;
    if (phase_ == Phase::kClosed) return;
    if (!keep_alive || client_gone_ || state_->stopping) return Close();
    AwaitRequest();
  }

  // --- closing -------------------------------------------------------------------------------

  /// Closes politely: a TLS close_notify when nothing else is in flight, else at once.
  void Close() {
    if (phase_ == Phase::kClosed) return;
    if constexpr (kTls) {
      if (handshake_done_ && !background_read_ && !client_gone_) {
        phase_ = Phase::kClosed;
        ++idle_generation_;
        idle_timer_.cancel();
        Lowest().expires_after(kTlsShutdownTimeout);
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->Lowest().close(); });
        return;
      }
    }
    CloseNow();
  }

  void CloseNow() {
    phase_ = Phase::kClosed;
    ++idle_generation_;
    idle_timer_.cancel();
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Lowest().close();
  }

  Stream stream_;
  std::shared_ptr<ServerState> state_;
  const std::string ip_;
  const bool counted_;  ///< counted against the per-address cap; false: over it, answered 429
  asio::steady_timer idle_timer_;
  std::uint64_t idle_generation_ = 0;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  std::uint64_t body_limit_ = 0;  ///< the current request's (its route's, else the server's)
  std::shared_ptr<Response> response_;
  Phase phase_ = Phase::kIdle;
  SteadyClock::time_point request_deadline_{};
  bool keep_alive_ = false;
  bool drain_after_write_ = false;  ///< an error answer to a request not read to its end
  bool handshake_done_ = false;
  bool background_read_ = false;
  std::atomic<bool> client_gone_{false};  ///< also read by the stream's thread
  std::uint64_t requests_served_ = 0;
};

/// The StreamWriter a stream handler gets: runs on the blocking pool, and hands each write to the
/// connection's strand, waiting (at most the write timeout, enforced by the stream's timer) until
/// it is done. Data is copied into the operation, so nothing dangles if the wait is abandoned.
template <class Stream>
class Session<Stream>::StreamExchange final : public StreamWriter {
 public:
  StreamExchange(std::shared_ptr<Session> session, std::shared_ptr<Request> req)
      : session_(std::move(session)), req_(std::move(req)) {}

  void Respond(Response response) override {
    if (mode_ != Mode::kNone) return;
    mode_ = Mode::kResponded;
    asio::post(session_->stream_.get_executor(), [s = session_, req = req_, res = std::move(response)]() mutable {
      s->Respond(*req, std::move(res));
    });
  }

  bool Begin(Response head) override {
    if (mode_ != Mode::kNone) return false;
    mode_ = Mode::kStreaming;
    auto header = std::make_shared<beast::http::response<beast::http::empty_body>>(head.result(), req_->version());
    for (const auto& f : head.base()) {
      using beast::http::field;
      if (f.name() == field::content_length || f.name() == field::transfer_encoding || f.name() == field::connection) {
        continue;
      }
      header->insert(f.name_string(), f.value());
    }
    header->set(beast::http::field::server, "kjudge");
    // HTTP/1.1: chunked, so the connection can stay open after the last chunk. HTTP/1.0: the
    // body runs until the connection closes.
    chunked_ = req_->version() >= 11;
    keep_alive_ = chunked_ && req_->keep_alive() && !session_->state_->stopping;
    if (chunked_) header->chunked(true);
    header->keep_alive(keep_alive_);
    ok_ = Await([header](Session& s, Done done) {
      auto serializer = std::make_shared<beast::http::response_serializer<beast::http::empty_body>>(*header);
      s.Lowest().expires_after(std::chrono::seconds(s.options().write_timeout_s));
      beast::http::async_write_header(s.stream_, *serializer,
                                      [self = s.shared_from_this(), header, serializer, done](beast::error_code ec,
                                                                                               std::size_t) {
                                        if (!ec && self->phase_ != Phase::kClosed) {
                                          self->phase_ = Phase::kStreaming;
                                          if (!self->background_read_ && self->buffer_.size() == 0) {
                                            self->StartBackgroundRead();  // notices a client that leaves
                                          }
                                        }
                                        done(ec);
                                      });
    });
    return ok_;
  }

  bool Write(std::string_view data) override {
    if (mode_ != Mode::kStreaming || !ok_ || session_->client_gone_) return false;
    if (data.empty()) return true;  // an empty chunk would end the body
    auto bytes = std::make_shared<std::string>(data);
    const bool chunked = chunked_;
    ok_ = Await([bytes, chunked](Session& s, Done done) {
      s.Lowest().expires_after(std::chrono::seconds(s.options().write_timeout_s));
      auto on_written = [bytes, done](beast::error_code ec, std::size_t) { done(ec); };
      if (chunked) {
        asio::async_write(s.stream_, beast::http::make_chunk(asio::buffer(*bytes)), on_written);
      } else {
        asio::async_write(s.stream_, asio::buffer(*bytes), on_written);
      }
    });
    return ok_;
  }

  bool Stopping() const override { return session_->state_->stopping; }
  bool ClientGone() const override { return !ok_ || session_->client_gone_; }

  /// After the handler returned: the last chunk, then keep-alive or close.
  void Finish() {
    if (mode_ == Mode::kResponded) return;
    if (mode_ == Mode::kNone) {  // DispatchStream always answers; be safe anyway
      asio::post(session_->stream_.get_executor(), [s = session_] { s->CloseNow(); });
      return;
    }
    bool clean = ok_ && !session_->client_gone_;
    if (clean && chunked_) {
      clean = Await([](Session& s, Done done) {
        s.Lowest().expires_after(std::chrono::seconds(s.options().write_timeout_s));
        asio::async_write(s.stream_, beast::http::make_chunk_last(),
                          [done](beast::error_code ec, std::size_t) { done(ec); });
      });
    }
    asio::post(session_->stream_.get_executor(),
               [s = session_, keep = clean && keep_alive_] { s->EndStream(keep); });
  }

 private:
  enum class Mode { kNone, kResponded, kStreaming };
  using Done = std::function<void(beast::error_code)>;

  /// Runs `start(session, done)` on the strand and waits for `done`. False on an error, or when
  /// the I/O threads stopped before the operation could finish.
  template <class Start>
  bool Await(Start start) {
    struct Op {
      std::mutex mu;
      std::condition_variable cv;
      bool done = false;
      beast::error_code ec;
    };
    auto op = std::make_shared<Op>();
    Done done = [op](beast::error_code ec) {
      {
        std::lock_guard lock(op->mu);
        op->done = true;
        op->ec = ec;
      }
      op->cv.notify_all();
    };
    asio::post(session_->stream_.get_executor(), [s = session_, start = std::move(start), done]() mutable {
      if (s->phase_ == Phase::kClosed) return done(asio::error::operation_aborted);
      start(*s, done);
    });
    std::unique_lock lock(op->mu);
    while (!op->done) {
      if (session_->state_->io_stopped) return false;
      op->cv.wait_for(lock, kAwaitSlice);
    }
    return !op->ec;
  }

  std::shared_ptr<Session> session_;
  std::shared_ptr<Request> req_;
  Mode mode_ = Mode::kNone;
  bool ok_ = true;
  bool chunked_ = true;
  bool keep_alive_ = false;
};

/// Reads a file we are told to use, for a clear error before OpenSSL's terse one.
Status CheckReadable(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kInvalidArgument, std::string("cannot read TLS ") + what + " '" + path + "': " + std::strerror(errno));
  return Ok();
}

std::string OpenSslReason(const beast::error_code& ec) {
  if (ec.category() == asio::error::get_ssl_category()) {
    const char* reason = ERR_reason_error_string(static_cast<unsigned long>(ec.value()));
    if (reason != nullptr) return reason;
  }
  return ec.message();
}

/// A server TLS context: TLS 1.2 or newer, the certificate chain and the key from PEM files.
Result<std::unique_ptr<ssl::context>> MakeTlsContext(const ServerOptions& options) {
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "TLS needs both a certificate file and a key file");
  }
  KJ_RETURN_IF_ERROR(CheckReadable(options.tls_cert_file, "certificate"));
  KJ_RETURN_IF_ERROR(CheckReadable(options.tls_key_file, "key"));
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  // An encrypted key must not make OpenSSL prompt on the terminal: it fails to load instead.
  context->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });
  beast::error_code ec;
  context->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "TLS certificate '" + options.tls_cert_file + "' is not a PEM certificate: " + OpenSslReason(ec));
  }
  context->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
  const bool mismatch = ec && ec.category() == asio::error::get_ssl_category() &&
                        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH;
  if (ec && !mismatch) {
    return MakeError(ErrorCode::kInvalidArgument, "TLS key '" + options.tls_key_file +
                                                      "' is not an unencrypted PEM private key: " + OpenSslReason(ec));
  }
  if (mismatch || SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    return MakeError(ErrorCode::kInvalidArgument,
                     "TLS key '" + options.tls_key_file + "' does not match certificate '" + options.tls_cert_file + "'");
  }
  return context;
}

}  // namespace

struct HttpServer::Impl {
  std::shared_ptr<ServerState> state = std::make_shared<ServerState>();
  std::unique_ptr<ssl::context> tls;  // before ioc: connections still queued there use it
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unique_ptr<asio::thread_pool> blocking;  // after ioc: joined (Wait) or destroyed first
  std::atomic<bool> stop_called{false};

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        Launch(std::move(socket));
      } else {
        spdlog::warn("accept failed: {}", ec.message());
      }
      Accept();
    });
  }

  void Launch(tcp::socket socket) {
    if (state->live.load() >= state->options.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);
      return;
    }
    beast::error_code ec;
    // Streams write small pieces as they happen: Nagle's algorithm would hold each one back until
    // the client's delayed ACK (40 ms).
    socket.set_option(tcp::no_delay(true), ec);
    const auto remote = socket.remote_endpoint(ec);
    std::string ip = ec ? std::string() : remote.address().to_string();
    const bool counted = state->Admit(ip);
    if (tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), state, std::move(ip), counted)
          ->Start();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(std::move(socket), state, std::move(ip), counted)->Start();
    }
  }
};

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<const Router> router) : impl_(new Impl) {
  impl_->state->options = std::move(options);
  impl_->state->router = std::move(router);
}

HttpServer::~HttpServer() {
  Stop(0);
  Wait();
}

Status HttpServer::Start() {
  const ServerOptions& options = impl_->state->options;
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    KJ_ASSIGN_OR_RETURN(impl_->tls, MakeTlsContext(options));
    impl_->state->tls = impl_->tls.get();
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return MakeError(ErrorCode::kInvalidArgument, "bad listen address '" + options.host + "'");
  tcp::endpoint endpoint(address, options.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo,
                     "cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + ec.message());
  }
  impl_->bound_port = acc.local_endpoint().port();
  impl_->blocking = std::make_unique<asio::thread_pool>(std::max(1, options.blocking_threads));
  impl_->state->blocking = impl_->blocking.get();
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->Accept();
  const int n = std::max(1, options.threads);
  for (int i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  return Ok();
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

bool HttpServer::tls() const { return impl_->tls != nullptr; }

int HttpServer::live_connections() const { return impl_->state->live.load(); }

void HttpServer::Stop(int grace_ms) {
  if (impl_->stop_called.exchange(true)) return;
  ServerState& state = *impl_->state;
  // First close the listening socket (on an I/O thread: the acceptor is not thread-safe) and wait
  // for it, so that once anything observes the stop, new connections are refused.
  if (impl_->threads.empty()) {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  } else {
    auto closed = std::make_shared<std::promise<void>>();
    auto future = closed->get_future();
    asio::post(impl_->ioc, [this, closed] {
      beast::error_code ignored;
      impl_->acceptor.close(ignored);
      closed->set_value();
    });
    future.wait_for(std::chrono::seconds(5));
  }
  state.stopping = true;
  // Connections waiting for a request close now; busy ones finish their request (keep-alive is
  // off from here on) and streams see Stopping().
  std::vector<std::shared_ptr<SessionBase>> sessions;
  {
    std::lock_guard lock(state.mu);
    for (auto& [raw, weak] : state.sessions) {
      if (auto s = weak.lock()) sessions.push_back(std::move(s));
    }
  }
  for (auto& s : sessions) s->PostServerStop();
  sessions.clear();
  {
    std::unique_lock lock(state.mu);
    state.cv.wait_for(lock, std::chrono::milliseconds(grace_ms), [&] { return state.live.load() == 0; });
  }
  state.io_stopped = true;
  impl_->work.reset();
  impl_->ioc.stop();
}

void HttpServer::Wait() {
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
  if (impl_->blocking) {
    // Blocking handlers end by themselves (they wait with deadlines; streams see Stopping and
    // writes give up once the I/O threads are gone); their answers go nowhere now.
    impl_->blocking->join();
  }
}

Result<std::pair<std::string, std::uint16_t>> ParseListenAddress(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "listen address '" + text + "' must be HOST:PORT");
  }
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port > 65535 || port_text.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "listen address '" + text + "' has a bad port");
  }
  beast::error_code aec;
  asio::ip::make_address(host, aec);
  if (aec) return MakeError(ErrorCode::kInvalidArgument, "listen address '" + text + "' has a bad host (use an IP)");
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

}  // namespace kjudge::http
