#include "kjudge/http/server.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "kjudge/http/health.h"
#include "support/http_test_client.h"
#include "support/sse_test_client.h"

namespace kjudge::http {
namespace {

namespace asio = boost::asio;
using kjudge::testing::SseTestClient;
using kjudge::testing::TestHttpClient;
using std::chrono::milliseconds;
using std::chrono::seconds;
using tcp = asio::ip::tcp;

/// Polls `done` until it holds or `deadline` passes (for state with no event to wait on).
template <class Pred>
bool WaitUntil(Pred done, milliseconds deadline = seconds(10)) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// A stream handler's first step: a 200 text/plain head.
bool BeginText(const Request& req, StreamWriter& out) {
  Response head{beast_http::status::ok, req.version()};
  head.set(beast_http::field::content_type, "text/plain");
  return out.Begin(std::move(head));
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : router_(std::make_shared<Router>()) {}

  void StartServer(ServerOptions options = {}, Status db_status = Ok()) {
    AddHealthRoutes(*router_, [db_status] { return db_status; });
    router_->Add(beast_http::verb::post, "/echo", [](const Request& req, const PathParams&) {
      return JsonResponse(req, beast_http::status::ok, nlohmann::json{{"size", req.body().size()}}.dump());
    });
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, router_);
    ASSERT_TRUE(server_->Start().ok());
  }
  void StopServer() {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
  }
  void TearDown() override { StopServer(); }

