// popcorn-cli against a real kjudge server: every request popcorn-cli (gpu-mode/popcorn-cli at
// 886932d, src/service/mod.rs) makes, sent the way its reqwest client sends it — lower-case
// header names, `accept: */*`, `x-popcorn-cli-id`, reqwest's multipart layout and boundary — and
// every answer checked against what the CLI deserializes (src/models/mod.rs). The CLI reads JSON
// through serde_json::Value accessors that fall back to a default on a wrong type (an id of 0, an
// empty column), so the shape checks below are strict about types. Hostile and wrong requests
// get a non-2xx status and a JSON `detail` the CLI prints.
//
// The judging itself is driven through the runner protocol (lease, events, result), so what a
// poll sees is what a real runner's report produces.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "api_fixture.h"
#include "kjudge/http/router.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/token_repository.h"
#include "kjudge/store/user_repository.h"

namespace kjudge::testing {
namespace {

using json = nlohmann::json;
using V = beast_verb::verb;

// ---- the shapes popcorn-cli reads ----

/// `.as_str()` that must not fall back: a string.
void ExpectString(const json& obj, const char* key, const std::string& where) {
  ASSERT_TRUE(obj.contains(key)) << where << " lacks " << key << ": " << obj.dump();
  EXPECT_TRUE(obj[key].is_string()) << where << "." << key << " is not a string: " << obj[key].dump();
}
/// `.as_str().map(..)`: absent, null or a string.
void ExpectOptionalString(const json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key)) return;
  EXPECT_TRUE(obj[key].is_null() || obj[key].is_string()) << where << "." << key << ": " << obj[key].dump();
}
/// `.as_i64()`: an integer (a float or a string would read as 0).
void ExpectI64(const json& obj, const char* key, const std::string& where) {
  ASSERT_TRUE(obj.contains(key)) << where << " lacks " << key << ": " << obj.dump();
  EXPECT_TRUE(obj[key].is_number_integer()) << where << "." << key << " is not an integer: " << obj[key].dump();
}
void ExpectBool(const json& obj, const char* key, const std::string& where) {
  ASSERT_TRUE(obj.contains(key)) << where << " lacks " << key << ": " << obj.dump();
  EXPECT_TRUE(obj[key].is_boolean()) << where << "." << key << " is not a bool: " << obj[key].dump();
}
/// parse_score: a number, a numeric string, or null/absent (shown as "-").
void ExpectScore(const json& run, const std::string& where) {
  if (!run.contains("score") || run["score"].is_null()) return;
  const json& s = run["score"];
  EXPECT_TRUE(s.is_number() || (s.is_string() && !s.get<std::string>().empty())) << where << ".score: " << s.dump();
}

/// fetch_leaderboards: a JSON array; each item needs task (object), name and description (strings).
void ExpectLeaderboards(const json& body) {
  ASSERT_TRUE(body.is_array()) << body.dump();
  for (const auto& lb : body) {
    ASSERT_TRUE(lb.is_object());
    EXPECT_TRUE(lb["task"].is_object()) << lb.dump();
    ExpectString(lb, "name", "leaderboard");
    ExpectString(lb, "description", "leaderboard");
  }
}

/// parse_runner_queue: null/absent, or an object of optional runner, gpu (strings), queued_jobs (i64).
void ExpectRunnerQueue(const json& parent, const std::string& where) {
  if (!parent.contains("runner_queue") || parent["runner_queue"].is_null()) return;
  const json& q = parent["runner_queue"];
  ASSERT_TRUE(q.is_object()) << where << ".runner_queue: " << q.dump();
  ExpectOptionalString(q, "runner", where + ".runner_queue");
  ExpectOptionalString(q, "gpu", where + ".runner_queue");
  if (q.contains("queued_jobs") && !q["queued_jobs"].is_null()) ExpectI64(q, "queued_jobs", where + ".runner_queue");
}

/// submit_solution_background: details.id (i64) and runner_queue.
void ExpectAccepted(const json& body) {
  ASSERT_TRUE(body.is_object()) << body.dump();
  ASSERT_TRUE(body.contains("details") && body["details"].is_object()) << body.dump();
  ExpectI64(body["details"], "id", "details");
  ExpectRunnerQueue(body, "accepted");
}

/// get_user_submission (SubmissionDetails).
void ExpectSubmissionDetails(const json& s) {
  ASSERT_TRUE(s.is_object()) << s.dump();
  ExpectI64(s, "id", "submission");
  ExpectI64(s, "leaderboard_id", "submission");
  ExpectString(s, "leaderboard_name", "submission");
  ExpectString(s, "file_name", "submission");
  ExpectString(s, "user_id", "submission");  // a string, not a number
  ExpectString(s, "submission_time", "submission");
  ExpectBool(s, "done", "submission");
  ExpectString(s, "code", "submission");
  ASSERT_TRUE(s["runs"].is_array()) << s.dump();
  for (const auto& r : s["runs"]) {
    ExpectOptionalString(r, "start_time", "run");
    ExpectOptionalString(r, "end_time", "run");
    ExpectString(r, "mode", "run");
    ExpectBool(r, "secret", "run");
    ExpectString(r, "runner", "run");
    ExpectScore(r, "run");
    ExpectBool(r, "passed", "run");
  }
  if (s.contains("job") && !s["job"].is_null()) {
    ASSERT_TRUE(s["job"].is_object());
    ExpectOptionalString(s["job"], "status", "job");
    ExpectOptionalString(s["job"], "error", "job");
  }
  ExpectRunnerQueue(s, "submission");
}

