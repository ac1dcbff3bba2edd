// The judging pipeline end to end on the host CPU backend: the real server with in-process
// runners, real compilers in the real sandbox, every cpp sample solution of every problem under
// problems/ judged in leaderboard mode and compared with the verdict its first line declares.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "kjudge/problem/solution_header.h"
#include "kjudge/sandbox/sandbox_check.h"
#include "server_fixture.h"

namespace kjudge {
namespace {

namespace fs = std::filesystem;
using beast_verb = boost::beast::http::verb;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}


struct Pending {
  std::string name;      ///< problem/solutions/kind/file
  std::string expected;  ///< verdict
  std::int64_t id = 0;
};

/// Polls until the submission leaves queued/judging; returns the final JSON.
nlohmann::json WaitForVerdict(testing::TestHttpClient& client, std::int64_t id, std::chrono::seconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  nlohmann::json last;
  while (std::chrono::steady_clock::now() < end) {
    // Long-poll on the event stream rather than sleeping: returns as soon as something happens.
    client.Get("/api/v1/submissions/" + std::to_string(id) + "/events?after=1000000&wait_s=1");
    auto r = client.Get("/api/v1/submissions/" + std::to_string(id));
    last = nlohmann::json::parse(r.body, nullptr, false);
    if (last.is_object()) {
      const std::string status = last.value("status", "");
      if (status != "queued" && status != "judging") return last;
    }
  }
  return last;
}

TEST(PipelineTest, EverySampleCppSolutionGetsItsDeclaredVerdict) {
  KJ_REQUIRE_SANDBOX();
  // Every sample at once: more than the default cap of 20 waiting jobs per user.
  testing::ServerProcess server({"--problems", std::string(KJUDGE_SOURCE_DIR) + "/problems", "--local-runner", "cpu",
                                 "--local-runner", "cpu", "--max-queued-jobs", "200"});
  ASSERT_TRUE(server.started()) << server.error();
  const std::string token = server.AddUser("alice");
  auto client = testing::AuthedClient(server.port(), token);

  std::vector<Pending> pending;
  for (const auto& problem : fs::directory_iterator(fs::path(KJUDGE_SOURCE_DIR) / "problems")) {
    const fs::path solutions = problem.path() / "solutions";
    if (!fs::is_directory(solutions) || !fs::exists(problem.path() / "problem.yaml")) continue;
    for (const auto& file : fs::recursive_directory_iterator(solutions)) {
      if (file.path().extension() != ".cpp") continue;
      const std::string source = ReadFile(file.path());
      auto header = problem::ParseSolutionHeader(source);
      ASSERT_TRUE(header.ok()) << file.path() << ": " << header.error().message;
      nlohmann::json body = {{"problem", problem.path().filename().string()}, {"gpu", "cpu"}, {"mode", "leaderboard"},
                             {"file_name", file.path().filename().string()}, {"source", source}};
      auto r = client->Request(beast_verb::post, "/api/v1/submissions", body.dump());
      ASSERT_EQ(r.status, 201) << file.path() << ": " << r.body;
      pending.push_back({fs::relative(file.path(), fs::path(KJUDGE_SOURCE_DIR) / "problems").string(),
                         header->VerdictFor("leaderboard"), nlohmann::json::parse(r.body)["id"].get<std::int64_t>()});
    }
  }
  ASSERT_GE(pending.size(), 5u) << "expected the sample problems' cpp solutions";
  for (const auto& p : pending) {
    auto result = WaitForVerdict(*client, p.id, std::chrono::seconds(300));
    const std::string got = result.is_object() ? result.value("status", "?") : "?";
    std::string message;
    if (result.is_object() && result.contains("runs") && !result["runs"].empty()) {
      message = result["runs"].back().value("message", "");
    }
    EXPECT_EQ(got, p.expected) << p.name << ": " << message;
    if (got == "passed" && p.expected == "passed") {
      const auto& run = result["runs"].back();
      EXPECT_TRUE(run["score_ns"].is_number()) << p.name;
      EXPECT_FALSE(run["cases"].empty()) << p.name;
    }
  }
  // One competitor: one entry per leaderboard, their best passing leaderboard-mode run.
  testing::TestHttpClient anonymous(server.port());
  auto board = anonymous.Get("/api/v1/leaderboards/vectoradd/cpu");
  ASSERT_EQ(board.status, 200) << board.body;
  auto standings = nlohmann::json::parse(board.body);
  ASSERT_EQ(standings["entries"].size(), 1u) << board.body;
  EXPECT_EQ(standings["entries"][0]["user"], "alice");
  EXPECT_GT(standings["entries"][0]["score_ns"].get<double>(), 0);
  EXPECT_EQ(anonymous.Get("/api/v1/leaderboards/vectoradd/no-such-gpu").status, 404);

  auto stopped = server.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
}

TEST(PipelineTest, CompileErrorComesBackWithTheCompilerLog) {
  KJ_REQUIRE_SANDBOX();
  testing::ServerProcess server({"--problems", std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd", "--local-runner", "cpu"});
  ASSERT_TRUE(server.started()) << server.error();
  auto client = testing::AuthedClient(server.port(), server.AddUser("bob"));
  nlohmann::json body = {{"problem", "vectoradd"}, {"gpu", "cpu"}, {"mode", "test"}, {"file_name", "mine.cpp"},
                         {"source", "#include <cstdint>\nvoid vectoradd(int x) { return undeclared_thing; }\n"}};
  auto r = client->Request(beast_verb::post, "/api/v1/submissions", body.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  auto result = WaitForVerdict(*client, nlohmann::json::parse(r.body)["id"].get<std::int64_t>(), std::chrono::seconds(120));
  EXPECT_EQ(result.value("status", ""), "compile_error") << result.dump();
  ASSERT_FALSE(result["runs"].empty());
  const std::string log = result["runs"].back().value("compile_log", "");
  EXPECT_NE(log.find("undeclared_thing"), std::string::npos) << log;
}

TEST(PipelineTest, RunnerRoutesRefuseCompetitorTokens) {
  testing::ServerProcess server({"--problems", std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd"});
  ASSERT_TRUE(server.started()) << server.error();
  auto competitor = testing::AuthedClient(server.port(), server.AddUser("carol"));
  auto lease = competitor->Request(beast_verb::post, "/api/runner/lease", R"({"gpu":"cpu","wait_s":0})");
  EXPECT_EQ(lease.status, 403) << lease.body;
  testing::TestHttpClient anonymous(server.port());
  EXPECT_EQ(anonymous.Request(beast_verb::post, "/api/runner/lease", R"({"gpu":"cpu"})").status, 401);
  auto runner = testing::AuthedClient(server.port(), server.AddUser("gpu-box", "runner"));
  auto empty = runner->Request(beast_verb::post, "/api/runner/lease", R"({"gpu":"cpu","wait_s":0})");
  EXPECT_EQ(empty.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(empty.body)["job"].is_null());
  // A runner cannot submit; a competitor cannot read a job's problem files.
  EXPECT_EQ(runner->Request(beast_verb::post, "/api/v1/submissions", "{}").status, 403);
  EXPECT_EQ(competitor->Get("/api/runner/problems/abc").status, 403);
}

TEST(PipelineTest, QueuedJobsSurviveARestart) {
  std::string dir, token;
  std::int64_t id = 0;
  const std::vector<std::string> flags = {"--problems", std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd"};
  {
    testing::ServerProcess server(flags);
    ASSERT_TRUE(server.started()) << server.error();
    token = server.AddUser("dave");
    auto client = testing::AuthedClient(server.port(), token);
    nlohmann::json body = {{"problem", "vectoradd"}, {"gpu", "cpu"}, {"mode", "test"}, {"file_name", "a.cpp"}, {"source", "int x;"}};
    auto r = client->Request(beast_verb::post, "/api/v1/submissions", body.dump());
    ASSERT_EQ(r.status, 201) << r.body;
    id = nlohmann::json::parse(r.body)["id"].get<std::int64_t>();
    auto stopped = server.Stop();
    EXPECT_EQ(stopped.exit_code, 0) << "SIGTERM is a clean shutdown: " << stopped.err;
    dir = server.KeepDirectory();
  }
  testing::ServerProcess again(flags, dir);
  ASSERT_TRUE(again.started()) << again.error();
  auto client = testing::AuthedClient(again.port(), token);
  auto r = client->Get("/api/v1/submissions/" + std::to_string(id));
  ASSERT_EQ(r.status, 200) << r.body;
  auto sub = nlohmann::json::parse(r.body);
  EXPECT_EQ(sub["status"], "queued");
  EXPECT_EQ(sub["jobs"][0]["status"], "queued");
  again.Stop();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kjudge