  std::shared_ptr<Router> router_;
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
  EXPECT_EQ(server_->live_connections(), 1);
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
  EXPECT_NE(answer.find(R"("error":"bad_request")"), std::string::npos) << answer;
  EXPECT_EQ(TestHttpClient(server_->port()).Get("/healthz").status, 200);
}

TEST_F(ServerTest, SlowClientIsDisconnectedAfterReadTimeout) {
  ServerOptions opts;
  opts.read_timeout_s = 1;
  StartServer(opts);
  TestHttpClient raw(server_->port());
  // Half a request, then silence: the server must close the socket on its own.
  std::string answer = raw.Raw("GET /healthz HTTP/1.1\r\nHost: x\r\n", seconds(10));
  EXPECT_EQ(answer, "");
  EXPECT_EQ(TestHttpClient(server_->port()).Get("/healthz").status, 200);
}

TEST_F(ServerTest, SlowlorisTricklingHeadersIsCutOffAtTheReadTimeout) {
  ServerOptions opts;
  opts.read_timeout_s = 1;
  StartServer(opts);
  // One byte every 50 ms of a request that would take 15 s to send: every byte resets nothing,
  // the whole request must have arrived within the read timeout.
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(300, 'a') + "\r\n\r\n";
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  const auto start = std::chrono::steady_clock::now();
  asio::steady_timer trickle(ioc);
  std::size_t sent = 0;
  std::function<void()> send_next = [&] {
    if (sent >= request.size()) return;
    boost::system::error_code ec;
    asio::write(socket, asio::buffer(&request[sent], 1), ec);
    if (ec) return;
    ++sent;
    trickle.expires_after(milliseconds(50));
    trickle.async_wait([&](boost::system::error_code wec) {
      if (!wec) send_next();
    });
  };
  send_next();
  char scratch[256];
  std::size_t answered = 0;
  double closed_after_s = -1;
  std::function<void()> read_next = [&] {
    socket.async_read_some(asio::buffer(scratch), [&](boost::system::error_code ec, std::size_t n) {
      answered += n;
      if (ec) {
        closed_after_s = SecondsSince(start);
        trickle.cancel();
        return;
      }
      read_next();
    });
  };
  read_next();
  ioc.run_for(seconds(20));
  ASSERT_GT(closed_after_s, 0) << "the server never closed the trickling connection";
  EXPECT_GE(closed_after_s, 0.9);
  EXPECT_LT(closed_after_s, 4.0);
  EXPECT_LT(sent, request.size());
  EXPECT_EQ(answered, 0u);
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

TEST_F(ServerTest, StopClosesIdleKeepAliveConnectionsWithoutWaitingForTheGrace) {
  StartServer();
  TestHttpClient client(server_->port());
  ASSERT_EQ(client.Get("/healthz").status, 200);
  ASSERT_EQ(server_->live_connections(), 1);
  const auto start = std::chrono::steady_clock::now();
  server_->Stop(20000);
  EXPECT_LT(SecondsSince(start), 5.0);
  EXPECT_EQ(server_->live_connections(), 0);
}

TEST_F(ServerTest, StopLetsAnInFlightBlockingRequestFinish) {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  router_->Add(
      beast_http::verb::get, "/slow",
      [&entered, released](const Request& req, const PathParams&) {
        entered.set_value();
        released.wait_for(seconds(20));
        return JsonResponse(req, beast_http::status::ok, R"({"slow":true})");
      },
      RouteKind::kBlocking);
  StartServer();
  const auto port = server_->port();
  auto in_flight = std::async(std::launch::async, [port] { return TestHttpClient(port).Get("/slow"); });
  ASSERT_EQ(entered.get_future().wait_for(seconds(10)), std::future_status::ready);
  auto stopping = std::async(std::launch::async, [this] { server_->Stop(20000); });
  // Once the listener is closed, new connections are refused while the request is still running.
  EXPECT_TRUE(WaitUntil([port] { return TestHttpClient(port).Get("/healthz").status == 0; }));
  release.set_value();
  auto res = in_flight.get();
  EXPECT_EQ(res.status, 200) << res.error;
  EXPECT_EQ(nlohmann::json::parse(res.body, nullptr, false), nlohmann::json({{"slow", true}}));
  EXPECT_EQ(res.headers[beast_http::field::connection], "close");
  EXPECT_EQ(stopping.wait_for(seconds(10)), std::future_status::ready);
}

TEST_F(ServerTest, ConnectionsPerAddressAreCappedWithJson429) {
  ServerOptions opts;
  opts.max_connections_per_ip = 2;
  StartServer(opts);
  auto first = std::make_unique<TestHttpClient>(server_->port());
  TestHttpClient second(server_->port());
  ASSERT_EQ(first->Get("/healthz").status, 200);
  ASSERT_EQ(second.Get("/healthz").status, 200);
  auto refused = TestHttpClient(server_->port()).Get("/healthz");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(nlohmann::json::parse(refused.body, nullptr, false).value("error", ""), "rate_limited") << refused.body;
  // A connection that closes gives its place back.
  first.reset();
  EXPECT_TRUE(WaitUntil([&] { return TestHttpClient(server_->port()).Get("/healthz").status == 200; }));
  EXPECT_EQ(second.Get("/healthz").status, 200);
}

TEST_F(ServerTest, ClientThatDoesNotReadALargeResponseIsDroppedAfterTheWriteTimeout) {
  auto served = std::make_shared<std::promise<void>>();
  router_->Add(beast_http::verb::get, "/big", [served](const Request& req, const PathParams&) {
    Response res{beast_http::status::ok, req.version()};
    res.body().assign(64 << 20, 'x');
    res.prepare_payload();
    served->set_value();
    return res;
  });
  ServerOptions opts;
  opts.write_timeout_s = 1;
  StartServer(opts);
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.open(tcp::v4());
  socket.set_option(asio::socket_base::receive_buffer_size(4096));
  socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  asio::write(socket, asio::buffer(std::string("GET /big HTTP/1.1\r\nHost: x\r\n\r\n")));
  ASSERT_EQ(served->get_future().wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(server_->live_connections(), 1);
  // The client holds its socket open and reads nothing: the server gives up on it by itself.
  EXPECT_TRUE(WaitUntil([&] { return server_->live_connections() == 0; }, seconds(15)));
  EXPECT_EQ(TestHttpClient(server_->port()).Get("/healthz").status, 200);
}

TEST_F(ServerTest, StreamRouteSendsAChunkedBodyAndKeepsTheConnection) {
  router_->AddStream(beast_http::verb::get, "/count", [](const Request& req, const PathParams&, StreamWriter& out) {
    if (!BeginText(req, out)) return;
    for (const char* part : {"one ", "", "two ", "three"}) {
      if (!out.Write(part)) return;
    }
  });
  StartServer();
  TestHttpClient client(server_->port());
  auto res = client.Get("/count");
  ASSERT_EQ(res.status, 200) << res.error;
  EXPECT_EQ(res.body, "one two three");
  EXPECT_EQ(res.headers[beast_http::field::transfer_encoding], "chunked");
  EXPECT_EQ(res.headers[beast_http::field::content_type], "text/plain");
  EXPECT_EQ(client.Get("/healthz").status, 200);
  EXPECT_EQ(client.Get("/count").body, "one two three");
  EXPECT_EQ(server_->live_connections(), 1);
}

TEST_F(ServerTest, StreamToAnHttp10ClientEndsByClosing) {
  router_->AddStream(beast_http::verb::get, "/count", [](const Request& req, const PathParams&, StreamWriter& out) {
    if (!BeginText(req, out)) return;
    out.Write("one ");
    out.Write("two");
  });
  StartServer();
  const std::string answer = TestHttpClient(server_->port()).Raw("GET /count HTTP/1.0\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << answer;
  EXPECT_EQ(answer.find("chunked"), std::string::npos) << answer;
  EXPECT_EQ(answer.substr(answer.size() - 11), "\r\n\r\none two") << answer;
}

TEST_F(ServerTest, StreamHandlerMayAnswerWithAJsonErrorInstead) {
  router_->AddStream(beast_http::verb::get, "/refuse", [](const Request& req, const PathParams&, StreamWriter& out) {
    out.Respond(ErrorResponse(req, beast_http::status::conflict, "failed_precondition", "not now"));
  });
  StartServer();
  TestHttpClient client(server_->port());
  auto res = client.Get("/refuse");
  EXPECT_EQ(res.status, 409);
  EXPECT_EQ(nlohmann::json::parse(res.body, nullptr, false).value("message", ""), "not now");
  EXPECT_EQ(client.Get("/healthz").status, 200);
  const std::string head = TestHttpClient(server_->port()).Raw("HEAD /refuse HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 405 ", 0), 0u) << head;
}

TEST_F(ServerTest, StreamWriteFailsWithinTheWriteTimeoutWhenTheClientStopsReading) {
  std::promise<std::size_t> gave_up;
  router_->AddStream(beast_http::verb::get, "/flood", [&gave_up](const Request& req, const PathParams&, StreamWriter& out) {
    std::size_t written = 0;
    if (BeginText(req, out)) {
      const std::string chunk(256 << 10, 'x');
      while (written < (1u << 30) && out.Write(chunk)) written += chunk.size();
    }
    gave_up.set_value(written);
  });
  ServerOptions opts;
  opts.write_timeout_s = 1;
  StartServer(opts);
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.open(tcp::v4());
  socket.set_option(asio::socket_base::receive_buffer_size(4096));
  socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  asio::write(socket, asio::buffer(std::string("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n")));
  auto result = gave_up.get_future();
  ASSERT_EQ(result.wait_for(seconds(15)), std::future_status::ready) << "the stream thread is still pinned";
  EXPECT_LT(result.get(), 1u << 30);
  EXPECT_TRUE(WaitUntil([&] { return server_->live_connections() == 0; }));
  StopServer();
}

TEST_F(ServerTest, StreamNoticesAClientThatLeavesWithoutWriting) {
  std::promise<void> noticed;
  router_->AddStream(beast_http::verb::get, "/wait", [&noticed](const Request& req, const PathParams&, StreamWriter& out) {
    if (!BeginText(req, out) || !out.Write("hello")) return;
    const auto end = std::chrono::steady_clock::now() + seconds(20);
    while (!out.ClientGone() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(milliseconds(5));
    if (out.ClientGone()) noticed.set_value();
  });
  StartServer();
  SseTestClient client(server_->port());
  ASSERT_TRUE(client.Open("/wait")) << client.error();
  ASSERT_TRUE(client.ReadUntil("hello"));
  client.Close();
  EXPECT_EQ(noticed.get_future().wait_for(seconds(10)), std::future_status::ready);
  StopServer();
}

TEST_F(ServerTest, StopEndsStreamsPromptlyWithACompleteResponse) {
  router_->AddStream(beast_http::verb::get, "/wait", [](const Request& req, const PathParams&, StreamWriter& out) {
    if (!BeginText(req, out) || !out.Write("started ")) return;
    while (!out.Stopping() && !out.ClientGone()) std::this_thread::sleep_for(milliseconds(5));
    out.Write("bye");
  });
  StartServer();
  SseTestClient client(server_->port());
  ASSERT_TRUE(client.Open("/wait")) << client.error();
  ASSERT_TRUE(client.ReadUntil("started"));
  const auto start = std::chrono::steady_clock::now();
  auto stopping = std::async(std::launch::async, [this] { server_->Stop(20000); });
  EXPECT_TRUE(client.ReadToEnd(seconds(10))) << client.error();
  EXPECT_EQ(client.body(), "started bye");
  EXPECT_TRUE(client.WaitForClose());
  EXPECT_EQ(stopping.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_LT(SecondsSince(start), 5.0);
}

TEST_F(ServerTest, StreamsBeyondTheServerWideCapGetJson503) {
  router_->AddStream(beast_http::verb::get, "/wait", [](const Request& req, const PathParams&, StreamWriter& out) {
    if (!BeginText(req, out) || !out.Write("started")) return;
    while (!out.Stopping() && !out.ClientGone()) std::this_thread::sleep_for(milliseconds(5));
  });
  ServerOptions opts;
  opts.max_streams = 1;
  StartServer(opts);
  SseTestClient holder(server_->port());
  ASSERT_TRUE(holder.Open("/wait")) << holder.error();
  ASSERT_TRUE(holder.ReadUntil("started"));
  auto res = TestHttpClient(server_->port()).Get("/wait");
  EXPECT_EQ(res.status, 503);
  EXPECT_EQ(nlohmann::json::parse(res.body, nullptr, false).value("error", ""), "unavailable") << res.body;
  EXPECT_FALSE(res.headers[beast_http::field::retry_after].empty());
  // The place is free again once the holder leaves.
  holder.Close();
  EXPECT_TRUE(WaitUntil([&] {
    SseTestClient next(server_->port());
    return next.Open("/wait") && next.status() == 200;
  }));
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
