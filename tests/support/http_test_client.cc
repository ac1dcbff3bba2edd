#include "support/http_test_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace kjudge::testing {

namespace beast = boost::beast;
namespace http = beast::http;

struct TestHttpClient::Connection {
  boost::asio::io_context ioc;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

TestHttpClient::TestHttpClient(std::uint16_t port, std::string host)
    : host_(std::move(host)), port_(port), connection_(std::make_unique<Connection>()) {}

TestHttpClient::~TestHttpClient() = default;

TestResponse TestHttpClient::Request(http::verb method, const std::string& target, const std::string& body,
                                     const std::string& content_type, std::chrono::seconds deadline) {
  Connection& c = *connection_;
  TestResponse out;
  try {
    if (!c.stream) {
      c.stream = std::make_unique<beast::tcp_stream>(c.ioc);
      c.stream->expires_after(std::chrono::seconds(10));
      c.stream->connect({boost::asio::ip::make_address(host_), port_});
      c.buffer.clear();
    }
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host_);
    req.keep_alive(true);
    for (const auto& [k, v] : extra_headers_) req.set(k, v);
    if (!body.empty()) {
      req.set(http::field::content_type, content_type);
      req.body() = body;
    }
    req.prepare_payload();
    // Asynchronous operations under run_for: a server that never answers fails the call at the
    // deadline instead of hanging the test (synchronous Beast calls ignore stream timeouts).
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::error_code ec;
    bool done = false;
    c.stream->expires_after(deadline);
    http::async_write(*c.stream, req, [&](beast::error_code wec, std::size_t) {
      if (wec) {
        ec = wec;
        done = true;
        return;
      }
      http::async_read(*c.stream, c.buffer, parser, [&](beast::error_code rec, std::size_t) {
        ec = rec;
        done = true;
      });
    });
    c.ioc.restart();
    c.ioc.run_for(deadline + std::chrono::seconds(1));
    if (!done || ec) {
      out.error = done ? ec.message() : "no answer before the deadline";
      c.stream.reset();
      return out;
    }
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    out.headers = res.base();
    if (!res.keep_alive()) c.stream.reset();
  } catch (const std::exception& e) {
    out.error = e.what();
    c.stream.reset();
  }
  return out;
}

std::string TestHttpClient::Raw(const std::string& bytes, std::chrono::seconds deadline) {
  boost::asio::io_context ioc;
  beast::tcp_stream s(ioc);
  s.expires_after(deadline);
  s.connect({boost::asio::ip::make_address(host_), port_});
  boost::asio::write(s, boost::asio::buffer(bytes));
  std::string out;
  beast::error_code ec;
  char buf[4096];
  for (;;) {
    std::size_t n = s.read_some(boost::asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

TestResponse HeadOf(std::uint16_t port, http::verb method, const std::string& target, const std::string& token,
                    const std::string& body, const std::string& content_type,
                    const std::vector<std::pair<std::string, std::string>>& headers) {
  TestResponse out;
  try {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
      req.set(http::field::content_type, content_type);
      req.body() = body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    http::read_header(stream, buffer, parser);
    out.status = static_cast<int>(parser.get().result_int());
    out.headers = parser.get().base();
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace kjudge::testing
