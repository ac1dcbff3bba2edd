#include "support/sse_test_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace kjudge::testing {

namespace beast = boost::beast;
namespace http = beast::http;

struct SseTestClient::Connection {
  boost::asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
};

SseTestClient::SseTestClient(std::uint16_t port, std::string host)
    : host_(std::move(host)), port_(port), c_(std::make_unique<Connection>()) {}

SseTestClient::~SseTestClient() = default;

bool SseTestClient::Open(const std::string& target, std::chrono::milliseconds deadline) {
  try {
    c_->stream.expires_after(deadline);
    c_->stream.connect({boost::asio::ip::make_address(host_), port_});
  } catch (const std::exception& e) {
    error_ = e.what();
    return false;
  }
  auto req = std::make_shared<http::request<http::empty_body>>(http::verb::get, target, 11);
  req->set(http::field::host, host_);
  req->set(http::field::accept, "text/event-stream");
  for (const auto& [k, v] : headers_to_send_) req->set(k, v);
  c_->parser.body_limit(boost::none);
  beast::error_code ec;
  bool done = false;
  c_->stream.expires_after(deadline);
  http::async_write(c_->stream, *req, [&, req](beast::error_code wec, std::size_t) {
    if (wec) {
      ec = wec;
      done = true;
      return;
    }
    http::async_read_header(c_->stream, c_->buffer, c_->parser, [&](beast::error_code rec, std::size_t) {
      ec = rec;
      done = true;
    });
  });
  c_->ioc.restart();
  c_->ioc.run();
  if (!done || ec) {
    error_ = done ? ec.message() : "no response head";
    ended_ = true;
    return false;
  }
  return true;
}

int SseTestClient::status() const { return static_cast<int>(c_->parser.get().result_int()); }

std::string SseTestClient::header(http::field f) const { return std::string(c_->parser.get()[f]); }

const std::string& SseTestClient::body() const { return c_->parser.get().body(); }

bool SseTestClient::complete() const { return c_->parser.is_done(); }

bool SseTestClient::ReadUntil(std::string_view needle, std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (body().find(needle) == std::string::npos) {
    if (!ReadSome(end)) return body().find(needle) != std::string::npos;
  }
  return true;
}

bool SseTestClient::ReadToEnd(std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!complete()) {
    if (!ReadSome(end)) return complete();
  }
  return true;
}

bool SseTestClient::WaitForClose(std::chrono::milliseconds deadline) {
  if (ended_) return true;
  char scratch[512];
  beast::error_code ec;
  bool done = false;
  c_->stream.expires_after(deadline);
  c_->stream.async_read_some(boost::asio::buffer(scratch), [&](beast::error_code rec, std::size_t) {
    ec = rec;
    done = true;
  });
  c_->ioc.restart();
  c_->ioc.run();
  return done && ec && ec != beast::error::timeout;
}

void SseTestClient::Close() {
  beast::error_code ignored;
  c_->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  c_->stream.close();
  ended_ = true;
}

bool SseTestClient::ReadSome(std::chrono::steady_clock::time_point end) {
  if (ended_ || c_->parser.is_done()) return false;
  const auto left = end - std::chrono::steady_clock::now();
  if (left <= std::chrono::steady_clock::duration::zero()) return false;
  beast::error_code ec;
  c_->stream.expires_after(std::chrono::duration_cast<std::chrono::milliseconds>(left));
  http::async_read_some(c_->stream, c_->buffer, c_->parser, [&](beast::error_code rec, std::size_t) { ec = rec; });
  c_->ioc.restart();
  c_->ioc.run();
  if (ec) {
    ended_ = true;
    if (error_.empty()) error_ = ec.message();
    return false;
  }
  return true;
}

}  // namespace kjudge::testing
