// What the public API does, through the real server: submitting (queue position, duplicates,
// rate limits, pauses), listing one's own submissions, cancelling, runs, templates, hidden
// problems, and administration (problem push and activation, leaderboards, bans, tokens, reruns,
// the audit log).
#include <gtest/gtest.h>

#include <filesystem>

#include <fstream>
#include <sstream>

#include "kjudge/store/submission_repository.h"
#include "route_table.h"

namespace kjudge::testing {
namespace {

using nlohmann::json;
using V = beast_verb::verb;

json Body(const TestResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON (" << r.status << "): " << r.body << r.error;
  return j;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ApiTest : public ::testing::Test {
 protected:
  ApiServer server_;
  std::unique_ptr<TestHttpClient> competitor_ = server_.Client(As::kCompetitor);
  std::unique_ptr<TestHttpClient> other_ = server_.Client(server_.other.token);
  std::unique_ptr<TestHttpClient> organizer_ = server_.Client(As::kOrganizer);
  std::unique_ptr<TestHttpClient> admin_ = server_.Client(As::kAdmin);
  std::unique_ptr<TestHttpClient> anonymous_ = server_.Client(As::kAnonymous);

  static TestResponse Post(TestHttpClient& c, const std::string& target, const json& body = json()) {
    return c.Request(V::post, target, body.is_null() ? "" : body.dump());
  }

  json SubmitBody(const std::string& source, const std::string& mode = "test", const std::string& problem = "vectoradd") {
    return {{"problem", problem}, {"gpu", "cpu"}, {"mode", mode}, {"file_name", "solution.cpp"}, {"source", source}};
  }

  /// Submits through the API; returns the new submission's id.
  std::int64_t Submit(TestHttpClient& c, const std::string& mode = "test") {
    auto r = Post(c, "/api/v1/submissions", SubmitBody(server_.Source(), mode));
    EXPECT_EQ(r.status, 201) << r.body;
    return Body(r).value("id", std::int64_t{0});
  }

  std::vector<std::string> AuditActions() {
    auto r = admin_->Get("/api/v1/admin/audit?limit=1000");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> actions;
    const json entries = Body(r)["entries"];
    for (const auto& e : entries) actions.push_back(e["actor"].get<std::string>() + " " + e["action"].get<std::string>());
    return actions;
  }

  bool Audited(const std::string& actor_action) {
    auto actions = AuditActions();
    return std::find(actions.begin(), actions.end(), actor_action) != actions.end();
  }
};

// ---- submitting ----------------------------------------------------------------------------------

TEST_F(ApiTest, CreateSaysWhereInTheQueueAndReturnsTheEarlierSubmissionForAResend) {
  const json body = SubmitBody(server_.Source());
  auto first = Post(*competitor_, "/api/v1/submissions", body);
  ASSERT_EQ(first.status, 201) << first.body;
  const json created = Body(first);
  EXPECT_EQ(created["duplicate"], false);
  EXPECT_EQ(created["status"], "queued");
  EXPECT_EQ(created["gpu"], "cpu");
  EXPECT_EQ(created["queue"]["position"], 1);
  EXPECT_EQ(created["queue"]["jobs_ahead"], 0);
  EXPECT_FALSE(created["queue"]["summary"].get<std::string>().empty());

  auto again = Post(*competitor_, "/api/v1/submissions", body);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Body(again)["duplicate"], true);
  EXPECT_EQ(Body(again)["id"], created["id"]);

  // A second competitor's submission queues behind the first.
  auto behind = Post(*other_, "/api/v1/submissions", SubmitBody(server_.Source()));
  ASSERT_EQ(behind.status, 201) << behind.body;
  EXPECT_EQ(Body(behind)["queue"]["jobs_ahead"], 1);
}

TEST_F(ApiTest, PopcornHashHeadersAreStoredAsCommentsSoTheFileCompiles) {
  // The same file popcorn-cli sends, through our own API (kjudge submit, the web page, scripts).
  const std::string body = server_.Source();
  const std::string sent = "#!POPCORN leaderboard vectoradd\n#!POPCORN gpu H100\n" + body;
  auto r = Post(*competitor_, "/api/v1/submissions", SubmitBody(sent));
  ASSERT_EQ(r.status, 201) << r.body;
  auto stored = store::SubmissionRepository(server_.db()).Get(Body(r)["id"].get<std::int64_t>());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->source, "//!POPCORN leaderboard vectoradd\n//!POPCORN gpu H100\n" + body);
}

TEST_F(ApiTest, ReadingASubmissionShowsItsQueuePositionUntilItIsJudged) {
  const std::int64_t id = Submit(*competitor_);
  auto queued = Body(competitor_->Get("/api/v1/submissions/" + Id(id)));
  EXPECT_EQ(queued["status"], "queued");
  EXPECT_EQ(queued["user"], "carol");
  EXPECT_EQ(queued["problem"], "vectoradd");
  ASSERT_TRUE(queued.contains("queue"));
  EXPECT_EQ(queued["queue"]["position"], 1);

  const store::Run run = server_.Finish(id, 2.5e6);
  auto judged = Body(competitor_->Get("/api/v1/submissions/" + Id(id)));
  EXPECT_EQ(judged["status"], "passed");
  EXPECT_FALSE(judged.contains("queue"));
  EXPECT_EQ(judged["best_score_ns"], 2.5e6);
  ASSERT_EQ(judged["runs"].size(), 1u);
  EXPECT_EQ(judged["runs"][0]["id"], run.id);
}

TEST_F(ApiTest, RateLimitsAnswer429WithRetryAfter) {
  server_.ctx().intake_rules.rate_rules = {{"test", "", "", 1, 3600}};
  Submit(*competitor_);
  auto limited = Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source()));
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(Body(limited)["error"], "rate_limited");
  const std::string retry(limited.headers[boost::beast::http::field::retry_after]);
  ASSERT_FALSE(retry.empty());
  EXPECT_GT(std::stoll(retry), 0);
  EXPECT_EQ(Body(limited)["retry_after_s"], std::stoll(retry));
}

