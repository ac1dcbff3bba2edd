// A streaming HTTP/1.1 client for tests of Server-Sent Events: sends one GET, then reads the body
// as it arrives, every wait bounded by a deadline so a stuck server fails the test instead of
// hanging it. Plus a parser for the SSE wire format (id/event/data fields, comment lines).
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kjudge::testing {

/// One event of an SSE body.
struct SseEvent {
  std::optional<std::string> id;
  std::string event = "message";
  std::string data;
};

/// The events of an SSE body as EventSource dispatches them: blocks with a data field, the
/// unterminated last one left out; comments and retry lines skipped.
inline std::vector<SseEvent> ParseSse(std::string_view body) {
  std::vector<SseEvent> out;
  SseEvent current;
  bool has_data = false;
  while (true) {
    const auto nl = body.find('\n');
    if (nl == std::string_view::npos) break;
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl + 1);
    if (line.empty()) {
      if (has_data) out.push_back(std::move(current));
      current = SseEvent{};
      has_data = false;
      continue;
    }
    if (line.front() == ':') continue;
    const auto colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (name == "id") {
      current.id = std::string(value);
    } else if (name == "event") {
      current.event = std::string(value);
    } else if (name == "data") {
      if (has_data) current.data += '\n';
      current.data += value;
      has_data = true;
    }
  }
  return out;
}

class SseTestClient {
 public:
  explicit SseTestClient(std::uint16_t port, std::string host = "127.0.0.1") : host_(std::move(host)), port_(port) {}

  void SetHeader(const std::string& name, const std::string& value) { headers_to_send_.emplace_back(name, value); }

  /// Connects, sends `GET target` and reads the status line and headers. False (with error())
  /// when no response head came before the deadline.
  bool Open(const std::string& target, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    namespace http = boost::beast::http;
    try {
      stream_.expires_after(deadline);
      stream_.connect({boost::asio::ip::make_address(host_), port_});
    } catch (const std::exception& e) {
      error_ = e.what();
      return false;
    }
    auto req = std::make_shared<http::request<http::empty_body>>(http::verb::get, target, 11);
    req->set(http::field::host, host_);
    req->set(http::field::accept, "text/event-stream");
    for (const auto& [k, v] : headers_to_send_) req->set(k, v);
    parser_.body_limit(boost::none);
    boost::beast::error_code ec;
    bool done = false;
    stream_.expires_after(deadline);
    http::async_write(stream_, *req, [&, req](boost::beast::error_code wec, std::size_t) {
      if (wec) {
        ec = wec;
        done = true;
        return;
      }
      http::async_read_header(stream_, buffer_, parser_, [&](boost::beast::error_code rec, std::size_t) {
        ec = rec;
        done = true;
      });
    });
    ioc_.restart();
    ioc_.run();
    if (!done || ec) {
      error_ = done ? ec.message() : "no response head";
      ended_ = true;
      return false;
    }
    return true;
  }

  int status() const { return static_cast<int>(parser_.get().result_int()); }
  std::string header(boost::beast::http::field f) const { return std::string(parser_.get()[f]); }
  /// The body received so far.
  const std::string& body() const { return parser_.get().body(); }
  /// The response ended as HTTP says it should (last chunk, or the declared length).
  bool complete() const { return parser_.is_done(); }
  const std::string& error() const { return error_; }
  std::vector<SseEvent> Events() const { return ParseSse(body()); }

  /// Reads until body() contains `needle` (true), the response ends, or the deadline passes.
  bool ReadUntil(std::string_view needle, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (body().find(needle) == std::string::npos) {
      if (!ReadSome(end)) return body().find(needle) != std::string::npos;
    }
    return true;
  }

  /// Reads until the response is complete (true), or it breaks off or the deadline passes (false).
  bool ReadToEnd(std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (!complete()) {
      if (!ReadSome(end)) return complete();
    }
    return true;
  }

  /// Whether the server closed the connection (after the response, or instead of finishing it).
  bool WaitForClose(std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    if (ended_) return true;
    char scratch[512];
    boost::beast::error_code ec;
    bool done = false;
    stream_.expires_after(deadline);
    stream_.async_read_some(boost::asio::buffer(scratch), [&](boost::beast::error_code rec, std::size_t) {
      ec = rec;
      done = true;
    });
    ioc_.restart();
    ioc_.run();
    return done && ec && ec != boost::beast::error::timeout;
  }

  void Close() {
    boost::beast::error_code ignored;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.close();
    ended_ = true;
  }

 private:
  // One read of whatever arrives; false when the response cannot grow any more.
  bool ReadSome(std::chrono::steady_clock::time_point end) {
    namespace http = boost::beast::http;
    if (ended_ || parser_.is_done()) return false;
    const auto left = end - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return false;
    boost::beast::error_code ec;
    stream_.expires_after(std::chrono::duration_cast<std::chrono::milliseconds>(left));
    http::async_read_some(stream_, buffer_, parser_, [&](boost::beast::error_code rec, std::size_t) { ec = rec; });
    ioc_.restart();
    ioc_.run();
    if (ec) {
      ended_ = true;
      if (error_.empty()) error_ = ec.message();
      return false;
    }
    return true;
  }

  std::string host_;
  std::uint16_t port_;
  std::vector<std::pair<std::string, std::string>> headers_to_send_;
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_{ioc_};
  boost::beast::flat_buffer buffer_;
  boost::beast::http::response_parser<boost::beast::http::string_body> parser_;
  std::string error_;
  bool ended_ = false;
};

}  // namespace kjudge::testing
