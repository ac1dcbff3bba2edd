// A blocking HTTP/1.1 client for tests: one request per call on a fresh or kept connection,
// with a deadline so a hung server fails the test instead of hanging it. Compiled once into
// kjudge_test_support (http_test_client.cc): the Beast operations are instantiated there, not in
// every test that includes this header.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kjudge::testing {

struct TestResponse {
  int status = 0;
  std::string body;
  boost::beast::http::fields headers;
  std::string error;  ///< non-empty when no response came back
};

class TestHttpClient {
 public:
  explicit TestHttpClient(std::uint16_t port, std::string host = "127.0.0.1");
  ~TestHttpClient();
  TestHttpClient(const TestHttpClient&) = delete;
  TestHttpClient& operator=(const TestHttpClient&) = delete;

  /// One request on the kept connection (a new one when there is none or the server closed it).
  TestResponse Request(boost::beast::http::verb method, const std::string& target, const std::string& body = "",
                       const std::string& content_type = "application/json",
                       std::chrono::seconds deadline = std::chrono::seconds(10));

  TestResponse Get(const std::string& target) { return Request(boost::beast::http::verb::get, target); }

  /// Sends raw bytes on a new connection and returns whatever the server answers before closing.
  std::string Raw(const std::string& bytes, std::chrono::seconds deadline = std::chrono::seconds(10));

  /// A header sent with every later request.
  void SetHeader(const std::string& name, const std::string& value) { extra_headers_.emplace_back(name, value); }

 private:
  struct Connection;

  std::string host_;
  std::uint16_t port_;
  std::unique_ptr<Connection> connection_;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
};

/// The status line and headers of a response whose body may never end (a live stream): sends the
/// request (with `token` as a bearer token when not empty), reads up to the blank line, and closes.
/// Status 0 with `error` set when none came.
TestResponse HeadOf(std::uint16_t port, boost::beast::http::verb method, const std::string& target,
                    const std::string& token, const std::string& body = "",
                    const std::string& content_type = "application/json",
                    const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace kjudge::testing