TEST_F(ApiTest, PausedServerRefusesNewSubmissionsButStillAnswersReads) {
  const std::int64_t id = Submit(*competitor_);
  server_.ctx().accepting = false;
  auto refused = Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source()));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(Body(refused)["error"], "unavailable");
  EXPECT_NE(Body(refused)["message"].get<std::string>().find("not accepting"), std::string::npos);
  EXPECT_EQ(competitor_->Get("/api/v1/submissions/" + Id(id)).status, 200);
  server_.ctx().accepting = true;
  EXPECT_EQ(Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source())).status, 201);
}

TEST_F(ApiTest, MalformedSubmissionsNameTheField) {
  auto no_source = Post(*competitor_, "/api/v1/submissions", {{"problem", "vectoradd"}, {"gpu", "cpu"}, {"file_name", "a.cpp"}});
  EXPECT_EQ(no_source.status, 400);
  EXPECT_NE(Body(no_source)["message"].get<std::string>().find("source"), std::string::npos);
  auto bad_mode = Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source(), "fastest"));
  EXPECT_EQ(bad_mode.status, 400);
  auto unknown = Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source(), "test", "no-such-problem"));
  EXPECT_EQ(unknown.status, 404);
}

// ---- listing ---------------------------------------------------------------------------------------

TEST_F(ApiTest, ListingShowsOnlyTheCallersOwnSubmissionsNewestFirst) {
  std::vector<std::int64_t> mine = {Submit(*competitor_), Submit(*competitor_), Submit(*competitor_, "benchmark")};
  std::vector<std::int64_t> theirs = {Submit(*other_), Submit(*other_)};
  server_.Finish(mine[0], 3e6);

  auto listed = Body(competitor_->Get("/api/v1/submissions"));
  ASSERT_EQ(listed["submissions"].size(), 3u) << listed.dump();
  EXPECT_EQ(listed["submissions"][0]["id"], mine[2]);
  EXPECT_EQ(listed["submissions"][1]["id"], mine[1]);
  EXPECT_EQ(listed["submissions"][2]["id"], mine[0]);
  for (const auto& s : listed["submissions"]) EXPECT_EQ(s["user"], "carol");
  EXPECT_EQ(listed["submissions"][2]["status"], "passed");
  EXPECT_EQ(listed["submissions"][2]["best_score_ns"], 3e6);
  EXPECT_EQ(listed["submissions"][0]["status"], "queued");
  EXPECT_TRUE(listed["submissions"][0]["best_score_ns"].is_null());
  EXPECT_TRUE(listed["next_before"].is_null());

  auto benchmark = Body(competitor_->Get("/api/v1/submissions?mode=benchmark"));
  ASSERT_EQ(benchmark["submissions"].size(), 1u);
  EXPECT_EQ(benchmark["submissions"][0]["id"], mine[2]);
  EXPECT_EQ(Body(competitor_->Get("/api/v1/submissions?problem=sort"))["submissions"].size(), 0u);
  EXPECT_EQ(Body(competitor_->Get("/api/v1/submissions?problem=vectoradd&gpu=CPU"))["submissions"].size(), 3u);

  // Pages: the cursor continues where the last page ended.
  auto page1 = Body(competitor_->Get("/api/v1/submissions?limit=2"));
  ASSERT_EQ(page1["submissions"].size(), 2u);
  ASSERT_TRUE(page1["next_before"].is_number());
  auto page2 = Body(competitor_->Get("/api/v1/submissions?limit=2&before=" + Id(page1["next_before"].get<std::int64_t>())));
  ASSERT_EQ(page2["submissions"].size(), 1u);
  EXPECT_EQ(page2["submissions"][0]["id"], mine[0]);

  // Organizers may look at anyone's; competitors may not.
  auto dave = Body(organizer_->Get("/api/v1/submissions?user=dave"));
  ASSERT_EQ(dave["submissions"].size(), 2u);
  EXPECT_EQ(dave["submissions"][0]["id"], theirs[1]);
  EXPECT_EQ(competitor_->Get("/api/v1/submissions?user=dave").status, 403);
  EXPECT_EQ(organizer_->Get("/api/v1/submissions?user=nobody").status, 404);
  EXPECT_EQ(competitor_->Get("/api/v1/submissions?gpus=cpu").status, 400) << "a misspelt filter must not list everything";
  EXPECT_EQ(competitor_->Get("/api/v1/submissions?limit=0").status, 400);
}

