#include "kjudge/http/server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace kjudge::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

/// Shared between the listener and the sessions: counts live connections so Stop can wait for them.
struct ConnectionTracker {
  std::atomic<int> live{0};
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable cv;

  void Done() {
    if (--live == 0) {
      std::lock_guard lock(mu);
      cv.notify_all();
    }
  }
};

/// One TCP connection: read a request, dispatch, write, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const ServerOptions& options, std::shared_ptr<const Router> router,
          std::shared_ptr<ConnectionTracker> tracker, asio::thread_pool& blocking)
      : stream_(std::move(socket)),
        options_(options),
        router_(std::move(router)),
        tracker_(std::move(tracker)),
        blocking_(blocking) {}

  ~Session() { tracker_->Done(); }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    if (tracker_->stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.header_limit_bytes));
    parser_->body_limit(options_.body_limit_bytes);
    // The first request gets the read timeout; between keep-alive requests the idle timeout.
    stream_.expires_after(std::chrono::seconds(requests_served_ == 0 ? options_.read_timeout_s : options_.idle_timeout_s));
    beast::http::async_read(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == beast::http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      return Close();
    }
    if (ec == beast::http::error::body_limit) {
      return WriteError(beast::http::status::payload_too_large, "payload_too_large",
                        "request body exceeds " + std::to_string(options_.body_limit_bytes) + " bytes");
    }
    if (ec == beast::http::error::header_limit) {
      return WriteError(beast::http::status::request_header_fields_too_large, "headers_too_large",
                        "request headers exceed " + std::to_string(options_.header_limit_bytes) + " bytes");
    }
    if (ec) {
      if (buffer_.size() == 0 && !parser_->got_some()) return Close();
      return WriteError(beast::http::status::bad_request, "bad_request", "malformed HTTP request: " + ec.message());
    }
    auto req = std::make_shared<Request>(parser_->release());
    if (router_->IsBlocking(*req)) {
      // Off the I/O threads; the answer comes back to this connection's strand.
      asio::post(blocking_, [self = shared_from_this(), req] {
        Response res = self->router_->Dispatch(*req);
        asio::post(self->stream_.get_executor(),
                   [self, req, res = std::move(res)]() mutable { self->Respond(*req, std::move(res)); });
      });
      return;
    }
    Respond(*req, router_->Dispatch(*req));
  }

  void Respond(const Request& req, Response res) {
    if (req.method() == beast::http::verb::head) {
      const auto length = res.body().size();
      res.body().clear();
      res.content_length(length);
    }
    res.set(beast::http::field::server, "kjudge");
    keep_alive_ = res.keep_alive() && !tracker_->stopping;
    res.keep_alive(keep_alive_);
    Write(std::move(res));
  }

  void WriteError(beast::http::status status, std::string_view code, const std::string& message) {
    Request dummy;
    dummy.version(11);
    dummy.keep_alive(false);
    keep_alive_ = false;
    Write(ErrorResponse(dummy, status, code, message));
  }

  void Write(Response res) {
    response_ = std::make_shared<Response>(std::move(res));
    stream_.expires_after(std::chrono::seconds(options_.write_timeout_s));
    beast::http::async_write(stream_, *response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->OnWrite(ec);
    });
  }

  void OnWrite(beast::error_code ec) {
    response_.reset();
    ++requests_served_;
    if (ec || !keep_alive_) return Close();
    Read();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  const ServerOptions& options_;
  std::shared_ptr<const Router> router_;
  std::shared_ptr<ConnectionTracker> tracker_;
  asio::thread_pool& blocking_;
  beast::flat_buffer buffer_;
  std::optional<beast::http::request_parser<beast::http::string_body>> parser_;
  std::shared_ptr<Response> response_;
  bool keep_alive_ = false;
  std::uint64_t requests_served_ = 0;
};

}  // namespace

struct HttpServer::Impl {
  ServerOptions options;
  std::shared_ptr<const Router> router;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::shared_ptr<ConnectionTracker> tracker = std::make_shared<ConnectionTracker>();
  std::vector<std::thread> threads;
  std::uint16_t bound_port = 0;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unique_ptr<asio::thread_pool> blocking;

  void Accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        if (tracker->live.load() >= options.max_connections) {
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          ++tracker->live;
          std::make_shared<Session>(std::move(socket), options, router, tracker, *blocking)->Start();
        }
      } else {
        spdlog::warn("accept failed: {}", ec.message());
      }
      Accept();
    });
  }
};

HttpServer::HttpServer(ServerOptions options, std::shared_ptr<const Router> router) : impl_(new Impl) {
  impl_->options = std::move(options);
  impl_->router = std::move(router);
}

HttpServer::~HttpServer() {
  Stop(0);
  Wait();
}

Status HttpServer::Start() {
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return MakeError(ErrorCode::kInvalidArgument, "bad listen address '" + impl_->options.host + "'");
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorCode::kIo, "cannot listen on " + impl_->options.host + ":" +
                                         std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->bound_port = acc.local_endpoint().port();
  impl_->blocking = std::make_unique<asio::thread_pool>(std::max(1, impl_->options.blocking_threads));
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->Accept();
  const int n = std::max(1, impl_->options.threads);
  for (int i = 0; i < n; ++i) impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  return Ok();
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::Stop(int grace_ms) {
  if (impl_->tracker->stopping.exchange(true)) return;
  // Close the listening socket on an I/O thread (the acceptor is not thread-safe) and wait for it,
  // so no connection is accepted after Stop returns.
  std::promise<void> closed;
  asio::post(impl_->ioc, [this, &closed] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    closed.set_value();
  });
  if (!impl_->threads.empty()) closed.get_future().wait_for(std::chrono::seconds(5));
  {
    // In-flight requests finish and then close (keep-alive is turned off once stopping is set).
    std::unique_lock lock(impl_->tracker->mu);
    impl_->tracker->cv.wait_for(lock, std::chrono::milliseconds(grace_ms),
                                [&] { return impl_->tracker->live.load() == 0; });
  }
  impl_->work.reset();
  impl_->ioc.stop();
}

void HttpServer::Wait() {
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
  if (impl_->blocking) {
    // Blocking handlers end by themselves (they wait with deadlines); their answers go nowhere now.
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
