// The competitor's commands against a real `kjudge serve` (no runner: submissions stay queued, so
// nothing here needs the sandbox): problems, leaderboard, template, submissions, cancel, file
// directives choosing the target, refusals, and where the server and token come from (flag,
// KJUDGE_* environment, config file, default config file).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/cli_fixture.h"
#include "cli/scripted_peer.h"
#include "e2e/server_fixture.h"

namespace kjudge {
namespace {

using testing::CliHome;
using testing::Lines;
using testing::ProcessResult;
using testing::ServerProcess;

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// One server for the suite: starting one per test would only repeat the same start-up.
class ClientCommandsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--problems", std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd", "--rate-limit",
                                 "mode=profile,max=1,per=1h"});
    if (server_->started()) token_ = new std::string(server_->AddUser("carol"));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete token_;
    server_ = nullptr;
    token_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(server_->started()) << server_->error(); }

  /// kjudge ARGS --server URL --token TOKEN, in this test's home.
  ProcessResult Run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) const {
    args.insert(args.end(), {"--server", server_->url(), "--token", *token_});
    return home_.Run(args, std::move(env));
  }
  /// A vectoradd solution whose text is unique to `tag` (identical resubmissions are deduplicated).
  std::string Solution(const std::string& tag, const std::string& directives = "") const {
    return directives + "// " + tag + "\n" + testing::Source("problems/vectoradd/solutions/correct/naive.cpp");
  }

  static ServerProcess* server_;
  static std::string* token_;
  CliHome home_;
};

ServerProcess* ClientCommandsTest::server_ = nullptr;
std::string* ClientCommandsTest::token_ = nullptr;