// ---- cancelling ------------------------------------------------------------------------------------

TEST_F(ApiTest, CancelStopsUnfinishedJobsAndTellsFollowers) {
  const std::int64_t id = Submit(*competitor_);
  auto cancelled = Post(*competitor_, "/api/v1/submissions/" + Id(id) + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Body(cancelled)["cancelled_jobs"].size(), 1u);

  auto after = Body(competitor_->Get("/api/v1/submissions/" + Id(id)));
  EXPECT_EQ(after["status"], "cancelled");
  EXPECT_EQ(after["jobs"][0]["status"], "cancelled");
  EXPECT_FALSE(after.contains("queue"));
  bool announced = false;
  for (const auto& e : after["events"]) announced = announced || e["event"] == "cancelled";
  EXPECT_TRUE(announced) << after["events"].dump();

  // No runner gets it any more, and there is nothing left to cancel.
  auto leased = server_.queue().Lease("rune/test", "cpu");
  ASSERT_TRUE(leased.ok());
  EXPECT_FALSE(leased->has_value());
  EXPECT_EQ(Post(*competitor_, "/api/v1/submissions/" + Id(id) + "/cancel").status, 409);
}

TEST_F(ApiTest, CancellingAJobBeingJudgedTakesItsLeaseAway) {
  auto sub = server_.Submit(server_.competitor);
  const store::Job job = server_.Lease(sub.id);
  ASSERT_EQ(Post(*competitor_, "/api/v1/submissions/" + Id(sub.id) + "/cancel").status, 200);
  auto runner = server_.Client(As::kRunner);
  auto heartbeat = Post(*runner, "/api/runner/jobs/" + Id(job.id) + "/heartbeat", {{"lease_id", *job.lease_id}});
  EXPECT_EQ(heartbeat.status, 409) << heartbeat.body;
}

