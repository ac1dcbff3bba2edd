// The real `kjudge serve` stopping on SIGTERM: a long-poll and a live event stream in flight get
// complete responses, new connections are refused, the process exits 0, and the queued job is
// still queued after a restart on the same database. Also `serve --tls-cert/--tls-key` end to end.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>

#include "server_fixture.h"
#include "support/https_test_client.h"
#include "support/sse_test_client.h"
#include "support/test_certificate.h"

namespace kjudge {
namespace {

using beast_verb = boost::beast::http::verb;
using std::chrono::seconds;

/// A test-mode submission of a vectoradd solution on the cpu GPU type; returns its id (0 on failure).
std::int64_t SubmitVectorAdd(testing::TestHttpClient& client) {
  const nlohmann::json body = {{"problem", "vectoradd"},
                               {"gpu", "cpu"},
                               {"mode", "test"},
                               {"file_name", "mine.cpp"},
                               {"source", "// waits in the queue: no runner runs in this test\n"}};
  auto r = client.Request(beast_verb::post, "/api/v1/submissions", body.dump());
  EXPECT_EQ(r.status, 201) << r.body << r.error;
  auto parsed = nlohmann::json::parse(r.body, nullptr, false);
  return parsed.is_object() ? parsed.value("id", std::int64_t{0}) : 0;
}

TEST(ShutdownTest, SigtermFinishesRequestsInFlightRefusesNewOnesAndKeepsQueuedJobs) {
  std::string dir;
  std::int64_t id = 0;
  std::string token;
  {
    testing::ServerProcess server({"--problems", std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd"});
    ASSERT_TRUE(server.started()) << server.error();
    token = server.AddUser("alice");
    const std::uint16_t port = server.port();
    id = SubmitVectorAdd(*testing::AuthedClient(port, token));
    ASSERT_GT(id, 0);
    const std::string submission = "/api/v1/submissions/" + std::to_string(id);

    // A long-poll that waits for events after the "queued" one (none come: there is no runner)...
    auto long_poll = std::async(std::launch::async, [port, token, submission] {
      return testing::AuthedClient(port, token)->Get(submission + "/events?after=1&wait_s=3");
    });
    // ...and a live event stream, seen to be under way before the signal.
    testing::SseTestClient stream(port);
    stream.SetHeader("Authorization", "Bearer " + token);
    ASSERT_TRUE(stream.Open(submission + "/stream")) << stream.error();
    ASSERT_EQ(stream.status(), 200);
    ASSERT_TRUE(stream.ReadUntil("event: queued\n")) << stream.body();

    auto stopped = std::async(std::launch::async, [&server] { return server.Stop(); });  // SIGTERM, wait for exit
    // The stream ends promptly and cleanly (terminating chunk), without an "end": the submission
    // is not finished, so a client would resume it later.
    EXPECT_TRUE(stream.ReadToEnd(seconds(10))) << stream.error() << "\n" << stream.body();
    EXPECT_EQ(stream.body().find("event: end"), std::string::npos) << stream.body();
    // The listener closed before streams were told to end: new connections are refused now.
    auto refused = testing::TestHttpClient(port).Get("/healthz");
    EXPECT_EQ(refused.status, 0);
    EXPECT_FALSE(refused.error.empty());

    auto polled = long_poll.get();
    EXPECT_EQ(polled.status, 200) << polled.error;
    EXPECT_EQ(nlohmann::json::parse(polled.body, nullptr, false), nlohmann::json::parse(R"({"events":[]})"))
        << polled.body;

    auto exit = stopped.get();
    EXPECT_EQ(exit.exit_code, 0) << exit.err;
    EXPECT_FALSE(exit.timed_out);
    dir = server.KeepDirectory();
  }

  testing::ServerProcess restarted({}, dir);
  ASSERT_TRUE(restarted.started()) << restarted.error();
  auto r = testing::AuthedClient(restarted.port(), token)->Get("/api/v1/submissions/" + std::to_string(id));
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["status"], "queued") << r.body;
  ASSERT_EQ(body["jobs"].size(), 1u) << r.body;
  EXPECT_EQ(body["jobs"][0]["status"], "queued") << r.body;
  EXPECT_EQ(restarted.Stop().exit_code, 0);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

class ServeTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kjudge-tls-XXXXXX";
    dir_ = mkdtemp(pattern);
    cert_ = testing::MakeSelfSignedCertificate();
    std::ofstream(dir_ + "/cert.pem") << cert_.cert_pem;
    std::ofstream(dir_ + "/key.pem") << cert_.key_pem;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::vector<std::string> Argv(const std::string& cert, const std::string& key) const {
    return {testing::KjudgeBinary(), "serve", "--db", dir_ + "/kjudge.db", "--listen", "127.0.0.1:0",
            "--tls-cert", cert, "--tls-key", key};
  }

  std::string dir_;
  testing::TestCertificate cert_;
};

TEST_F(ServeTlsTest, ServesHttpsOnlyAndSaysSo) {
  testing::Subprocess serve(Argv(dir_ + "/cert.pem", dir_ + "/key.pem"));
  auto line = serve.WaitForLine("kjudge serving on ", seconds(30));
  ASSERT_TRUE(line.has_value()) << serve.Wait(seconds(5)).err;
  ASSERT_NE(line->find("https://127.0.0.1:"), std::string::npos) << *line;
  const auto port = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  auto res = testing::HttpsGet(port, "/healthz", {&cert_.cert_pem});
  EXPECT_EQ(res.status, 200) << res.error;
  EXPECT_EQ(testing::TestHttpClient(port).Get("/healthz").status, 400);  // plain HTTP: told to use https
  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(seconds(30)).exit_code, 0);
}

TEST_F(ServeTlsTest, AMissingCertificateStopsTheStartWithAClearMessage) {
  const std::string missing = dir_ + "/missing.pem";
  auto r = testing::RunProcess(Argv(missing, dir_ + "/key.pem"), {}, seconds(30));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(r.timed_out);
  EXPECT_NE(r.err.find("cannot read TLS certificate '" + missing + "'"), std::string::npos) << r.err << r.out;
  EXPECT_EQ(r.out.find("kjudge serving on"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kjudge
