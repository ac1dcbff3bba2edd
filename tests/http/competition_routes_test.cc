// Competitions over HTTP against a real server: organizers create them and their parts, everyone
// reads the overall standings under each points rule, and ranks freeze at the deadline while
// later leaderboard-mode submissions are still judged and shown apart (docs/scoring.md).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api_fixture.h"
#include "kjudge/store/audit_repository.h"

namespace kjudge::testing {
namespace {

using V = beast_verb::verb;
using json = nlohmann::json;

constexpr std::int64_t kHourMs = 3'600'000;

class CompetitionRoutesTest : public ::testing::Test {
 protected:
  json Body(const TestResponse& r) { return json::parse(r.body, nullptr, false); }

  TestResponse Send(As who, V method, const std::string& target, const json& body = json()) {
    return server_.Client(who)->Request(method, target, body.is_null() ? "" : body.dump());
  }

  json Get(const std::string& target, As who = As::kAnonymous) {
    auto r = server_.Client(who)->Get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return Body(r);
  }

  /// Creates a competition as the organizer (running now unless told otherwise).
  void Create(const std::string& name, const std::string& rule, std::int64_t start_ms, std::int64_t deadline_ms) {
    auto r = Send(As::kOrganizer, V::post, "/api/v1/admin/competitions",
                  {{"name", name}, {"title", "Title " + name}, {"start_ms", start_ms}, {"deadline_ms", deadline_ms},
                   {"points_rule", rule}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  void CreateRunning(const std::string& name, const std::string& rule) {
    const std::int64_t now = server_.db().clock().NowMs();
    Create(name, rule, now - kHourMs, now + kHourMs);
  }

  std::int64_t AddPart(const std::string& competition, const json& body) {
    auto r = Send(As::kOrganizer, V::post, "/api/v1/admin/competitions/" + competition + "/parts", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return Body(r)["part"].value("id", std::int64_t{0});
  }

  /// A leaderboard-mode submission by `who` judged as passing with this score and SoL ratio.
  store::Run Judge(const Account& who, const std::string& problem, double score_ns, std::optional<double> sol = 2.0) {
    auto sub = server_.Submit(who, problem, "cpu", store::Mode::kLeaderboard);
    store::Job job = server_.Lease(sub.id);
    queue::Completion c;
    c.verdict = store::Verdict::kPassed;
    c.cases_json = ApiServer::PassingCases().dump();
    c.score_ns = score_ns;
    c.sol_ratio = sol;
    c.started_ms = server_.db().clock().NowMs();
    auto outcome = Must(server_.queue().Complete(job.id, *job.lease_id, server_.runner.user.name, c), "complete");
    server_.ctx().generation.Bump();  // written behind the server's back
    return *outcome.run;
  }

  /// Moves a submission's creation time (to place it before or after a deadline).
  void Backdate(std::int64_t submission_id, std::int64_t created_ms) {
    auto tx = Must(server_.db().BeginWrite(), "begin");
    Must(tx.connection().Exec("UPDATE submissions SET created_ms = ? WHERE id = ?", created_ms, submission_id), "backdate");
    Must(tx.Commit(), "commit");
    server_.ctx().generation.Bump();
  }

  /// The overall standings line of `user` (null when absent).
  static json LineOf(const json& doc, const std::string& user) {
    for (const auto& line : doc["standings"]) {
      if (line["user"] == user) return line;
    }
    return json();
  }

  ApiServer server_;
};

TEST_F(CompetitionRoutesTest, OrganizersCreateCompetitionsAndPartsAndEveryoneReadsThem) {
  const std::int64_t now = server_.db().clock().NowMs();
  auto refused = Send(As::kCompetitor, V::post, "/api/v1/admin/competitions",
                      {{"name", "spring"}, {"start_ms", now}, {"deadline_ms", now + 1}});
  EXPECT_EQ(refused.status, 403) << refused.body;
  Create("spring", "rank_points", now - kHourMs, now + kHourMs);
  Create("autumn", "sol_ratio", now + kHourMs, now + 2 * kHourMs);

  const std::int64_t single = AddPart("spring", {{"problem", "vectoradd"}, {"gpu", "cpu"}, {"weight", 2}});
  AddPart("spring", {{"problem", "prefixsum"}});  // every GPU of prefixsum, weight 1 split
  EXPECT_GT(single, 0);

  const json list = Get("/api/v1/competitions");
  ASSERT_EQ(list["competitions"].size(), 2u);
  EXPECT_EQ(list["competitions"][0]["name"], "autumn") << "most recent start first";
  EXPECT_EQ(list["competitions"][0]["status"], "upcoming");
  EXPECT_FALSE(list["competitions"][0].contains("parts"));

  const json doc = Get("/api/v1/competitions/spring");
  EXPECT_EQ(doc["title"], "Title spring");
  EXPECT_EQ(doc["status"], "running");
  EXPECT_EQ(doc["frozen"], false);
  EXPECT_EQ(doc["points_rule"], "rank_points");
  EXPECT_FALSE(doc["points_rule_text"].get<std::string>().empty());
  EXPECT_EQ(doc["submissions_published"], false);
  const auto prefixsum_boards = Must(store::LeaderboardRepository(server_.db()).ListForProblem(
                                         Must(store::ProblemRepository(server_.db()).GetByName("prefixsum"), "p").id),
                                     "boards");
  ASSERT_EQ(doc["parts"].size(), 1 + prefixsum_boards.size());
  EXPECT_EQ(doc["parts"][0]["problem"], "vectoradd");
  EXPECT_EQ(doc["parts"][0]["gpu"], "cpu");
  EXPECT_EQ(doc["parts"][0]["weight"], 2.0);
  EXPECT_EQ(doc["parts"][0]["max_points"], 200.0);
  EXPECT_EQ(doc["parts"][0]["entries"], 0);
  EXPECT_NEAR(doc["parts"][1]["max_points"].get<double>(), 100.0 / static_cast<double>(prefixsum_boards.size()), 1e-9)
      << "a whole problem's weight is split over its leaderboards";
  EXPECT_TRUE(doc["standings"].empty());

  // A hidden leaderboard is left out for competitors, kept for staff.
  Must(store::LeaderboardRepository(server_.db()).SetVisibility(prefixsum_boards[0].id, store::Visibility::kHidden), "hide");
  server_.ctx().generation.Bump();
  EXPECT_EQ(Get("/api/v1/competitions/spring", As::kCompetitor)["parts"].size(), prefixsum_boards.size());
  EXPECT_EQ(Get("/api/v1/competitions/spring", As::kOrganizer)["parts"].size(), 1 + prefixsum_boards.size());

  auto actions = Must(store::AuditRepository(server_.db()).ListRecent({}), "audit");
  int competition_entries = 0;
  for (const auto& e : actions) competition_entries += e.action.rfind("competition.", 0) == 0 && e.actor == "olga";
  EXPECT_EQ(competition_entries, 4) << "two creations, two parts";
}

TEST_F(CompetitionRoutesTest, BadRequestsSayWhatIsWrong) {
  const std::int64_t now = server_.db().clock().NowMs();
  auto expect = [&](V method, const std::string& target, const json& body, int status, const std::string& says) {
    auto r = Send(As::kOrganizer, method, target, body);
    EXPECT_EQ(r.status, status) << target << " " << body.dump() << ": " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << r.body;
  };
  const std::string create = "/api/v1/admin/competitions";
  expect(V::post, create, {{"name", "x"}, {"start_ms", now}, {"deadline_ms", now}}, 400, "deadline_ms");
  expect(V::post, create, {{"name", "x"}, {"start_ms", now}}, 400, "deadline_ms");
  expect(V::post, create, {{"name", "a/b"}, {"start_ms", now}, {"deadline_ms", now + 1}}, 400, "name");
  expect(V::post, create, {{"name", "x"}, {"start_ms", now}, {"deadline_ms", now + 1}, {"points_rule", "elo"}}, 400,
         "points_rule");
  expect(V::post, create, {{"name", "x"}, {"start_ms", now}, {"deadline_ms", now + 1}, {"prize", 1}}, 400, "prize");
  Create("x", "relative_score", now, now + kHourMs);
  expect(V::post, create, {{"name", "x"}, {"start_ms", now}, {"deadline_ms", now + 1}}, 409, "already exists");

  const std::string parts = "/api/v1/admin/competitions/x/parts";
  expect(V::post, "/api/v1/admin/competitions/nope/parts", {{"problem", "vectoradd"}}, 404, "nope");
  expect(V::post, parts, {{"problem", "nope"}}, 404, "nope");
  expect(V::post, parts, {{"problem", "vectoradd"}, {"gpu", "TPU"}}, 404, "TPU");
  expect(V::post, parts, {{"problem", "vectoradd"}, {"weight", 0}}, 400, "weight");
  const std::int64_t part = AddPart("x", {{"problem", "vectoradd"}, {"gpu", "cpu"}});
  expect(V::post, parts, {{"problem", "vectoradd"}, {"gpu", "cpu"}}, 409, "already part");
  expect(V::post, parts, {{"problem", "vectoradd"}}, 409, "remove it");

  expect(V::patch, "/api/v1/admin/competitions/x", json::object(), 400, "nothing to change");
  expect(V::patch, "/api/v1/admin/competitions/x", {{"deadline_ms", now - 1}}, 400, "after start_ms");
  expect(V::patch, "/api/v1/admin/competitions/nope", {{"submissions_published", true}}, 404, "nope");
  expect(V::delete_, "/api/v1/admin/competitions/x/parts/" + std::to_string(part + 100), json(), 404, "no part");
  expect(V::delete_, "/api/v1/admin/competitions/x/parts/" + std::to_string(part), json(), 200, "removed_part");
  EXPECT_TRUE(Get("/api/v1/competitions/x")["parts"].empty());
  EXPECT_EQ(server_.Client(As::kAnonymous)->Get("/api/v1/competitions/nope").status, 404);
}

TEST_F(CompetitionRoutesTest, PatchMovesTheScheduleAndPublishesSubmissions) {
  const std::int64_t now = server_.db().clock().NowMs();
  Create("x", "rank_points", now - 2 * kHourMs, now + kHourMs);
  auto r = Send(As::kAdmin, V::patch, "/api/v1/admin/competitions/x",
                {{"deadline_ms", now - kHourMs}, {"submissions_published", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json doc = Get("/api/v1/competitions/x");
  EXPECT_EQ(doc["deadline_ms"], now - kHourMs);
  EXPECT_EQ(doc["status"], "ended");
  EXPECT_EQ(doc["frozen"], true);
  EXPECT_EQ(doc["submissions_published"], true);
}

TEST_F(CompetitionRoutesTest, StandingsUnderEachPointsRuleAndAMissingPartGivesNothing) {
  const Account erin = server_.AddUser("erin", store::Role::kCompetitor);
  for (const char* rule : {"rank_points", "relative_score", "sol_ratio"}) {
    CreateRunning(rule, rule);
    AddPart(rule, {{"problem", "vectoradd"}, {"gpu", "cpu"}, {"weight", 1}});
    AddPart(rule, {{"problem", "sort"}, {"gpu", "cpu"}, {"weight", 2}});
  }
  // vectoradd: carol 100 ns (SoL x2), dave 200 (x4), erin 400 (x8). sort: dave 50 (x1), carol 100 (x2).
  Judge(server_.competitor, "vectoradd", 100, 2.0);
  Judge(server_.other, "vectoradd", 200, 4.0);
  Judge(erin, "vectoradd", 400, 8.0);
  Judge(server_.other, "sort", 50, 1.0);
  Judge(server_.competitor, "sort", 100, 2.0);

  const json rank = Get("/api/v1/competitions/rank_points");
  ASSERT_EQ(rank["standings"].size(), 3u);
  // carol 100 + 2*50 = 200; dave 66.7 + 200 = 266.7; erin 33.3 + nothing.
  EXPECT_EQ(rank["standings"][0]["user"], "dave");
  EXPECT_NEAR(rank["standings"][0]["points"].get<double>(), 200.0 / 3 + 200, 1e-6);
  EXPECT_EQ(rank["standings"][1]["user"], "carol");
  EXPECT_NEAR(rank["standings"][1]["points"].get<double>(), 200, 1e-6);
  const json erin_line = LineOf(rank, "erin");
  EXPECT_EQ(erin_line["rank"], 3);
  EXPECT_NEAR(erin_line["points"].get<double>(), 100.0 / 3, 1e-6);
  ASSERT_EQ(erin_line["parts"].size(), 2u);
  EXPECT_EQ(erin_line["parts"][0]["rank"], 3);
  EXPECT_TRUE(erin_line["parts"][1]["rank"].is_null()) << "erin never entered sort";
  EXPECT_EQ(erin_line["parts"][1]["points"], 0.0);
  EXPECT_TRUE(erin_line["parts"][1]["run_id"].is_null());
  EXPECT_EQ(rank["parts"][1]["entries"], 2);

  const json relative = Get("/api/v1/competitions/relative_score");
  // carol 100 + 2*100*50/100 = 200; dave 50 + 200 = 250; erin 25.
  EXPECT_EQ(relative["standings"][0]["user"], "dave");
  EXPECT_NEAR(relative["standings"][0]["points"].get<double>(), 250, 1e-6);
  EXPECT_NEAR(LineOf(relative, "carol")["points"].get<double>(), 200, 1e-6);
  EXPECT_NEAR(LineOf(relative, "erin")["points"].get<double>(), 25, 1e-6);

  const json sol = Get("/api/v1/competitions/sol_ratio");
  // carol 50 + 2*50 = 150; dave 25 + 200 = 225; erin 12.5.
  EXPECT_NEAR(LineOf(sol, "dave")["points"].get<double>(), 225, 1e-6);
  EXPECT_NEAR(LineOf(sol, "carol")["points"].get<double>(), 150, 1e-6);
  EXPECT_NEAR(LineOf(sol, "erin")["points"].get<double>(), 12.5, 1e-6);
  EXPECT_EQ(LineOf(sol, "carol")["parts"][0]["sol_ratio"], 2.0);
  EXPECT_EQ(LineOf(sol, "carol")["parts"][0]["score_ns"], 100.0);
}

TEST_F(CompetitionRoutesTest, AfterTheDeadlineRanksFreezeAndLateRunsAreJudgedApart) {
  const std::int64_t now = server_.db().clock().NowMs();
  const std::int64_t deadline = now - kHourMs;
  Create("sprint", "rank_points", now - 3 * kHourMs, deadline);
  AddPart("sprint", {{"problem", "vectoradd"}, {"gpu", "cpu"}});
  // Before the deadline: carol first, dave second.
  const store::Run carol = Judge(server_.competitor, "vectoradd", 100);
  Backdate(carol.submission_id, deadline - 2000);
  const store::Run dave = Judge(server_.other, "vectoradd", 200);
  Backdate(dave.submission_id, deadline - 1000);
  // After it (now): dave becomes the fastest.
  const store::Run dave_late = Judge(server_.other, "vectoradd", 10);

  const json doc = Get("/api/v1/competitions/sprint");
  EXPECT_EQ(doc["frozen"], true);
  ASSERT_EQ(doc["standings"].size(), 2u);
  EXPECT_EQ(doc["standings"][0]["user"], "carol") << "ranks as they stood at the deadline";
  EXPECT_EQ(doc["standings"][1]["user"], "dave");
  EXPECT_EQ(doc["standings"][1]["parts"][0]["run_id"], dave.id);

  // The leaderboard, frozen at the competition's deadline, lists the late run apart.
  const json board = Get("/api/v1/leaderboards/vectoradd/cpu");
  EXPECT_EQ(board["frozen"], true);
  EXPECT_EQ(board["deadline_ms"], deadline);
  ASSERT_EQ(board["entries"].size(), 2u);
  EXPECT_EQ(board["entries"][0]["user"], "carol");
  ASSERT_EQ(board["post_deadline"].size(), 1u);
  EXPECT_EQ(board["post_deadline"][0]["run_id"], dave_late.id);
  EXPECT_EQ(board["post_deadline"][0]["would_rank"], 1);
  EXPECT_EQ(board["accepts_submissions"], true);

  // Leaderboard-mode submissions are still accepted (and queued for judging) after the deadline.
  auto late = Send(As::kCompetitor, V::post, "/api/v1/submissions",
                   {{"problem", "vectoradd"}, {"gpu", "cpu"}, {"mode", "leaderboard"}, {"file_name", "solution.cpp"},
                    {"source", server_.Source()}});
  ASSERT_EQ(late.status, 201) << late.body;
  EXPECT_EQ(Body(late)["mode"], "leaderboard");
  EXPECT_FALSE(Body(late)["jobs"].empty());
}

}  // namespace
}  // namespace kjudge::testing