// ---- runs --------------------------------------------------------------------------------------------

TEST_F(ApiTest, RunShowsCasesLogsDeviceAndRunner) {
  auto [sub, run] = server_.Judged(server_.competitor);
  auto r = competitor_->Get("/api/v1/runs/" + Id(run.id));
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = Body(r);
  EXPECT_EQ(j["submission_id"], sub.id);
  EXPECT_EQ(j["verdict"], "passed");
  EXPECT_EQ(j["gpu"], "cpu");
  EXPECT_EQ(j["mode"], "test");
  EXPECT_EQ(j["device"], "cpu: test host");
  EXPECT_EQ(j["runner"], "rune");
  ASSERT_EQ(j["cases"].size(), 2u);
  EXPECT_EQ(j["cases"][1]["timing"]["samples"], 12);
  EXPECT_EQ(other_->Get("/api/v1/runs/" + Id(run.id)).status, 404);
  EXPECT_EQ(competitor_->Get("/api/v1/runs/999999").status, 404);
  EXPECT_EQ(competitor_->Get("/api/v1/runs/abc").status, 400);
}

// ---- problems and templates ----------------------------------------------------------------------

TEST_F(ApiTest, TemplateDownloadIsExactlyTheFile) {
  for (const auto& [language, file] : std::vector<std::pair<std::string, std::string>>{
           {"cuda", "template.cu"}, {"hip", "template.hip"}, {"cpp", "template.cpp"}, {"CUDA", "template.cu"}}) {
    auto r = anonymous_->Get("/api/v1/problems/vectoradd/templates/" + language);
    ASSERT_EQ(r.status, 200) << language << ": " << r.body;
    EXPECT_EQ(r.body, ReadFile(std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd/" + file)) << language;
    EXPECT_EQ(r.headers[boost::beast::http::field::content_disposition], "attachment; filename=\"" + file + "\"");
    EXPECT_EQ(r.headers[boost::beast::http::field::content_type], "text/plain; charset=utf-8");
  }
  EXPECT_EQ(anonymous_->Get("/api/v1/problems/vectoradd/templates/fortran").status, 404);
  EXPECT_EQ(anonymous_->Get("/api/v1/problems/nope/templates/cuda").status, 404);
}

TEST_F(ApiTest, ProblemDetailSummarizesTheSpec) {
  auto r = anonymous_->Get("/api/v1/problems/vectoradd");
  ASSERT_EQ(r.status, 200) << r.body;
  const json p = Body(r);
  EXPECT_EQ(p["title"], "Vector addition (fp16)");
  EXPECT_EQ(p["tests"], 6);
  EXPECT_EQ(p["benchmarks"], 3);
  EXPECT_NE(p["description"].get<std::string>().find("C = A + B"), std::string::npos);
  EXPECT_EQ(p["templates"].size(), 3u);
  EXPECT_EQ(p["leaderboards"].size(), p["gpus"].size());
  EXPECT_FALSE(p.contains("versions")) << "versions are for organizers";
  EXPECT_FALSE(p["leaderboards"][0].contains("visibility")) << "visibility is for organizers";
  const json listed = Body(anonymous_->Get("/api/v1/problems"));
  std::size_t in_tree = 0;  // every problem of problems/ is published, none twice
  for (const auto& dir : std::filesystem::directory_iterator(std::filesystem::path(KJUDGE_SOURCE_DIR) / "problems")) {
    in_tree += std::filesystem::exists(dir.path() / "problem.yaml") ? 1 : 0;
  }
  EXPECT_EQ(listed["problems"].size(), in_tree) << listed.dump();
}

TEST_F(ApiTest, HiddenLeaderboardsAndProblemsAreInvisibleToCompetitors) {
  // Hide one GPU of vectoradd, and every GPU of histogram.
  ASSERT_EQ(organizer_->Request(V::patch, "/api/v1/admin/leaderboards/vectoradd/h100", R"({"visibility":"hidden"})").status, 200);
  const json histogram_boards = Body(organizer_->Get("/api/v1/problems/histogram"))["leaderboards"];
  ASSERT_FALSE(histogram_boards.empty());
  for (const auto& board : histogram_boards) {
    auto r = organizer_->Request(V::patch, "/api/v1/admin/leaderboards/histogram/" + board["gpu"].get<std::string>(),
                                 R"({"visibility":"hidden"})");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  for (auto* client : {anonymous_.get(), competitor_.get()}) {
    const json problems = Body(client->Get("/api/v1/problems"))["problems"];
    for (const auto& p : problems) {
      EXPECT_NE(p["name"], "histogram");
      if (p["name"] == "vectoradd") {
        EXPECT_EQ(std::count(p["gpus"].begin(), p["gpus"].end(), "H100_SXM"), 0) << p.dump();
      }
    }
    EXPECT_EQ(client->Get("/api/v1/problems/histogram").status, 404);
    EXPECT_EQ(client->Get("/api/v1/problems/histogram/templates/cuda").status, 404);
    EXPECT_EQ(client->Get("/api/v1/leaderboards/vectoradd/H100").status, 404);
    const json boards = Body(client->Get("/api/v1/leaderboards"))["leaderboards"];
    ASSERT_FALSE(boards.empty());
    for (const auto& b : boards) {
      EXPECT_NE(b["problem"], "histogram");
      EXPECT_FALSE(b.contains("visibility"));
    }
  }
  EXPECT_EQ(Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source(), "test", "histogram")).status, 404);
  // Organizers still see everything, marked.
  EXPECT_EQ(organizer_->Get("/api/v1/problems/histogram").status, 200);
  const json board = Body(organizer_->Get("/api/v1/leaderboards/vectoradd/H100"));
  EXPECT_EQ(board["gpu"], "H100_SXM");
  bool marked = false;
  const json all_boards = Body(organizer_->Get("/api/v1/leaderboards"))["leaderboards"];
  for (const auto& b : all_boards) {
    marked = marked || (b["problem"] == "histogram" && b["visibility"] == "hidden");
  }
  EXPECT_TRUE(marked);
}

// ---- administration: problems and leaderboards ----------------------------------------------------

TEST_F(ApiTest, PushWithABrokenSpecNamesFileAndLineAndStoresNothing) {
  json body = json::parse(PushBody("vectoradd"));
  std::string yaml = body["files"]["problem.yaml"];
  const auto at = yaml.find("ranking_by: geomean");
  ASSERT_NE(at, std::string::npos);
  const int line = 1 + static_cast<int>(std::count(yaml.begin(), yaml.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  yaml.replace(at, std::string("ranking_by: geomean").size(), "ranking_by: fastest");
  body["files"]["problem.yaml"] = yaml;
  const auto versions_before = Body(organizer_->Get("/api/v1/problems/vectoradd"))["versions"].size();

  auto r = Post(*organizer_, "/api/v1/admin/problems", body);
  ASSERT_EQ(r.status, 400) << r.body;
  const std::string message = Body(r)["message"];
  EXPECT_NE(message.find("bundle/problem.yaml:" + std::to_string(line) + ":"), std::string::npos) << message;
  EXPECT_NE(message.find("ranking_by"), std::string::npos) << message;
  EXPECT_EQ(Body(organizer_->Get("/api/v1/problems/vectoradd"))["versions"].size(), versions_before);
  EXPECT_FALSE(Audited("olga problem.push"));

  // A file the spec names but the bundle lacks is named too.
  json missing = json::parse(PushBody("vectoradd"));
  missing["files"].erase("template.cu");
  auto r2 = Post(*organizer_, "/api/v1/admin/problems", missing);
  ASSERT_EQ(r2.status, 400);
  EXPECT_NE(Body(r2)["message"].get<std::string>().find("template.cu"), std::string::npos);
}

TEST_F(ApiTest, PushPublishesANewVersionAndActivateRollsBack) {
  const json before = Body(organizer_->Get("/api/v1/problems/vectoradd"));
  const std::int64_t old_version = before["version"]["id"];
  json body = json::parse(PushBody("vectoradd"));
  std::string yaml = body["files"]["problem.yaml"];
  const std::string old_title = "title: Vector addition (fp16)";
  yaml.replace(yaml.find(old_title), old_title.size(), "title: Vector addition, revised");
  body["files"]["problem.yaml"] = yaml;

  auto pushed = Post(*organizer_, "/api/v1/admin/problems", body);
  ASSERT_EQ(pushed.status, 201) << pushed.body;
  EXPECT_EQ(Body(pushed)["created_version"], true);
  EXPECT_EQ(Body(anonymous_->Get("/api/v1/problems/vectoradd"))["title"], "Vector addition, revised");
  EXPECT_EQ(Post(*organizer_, "/api/v1/admin/problems", body).status, 200) << "the same content again is not a new version";

  auto activated = Post(*organizer_, "/api/v1/admin/problems/vectoradd/activate", {{"version_id", old_version}});
  ASSERT_EQ(activated.status, 200) << activated.body;
  EXPECT_EQ(Body(anonymous_->Get("/api/v1/problems/vectoradd"))["title"], "Vector addition (fp16)");
  EXPECT_EQ(Post(*organizer_, "/api/v1/admin/problems/vectoradd/activate", {{"version_id", 999999}}).status, 404);
  // Another problem's version is not this problem's.
  const std::int64_t sort_version = Body(organizer_->Get("/api/v1/problems/sort"))["version"]["id"];
  EXPECT_EQ(Post(*organizer_, "/api/v1/admin/problems/vectoradd/activate", {{"version_id", sort_version}}).status, 404);
  EXPECT_TRUE(Audited("olga problem.push"));
  EXPECT_TRUE(Audited("olga problem.activate"));
}

TEST_F(ApiTest, ClosingALeaderboardRefusesLeaderboardSubmissions) {
  auto closed = organizer_->Request(V::patch, "/api/v1/admin/leaderboards/vectoradd/cpu",
                                    json{{"state", "closed"}, {"deadline_ms", 4102444800000}}.dump());
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(Body(closed)["leaderboard"]["state"], "closed");
  EXPECT_EQ(Body(closed)["leaderboard"]["deadline_ms"], 4102444800000);
  EXPECT_EQ(Body(closed)["leaderboard"]["accepts_submissions"], false);
  EXPECT_EQ(Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source(), "leaderboard")).status, 409);
  EXPECT_EQ(Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source(), "test")).status, 201);
  EXPECT_TRUE(Audited("olga leaderboard.close"));
  EXPECT_TRUE(Audited("olga leaderboard.deadline"));

  auto reopened = organizer_->Request(V::patch, "/api/v1/admin/leaderboards/vectoradd/cpu", R"({"state":"open","deadline_ms":null})");
  ASSERT_EQ(reopened.status, 200);
  EXPECT_EQ(Body(reopened)["leaderboard"]["accepts_submissions"], true);
  EXPECT_EQ(Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source(), "leaderboard")).status, 201);
  EXPECT_EQ(organizer_->Request(V::patch, "/api/v1/admin/leaderboards/vectoradd/cpu", R"({"state":"ajar"})").status, 400);
  EXPECT_EQ(organizer_->Request(V::patch, "/api/v1/admin/leaderboards/vectoradd/cpu", "{}").status, 400);
  EXPECT_EQ(organizer_->Request(V::patch, "/api/v1/admin/leaderboards/vectoradd/Z80", R"({"state":"open"})").status, 404);
}