TEST_F(ClientCommandsTest, ProblemsListComesFromTheServer) {
  auto r = Run({"problems", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "vectoradd")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Vector addition (fp16)")) << r.out;
  EXPECT_TRUE(Contains(r.out, "cuda,hip,cpp")) << r.out;
  auto json = Run({"problems", "list", "--json"});
  auto parsed = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << json.out;
  EXPECT_EQ(parsed["problems"][0]["name"], "vectoradd");
  // Without a server the local database is listed, as before.
  auto local = home_.Run({"problems", "list", "--db", home_.Path("none.db")});
  EXPECT_EQ(local.exit_code, 1);
  EXPECT_TRUE(Contains(local.err, "no database at")) << local.err;
}

TEST_F(ClientCommandsTest, LeaderboardTakesTheGpuEitherWay) {
  for (auto args : {std::vector<std::string>{"leaderboard", "vectoradd", "--gpu", "cpu"}, {"leaderboard", "vectoradd", "cpu"}}) {
    auto r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "vectoradd on cpu")) << r.out;
    EXPECT_TRUE(Contains(r.out, "(no passing leaderboard submissions yet)")) << r.out;
  }
  auto missing = Run({"leaderboard", "vectoradd", "--gpu", "no-such-gpu"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(Contains(missing.err, "HTTP 404")) << missing.err;
}

TEST_F(ClientCommandsTest, TemplateWritesTheFileAndKeepsAnExistingOne) {
  const std::string expected = testing::Source("problems/vectoradd/template.cpp");
  auto r = Run({"template", "vectoradd", "--lang", "cpp"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "wrote template.cpp (vectoradd, cpp template)\n");
  EXPECT_EQ(home_.Read("template.cpp"), expected) << "the name the server gave, in the working directory";

  home_.Write("template.cpp", "my work in progress\n");
  auto again = Run({"template", "vectoradd", "--lang", "cpp"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_TRUE(Contains(again.err, "template.cpp already exists: --force overwrites it")) << again.err;
  EXPECT_EQ(home_.Read("template.cpp"), "my work in progress\n");
  auto forced = Run({"template", "vectoradd", "--lang", "cpp", "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(home_.Read("template.cpp"), expected);

  auto named = Run({"template", "vectoradd", "--lang", "cuda", "-o", "mine.cu"});
  EXPECT_EQ(named.exit_code, 0) << named.err;
  EXPECT_EQ(home_.Read("mine.cu"), testing::Source("problems/vectoradd/template.cu"));
  auto to_stdout = Run({"template", "vectoradd", "--lang", "hip", "-o", "-"});
  EXPECT_EQ(to_stdout.out, testing::Source("problems/vectoradd/template.hip"));

  auto bad_lang = Run({"template", "vectoradd", "--lang", "fortran"});
  EXPECT_EQ(bad_lang.exit_code, 2);
  auto no_problem = Run({"template", "nosuch", "--lang", "cpp"});
  EXPECT_EQ(no_problem.exit_code, 1);
  EXPECT_TRUE(Contains(no_problem.err, "HTTP 404")) << no_problem.err;
}

TEST_F(ClientCommandsTest, SubmitNoWaitThenListAndCancel) {
  home_.Write("sol.cpp", Solution("cancel me"));
  auto submitted = Run({"submit", "sol.cpp", "--problem", "vectoradd", "--gpu", "cpu", "--no-wait"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const auto lines = Lines(submitted.out);
  ASSERT_GE(lines.size(), 2u) << submitted.out;
  EXPECT_TRUE(Contains(lines[0], ": vectoradd on cpu, test mode (sol.cpp)")) << lines[0];
  EXPECT_EQ(lines[1].rfind("queue: ", 0), 0u) << "where it stands, from the server: " << submitted.out;
  const std::string id = lines[0].substr(std::string("submission ").size(), lines[0].find(':') - std::string("submission ").size());

  auto listed = Run({"submissions", "--problem", "vectoradd", "--limit", "5"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(Contains(listed.out, id + " ")) << listed.out;
  EXPECT_TRUE(Contains(listed.out, "sol.cpp")) << listed.out;
  EXPECT_TRUE(Contains(listed.out, "queued")) << listed.out;

  auto cancelled = Run({"cancel", id});
  EXPECT_EQ(cancelled.exit_code, 0) << cancelled.err;
  EXPECT_EQ(cancelled.out, "submission " + id + " cancelled (1 job stopped)\n");
  auto twice = Run({"cancel", id});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_TRUE(Contains(twice.err, "already finished")) << twice.err;
  auto after = Run({"submissions", "--json"});
  auto parsed = nlohmann::json::parse(after.out, nullptr, false);
  ASSERT_TRUE(parsed.is_object()) << after.out;
  bool found = false;
  for (const auto& s : parsed["submissions"]) {
    if (std::to_string(s.value("id", 0)) == id) {
      found = true;
      EXPECT_EQ(s["status"], "cancelled");
    }
  }
  EXPECT_TRUE(found) << after.out;
  EXPECT_EQ(Run({"cancel", "999999"}).exit_code, 1);
}

TEST_F(ClientCommandsTest, DirectivesChooseTheTargetAndFlagsOverrideThem) {
  home_.Write("kj.cpp", Solution("kjudge directives", "//!KJUDGE problem vectoradd\n//!KJUDGE gpu cpu\n//!KJUDGE mode benchmark\n"));
  auto r = Run({"submit", "kj.cpp", "--no-wait", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto created = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(created.is_object()) << "--json prints only JSON: " << r.out;
  EXPECT_EQ(created["problem"], "vectoradd");
  EXPECT_EQ(created["gpu"], "cpu");
  EXPECT_EQ(created["mode"], "benchmark");

  auto flag = Run({"submit", "kj.cpp", "--no-wait", "--json", "--mode", "test"});
  ASSERT_EQ(flag.exit_code, 0) << flag.err;
  EXPECT_EQ(nlohmann::json::parse(flag.out)["mode"], "test") << "the command line beats the file";
  auto env = Run({"submit", "kj.cpp", "--no-wait", "--json"}, {{"KJUDGE_MODE", "leaderboard"}});
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_EQ(nlohmann::json::parse(env.out)["mode"], "benchmark") << "the file beats the environment";

  home_.Write("pop.cpp", Solution("popcorn directives", "//!POPCORN leaderboard vectoradd\n//!POPCORN gpus cpu H100\n"));
  auto popcorn = Run({"submit", "pop.cpp", "--no-wait"});
  ASSERT_EQ(popcorn.exit_code, 0) << popcorn.err;
  EXPECT_TRUE(Contains(popcorn.out, ": vectoradd on cpu, test mode (pop.cpp)")) << popcorn.out;
  EXPECT_TRUE(Contains(popcorn.err, "pop.cpp:2 names GPUs cpu, H100; submitting to cpu only")) << popcorn.err;

  home_.Write("typo.cpp", Solution("typo", "//!KJUDGE problem vectoradd\n//!KJUDGE gpus cpu\n//!KJUDGE mdoe test\n"));
  auto typo = Run({"submit", "typo.cpp", "--no-wait"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_EQ(typo.err, "kjudge: typo.cpp:3: unknown key 'mdoe' in '//!KJUDGE' (problem, gpu or mode)\n");

  home_.Write("none.cpp", Solution("no target"));
  auto none = Run({"submit", "none.cpp", "--no-wait"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_TRUE(Contains(none.err, "say which problem")) << none.err;
}

TEST_F(ClientCommandsTest, RefusalsSayWhyAndWhenToRetry) {
  home_.Write("sol.cpp", Solution("refusals"));
  auto unknown = Run({"submit", "sol.cpp", "--problem", "nosuch", "--gpu", "cpu"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_TRUE(Contains(unknown.err, "kjudge: submission refused: HTTP 404: ")) << unknown.err;
  EXPECT_TRUE(Contains(unknown.err, "nosuch")) << unknown.err;

  // The suite's server allows one profile-mode job per hour.
  home_.Write("p1.cpp", Solution("profile one"));
  home_.Write("p2.cpp", Solution("profile two"));
  ASSERT_EQ(Run({"submit", "p1.cpp", "--problem", "vectoradd", "--gpu", "cpu", "--mode", "profile", "--no-wait"}).exit_code, 0);
  auto limited = Run({"submit", "p2.cpp", "--problem", "vectoradd", "--gpu", "cpu", "--mode", "profile", "--no-wait"});
  EXPECT_EQ(limited.exit_code, 2);
  EXPECT_TRUE(Contains(limited.err, "kjudge: submission refused: HTTP 429: ")) << limited.err;
  EXPECT_TRUE(Contains(limited.err, "(try again in ")) << limited.err;

  auto bad_token = home_.Run({"submissions", "--server", server_->url(), "--token", "kj_wrong"});
  EXPECT_EQ(bad_token.exit_code, 2);
  EXPECT_TRUE(Contains(bad_token.err, "HTTP 401")) << bad_token.err;
}

TEST_F(ClientCommandsTest, AServerBusyAnswerGivesTheWaitInMinutes) {
  // The wording for long waits, which the real server's limits (an hour) would take too long to
  // reach below the minute.
  testing::ScriptedPeer peer({[](const std::string&) {
    return testing::JsonReply(429, R"({"error":"rate_limited","message":"1 leaderboard job per hour","retry_after_s":1500})");
  }});
  home_.Write("sol.cpp", Solution("busy"));
  auto r = home_.Run({"submit", "sol.cpp", "--problem", "vectoradd", "--gpu", "H100", "--server", peer.url()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "kjudge: submission refused: HTTP 429: 1 leaderboard job per hour (try again in 25 min)\n");
}

TEST_F(ClientCommandsTest, ServerAndTokenFromFlagEnvironmentOrConfigFile) {
  const std::string good = server_->url();
  const std::string bad = "http://127.0.0.1:1";
  const std::string config = "server: " + good + "\ntoken: " + *token_ + "\n";
  auto reaches = [](const ProcessResult& r) { return r.exit_code == 0; };
  auto unreachable = [&](const ProcessResult& r) { return r.exit_code == 2 && Contains(r.err, "cannot reach " + bad); };

  // No config anywhere: the default server (nothing listens on this test's) and no token.
  // The default file: ~/.config/kjudge/config.yaml.
  home_.Write(".config/kjudge/config.yaml", config);
  EXPECT_TRUE(reaches(home_.Run({"submissions"}))) << home_.Run({"submissions"}).err;
  // The environment beats the file; a flag beats the environment.
  EXPECT_TRUE(unreachable(home_.Run({"submissions"}, {{"KJUDGE_SERVER", bad}})));
  EXPECT_TRUE(reaches(home_.Run({"submissions", "--server", good}, {{"KJUDGE_SERVER", bad}})));
  auto token_env = home_.Run({"submissions"}, {{"KJUDGE_TOKEN", "kj_wrong"}});
  EXPECT_EQ(token_env.exit_code, 2);
  EXPECT_TRUE(Contains(token_env.err, "HTTP 401")) << token_env.err;
  // A subcommand's section beats the top level.
  home_.Write(".config/kjudge/config.yaml", config + "submissions:\n  server: " + bad + "\n");
  EXPECT_TRUE(unreachable(home_.Run({"submissions"})));
  EXPECT_TRUE(reaches(home_.Run({"leaderboard", "vectoradd", "cpu"})));
  // $XDG_CONFIG_HOME/kjudge/config.yaml replaces ~/.config when set; --config replaces both.
  home_.Write("xdg/kjudge/config.yaml", "server: " + bad + "\n");
  EXPECT_TRUE(unreachable(home_.Run({"leaderboard", "vectoradd", "cpu"}, {{"XDG_CONFIG_HOME", home_.Path("xdg")}})));
  home_.Write("other.yaml", config);
  EXPECT_TRUE(reaches(home_.Run({"submissions", "--config", "other.yaml"}, {{"XDG_CONFIG_HOME", home_.Path("xdg")}})));

  // Client settings at the top level do not upset other subcommands; a typo does.
  home_.Write(".config/kjudge/config.yaml", config);
  auto serve = home_.Run({"serve", "--db", home_.Path("k.db"), "--dry-run"});
  EXPECT_EQ(serve.exit_code, 0) << serve.err;
  home_.Write(".config/kjudge/config.yaml", config + "sever: " + good + "\n");
  auto typo = home_.Run({"submissions"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_TRUE(Contains(typo.err, "unknown setting 'sever'")) << typo.err;
  // A malformed default file is an error that names the file and line; a missing one is fine.
  home_.Write(".config/kjudge/config.yaml", "server: " + good + "\ntoken: [unclosed\n");
  auto broken = home_.Run({"submissions"});
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_TRUE(Contains(broken.err, home_.Path(".config/kjudge/config.yaml") + ":")) << broken.err;
  std::filesystem::remove(home_.Path(".config/kjudge/config.yaml"));
  auto missing = home_.Run({"submissions", "--server", good, "--token", *token_});
  EXPECT_EQ(missing.exit_code, 0) << missing.err;
}

}  // namespace
}  // namespace kjudge

namespace kjudge {
namespace {

/// What `sqlite3 DB SQL` prints (the server keeps serving while a second process writes: WAL).
std::string Sql(const std::string& db, const std::string& sql) {
  testing::Subprocess sqlite({"/usr/bin/sqlite3", db, sql});
  auto r = sqlite.Wait(std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 0) << sql << ": " << r.err;
  return r.out;
}

TEST_F(ClientCommandsTest, CompareShowsTwoRunsCaseByCase) {
  std::vector<std::string> ids;
  for (const char* tag : {"compare a", "compare b"}) {
    home_.Write("cmp.cpp", Solution(tag));
    auto r = Run({"submit", "cmp.cpp", "--problem", "vectoradd", "--gpu", "cpu", "--mode", "test", "--no-wait", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ids.push_back(std::to_string(nlohmann::json::parse(r.out).at("id").get<std::int64_t>()));
  }
  // Both judged as a runner would have posted them: B is 10% faster on the one benchmark case.
  const auto cases = [](double mean) {
    return nlohmann::json::array({{{"kind", "benchmark"}, {"index", 0}, {"params", {{"n", 1048576}}}, {"passed", true},
                                   {"sol_ns", 1000.0}, {"weight", 1},
                                   {"timing", {{"samples", 50}, {"mean_ns", mean}, {"median_ns", mean}, {"stddev_ns", mean * 0.01},
                                               {"min_ns", mean}, {"max_ns", mean}}}}})
        .dump();
  };
  for (std::size_t i = 0; i < 2; ++i) {
    const double mean = i == 0 ? 2.0e6 : 1.8e6;
    Sql(server_->db(), "UPDATE jobs SET status = 'done', attempts = 1 WHERE submission_id = " + ids[i] +
                           "; INSERT INTO runs(job_id, submission_id, attempt, verdict, cases_json, score_ns, sol_ratio, "
                           "started_ms, finished_ms) SELECT id, submission_id, 1, 'passed', '" + cases(mean) + "', " +
                           std::to_string(mean) + ", " + std::to_string(mean / 1000) + ", 1, 2 FROM jobs WHERE submission_id = " + ids[i]);
  }
  const auto run_of = [&](const std::string& sub) {
    std::string id = Sql(server_->db(), "SELECT id FROM runs WHERE submission_id = " + sub);
    return id.substr(0, id.find('\n'));
  };
  auto r = Run({"compare", run_of(ids[0]), run_of(ids[1])});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "vectoradd on cpu")) << r.out;
  EXPECT_TRUE(Contains(r.out, "-10.00%")) << r.out;
  EXPECT_TRUE(Contains(r.out, "B faster")) << r.out;
  auto json = Run({"compare", run_of(ids[0]), run_of(ids[1]), "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out)["cases"][0]["verdict"], "b_faster");
  auto missing = Run({"compare", "999999", run_of(ids[1])});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(Contains(missing.err, "no run 999999")) << missing.err;
}

}  // namespace
}  // namespace kjudge