/// get_user_submissions (UserSubmission list).
void ExpectUserSubmissions(const json& body) {
  ASSERT_TRUE(body.is_array()) << body.dump();
  for (const auto& s : body) {
    ExpectI64(s, "id", "listed");
    ExpectString(s, "leaderboard_name", "listed");
    ExpectString(s, "file_name", "listed");
    ExpectString(s, "submission_time", "listed");
    ExpectBool(s, "done", "listed");
    ASSERT_TRUE(s["runs"].is_array());
    for (const auto& r : s["runs"]) {
      ExpectString(r, "gpu_type", "listed run");
      ExpectScore(r, "listed run");
    }
  }
}

/// A refusal popcorn-cli can explain: non-2xx, JSON with a `detail` string containing `words`.
void ExpectDetail(const TestResponse& r, int status, const std::string& words) {
  EXPECT_EQ(r.status, status) << r.body << r.error;
  const json body = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << r.body;
  ASSERT_TRUE(body.contains("detail") && body["detail"].is_string()) << r.body;
  EXPECT_NE(body["detail"].get<std::string>().find(words), std::string::npos) << "detail: " << body["detail"];
  EXPECT_TRUE(body["error"].is_string()) << r.body;  // and our own clients' fields
  EXPECT_EQ(body["message"], body["detail"]) << r.body;
}

// ---- popcorn-cli's requests ----

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// reqwest's multipart boundary: four 16-digit hex groups.
constexpr const char* kBoundary = "3f0a9b1c2d3e4f50-6172839405a6b7c8-d9e0f1a2b3c4d5e6-f708192a3b4c5d6e";

/// Form::new().part("file", Part::bytes(content).file_name(name)), as reqwest writes it.
std::string ReqwestForm(const std::string& file_name, const std::string& content) {
  return std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
         "\"\r\n\r\n" + content + "\r\n--" + kBoundary + "--\r\n";
}
const std::string kFormType = std::string("multipart/form-data; boundary=") + kBoundary;

/// One popcorn-cli process: create_client(Some(cli_id)) or create_admin_client(token).
class PopcornCli {
 public:
  static PopcornCli WithId(std::uint16_t port, const std::string& cli_id) { return PopcornCli(port, "x-popcorn-cli-id", cli_id); }
  static PopcornCli Anonymous(std::uint16_t port) { return PopcornCli(port, "", ""); }
  static PopcornCli Admin(std::uint16_t port, const std::string& token) { return PopcornCli(port, "authorization", "Bearer " + token); }

  TestResponse FetchLeaderboards() { return client_->Get("/leaderboards"); }
  TestResponse FetchGpus(const std::string& leaderboard) { return client_->Get("/gpus/" + leaderboard); }
  TestResponse Submit(const std::string& file_name, const std::string& content, const std::string& leaderboard,
                      const std::string& gpu, const std::string& mode) {
    return client_->Request(V::post, "/submission/" + Lower(leaderboard) + "/" + gpu + "/" + Lower(mode),
                            ReqwestForm(file_name, content), kFormType);
  }
  TestResponse GetSubmission(std::int64_t id) { return client_->Get("/user/submissions/" + std::to_string(id)); }
  TestResponse ListSubmissions(const std::string& leaderboard, int limit) {
    return client_->Get("/user/submissions?leaderboard=" + leaderboard + "&limit=" + std::to_string(limit));
  }
  TestResponse DeleteSubmission(std::int64_t id) { return client_->Request(V::delete_, "/user/submissions/" + std::to_string(id)); }
  TestResponse Join(const std::string& code) { return client_->Request(V::post, "/user/join", json{{"code", code}}.dump()); }
  TestResponse AuthInit(const std::string& provider) { return client_->Get("/auth/init?provider=" + provider); }
  TestResponse Raw(V method, const std::string& target, const std::string& body = "", const std::string& type = "application/json") {
    return client_->Request(method, target, body, type);
  }

 private:
  PopcornCli(std::uint16_t port, const std::string& header, const std::string& value) : client_(std::make_unique<TestHttpClient>(port)) {
    client_->SetHeader("accept", "*/*");
    if (!header.empty()) client_->SetHeader(header, value);
  }
  std::unique_ptr<TestHttpClient> client_;
};

json Body(const TestResponse& r) { return json::parse(r.body, nullptr, false); }

/// One SSE message as popcorn-cli's submit_solution_streaming splits them.
struct SseMessage {
  std::string event;
  json data;
};

/// A streamed POST read the way popcorn-cli reads it: chunks appended to a buffer, messages cut
/// at each "\n\n", `event:` and `data:` lines picked out.
class SseSession {
 public:
  SseSession(std::uint16_t port, const std::string& cli_id, const std::string& target, const std::string& body) : stream_(ioc_) {
    namespace http = boost::beast::http;
    stream_.expires_after(std::chrono::seconds(20));
    stream_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req{V::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set("accept", "*/*");
    req.set("x-popcorn-cli-id", cli_id);
    req.set(http::field::content_type, kFormType);
    req.body() = body;
    req.prepare_payload();
    http::write(stream_, req);
    parser_.body_limit(16 * 1024 * 1024);
    http::read_header(stream_, buffer_, parser_);
  }
  int status() const { return static_cast<int>(parser_.get().result_int()); }
  std::string header(boost::beast::http::field f) const { return std::string(parser_.get()[f]); }

  /// The next message with both event and data, or nullopt when the stream ended first.
  std::optional<SseMessage> Next() {
    for (;;) {
      std::string& body = parser_.get().body();
      while (true) {
        const auto end = body.find("\n\n", consumed_);
        if (end == std::string::npos) break;
        const std::string message = body.substr(consumed_, end + 2 - consumed_);
        consumed_ = end + 2;
        SseMessage m;
        bool has_event = false, has_data = false;
        std::size_t start = 0;
        while (start < message.size()) {
          auto nl = message.find('\n', start);
          const std::string line = message.substr(start, nl - start);
          start = nl == std::string::npos ? message.size() : nl + 1;
          if (line.rfind("event:", 0) == 0) m.event = Trim(line.substr(6)), has_event = true;
          if (line.rfind("data:", 0) == 0) m.data = json::parse(Trim(line.substr(5)), nullptr, false), has_data = true;
        }
        if (has_event && has_data) return m;  // popcorn ignores messages without both (comments)
      }
      if (parser_.is_done()) return std::nullopt;
      boost::beast::error_code ec;
      boost::beast::http::read_some(stream_, buffer_, parser_, ec);
      if (ec) return std::nullopt;
    }
  }

 private:
  static std::string Trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(0, 1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
  }
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::response_parser<boost::beast::http::string_body> parser_;
  std::size_t consumed_ = 0;
};

class PopcornReplayTest : public ::testing::Test {
 protected:
  /// A popcorn-cli id for `who`, as `kjudge admin popcorn-id` issues it.
  std::string CliId(const Account& who) {
    return Must(store::TokenRepository(server_.db()).Issue({who.user.id, store::TokenKind::kPopcornCli, "test", std::nullopt}),
                "issue popcorn id")
        .plaintext;
  }
  PopcornCli Cli(const Account& who) { return PopcornCli::WithId(server_.port(), CliId(who)); }