TEST_F(ApiTest, RerunQueuesAgainEvenWhenTheOwnerIsRateLimited) {
  auto [sub, run] = server_.Judged(server_.competitor);
  server_.ctx().intake_rules.rate_rules = {{"", "", "", 0, 3600}};
  EXPECT_EQ(Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source())).status, 429);
  auto rerun = Post(*organizer_, "/api/v1/admin/submissions/" + Id(sub.id) + "/rerun");
  ASSERT_EQ(rerun.status, 201) << rerun.body;
  EXPECT_EQ(Body(rerun)["queue"]["position"], 1);
  const json after = Body(competitor_->Get("/api/v1/submissions/" + Id(sub.id)));
  EXPECT_EQ(after["jobs"].size(), 2u);
  EXPECT_EQ(after["status"], "queued");
  EXPECT_EQ(after["jobs"][1]["gpu"], "cpu");
  EXPECT_EQ(after["jobs"][1]["mode"], "test");
  EXPECT_TRUE(Audited("olga submission.rerun"));
  EXPECT_EQ(Post(*organizer_, "/api/v1/admin/submissions/999999/rerun").status, 404);
}

// ---- administration: users and tokens ------------------------------------------------------------

TEST_F(ApiTest, BannedUsersAreRefusedWithTheReason) {
  auto banned = Post(*admin_, "/api/v1/admin/users/carol/ban", {{"reason", "sharing solutions in the forum"}});
  ASSERT_EQ(banned.status, 200) << banned.body;
  EXPECT_EQ(Body(banned)["user"]["banned"], true);
  auto refused = Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source()));
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(Body(refused)["message"].get<std::string>().find("sharing solutions in the forum"), std::string::npos)
      << refused.body;
  EXPECT_EQ(Post(*admin_, "/api/v1/admin/users/carol/ban", {{"reason", "  "}}).status, 400) << "a ban needs a reason";

  ASSERT_EQ(Post(*admin_, "/api/v1/admin/users/carol/unban").status, 200);
  EXPECT_EQ(Post(*competitor_, "/api/v1/submissions", SubmitBody(server_.Source())).status, 201);
  EXPECT_TRUE(Audited("ada user.ban"));
  EXPECT_TRUE(Audited("ada user.unban"));
  // Admins cannot lock themselves out.
  EXPECT_EQ(Post(*admin_, "/api/v1/admin/users/ada/ban", {{"reason", "oops"}}).status, 409);
  EXPECT_EQ(Post(*admin_, "/api/v1/admin/users/ada/role", {{"role", "competitor"}}).status, 409);
  EXPECT_EQ(Post(*admin_, "/api/v1/admin/users/nobody/ban", {{"reason", "x"}}).status, 404);
}

