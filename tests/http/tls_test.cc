// HTTPS: a self-signed certificate made here, a Beast TLS client that verifies it, TLS 1.2 as
// the floor, plain HTTP on the HTTPS port answered clearly, and bad files refused at start.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include <chrono>
#include <fstream>

#include "kjudge/http/health.h"
#include "kjudge/http/server.h"
#include "store/store_fixture.h"
#include "support/http_test_client.h"
#include "support/https_test_client.h"
#include "support/test_certificate.h"

namespace kjudge::http {
namespace {

using kjudge::testing::HttpsGet;
using kjudge::testing::HttpsResult;
using std::chrono::seconds;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = kjudge::testing::MakeSelfSignedCertificate();
    WriteFile(CertPath(), cert_.cert_pem);
    WriteFile(KeyPath(), cert_.key_pem);
  }
  void TearDown() override {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
  }

  std::string CertPath() const { return dir_.File("cert.pem"); }
  std::string KeyPath() const { return dir_.File("key.pem"); }

  Status StartServer(ServerOptions options = {}) {
    auto router = std::make_shared<Router>();
    AddHealthRoutes(*router, [] { return Ok(); });
    router->AddStream(beast_http::verb::get, "/count", [](const Request& req, const PathParams&, StreamWriter& out) {
      Response head{beast_http::status::ok, req.version()};
      head.set(beast_http::field::content_type, "text/plain");
      if (!out.Begin(std::move(head))) return;
      for (const char* part : {"one ", "two ", "three"}) {
        if (!out.Write(part)) return;
      }
    });
    options.port = 0;
    if (options.tls_cert_file.empty()) options.tls_cert_file = CertPath();
    if (options.tls_key_file.empty()) options.tls_key_file = KeyPath();
    server_ = std::make_unique<HttpServer>(options, router);
    return server_->Start();
  }

  HttpsResult TrustedGet(const std::string& target) { return HttpsGet(server_->port(), target, {&cert_.cert_pem}); }

  store::testing::TempDir dir_;
  kjudge::testing::TestCertificate cert_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(TlsTest, HttpsRequestWithAVerifiedCertificateOverTls12OrNewer) {
  ASSERT_TRUE(StartServer().ok());
  EXPECT_TRUE(server_->tls());
  auto res = TrustedGet("/healthz");
  ASSERT_EQ(res.status, 200) << res.error;
  EXPECT_EQ(nlohmann::json::parse(res.body)["status"], "ok");
  EXPECT_GE(res.tls_version, TLS1_2_VERSION);
}

TEST_F(TlsTest, StreamedResponsesWorkOverTls) {
  ASSERT_TRUE(StartServer().ok());
  auto res = TrustedGet("/count");
  ASSERT_EQ(res.status, 200) << res.error;
  EXPECT_EQ(res.body, "one two three");
  EXPECT_EQ(res.headers[beast_http::field::transfer_encoding], "chunked");
}

TEST_F(TlsTest, ClientThatDoesNotTrustTheCertificateIsRefused) {
  ASSERT_TRUE(StartServer().ok());
  auto untrusted = HttpsGet(server_->port(), "/healthz", {});
  EXPECT_EQ(untrusted.status, 0);
  EXPECT_EQ(untrusted.error.rfind("handshake:", 0), 0u) << untrusted.error;
  EXPECT_EQ(TrustedGet("/healthz").status, 200);
}

TEST_F(TlsTest, PlainHttpOnTheHttpsPortGetsAClearJsonErrorAndHurtsNothing) {
  ASSERT_TRUE(StartServer().ok());
  auto plain = kjudge::testing::TestHttpClient(server_->port()).Get("/healthz");
  EXPECT_EQ(plain.status, 400) << plain.error;
  auto body = nlohmann::json::parse(plain.body, nullptr, false);
  EXPECT_EQ(body.value("error", ""), "bad_request") << plain.body;
  EXPECT_NE(body.value("message", "").find("https://"), std::string::npos) << plain.body;
  auto res = TrustedGet("/healthz");
  EXPECT_EQ(res.status, 200) << res.error;
}

TEST_F(TlsTest, ClientsOfferingOnlyTls11AreRefused) {
  ASSERT_TRUE(StartServer().ok());
  auto old = HttpsGet(server_->port(), "/healthz", {&cert_.cert_pem, TLS1_1_VERSION});
  EXPECT_EQ(old.status, 0);
  EXPECT_EQ(old.error.rfind("handshake:", 0), 0u) << old.error;
  EXPECT_EQ(TrustedGet("/healthz").status, 200);
}

TEST_F(TlsTest, AHandshakeThatNeverStartsIsCutOffAtTheHandshakeTimeout) {
  ServerOptions options;
  options.tls_handshake_timeout_s = 1;
  ASSERT_TRUE(StartServer(options).ok());
  const auto start = std::chrono::steady_clock::now();
  const std::string answer = kjudge::testing::TestHttpClient(server_->port()).Raw("", seconds(20));
  EXPECT_EQ(answer, "");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
}

TEST_F(TlsTest, UnusableCertificateOrKeyFilesFailAtStartSayingWhich) {
  const auto start_error = [this](const std::string& cert, const std::string& key) {
    ServerOptions options;
    options.port = 0;
    options.tls_cert_file = cert;
    options.tls_key_file = key;
    HttpServer server(options, std::make_shared<Router>());
    auto st = server.Start();
    EXPECT_FALSE(st.ok());
    if (st.ok()) return std::string();
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    return st.error().message;
  };
  const std::string missing = dir_.File("missing.pem");
  EXPECT_NE(start_error(missing, KeyPath()).find("cannot read TLS certificate '" + missing + "'"), std::string::npos);
  EXPECT_NE(start_error(CertPath(), missing).find("cannot read TLS key '" + missing + "'"), std::string::npos);

  const std::string garbage = dir_.File("garbage.pem");
  WriteFile(garbage, "not a certificate\n");
  EXPECT_NE(start_error(garbage, KeyPath()).find("'" + garbage + "' is not a PEM certificate"), std::string::npos);
  EXPECT_NE(start_error(CertPath(), garbage).find("'" + garbage + "' is not an unencrypted PEM private key"),
            std::string::npos);

  const std::string other_key = dir_.File("other-key.pem");
  WriteFile(other_key, kjudge::testing::MakeSelfSignedCertificate().key_pem);
  EXPECT_NE(start_error(CertPath(), other_key).find("does not match"), std::string::npos);

  EXPECT_NE(start_error(CertPath(), "").find("both a certificate file and a key file"), std::string::npos);
}

}  // namespace
}  // namespace kjudge::http