  /// A source file with popcorn's header lines, distinct per call (duplicates are merged).
  std::string SourceWithHeaders(const std::string& gpu = "cpu") {
    return "#!POPCORN leaderboard vectoradd\n#!POPCORN gpu " + gpu + "\n" + server_.Source();
  }

  /// The runner protocol for the submission's first job: lease it, report `events`, post `result`.
  void Judge(std::int64_t submission_id, const json& result, const json& events = json::array()) {
    const store::Job job = server_.Lease(submission_id);
    auto runner = server_.Client(server_.runner.token);
    const std::string base = "/api/runner/jobs/" + std::to_string(job.id);
    if (!events.empty()) {
      auto r = runner->Request(V::post, base + "/events", json{{"lease_id", *job.lease_id}, {"events", events}}.dump());
      ASSERT_EQ(r.status, 200) << r.body;
    }
    auto r = runner->Request(V::post, base + "/result", json{{"lease_id", *job.lease_id}, {"result", result}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static json FailedCompile() {
    return {{"verdict", "compile_error"}, {"mode", "test"}, {"message", "the submission does not compile"},
            {"cases", json::array()},      {"compile_log", "solution.cpp:4:1: error: expected ';' before '}' token"},
            {"run_log", ""},               {"device", "cpu"}};
  }

  ApiServer server_;
};

// ---- the flows ----

TEST_F(PopcornReplayTest, ListsLeaderboardsAndGpusInPopcornsShape) {
  PopcornCli cli = Cli(server_.competitor);
  auto r = cli.FetchLeaderboards();
  ASSERT_EQ(r.status, 200) << r.body;
  const json boards = Body(r);
  ExpectLeaderboards(boards);
  auto vectoradd = std::find_if(boards.begin(), boards.end(), [](const json& b) { return b["name"] == "vectoradd"; });
  ASSERT_NE(vectoradd, boards.end());
  EXPECT_NE((*vectoradd)["description"].get<std::string>().find("C = A + B"), std::string::npos);
  EXPECT_TRUE((*vectoradd)["task"]["templates"].contains("cuda"));
  EXPECT_TRUE((*vectoradd)["gpu_types"].is_array());

  // Anonymous listing works too (the TUI lists before anything else).
  EXPECT_EQ(PopcornCli::Anonymous(server_.port()).FetchLeaderboards().status, 200);

  auto gpus = cli.FetchGpus("vectoradd");
  ASSERT_EQ(gpus.status, 200) << gpus.body;
  const json list = Body(gpus);
  ASSERT_TRUE(list.is_array());
  for (const auto& g : list) EXPECT_TRUE(g.is_string());  // Vec<String>
  EXPECT_NE(std::find(list.begin(), list.end(), "cpu"), list.end());
  EXPECT_NE(std::find(list.begin(), list.end(), "H100_SXM"), list.end());
  ExpectDetail(cli.FetchGpus("no-such-problem"), 404, "vectoradd");  // lists what exists
}

TEST_F(PopcornReplayTest, SubmitPollAndShowAPassingRun) {
  PopcornCli cli = Cli(server_.competitor);
  const std::string source = SourceWithHeaders();
  auto r = cli.Submit("solution.cpp", source, "VectorAdd", "cpu", "Test");
  ASSERT_EQ(r.status, 202) << r.body;
  ExpectAccepted(Body(r));
  const std::int64_t id = Body(r)["details"]["id"];
  EXPECT_EQ(Body(r)["runner_queue"]["gpu"], "cpu");
  EXPECT_EQ(Body(r)["runner_queue"]["queued_jobs"], 1);

  // The first poll: pending, in the queue.
  auto poll = cli.GetSubmission(id);
  ASSERT_EQ(poll.status, 200) << poll.body;
  json details = Body(poll);
  ExpectSubmissionDetails(details);
  EXPECT_FALSE(details["done"].get<bool>());
  EXPECT_EQ(details["job"]["status"], "pending");
  EXPECT_EQ(details["user_id"], std::to_string(server_.competitor.user.id));
  EXPECT_EQ(details["leaderboard_name"], "vectoradd");
  EXPECT_EQ(details["file_name"], "solution.cpp");
  // "#!" lines do not compile as C++: the server keeps them as comments popcorn-cli still reads.
  EXPECT_EQ(details["code"].get<std::string>().rfind("//!POPCORN leaderboard vectoradd\n//!POPCORN gpu cpu\n", 0), 0u);

  json passing = ApiServer::PassingResult();
  Judge(id, passing, json::array({{{"event", "compiling"}, {"language", "cpp"}, {"target", "host"}}}));

  // The poll popcorn-cli stops on: done, the run with its geomean in seconds.
  details = Body(cli.GetSubmission(id));
  ExpectSubmissionDetails(details);
  EXPECT_TRUE(details["done"].get<bool>());
  EXPECT_EQ(details["job"]["status"], "succeeded");
  EXPECT_TRUE(details["runner_queue"].is_null());
  ASSERT_EQ(details["runs"].size(), 1u);
  const json& run = details["runs"][0];
  EXPECT_EQ(run["mode"], "test");
  EXPECT_EQ(run["runner"], "cpu");
  EXPECT_TRUE(run["passed"].get<bool>());
  EXPECT_DOUBLE_EQ(run["score"].get<double>(), 1.5e6 / 1e9);
}

TEST_F(PopcornReplayTest, AFailedRunEndsTheWaitWithItsLog) {
  PopcornCli cli = Cli(server_.competitor);
  auto r = cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "benchmark");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::int64_t id = Body(r)["details"]["id"];
  Judge(id, FailedCompile());
  const json details = Body(cli.GetSubmission(id));
  ExpectSubmissionDetails(details);
  // popcorn-cli stops on "failed" and prints job.error: the verdict and the compiler's words.
  EXPECT_EQ(details["job"]["status"], "failed");
  const std::string error = details["job"]["error"];
  EXPECT_NE(error.find("compile_error"), std::string::npos) << error;
  EXPECT_NE(error.find("expected ';'"), std::string::npos) << error;
  EXPECT_FALSE(details["runs"][0]["passed"].get<bool>());
  EXPECT_TRUE(details["runs"][0]["score"].is_null());
}

TEST_F(PopcornReplayTest, LeaderboardRunsCarryTheGeomeanPopcornPrints) {
  PopcornCli cli = Cli(server_.competitor);
  auto r = cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "leaderboard");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::int64_t id = Body(r)["details"]["id"];
  json passing = ApiServer::PassingResult();
  passing["mode"] = "leaderboard";
  passing["score_ns"] = 2.5e6;
  Judge(id, passing);
  const json details = Body(cli.GetSubmission(id));
  ExpectSubmissionDetails(details);
  EXPECT_EQ(details["job"]["status"], "succeeded");
  // popcorn-cli prints "Geomean score (public) on <runner>: <score> s" only for mode "leaderboard".
  ASSERT_EQ(details["runs"].size(), 1u);
  EXPECT_EQ(details["runs"][0]["mode"], "leaderboard");
  EXPECT_DOUBLE_EQ(details["runs"][0]["score"].get<double>(), 2.5e-3);
}

TEST_F(PopcornReplayTest, RunningTimedOutAndRejectedRunsUseTheStatusesPopcornKnows) {
  PopcornCli cli = Cli(server_.competitor);
  auto submit = [&] {
    auto r = cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test");
    EXPECT_EQ(r.status, 202) << r.body;
    return Body(r)["details"]["id"].get<std::int64_t>();
  };
  const std::int64_t running = submit();
  server_.Lease(running);
  EXPECT_EQ(Body(cli.GetSubmission(running))["job"]["status"], "running");
  EXPECT_FALSE(Body(cli.GetSubmission(running))["done"].get<bool>());

  struct Case {
    std::string verdict, popcorn_status, message;
  };
  for (const Case& c : {Case{"time_limit", "timed_out", "case 2 ran past its 10 s limit"},
                        Case{"rejected", "hacked", "reported time below the speed of light"}}) {
    const std::int64_t id = submit();
    json result = ApiServer::PassingResult();
    result["verdict"] = c.verdict;
    result["message"] = c.message;
    result.erase("score_ns");
    result.erase("sol_ratio");
    Judge(id, result);
    const json details = Body(cli.GetSubmission(id));
    ExpectSubmissionDetails(details);
    EXPECT_TRUE(details["done"].get<bool>());
    EXPECT_EQ(details["job"]["status"], c.popcorn_status) << c.verdict;
    EXPECT_NE(details["job"]["error"].get<std::string>().find(c.message), std::string::npos) << details["job"].dump();
  }
}

TEST_F(PopcornReplayTest, GpuNamesAreMatchedLikePopcornUsersTypeThem) {
  PopcornCli cli = Cli(server_.competitor);
  // "#!POPCORN gpu H100" in a CUDA file: the alias of our H100_SXM, in any case.
  auto r = cli.Submit("kernel.cu", SourceWithHeaders("H100"), "vectoradd", "h100", "test");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(Body(r)["runner_queue"]["gpu"], "H100_SXM");
  ExpectDetail(cli.Submit("kernel.cu", SourceWithHeaders(), "vectoradd", "V100", "test"), 404, "H100_SXM");
}

TEST_F(PopcornReplayTest, ListsAndDeletesOwnSubmissions) {
  PopcornCli cli = Cli(server_.competitor);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    auto r = cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test");
    ASSERT_EQ(r.status, 202) << r.body;
    ids.push_back(Body(r)["details"]["id"]);
  }
  Judge(ids[0], ApiServer::PassingResult());
  auto listed = cli.ListSubmissions("vectoradd", 2);
  ASSERT_EQ(listed.status, 200) << listed.body;
  ExpectUserSubmissions(Body(listed));
  ASSERT_EQ(Body(listed).size(), 2u);
  EXPECT_EQ(Body(listed)[0]["id"], ids[2]);  // newest first
  auto all = Body(cli.ListSubmissions("vectoradd", 50));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[2]["done"].get<bool>());
  EXPECT_EQ(all[2]["runs"][0]["gpu_type"], "cpu");
  EXPECT_DOUBLE_EQ(all[2]["runs"][0]["score"].get<double>(), 0.0015);
  EXPECT_EQ(Body(cli.ListSubmissions("softmax", 50)).size(), 0u);
  ExpectDetail(cli.ListSubmissions("vectoradd", 0), 400, "limit");
  EXPECT_EQ(Body(cli.ListSubmissions("vectoradd", 5000)).size(), 3u) << "a --limit over 100 lists up to 100";
  ExpectDetail(cli.ListSubmissions("nope", 5), 404, "nope");

