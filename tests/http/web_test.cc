// The web view over HTTP (docs/web.md): every page renders from its JSON mirror, hostile strings
// stay text, sources are shown only to those who may read them, sign-in sets a cookie only our
// own forms can use, caches follow writes, and ranks freeze at the deadline.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "web_fixture.h"

namespace kjudge::testing {
namespace {

using V = beast_verb::verb;

std::string Id(std::int64_t id) { return std::to_string(id); }

class WebTest : public ::testing::Test {
 protected:
  nlohmann::json Json(const std::string& target, As who = As::kAnonymous) {
    auto res = server_.Client(who)->Get(target);
    EXPECT_EQ(res.status, 200) << target << ": " << res.body;
    return nlohmann::json::parse(res.body, nullptr, false);
  }
  TestResponse Page(const std::string& target, const std::string& cookie = "") {
    TestHttpClient client(server_.port());
    if (!cookie.empty()) client.SetHeader("Cookie", cookie);
    return client.Get(target);
  }
  static std::string Session(const Account& a) { return "kjudge_session=" + a.token; }

  WebServer server_;
};

/// No markup from a payload survives: neither element can appear, as tags, anywhere.
void ExpectInert(const std::string& html, const std::string& where) {
  EXPECT_EQ(html.find("<script>document"), std::string::npos) << where;
  EXPECT_EQ(html.find("<img src=x"), std::string::npos) << where;
  EXPECT_EQ(html.find("onerror=\"document"), std::string::npos) << where;
  // Every script the page has is an external file: the policy forbids inline ones anyway.
  for (std::size_t at = html.find("<script"); at != std::string::npos; at = html.find("<script", at + 1)) {
    EXPECT_EQ(html.compare(at, 12, "<script src="), 0) << where << ": " << html.substr(at, 60);
  }
}

TEST_F(WebTest, LeaderboardPageRanksFastestFirstWithItsDocument) {
  auto doc = Json("/api/v1/leaderboards/vectoradd/cpu");
  ASSERT_EQ(doc["entries"].size(), 3u);
  EXPECT_EQ(doc["entries"][0]["user"], "bob");
  EXPECT_EQ(doc["entries"][1]["user"], "alice");
  EXPECT_EQ(doc["entries"][1]["run_id"], server_.alice_second.id);  // her best run, not her first
  EXPECT_EQ(doc["entries"][1]["submissions"], 2);
  EXPECT_EQ(doc["entries"][2]["user"], "mallory");
  EXPECT_EQ(doc["total_entries"], 3);
  EXPECT_FALSE(doc["frozen"].get<bool>());
  EXPECT_EQ(doc["ranking_by"], "geomean");
  ASSERT_EQ(doc["chart"]["series"].size(), 3u);
  EXPECT_EQ(doc["chart"]["series"][1]["points"].size(), 2u);  // alice improved once

  auto page = Page("/leaderboards/vectoradd/cpu");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(std::string(page.headers[boost::beast::http::field::content_type]).find("text/html"), std::string::npos);
  EXPECT_NE(std::string(page.headers["Content-Security-Policy"]).find("script-src 'self'"),
            std::string::npos);
  const auto bob_at = page.body.find("/users/bob"), alice_at = page.body.find("/users/alice");
  ASSERT_NE(bob_at, std::string::npos);
  ASSERT_NE(alice_at, std::string::npos);
  EXPECT_LT(bob_at, alice_at);
  EXPECT_NE(page.body.find("<svg"), std::string::npos);  // the best-score chart
  EXPECT_NE(page.body.find("x SoL"), std::string::npos);
  ExpectInert(page.body, "leaderboard");
}

TEST_F(WebTest, EveryPageRendersAndEscapesHostileStrings) {
  const auto mallory_sub = server_.mallory_run.submission_id;
  for (const std::string& target :
       {std::string("/"), std::string("/problems/vectoradd"), std::string("/leaderboards/vectoradd/cpu"),
        std::string("/users/mallory"), "/submissions/" + Id(mallory_sub), std::string("/login")}) {
    auto page = Page(target);
    EXPECT_EQ(page.status, 200) << target << ": " << page.body.substr(0, 300);
    ExpectInert(page.body, target);
  }
  // The payload is shown, as text.
  auto user = Page("/users/mallory");
  EXPECT_NE(user.body.find("&lt;script&gt;document.body.dataset.pwned=1&lt;/script&gt;"), std::string::npos);
  auto sub = Page("/submissions/" + Id(mallory_sub));
  EXPECT_NE(sub.body.find("&lt;img src=x onerror="), std::string::npos);  // file name and compile log
}

TEST_F(WebTest, JsonMirrorsCarryWhatPagesShow) {
  auto home = Json("/api/v1/home");
  bool found = false;
  for (const auto& b : home["leaderboards"]) {
    if (b["problem"] == "vectoradd" && b["gpu"] == "cpu") {
      found = true;
      EXPECT_EQ(b["entries"], 3);
      EXPECT_EQ(b["leader"]["user"], "bob");
    }
  }
  EXPECT_TRUE(found);
  ASSERT_FALSE(home["recent"].empty());
  EXPECT_EQ(home["recent"][0]["run_id"], server_.mallory_run.id);  // newest first

  auto problem = Json("/api/v1/problems/vectoradd");
  ASSERT_FALSE(problem["benchmark_cases"].empty());
  ASSERT_FALSE(problem["speed_of_light"].empty());
  for (const auto& gpu : problem["speed_of_light"]) {
    if (gpu["gpu"] != "cpu") continue;
    ASSERT_EQ(gpu["cases"].size(), problem["benchmark_cases"].size());
    EXPECT_GT(gpu["cases"][0]["sol_ns"].get<double>(), 0);
    EXPECT_EQ(gpu["cases"][0]["bound"], "memory");  // vectoradd moves bytes, barely computes
  }
  auto page = Page("/problems/vectoradd");
  EXPECT_NE(page.body.find("popcorn-cli submit"), std::string::npos);
  EXPECT_NE(page.body.find("kjudge submit"), std::string::npos);
  EXPECT_NE(page.body.find("/api/v1/problems/vectoradd/templates/"), std::string::npos);

  auto alice = Json("/api/v1/users/alice");
  ASSERT_EQ(alice["entries"].size(), 1u);
  EXPECT_EQ(alice["entries"][0]["rank"], 2);
  EXPECT_EQ(alice["entries"][0]["of"], 3);
  EXPECT_EQ(alice["history"].size(), 2u);
  EXPECT_EQ(server_.Client(As::kAnonymous)->Get("/api/v1/users/nobody").status, 404);
  EXPECT_EQ(Page("/users/nobody").status, 404);
  EXPECT_EQ(Page("/leaderboards/vectoradd/cpu?page=2").status, 404);
  EXPECT_EQ(Page("/leaderboards/vectoradd/cpu?sort=name").status, 400);
}

TEST_F(WebTest, SourcesAreShownOnlyToThoseWhoMayReadThem) {
  const std::string target = "/api/v1/submissions/" + Id(server_.alice_run.submission_id);
  auto anonymous = Json(target);
  EXPECT_FALSE(anonymous["source_visible"].get<bool>());
  EXPECT_FALSE(anonymous.contains("source"));
  EXPECT_EQ(anonymous["runs"].size(), 1u);  // the verdict and cases are public, like the rank
  auto page = Page("/submissions/" + Id(server_.alice_run.submission_id));
  EXPECT_EQ(page.body.find("secret sauce"), std::string::npos);
  auto own = Page("/submissions/" + Id(server_.alice_run.submission_id), Session(server_.alice));
  EXPECT_NE(own.body.find("secret sauce of alice"), std::string::npos);
  auto rival = Page("/submissions/" + Id(server_.alice_run.submission_id), Session(server_.bob));
  EXPECT_EQ(rival.body.find("secret sauce"), std::string::npos);

  // Test-mode submissions are private altogether.
  auto [test_sub, test_run] = server_.Judged(server_.alice);
  EXPECT_EQ(server_.Client(As::kAnonymous)->Get("/api/v1/submissions/" + Id(test_sub.id)).status, 404);
  EXPECT_EQ(Page("/submissions/" + Id(test_sub.id), Session(server_.bob)).status, 404);

  // Once a competition holding the leaderboard has ended and its sources are published: everyone.
  const std::int64_t now = server_.db().clock().NowMs();
  auto problem = Must(store::ProblemRepository(server_.db()).GetByName("vectoradd"), "problem");
  store::CompetitionRepository competitions(server_.db());
  auto c = Must(competitions.Create({"spring", "Spring", "", now - 10'000, now - 5'000, store::PointsRule::kRankPoints, true}),
                "create competition");
  Must(competitions.AddProblem(c.id, problem.id, 1.0), "add problem");
  server_.ctx().generation.Bump();
  auto published = Json(target);
  EXPECT_TRUE(published["source_visible"].get<bool>());
  EXPECT_NE(published["source"].get<std::string>().find("secret sauce of alice"), std::string::npos);
}

TEST_F(WebTest, SignInSetsAStrictHttpOnlyCookieFromOurOwnFormOnly) {
  TestHttpClient client(server_.port());
  auto ok = client.Request(V::post, "/login", "token=" + server_.alice.token, "application/x-www-form-urlencoded");
  EXPECT_EQ(ok.status, 303);
  const std::string cookie(ok.headers[boost::beast::http::field::set_cookie]);
  EXPECT_NE(cookie.find("kjudge_session=" + server_.alice.token), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(client.Request(V::post, "/login", "token=kj_api_nope", "application/x-www-form-urlencoded").status, 401);
  EXPECT_EQ(client.Request(V::post, "/login", "token=" + server_.runner.token, "application/x-www-form-urlencoded").status, 401);
  TestHttpClient cross(server_.port());
  cross.SetHeader("Origin", "https://evil.example");
  EXPECT_EQ(cross.Request(V::post, "/login", "token=" + server_.alice.token, "application/x-www-form-urlencoded").status, 403);
  // Signed in, the header names the viewer; a bad cookie just reads as signed out.
  EXPECT_NE(Page("/", Session(server_.alice)).body.find("alice"), std::string::npos);
  EXPECT_EQ(Page("/", "kjudge_session=kj_api_forged").status, 200);
}

TEST_F(WebTest, PagesFollowNewSubmissionsDespiteTheCache) {
  auto before = Json("/api/v1/leaderboards/vectoradd/cpu");
  auto page_before = Page("/leaderboards/vectoradd/cpu");
  ASSERT_EQ(page_before.status, 200);
  // A new leaderboard submission through the API is a write the server sees: bob's count rises.
  nlohmann::json body = {{"problem", "vectoradd"}, {"gpu", "cpu"}, {"mode", "leaderboard"}, {"language", "cpp"},
                         {"file_name", "again.cpp"}, {"source", server_.Source()}};
  auto bob = server_.Client(server_.bob.token);
  auto created = bob->Request(V::post, "/api/v1/submissions", body.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  auto after = Json("/api/v1/leaderboards/vectoradd/cpu");
  EXPECT_EQ(after["entries"][0]["submissions"].get<int>(), before["entries"][0]["submissions"].get<int>() + 1);
  auto page_after = Page("/leaderboards/vectoradd/cpu");
  EXPECT_NE(page_before.body, page_after.body);
}

TEST_F(WebTest, RanksFreezeAtTheDeadlineAndLaterRunsAreShownApart) {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto board = Must(store::LeaderboardRepository(server_.db()).Find("vectoradd", "cpu"), "board");
  Must(store::LeaderboardRepository(server_.db()).SetDeadline(board.id, server_.db().clock().NowMs()), "deadline");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto late = server_.JudgedRun(server_.mallory, 1.0e6, "late.cpp", "");  // would be first
  server_.ctx().generation.Bump();
  auto doc = Json("/api/v1/leaderboards/vectoradd/cpu");
  EXPECT_TRUE(doc["frozen"].get<bool>());
  ASSERT_EQ(doc["entries"].size(), 3u);
  EXPECT_EQ(doc["entries"][0]["user"], "bob");
  EXPECT_EQ(doc["entries"][2]["user"], "mallory");
  ASSERT_EQ(doc["post_deadline"].size(), 1u);
  EXPECT_EQ(doc["post_deadline"][0]["run_id"], late.id);
  EXPECT_EQ(doc["post_deadline"][0]["would_rank"], 1);
  EXPECT_NE(Page("/leaderboards/vectoradd/cpu").body.find("post-deadline"), std::string::npos);
}

TEST_F(WebTest, CompareShowsPerCaseDifferencesWithANoiseBand) {
  const std::string own = "/api/v1/compare?a=" + Id(server_.alice_run.id) + "&b=" + Id(server_.alice_second.id);
  // Alice's own runs are hers to compare; to anyone else they are a rival's, before the deadline.
  EXPECT_EQ(server_.Client(As::kAnonymous)->Get(own).status, 403);
  auto alice = server_.Client(server_.alice.token);
  auto res = alice->Get(own);
  ASSERT_EQ(res.status, 200) << res.body;
  auto cmp = nlohmann::json::parse(res.body);
  ASSERT_EQ(cmp["cases"].size(), 1u);
  const auto& c = cmp["cases"][0];
  EXPECT_DOUBLE_EQ(c["a_ns"].get<double>(), 2.0e6);
  EXPECT_DOUBLE_EQ(c["b_ns"].get<double>(), 1.8e6);
  EXPECT_NEAR(c["diff_pct"].get<double>(), -10.0, 1e-9);
  EXPECT_GT(c["noise_pct"].get<double>(), 0);
  EXPECT_EQ(c["verdict"], "b_faster");  // 10% is far outside a 12-sample band of ~1%
  // Someone else's run before the deadline: refused, saying when it will be allowed.
  auto rival = alice->Get("/api/v1/compare?a=" + Id(server_.alice_run.id) + "&b=" + Id(server_.bob_run.id));
  EXPECT_EQ(rival.status, 403) << rival.body;
  EXPECT_EQ(alice->Get("/api/v1/compare?a=" + Id(server_.alice_run.id)).status, 400);
  auto page = Page("/compare?a=" + Id(server_.alice_run.id) + "&b=" + Id(server_.alice_second.id), Session(server_.alice));
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("id=\"compare\""), std::string::npos);
}

TEST_F(WebTest, StaticAssetsAndLiveStream) {
  auto css = Page("/static/kjudge.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_NE(std::string(css.headers[boost::beast::http::field::content_type]).find("text/css"), std::string::npos);
  EXPECT_EQ(Page("/static/live.js").status, 200);
  EXPECT_EQ(Page("/static/../kjudge.db").status, 404);
  auto head = HeadOf(server_.port(), V::get, "/api/v1/leaderboards/vectoradd/cpu/stream", "");
  EXPECT_EQ(head.status, 200);
  EXPECT_NE(std::string(head.headers[boost::beast::http::field::content_type]).find("text/event-stream"), std::string::npos);
}

}  // namespace
}  // namespace kjudge::testing
