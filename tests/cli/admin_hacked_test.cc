// Hacked submissions from the operator's side: `kjudge admin mark-hacked` / `unmark-hacked` on the
// database file of a running server, and the raw audit data a real judging (the cpu runner, the
// real sandbox) stores with its run, which an audit of a suspect run reads back.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>

#include "cli/cli_fixture.h"
#include "e2e/server_fixture.h"

namespace kjudge {
namespace {

using nlohmann::json;
using testing::CliHome;

json Parse(const testing::TestResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.status << ": " << r.body << r.error;
  return j;
}

/// The supervisor's seed mixing (src/runner/supervisor.cc), restated: the audit must let anyone
/// rederive the seeds from what is stored.
std::uint64_t MixSeed(std::uint64_t a, std::uint64_t b) {
  std::uint64_t z = a ^ (b + 0x9e3779b97f4a7c15ull + (a << 6) + (a >> 2));
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::int64_t SubmitLeaderboard(testing::TestHttpClient& client, const std::string& source) {
  auto r = client.Request(boost::beast::http::verb::post, "/api/v1/submissions",
                          json{{"problem", "vectoradd"}, {"gpu", "cpu"}, {"mode", "leaderboard"},
                               {"file_name", "solution.cpp"}, {"source", source}}
                              .dump());
  EXPECT_EQ(r.status, 201) << r.body;
  return Parse(r).value("id", std::int64_t{0});
}

TEST(AdminHackedTest, MarkAndUnmarkWorkOnTheDatabaseOfARunningServer) {
  testing::ServerProcess server({"--problems", std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd"});
  ASSERT_TRUE(server.started()) << server.error();
  const std::string token = server.AddUser("alice");
  auto alice = testing::AuthedClient(server.port(), token);
  const std::int64_t id = SubmitLeaderboard(*alice, "// mine\n" + testing::Source("problems/vectoradd/solutions/correct/naive.cpp"));
  ASSERT_GT(id, 0);
  CliHome home;
  const std::map<std::string, std::string> env = {{"USER", "judge"}};
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "admin");
    args.insert(args.end(), {"--db", server.db()});
    return home.Run(args, env);
  };

  auto marked = run({"mark-hacked", std::to_string(id), "--reason", "reads the expected outputs from /proc"});
  ASSERT_EQ(marked.exit_code, 0) << marked.out << marked.err;
  EXPECT_NE(marked.out.find("marked hacked by cli:judge"), std::string::npos) << marked.out;
  auto seen = Parse(alice->Get("/api/v1/submissions/" + std::to_string(id)));
  EXPECT_EQ(seen["hacked"]["reason"], "reads the expected outputs from /proc");
  EXPECT_EQ(seen["id"], id) << "the submission itself is still there";

  auto twice = run({"mark-hacked", std::to_string(id), "--reason", "again"});
  EXPECT_EQ(twice.exit_code, 1) << twice.out << twice.err;
  EXPECT_NE(twice.err.find("already marked hacked"), std::string::npos) << twice.err;
  auto unknown = run({"mark-hacked", "987654", "--reason", "x"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no submission 987654"), std::string::npos) << unknown.err;
  EXPECT_EQ(run({"mark-hacked", std::to_string(id), "--reason", "   "}).exit_code, 2) << "a blank reason is a usage error";
  EXPECT_EQ(run({"mark-hacked", std::to_string(id)}).exit_code, 2) << "--reason is required";
  EXPECT_EQ(run({"mark-hacked", "abc", "--reason", "x"}).exit_code, 2);
  EXPECT_EQ(run({"mark-hacked", std::to_string(id), "--reason", std::string(3000, 'x')}).exit_code, 2);

  auto unmarked = run({"unmark-hacked", std::to_string(id)});
  ASSERT_EQ(unmarked.exit_code, 0) << unmarked.out << unmarked.err;
  EXPECT_NE(unmarked.out.find("reads the expected outputs from /proc"), std::string::npos) << unmarked.out;
  EXPECT_TRUE(Parse(alice->Get("/api/v1/submissions/" + std::to_string(id)))["hacked"].is_null());
  EXPECT_EQ(run({"unmark-hacked", std::to_string(id)}).exit_code, 1) << "nothing to unmark";

  const std::string admin = server.AddUser("root", "admin");
  auto audit = Parse(testing::AuthedClient(server.port(), admin)->Get("/api/v1/admin/audit?limit=10"));
  std::vector<std::string> actions;
  for (const auto& e : audit["entries"]) {
    if (e["target"] == "submission:" + std::to_string(id)) {
      actions.push_back(e["action"].get<std::string>() + " by " + e["actor"].get<std::string>());
    }
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"submission.unhacked by cli:judge", "submission.hacked by cli:judge"}));
}

TEST(AdminHackedTest, AJudgedRunKeepsItsRawAuditDataAndAMarkTakesItOffTheBoardAtOnce) {
  KJ_REQUIRE_SANDBOX();
  testing::ServerProcess server(
      {"--problems", std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd", "--local-runner", "cpu"});
  ASSERT_TRUE(server.started()) << server.error();
  const std::string token = server.AddUser("alice");
  auto alice = testing::AuthedClient(server.port(), token);
  const std::int64_t id = SubmitLeaderboard(*alice, testing::Source("problems/vectoradd/solutions/correct/naive.cpp"));
  ASSERT_GT(id, 0);

  // Wait for the verdict on the submission's own events (long polls), within a deadline.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
  json sub;
  for (std::int64_t after = 0;;) {
    sub = Parse(alice->Get("/api/v1/submissions/" + std::to_string(id)));
    if (!sub.contains("queue")) break;  // every job finished
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "not judged in time: " << sub.dump();
    auto events = Parse(alice->Get("/api/v1/submissions/" + std::to_string(id) + "/events?wait_s=3&after=" + std::to_string(after)));
    for (const auto& e : events["events"]) after = std::max(after, e["seq"].get<std::int64_t>());
  }
  ASSERT_EQ(sub["status"], "passed") << sub.dump();
  ASSERT_EQ(sub["runs"].size(), 1u);
  const std::int64_t run_id = sub["runs"][0]["id"];
  for (const auto& c : sub["runs"][0]["cases"]) EXPECT_FALSE(c.contains("audit")) << "runs keep their shape";

  auto reply = alice->Get("/api/v1/runs/" + std::to_string(run_id) + "/audit");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const json audit = Parse(reply);
  EXPECT_EQ(audit["mode"], "leaderboard");
  int benchmarks = 0;
  std::optional<std::string> secret;
  for (const auto& c : audit["cases"]) {
    SCOPED_TRACE(c["kind"].get<std::string>() + " " + std::to_string(c["index"].get<int>()));
    ASSERT_TRUE(c["audit"].is_object()) << c.dump();
    const json& seeds = c["audit"]["seeds"];
    const std::uint64_t spec = std::stoull(seeds["spec"].get<std::string>());
    const std::uint64_t inputs = std::stoull(seeds["inputs"].get<std::string>());
    if (c["kind"] == "test") {
      EXPECT_EQ(inputs, spec);
      EXPECT_TRUE(seeds["secret"].is_null());
      continue;
    }
    ++benchmarks;
    // Leaderboard mode: every benchmark drew from the run's one secret, and the stored seeds derive.
    ASSERT_TRUE(seeds["secret"].is_string()) << seeds.dump();
    if (!secret) secret = seeds["secret"].get<std::string>();
    EXPECT_EQ(seeds["secret"], *secret);
    EXPECT_EQ(inputs, MixSeed(spec, std::stoull(*secret)));
    const json& timing = c["timing"];
    const auto& samples = c["audit"]["samples_ns"];
    const auto& walls = c["audit"]["wall_ns"];
    ASSERT_EQ(samples.size(), timing["samples"].get<std::size_t>());
    ASSERT_EQ(walls.size(), samples.size()) << "one observed wall time per sample";
    double sum = 0, lowest = samples[0].get<double>();
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const double t = samples[i].get<double>(), w = walls[i].get<double>();
      EXPECT_GT(t, 0);
      EXPECT_GT(w, 0);
      sum += t;
      lowest = std::min(lowest, t);
    }
    // The audit keeps the times as reported; what the supervisor's clock charged on top is stored
    // with them (docs/security.md, charging), so the case's mean is reproducible from the two.
    const double charged = timing.value("charged_ns", 0.0);
    EXPECT_GE(charged, 0);
    EXPECT_NEAR(sum / static_cast<double>(samples.size()) + charged, timing["mean_ns"].get<double>(),
                1e-6 * timing["mean_ns"].get<double>());
    EXPECT_LE(lowest, timing["min_ns"].get<double>());
    if (charged == 0) {
      EXPECT_EQ(lowest, timing["min_ns"].get<double>());
    }
    EXPECT_FALSE(timing["timer"].get<std::string>().empty()) << "the timer used is stored";
    EXPECT_TRUE(timing["wall_split_ms"].is_object());
    EXPECT_TRUE(c["audit"]["sm_clock_mhz"].is_array()) << "empty on the host backend, which has no SM clock";
  }
  EXPECT_EQ(benchmarks, 3);

  // A stranger cannot read it; the mark takes the entry off the board at once.
  auto bob = testing::AuthedClient(server.port(), server.AddUser("bob"));
  EXPECT_EQ(bob->Get("/api/v1/runs/" + std::to_string(run_id) + "/audit").status, 404);
  ASSERT_EQ(Parse(bob->Get("/api/v1/leaderboards/vectoradd/cpu"))["entries"].size(), 1u);
  auto organizer = testing::AuthedClient(server.port(), server.AddUser("olga", "organizer"));
  auto marked = organizer->Request(boost::beast::http::verb::post, "/api/v1/admin/submissions/" + std::to_string(id) + "/hacked",
                                   R"({"reason":"timer forged"})");
  ASSERT_EQ(marked.status, 200) << marked.body;
  EXPECT_TRUE(Parse(bob->Get("/api/v1/leaderboards/vectoradd/cpu"))["entries"].empty());
  EXPECT_EQ(Parse(alice->Get("/api/v1/runs/" + std::to_string(run_id) + "/audit"))["hacked"]["reason"], "timer forged");
}

}  // namespace
}  // namespace kjudge