  // submissions delete: the CLI looks for {"status": "ok"}.
  auto deleted = cli.DeleteSubmission(ids[1]);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(Body(deleted)["status"], "ok");
  ExpectDetail(cli.GetSubmission(ids[1]), 404, std::to_string(ids[1]));
  EXPECT_EQ(Body(cli.ListSubmissions("vectoradd", 50)).size(), 2u);
  EXPECT_FALSE(store::SubmissionRepository(server_.db()).Get(ids[1]).ok());
}

TEST_F(PopcornReplayTest, ProfileModeStreamsStatusThenAResult) {
  const std::string cli_id = CliId(server_.competitor);
  SseSession sse(server_.port(), cli_id, "/vectoradd/cpu/profile", ReqwestForm("solution.cpp", SourceWithHeaders()));
  ASSERT_EQ(sse.status(), 200);
  EXPECT_EQ(sse.header(boost::beast::http::field::content_type).rfind("text/event-stream", 0), 0u);
  auto first = sse.Next();
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->event, "status");
  ASSERT_TRUE(first->data["message"].is_string());  // what popcorn-cli prints for a status event
  const std::int64_t id = first->data["submission_id"];

  json result = ApiServer::PassingResult();
  result["mode"] = "profile";
  Judge(id, result, json::array({{{"event", "compiling"}, {"language", "cpp"}, {"target", "host"}}}));

  std::vector<std::string> messages;
  std::optional<SseMessage> last;
  while (auto m = sse.Next()) {
    if (m->event == "status") {
      ASSERT_TRUE(m->data["message"].is_string()) << m->data.dump();
      messages.push_back(m->data["message"]);
      continue;
    }
    last = m;
    break;
  }
  ASSERT_TRUE(last.has_value()) << "the stream ended without a result or error event";
  ASSERT_EQ(last->event, "result") << last->data.dump();
  EXPECT_NE(std::find_if(messages.begin(), messages.end(), [](const std::string& s) { return s.find("compiling") == 0; }),
            messages.end());
  // handle_profile_result reads results[i].runs["profile*"].{profile.profiler, run.stdout, run.result}.
  const json& runs = last->data["results"][0]["runs"];
  ASSERT_TRUE(runs.contains("profile")) << last->data.dump();
  const json& profile_run = runs["profile"];
  EXPECT_TRUE(profile_run["profile"]["profiler"].is_string());
  EXPECT_TRUE(profile_run["run"]["stdout"].is_string());
  const json& bench = profile_run["run"]["result"];
  ASSERT_EQ(bench["benchmark-count"], 1);
  EXPECT_EQ(bench["benchmark.0.spec"], "n: 1048576");
  ASSERT_TRUE(bench["benchmark.0.report"].is_string());
  // The report is base64 of text: "mean 1.5 ms, ..." encodes to "bWVhbiAxLjUgbXMs".
  EXPECT_EQ(bench["benchmark.0.report"].get<std::string>().rfind("bWVhbiAxLjUgbXMs", 0), 0u) << bench.dump();
  ASSERT_TRUE(last->data["reports"].is_array());
  EXPECT_NE(last->data["reports"][0].get<std::string>().find("geomean 1.5 ms"), std::string::npos);
}