TEST_F(ApiTest, UsersAndRolesAreManagedByAdmins) {
  auto created = Post(*admin_, "/api/v1/admin/users", {{"name", "erin"}, {"role", "competitor"}, {"display_name", "Erin"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string token = Body(created)["token"]["plaintext"];
  auto erin = server_.Client(token);
  EXPECT_EQ(erin->Get("/api/v1/submissions").status, 200) << "the first token works";
  EXPECT_EQ(Post(*erin, "/api/v1/admin/problems/vectoradd/activate", {{"version_id", 1}}).status, 403);
  EXPECT_EQ(Post(*admin_, "/api/v1/admin/users", {{"name", "ERIN"}}).status, 409) << "names are unique regardless of case";

  ASSERT_EQ(Post(*admin_, "/api/v1/admin/users/erin/role", {{"role", "organizer"}}).status, 200);
  EXPECT_NE(Post(*erin, "/api/v1/admin/problems/vectoradd/activate", json::object()).status, 403) << "now an organizer";
  const json users = Body(admin_->Get("/api/v1/admin/users"))["users"];
  bool found = false;
  for (const auto& u : users) found = found || (u["name"] == "erin" && u["role"] == "organizer" && u["display_name"] == "Erin");
  EXPECT_TRUE(found) << users.dump();
  EXPECT_TRUE(Audited("ada user.create"));
  EXPECT_TRUE(Audited("ada user.role"));
  EXPECT_EQ(Post(*admin_, "/api/v1/admin/users", {{"name", "x"}, {"role", "emperor"}}).status, 400);
}

TEST_F(ApiTest, TokensAreShownOnceAndRevocable) {
  auto issued = Post(*admin_, "/api/v1/admin/tokens", {{"kind", "api"}, {"user", "carol"}, {"label", "ci"}});
  ASSERT_EQ(issued.status, 201) << issued.body;
  const json token = Body(issued)["token"];
  const std::string plaintext = token["plaintext"];
  EXPECT_EQ(token["user"], "carol");
  EXPECT_EQ(server_.Client(plaintext)->Get("/api/v1/submissions").status, 200);

  const json listed = Body(admin_->Get("/api/v1/admin/users/carol/tokens"))["tokens"];
  ASSERT_GE(listed.size(), 2u);
  for (const auto& t : listed) EXPECT_FALSE(t.contains("plaintext")) << "secrets are never shown again";
  EXPECT_EQ(listed[0]["id"], token["id"]) << "newest first";

  auto revoked = Post(*admin_, "/api/v1/admin/tokens/" + Id(token["id"].get<std::int64_t>()) + "/revoke");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_TRUE(Body(revoked)["token"]["revoked_ms"].is_number());
  EXPECT_EQ(server_.Client(plaintext)->Get("/api/v1/submissions").status, 401);
  EXPECT_EQ(competitor_->Get("/api/v1/submissions").status, 200) << "carol's other token still works";
  EXPECT_TRUE(Audited("ada token.issue"));
  EXPECT_TRUE(Audited("ada token.revoke"));

  EXPECT_EQ(Post(*admin_, "/api/v1/admin/tokens", {{"kind", "runner"}, {"user", "carol"}}).status, 400)
      << "runner tokens are for runner users";
  EXPECT_EQ(Post(*admin_, "/api/v1/admin/tokens", {{"kind", "api"}, {"user", "nobody"}}).status, 404);
  EXPECT_EQ(Post(*admin_, "/api/v1/admin/tokens/999999/revoke").status, 404);
}

TEST_F(ApiTest, InvitesCreateAccountsWithTheirRole) {
  auto issued = Post(*admin_, "/api/v1/admin/tokens", {{"kind", "invite"}, {"role", "organizer"}});
  ASSERT_EQ(issued.status, 201) << issued.body;
  const json invite = Body(issued)["token"];
  EXPECT_EQ(invite["invite_role"], "organizer");
  EXPECT_TRUE(invite["user"].is_null());
  EXPECT_TRUE(invite["expires_ms"].is_number()) << "invites expire by default";
  auto redeemed = Post(*anonymous_, "/api/v1/register", {{"invite", invite["plaintext"]}, {"name", "frank"}});
  ASSERT_EQ(redeemed.status, 201) << redeemed.body;
  EXPECT_EQ(Body(redeemed)["user"]["role"], "organizer");
  EXPECT_EQ(server_.Client(Body(redeemed)["token"].get<std::string>())->Get("/api/v1/admin/audit").status, 403);
  EXPECT_EQ(Post(*anonymous_, "/api/v1/register", {{"invite", invite["plaintext"]}, {"name", "grace"}}).status, 401)
      << "an invite works once";
  EXPECT_TRUE(Audited("ada token.invite"));
}

TEST_F(ApiTest, AuditLogPagesNewestFirst) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Post(*admin_, "/api/v1/admin/users", {{"name", "u" + std::to_string(i)}}).status, 201);
  const json page = Body(admin_->Get("/api/v1/admin/audit?limit=2"));
  ASSERT_EQ(page["entries"].size(), 2u);
  EXPECT_EQ(page["entries"][0]["target"], "user:u2");
  EXPECT_EQ(page["entries"][0]["detail"]["role"], "competitor");
  EXPECT_GT(page["entries"][0]["id"], page["entries"][1]["id"]);
  const json next = Body(admin_->Get("/api/v1/admin/audit?limit=2&before=" + Id(page["next_before"].get<std::int64_t>())));
  ASSERT_GE(next["entries"].size(), 1u);
  EXPECT_EQ(next["entries"][0]["target"], "user:u0");
}

}  // namespace
}  // namespace kjudge::testing
