// A blocking HTTP/1.1 client for tests: one request per call on a fresh or kept connection,
// with a deadline so a hung server fails the test instead of hanging it.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace kjudge::testing {

struct TestResponse {
  int status = 0;
  std::string body;
  boost::beast::http::fields headers;
  std::string error;  ///< non-empty when no response came back
};

class TestHttpClient {
 public:
  explicit TestHttpClient(std::uint16_t port, std::string host = "127.0.0.1") : host_(std::move(host)), port_(port) {}

  TestResponse Request(boost::beast::http::verb method, const std::string& target, const std::string& body = "",
                       const std::string& content_type = "application/json",
                       std::chrono::seconds deadline = std::chrono::seconds(10)) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    TestResponse out;
    try {
      if (!stream_) Connect();
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
      stream_->expires_after(deadline);
      http::async_write(*stream_, req, [&](beast::error_code wec, std::size_t) {
        if (wec) {
          ec = wec;
          done = true;
          return;
        }
        http::async_read(*stream_, buffer_, parser, [&](beast::error_code rec, std::size_t) {
          ec = rec;
          done = true;
        });
      });
      ioc_.restart();
      ioc_.run_for(deadline + std::chrono::seconds(1));
      if (!done || ec) {
        out.error = done ? ec.message() : "no answer before the deadline";
        stream_.reset();
        return out;
      }
      auto res = parser.release();
      out.status = static_cast<int>(res.result_int());
      out.body = res.body();
      out.headers = res.base();
      if (!res.keep_alive()) stream_.reset();
    } catch (const std::exception& e) {
      out.error = e.what();
      stream_.reset();
    }
    return out;
  }

  TestResponse Get(const std::string& target) { return Request(boost::beast::http::verb::get, target); }

  /// Sends raw bytes on a new connection and returns whatever the server answers before closing.
  std::string Raw(const std::string& bytes, std::chrono::seconds deadline = std::chrono::seconds(10)) {
    namespace beast = boost::beast;
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

  void SetHeader(const std::string& name, const std::string& value) { extra_headers_.emplace_back(name, value); }

 private:
  void Connect() {
    stream_ = std::make_unique<boost::beast::tcp_stream>(ioc_);
    stream_->expires_after(std::chrono::seconds(10));
    stream_->connect({boost::asio::ip::make_address(host_), port_});
  }

  std::string host_;
  std::uint16_t port_;
  boost::asio::io_context ioc_;
  std::unique_ptr<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
};

}  // namespace kjudge::testing