TEST_F(PopcornReplayTest, ProfileModeReportsAFailureAsAnErrorEvent) {
  SseSession sse(server_.port(), CliId(server_.competitor), "/vectoradd/cpu/profile",
                 ReqwestForm("solution.cpp", SourceWithHeaders()));
  ASSERT_EQ(sse.status(), 200);
  auto first = sse.Next();
  ASSERT_TRUE(first.has_value());
  Judge(first->data["submission_id"].get<std::int64_t>(), FailedCompile());
  std::optional<SseMessage> m;
  while ((m = sse.Next()) && m->event == "status") {
  }
  ASSERT_TRUE(m.has_value());
  ASSERT_EQ(m->event, "error");
  EXPECT_NE(m->data["detail"].get<std::string>().find("expected ';'"), std::string::npos) << m->data.dump();
}

TEST_F(PopcornReplayTest, ProfileRefusalsAreJsonBeforeTheStreamStarts) {
  SseSession unknown(server_.port(), "not-a-registered-id-0123456789", "/vectoradd/cpu/profile",
                     ReqwestForm("solution.cpp", SourceWithHeaders()));
  EXPECT_EQ(unknown.status(), 401);
  EXPECT_EQ(unknown.header(boost::beast::http::field::content_type), "application/json");
  SseSession wrong_gpu(server_.port(), CliId(server_.competitor), "/vectoradd/T4/profile",
                       ReqwestForm("solution.cpp", SourceWithHeaders()));
  EXPECT_EQ(wrong_gpu.status(), 404);
}

/// A StreamWriter that records and hangs up after `writes` writes, like a client that went away.
class HangingUpWriter final : public http::StreamWriter {
 public:
  explicit HangingUpWriter(int writes) : writes_left_(writes) {}
  void Respond(http::Response r) override { responded = std::move(r); }
  bool Begin(http::Response head) override {
    began = true;
    content_type = std::string(head[boost::beast::http::field::content_type]);
    return true;
  }
  bool Write(std::string_view data) override {
    written += data;
    return --writes_left_ >= 0;
  }
  bool Stopping() const override { return false; }

