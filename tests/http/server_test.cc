#include "kjudge/http/server.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "kjudge/http/health.h"
#include "support/http_test_client.h"

namespace kjudge::http {
namespace {

using kjudge::testing::TestHttpClient;

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}, Status db_status = Ok()) {
    auto router = std::make_shared<Router>();
    AddHealthRoutes(*router, [db_status] { return db_status; });
    router->Add(beast_http::verb::post, "/echo", [](const Request& req, const PathParams&) {
      return JsonResponse(req, beast_http::status::ok, nlohmann::json{{"size", req.body().size()}}.dump());
    });
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, router);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
  }
  std::unique_ptr<HttpServer> server_;
};

TEST_F(ServerTest, HealthzReportsOkOverRealSocket) {
  StartServer();
  TestHttpClient client(server_->port());
  auto res = client.Get("/healthz");
  ASSERT_EQ(res.status, 200) << res.error;
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_EQ(res.headers[boost::beast::http::field::content_type], "application/json");
}

TEST_F(ServerTest, HealthzIs503WhenTheDatabaseFails) {
  StartServer({}, MakeError(ErrorCode::kUnavailable, "disk gone"));
  auto res = TestHttpClient(server_->port()).Get("/healthz");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "unavailable");
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  TestHttpClient client(server_->port());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.Get("/healthz").status, 200);
  EXPECT_EQ(client.Get("/nope").status, 404);
  EXPECT_EQ(client.Get("/healthz").status, 200);
}

TEST_F(ServerTest, OversizedBodyIs413AsJson) {
  ServerOptions opts;
  opts.body_limit_bytes = 1000;
  StartServer(opts);
  TestHttpClient client(server_->port());
  EXPECT_EQ(client.Request(beast_http::verb::post, "/echo", std::string(999, 'x')).status, 200);
  TestHttpClient fresh(server_->port());
  auto res = fresh.Request(beast_http::verb::post, "/echo", std::string(5000, 'x'));
  EXPECT_EQ(res.status, 413) << res.error;
  EXPECT_EQ(nlohmann::json::parse(res.body)["error"], "payload_too_large");
}

TEST_F(ServerTest, GarbageRequestGets400AndServerKeepsServing) {
  StartServer();
  TestHttpClient raw(server_->port());
  std::string answer = raw.Raw("\x01\x02 NOT HTTP AT ALL\r\n\r\n");
  EXPECT_NE(answer.find("400"), std::string::npos) << answer;
  EXPECT_EQ(TestHttpClient(server_->port()).Get("/healthz").status, 200);
}

TEST_F(ServerTest, SlowClientIsDisconnectedAfterReadTimeout) {
  ServerOptions opts;
  opts.read_timeout_s = 1;
  StartServer(opts);
  TestHttpClient raw(server_->port());
  // Half a request, then silence: the server must close the socket on its own.
  std::string answer = raw.Raw("GET /healthz HTTP/1.1\r\nHost: x\r\n", std::chrono::seconds(10));
  EXPECT_EQ(answer, "");
  EXPECT_EQ(TestHttpClient(server_->port()).Get("/healthz").status, 200);
}

TEST_F(ServerTest, StopRefusesNewConnections) {
  StartServer();
  const auto port = server_->port();
  server_->Stop();
  server_->Wait();
  auto res = TestHttpClient(port).Get("/healthz");
  EXPECT_EQ(res.status, 0);
  EXPECT_FALSE(res.error.empty());
}

TEST(ListenAddressTest, Parses) {
  auto a = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "127.0.0.1");
  EXPECT_EQ(a->second, 8080);
  EXPECT_EQ(ParseListenAddress(":9000")->first, "0.0.0.0");
  EXPECT_EQ(ParseListenAddress("[::1]:80")->first, "::1");
  EXPECT_FALSE(ParseListenAddress("localhost").ok());
  EXPECT_FALSE(ParseListenAddress("1.2.3.4:99999").ok());
  EXPECT_FALSE(ParseListenAddress("1.2.3.4:").ok());
  EXPECT_FALSE(ParseListenAddress("example.org:80").ok());
}

}  // namespace
}  // namespace kjudge::http
