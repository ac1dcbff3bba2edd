// A streaming HTTP/1.1 client for tests of Server-Sent Events: sends one GET, then reads the body
// as it arrives, every wait bounded by a deadline so a stuck server fails the test instead of
// hanging it. Plus a parser for the SSE wire format (id/event/data fields, comment lines).
// The client is compiled once into kjudge_test_support (sse_test_client.cc).
#pragma once

#include <boost/beast/http/field.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
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
  explicit SseTestClient(std::uint16_t port, std::string host = "127.0.0.1");
  ~SseTestClient();
  SseTestClient(const SseTestClient&) = delete;
  SseTestClient& operator=(const SseTestClient&) = delete;

  void SetHeader(const std::string& name, const std::string& value) { headers_to_send_.emplace_back(name, value); }

  /// Connects, sends `GET target` and reads the status line and headers. False (with error())
  /// when no response head came before the deadline.
  bool Open(const std::string& target, std::chrono::milliseconds deadline = std::chrono::seconds(10));

  int status() const;
  std::string header(boost::beast::http::field f) const;
  /// The body received so far.
  const std::string& body() const;
  /// The response ended as HTTP says it should (last chunk, or the declared length).
  bool complete() const;
  const std::string& error() const { return error_; }
  std::vector<SseEvent> Events() const { return ParseSse(body()); }

  /// Reads until body() contains `needle` (true), the response ends, or the deadline passes.
  bool ReadUntil(std::string_view needle, std::chrono::milliseconds deadline = std::chrono::seconds(10));
  /// Reads until the response is complete (true), or it breaks off or the deadline passes (false).
  bool ReadToEnd(std::chrono::milliseconds deadline = std::chrono::seconds(10));
  /// Whether the server closed the connection (after the response, or instead of finishing it).
  bool WaitForClose(std::chrono::milliseconds deadline = std::chrono::seconds(10));
  void Close();

 private:
  struct Connection;
  // One read of whatever arrives; false when the response cannot grow any more.
  bool ReadSome(std::chrono::steady_clock::time_point end);

  std::string host_;
  std::uint16_t port_;
  std::vector<std::pair<std::string, std::string>> headers_to_send_;
  std::unique_ptr<Connection> c_;
  std::string error_;
  bool ended_ = false;
};

}  // namespace kjudge::testing
