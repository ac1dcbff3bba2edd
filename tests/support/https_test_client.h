// One HTTPS GET for tests, with a client that verifies the server: its certificate chain against
// the PEM it is told to trust, and the name 127.0.0.1. Every step is bounded by a deadline.
// Compiled once into kjudge_test_support (https_test_client.cc).
#pragma once

#include <boost/beast/http/fields.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace kjudge::testing {

struct HttpsResult {
  int status = 0;
  std::string body;
  boost::beast::http::fields headers;
  int tls_version = 0;  ///< SSL_version() of the connection, e.g. TLS1_3_VERSION
  std::string error;    ///< "stage: reason" when no response came back
};

struct ClientTls {
  const std::string* trusted_pem = nullptr;  ///< null: trust nothing
  int max_version = 0;                       ///< e.g. TLS1_1_VERSION to offer old protocols only
};

/// GET `target` from https://127.0.0.1:`port`, verifying the server as `tls` says.
HttpsResult HttpsGet(std::uint16_t port, const std::string& target, ClientTls tls,
                     std::chrono::seconds deadline = std::chrono::seconds(10));

}  // namespace kjudge::testing