  std::optional<http::Response> responded;
  bool began = false;
  std::string content_type;
  std::string written;

 private:
  int writes_left_;
};

TEST_F(PopcornReplayTest, AProfileStreamWhoseClientLeftEndsAndTheSubmissionStaysQueued) {
  http::Request req{V::post, "/vectoradd/cpu/profile", 11};
  req.set("x-popcorn-cli-id", CliId(server_.competitor));
  req.set(boost::beast::http::field::content_type, kFormType);
  req.body() = ReqwestForm("solution.cpp", SourceWithHeaders());
  req.prepare_payload();
  HangingUpWriter writer(1);
  server_.router().DispatchStream(req, writer);  // returns: nothing waits on a gone client
  EXPECT_TRUE(writer.began);
  EXPECT_FALSE(writer.responded.has_value());
  EXPECT_EQ(writer.content_type, "text/event-stream");
  EXPECT_NE(writer.written.find("event: status\ndata: "), std::string::npos) << writer.written;
  const auto pos = writer.written.find("\"submission_id\":");
  ASSERT_NE(pos, std::string::npos) << writer.written;
  const std::int64_t id = std::stoll(writer.written.substr(pos + 16));
  EXPECT_EQ(server_.FirstJob(id).status, store::JobStatus::kQueued);
}

// ---- identity and registration ----

TEST_F(PopcornReplayTest, IdentityIsRequiredAndChecked) {
  const std::string form = ReqwestForm("solution.cpp", SourceWithHeaders());
  ExpectDetail(PopcornCli::Anonymous(server_.port()).Submit("solution.cpp", form, "vectoradd", "cpu", "test"), 401,
               "~/.popcorn.yaml");
  ExpectDetail(PopcornCli::WithId(server_.port(), "0123456789abcdef0123456789abcdef").GetSubmission(1), 401,
               "does not know your X-Popcorn-Cli-Id");
  // An API token is a different secret: not accepted as a popcorn-cli id.
  ExpectDetail(PopcornCli::WithId(server_.port(), server_.competitor.token).ListSubmissions("vectoradd", 5), 401, "cli_id");
  // A runner's token cannot be used at all.
  EXPECT_EQ(PopcornCli::Admin(server_.port(), server_.runner.token).ListSubmissions("vectoradd", 5).status, 403);

  PopcornCli cli = Cli(server_.other);
  Must(store::UserRepository(server_.db()).SetBanned(server_.other.user.id, std::string_view("sharing solutions")), "ban");
  ExpectDetail(cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test"), 403, "sharing solutions");
  ExpectDetail(cli.FetchLeaderboards(), 403, "banned");
}

TEST_F(PopcornReplayTest, OthersSubmissionsDoNotExist) {
  auto theirs = Cli(server_.other).Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test");
  ASSERT_EQ(theirs.status, 202) << theirs.body;
  const std::int64_t id = Body(theirs)["details"]["id"];
  PopcornCli mine = Cli(server_.competitor);
  ExpectDetail(mine.GetSubmission(id), 404, "no submission");
  ExpectDetail(mine.DeleteSubmission(id), 404, "no submission");
  EXPECT_TRUE(store::SubmissionRepository(server_.db()).Get(id).ok());
  ExpectDetail(mine.GetSubmission(999999), 404, "no submission");
  ExpectDetail(mine.Raw(V::get, "/user/submissions/abc"), 400, "positive integer");
  // Organizers may look (popcorn admin get-submission does the same through /admin).
  EXPECT_EQ(Cli(server_.organizer).GetSubmission(id).status, 200);
}

TEST_F(PopcornReplayTest, RegisterExplainsTheSelfHostedWay) {
  // popcorn register github: GET /auth/init must fail (a 2xx would make the CLI send its new id
  // to GPU MODE's OAuth app); the CLI prints the body.
  auto r = PopcornCli::Anonymous(server_.port()).AuthInit("github");
  EXPECT_EQ(r.status, 501);
  EXPECT_FALSE(Body(r).contains("state"));
  EXPECT_NE(r.body.find("popcorn join"), std::string::npos) << r.body;
}

TEST_F(PopcornReplayTest, JoinWithAnInviteRegistersTheCliId) {
  const auto invite = Must(store::TokenRepository(server_.db()).IssueInvite(store::Role::kCompetitor, "t", std::nullopt), "invite");
  const std::string my_id = "b7e2c1d0-5f4a-4e3b-9c8d-7a6b5c4d3e2f";  // what uuidgen prints
  PopcornCli cli = PopcornCli::WithId(server_.port(), my_id);
  EXPECT_EQ(cli.ListSubmissions("vectoradd", 5).status, 401);  // not registered yet
  ExpectDetail(cli.Join("erin:kj_invite_" + std::string(64, '0')), 401, "invite code");

  auto joined = cli.Join("erin:" + invite.plaintext);
  ASSERT_EQ(joined.status, 200) << joined.body;
  // popcorn join prints result["leaderboards"] joined with ", ".
  const json joined_body = Body(joined);
  const json& leaderboards = joined_body["leaderboards"];
  ASSERT_TRUE(leaderboards.is_array());
  EXPECT_NE(std::find(leaderboards.begin(), leaderboards.end(), "vectoradd"), leaderboards.end());
  EXPECT_EQ(joined_body["user_name"], "erin");
  auto r = cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(Must(store::UserRepository(server_.db()).GetByName("erin"), "erin").role, store::Role::kCompetitor);

  // The invite is spent, and a registered id cannot join again.
  ExpectDetail(PopcornCli::WithId(server_.port(), "another-long-client-id-42").Join("fred:" + invite.plaintext), 401, "invite");
  ExpectDetail(cli.Join("erin2:" + invite.plaintext), 409, "already belongs to 'erin'");

  // Too short to be a secret: refused, and nothing is created.
  const auto invite2 = Must(store::TokenRepository(server_.db()).IssueInvite(store::Role::kCompetitor, "t", std::nullopt), "invite");
  ExpectDetail(PopcornCli::WithId(server_.port(), "short").Join("gina:" + invite2.plaintext), 400, "uuidgen");
  EXPECT_FALSE(store::UserRepository(server_.db()).GetByName("gina").ok());
  EXPECT_EQ(PopcornCli::WithId(server_.port(), "gina-machine-id-0123456789").Join("gina:" + invite2.plaintext).status, 200);
}

TEST_F(PopcornReplayTest, RegisterRouteAndMintedIdsWorkWithPopcorn) {
  auto client = server_.Client("");
  const auto invite = Must(store::TokenRepository(server_.db()).IssueInvite(store::Role::kCompetitor, "t", std::nullopt), "invite");
  auto r = client->Request(V::post, "/api/v1/register", json{{"invite", invite.plaintext}, {"name", "hana"}}.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const json reg = Body(r);
  EXPECT_EQ(reg["popcorn_yaml"], "cli_id: " + reg["cli_id"].get<std::string>());
  PopcornCli cli = PopcornCli::WithId(server_.port(), reg["cli_id"]);
  EXPECT_EQ(cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test").status, 202);
  EXPECT_EQ(server_.Client(reg["token"].get<std::string>())->Get("/api/v1/submissions").status, 200);
  // Taken name: 409, and the invite stays usable.
  const auto invite2 = Must(store::TokenRepository(server_.db()).IssueInvite(store::Role::kCompetitor, "t", std::nullopt), "invite");
  EXPECT_EQ(client->Request(V::post, "/api/v1/register", json{{"invite", invite2.plaintext}, {"name", "HANA"}}.dump()).status, 409);

  auto minted = server_.Client(reg["token"].get<std::string>())->Request(V::post, "/api/v1/me/popcorn-id");
  ASSERT_EQ(minted.status, 201) << minted.body;
  EXPECT_EQ(PopcornCli::WithId(server_.port(), Body(minted)["cli_id"]).ListSubmissions("vectoradd", 10).status, 200);
  EXPECT_EQ(Body(PopcornCli::WithId(server_.port(), Body(minted)["cli_id"]).ListSubmissions("vectoradd", 10)).size(), 1u);
}

// ---- refusals of bad input ----

TEST_F(PopcornReplayTest, WrongTargetsAndModesAreExplained) {
  PopcornCli cli = Cli(server_.competitor);
  ExpectDetail(cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "turbo"), 400, "test, benchmark, leaderboard or profile");
  ExpectDetail(cli.Submit("solution.cpp", SourceWithHeaders(), "nonexistent", "cpu", "test"), 404, "no leaderboard named 'nonexistent'");
  ExpectDetail(cli.Submit("solution.py", "print('hi')\n", "vectoradd", "cpu", "test"), 400, ".py");

  // A hidden leaderboard does not exist for competitors; organizers still see it.
  store::LeaderboardRepository boards(server_.db());
  for (const auto& b : Must(boards.List(true), "boards")) {
    if (b.problem_name == "histogram") Must(boards.SetVisibility(b.id, store::Visibility::kHidden), "hide");
  }
  ExpectDetail(cli.Submit("solution.cpp", server_.Source(), "histogram", "cpu", "test"), 404, "histogram");
  const json listed = Body(cli.FetchLeaderboards());
  EXPECT_EQ(std::count_if(listed.begin(), listed.end(), [](const json& b) { return b["name"] == "histogram"; }), 0);
  const json staff = Body(Cli(server_.organizer).FetchLeaderboards());
  EXPECT_EQ(std::count_if(staff.begin(), staff.end(), [](const json& b) { return b["name"] == "histogram"; }), 1);
}

TEST_F(PopcornReplayTest, MalformedAndOversizedUploadsAreRefused) {
  PopcornCli cli = Cli(server_.competitor);
  const std::string target = "/submission/vectoradd/cpu/test";
  ExpectDetail(cli.Raw(V::post, target, "{\"file\": \"int main(){}\"}", "application/json"), 400, "multipart/form-data");
  ExpectDetail(cli.Raw(V::post, target, ReqwestForm("a.cpp", "x"), "multipart/form-data"), 400, "boundary");
  std::string truncated = ReqwestForm("a.cpp", server_.Source());
  truncated.resize(truncated.size() - 30);
  ExpectDetail(cli.Raw(V::post, target, truncated, kFormType), 400, "malformed multipart");
  std::string two = std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.cpp\"\r\n\r\nx\r\n" +
                    ReqwestForm("b.cpp", "y");
  ExpectDetail(cli.Raw(V::post, target, two, kFormType), 400, "exactly one part named 'file'");
  std::string no_name = std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nint x;\r\n--" +
                        kBoundary + "--\r\n";
  ExpectDetail(cli.Raw(V::post, target, no_name, kFormType), 400, "filename");
  ExpectDetail(cli.Submit("solution.cpp", std::string("int x;\0int y;", 13), "vectoradd", "cpu", "test"), 400, "NUL");

  // Over the submission limit: our 413 with the limit in words.
  server_.ctx().intake_rules.max_source_bytes = 4096;
  ExpectDetail(cli.Submit("solution.cpp", std::string(5000, 'x'), "vectoradd", "cpu", "test"), 413, "4096 bytes");
  // Over the server's body limit: refused before any route reads it.
  EXPECT_EQ(cli.Submit("solution.cpp", std::string(2 * 1024 * 1024, 'x'), "vectoradd", "cpu", "test").status, 413);
}

TEST_F(PopcornReplayTest, RateLimitsAndDuplicatesComeFromIntake) {
  PopcornCli cli = Cli(server_.competitor);
  const std::string source = SourceWithHeaders();
  auto first = cli.Submit("solution.cpp", source, "vectoradd", "cpu", "test");
  ASSERT_EQ(first.status, 202) << first.body;
  auto again = cli.Submit("solution.cpp", source, "vectoradd", "cpu", "test");
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(Body(again)["details"]["id"], Body(first)["details"]["id"]);
  EXPECT_EQ(Body(again)["status"], "duplicate");

  server_.ctx().intake_rules.rate_rules = {{"test", "", "", 2, 3600}};
  ASSERT_EQ(cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test").status, 202);
  auto limited = cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test");
  ExpectDetail(limited, 429, "rate limit");
  EXPECT_FALSE(limited.headers[boost::beast::http::field::retry_after].empty());
  EXPECT_GT(Body(limited)["retry_after_s"].get<int>(), 0);
}

// ---- popcorn admin ----

TEST_F(PopcornReplayTest, AdminStopAndStartIntake) {
  PopcornCli admin = PopcornCli::Admin(server_.port(), server_.admin.token);
  PopcornCli cli = Cli(server_.competitor);
  auto stopped = admin.Raw(V::post, "/admin/stop");
  ASSERT_EQ(stopped.status, 200) << stopped.body;
  EXPECT_EQ(Body(stopped)["accepts_jobs"], false);
  ExpectDetail(cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test"), 503, "not accepting");
  ExpectDetail(PopcornCli::Admin(server_.port(), server_.organizer.token).Raw(V::post, "/admin/start"), 403, "organizer");
  ASSERT_EQ(admin.Raw(V::post, "/admin/start").status, 200);
  EXPECT_EQ(cli.Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test").status, 202);
}

TEST_F(PopcornReplayTest, AdminStatsSubmissionsAndLeaderboards) {
  PopcornCli admin = PopcornCli::Admin(server_.port(), server_.admin.token);
  auto sub = Cli(server_.competitor).Submit("solution.cpp", SourceWithHeaders(), "vectoradd", "cpu", "test");
  const std::int64_t id = Body(sub)["details"]["id"];

  auto stats = admin.Raw(V::get, "/admin/stats?last_day_only=true");
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(Body(stats)["stats"]["submissions"], 1);
  EXPECT_EQ(Body(stats)["stats"]["queued_jobs_by_gpu"]["cpu"], 1);

  auto got = admin.Raw(V::get, "/admin/submissions/" + std::to_string(id));
  ASSERT_EQ(got.status, 200) << got.body;
  ExpectSubmissionDetails(Body(got)["submission"]);
  ASSERT_EQ(admin.Raw(V::delete_, "/admin/submissions/" + std::to_string(id)).status, 200);
  EXPECT_EQ(admin.Raw(V::get, "/admin/submissions/" + std::to_string(id)).status, 404);

  // "Deleting" a leaderboard hides it; its rankings stay in the store.
  ASSERT_EQ(admin.Raw(V::delete_, "/admin/leaderboards/softmax?force=true").status, 200);
  const json listed = Body(Cli(server_.competitor).FetchLeaderboards());
  EXPECT_EQ(std::count_if(listed.begin(), listed.end(), [](const json& b) { return b["name"] == "softmax"; }), 0);
  ExpectDetail(admin.Raw(V::post, "/admin/update-problems", R"({"repository":"gpu-mode/reference-kernels"})"), 501, "--problems");
}

TEST_F(PopcornReplayTest, AdminInvitesAreRedeemedWithJoinAndRevocable) {
  PopcornCli admin = PopcornCli::Admin(server_.port(), server_.admin.token);
  auto r = admin.Raw(V::post, "/admin/invites", R"({"leaderboards":["vectoradd"],"count":2})");
  ASSERT_EQ(r.status, 200) << r.body;
  // popcorn admin generate-invites prints result["codes"] and result["leaderboards"].
  ASSERT_EQ(Body(r)["codes"].size(), 2u);
  EXPECT_EQ(Body(r)["leaderboards"], json::array({"vectoradd"}));
  const std::string code0 = Body(r)["codes"][0], code1 = Body(r)["codes"][1];
  EXPECT_EQ(PopcornCli::WithId(server_.port(), "ivan-laptop-0123456789abcdef").Join("ivan:" + code0).status, 200);

  auto revoked = admin.Raw(V::delete_, "/admin/invites/" + code1);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(Body(revoked)["was_claimed"], false);
  EXPECT_EQ(PopcornCli::WithId(server_.port(), "judy-laptop-0123456789abcdef").Join("judy:" + code1).status, 401);
  EXPECT_EQ(Body(admin.Raw(V::delete_, "/admin/invites/" + code0))["was_claimed"], true);

  // Hidden leaderboards have no per-user access in kjudge: saying yes would mislead.
  store::LeaderboardRepository boards(server_.db());
  for (const auto& b : Must(boards.List(true), "boards")) {
    if (b.problem_name == "sort") Must(boards.SetVisibility(b.id, store::Visibility::kHidden), "hide");
  }
  ExpectDetail(admin.Raw(V::post, "/admin/invites", R"({"leaderboards":["sort"],"count":1})"), 409, "hidden");
  ExpectDetail(admin.Raw(V::post, "/admin/invites", R"({"leaderboards":["vectoradd"],"count":0})"), 400, "count");
}

}  // namespace
}  // namespace kjudge::testing
