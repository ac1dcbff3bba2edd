// Hacked submissions through the real server (issue 8, "after the fact"): an organizer's mark
// takes a submission out of the live and frozen leaderboard, the competition standings and the
// pages at once, keeps its runs and code as evidence for its owner and staff, and unmarking puts
// it back; the raw audit data of a run is served apart from the run itself.
#include <gtest/gtest.h>

#include "kjudge/store/audit_repository.h"
#include "kjudge/store/hack_repository.h"
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

class HackedTest : public ::testing::Test {
 protected:
  /// A leaderboard-mode submission of `owner` on vectoradd/cpu, judged once with `score_ns`.
  store::Submission Entry(const Account& owner, double score_ns) {
    auto sub = server_.Submit(owner, "vectoradd", "cpu", store::Mode::kLeaderboard);
    server_.Finish(sub.id, score_ns);
    server_.ctx().generation.Bump();  // written behind the server's back
    return sub;
  }

  /// Judges `sub` once more (a rerun: a new job, leased and completed) with `score_ns`.
  store::Run Rerun(const store::Submission& sub, double score_ns, json cases = ApiServer::PassingCases()) {
    auto jobs = Must(server_.queue().Enqueue(sub.id, "cpu", {sub.mode}), "enqueue");
    store::LeaseGrant grant{server_.Unique("lease"), server_.runner.user.name, server_.db().clock().NowMs() + 60'000};
    auto job = Must(store::JobRepository(server_.db()).AssignLease(jobs.front().id, grant), "lease");
    queue::Completion c;
    c.verdict = store::Verdict::kPassed;
    c.message = "all cases passed";
    c.cases_json = cases.dump();
    c.score_ns = score_ns;
    c.run_log = "rerun log";
    c.started_ms = server_.db().clock().NowMs();
    auto outcome = Must(server_.queue().Complete(job.id, *job.lease_id, server_.runner.user.name, c), "complete");
    server_.ctx().generation.Bump();
    return *outcome.run;
  }

  TestResponse Send(As who, V method, const std::string& target, const std::string& body = "") {
    return server_.Client(who)->Request(method, target, body);
  }

  TestResponse Mark(std::int64_t id, const std::string& reason = "replays the outputs of its first call", As who = As::kOrganizer) {
    return Send(who, V::post, "/api/v1/admin/submissions/" + std::to_string(id) + "/hacked", json{{"reason", reason}}.dump());
  }

  /// "user:submission_id " per entry of the leaderboard document, in rank order.
  std::string Board(As who = As::kAnonymous) {
    auto r = Send(who, V::get, "/api/v1/leaderboards/vectoradd/cpu");
    EXPECT_EQ(r.status, 200) << r.body;
    std::string out;
    const json doc = Body(r);
    for (const auto& e : doc["entries"]) out += e["user"].get<std::string>() + ":" + std::to_string(e["submission_id"].get<std::int64_t>()) + " ";
    return out;
  }

  /// "user " per line of the competition's overall standings, in rank order.
  std::string Standings(const std::string& competition) {
    auto r = Send(As::kAnonymous, V::get, "/api/v1/competitions/" + competition);
    EXPECT_EQ(r.status, 200) << r.body;
    std::string out;
    const json doc = Body(r);
    for (const auto& line : doc["standings"]) out += line["user"].get<std::string>() + " ";
    return out;
  }

  ApiServer server_;
};

TEST_F(HackedTest, AMarkRemovesTheSubmissionFromTheBoardTheCompetitionAndThePagesAndUnmarkRestoresIt) {
  const auto [competition, part] = FreshCompetition(server_);
  const auto carol_slow = Entry(server_.competitor, 2.0e6);
  const auto carol_hack = Entry(server_.competitor, 1.0e6);
  Rerun(carol_hack, 1.2e6);  // the hacked submission's next-best run
  const auto dave = Entry(server_.other, 1.5e6);
  const std::string c = std::to_string(carol_hack.id), s = std::to_string(carol_slow.id), d = std::to_string(dave.id);
  ASSERT_EQ(Board(), "carol:" + c + " dave:" + d + " ");
  ASSERT_EQ(Standings(competition), "carol dave ");
  ASSERT_EQ(Send(As::kAnonymous, V::get, "/api/v1/submissions/" + c).status, 200) << "a ranked entry is public";
  ASSERT_NE(Send(As::kAnonymous, V::get, "/leaderboards/vectoradd/cpu").body.find("/submissions/" + c + "\""), std::string::npos)
      << "the page links the entry";

  auto marked = Mark(carol_hack.id);
  ASSERT_EQ(marked.status, 200) << marked.body;
  const json mark = Body(marked);
  EXPECT_EQ(mark["submission_id"], carol_hack.id);
  EXPECT_EQ(mark["hacked"]["reason"], "replays the outputs of its first call");
  EXPECT_EQ(mark["hacked"]["marked_by"], "olga");
  EXPECT_EQ(mark["affected"]["leaderboard"], json({{"problem", "vectoradd"}, {"gpu", "cpu"}}));
  EXPECT_EQ(mark["affected"]["competitions"], json::array({competition}));

  // At once, with no cache in the way: the submission is hacked, not a run, so its rerun does not
  // count either; carol's other submission does.
  EXPECT_EQ(Board(), "dave:" + d + " carol:" + s + " ");
  EXPECT_EQ(Board(As::kAdmin), "dave:" + d + " carol:" + s + " ") << "staff see the same ranks";
  EXPECT_EQ(Standings(competition), "dave carol ");
  auto home = Body(Send(As::kAnonymous, V::get, "/api/v1/home"));
  for (const auto& b : home["leaderboards"]) {
    if (b["problem"] == "vectoradd" && b["gpu"] == "cpu") {
      EXPECT_EQ(b["leader"]["user"], "dave");
    }
  }
  for (const auto& r : home["recent"]) EXPECT_NE(r["submission_id"], carol_hack.id) << "out of the recent results";
  auto page = Send(As::kAnonymous, V::get, "/leaderboards/vectoradd/cpu");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("/submissions/" + c + "\""), std::string::npos) << "the page links it no more";
  auto user_page = Body(Send(As::kAnonymous, V::get, "/api/v1/users/carol"));
  for (const auto& h : user_page["history"]) EXPECT_NE(h["submission_id"], carol_hack.id) << "out of her public history";

  // The evidence stays: its owner and staff read it, marked; to anyone else it is gone.
  auto own = Send(As::kCompetitor, V::get, "/api/v1/submissions/" + c);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Body(own)["hacked"]["reason"], "replays the outputs of its first call");
  EXPECT_FALSE(Body(own)["hacked"].contains("marked_by")) << "who marked it is for staff";
  EXPECT_EQ(Body(own)["runs"].size(), 2u);
  EXPECT_EQ(Body(own)["source"], carol_hack.source);
  auto staff = Body(Send(As::kAdmin, V::get, "/api/v1/submissions/" + c));
  EXPECT_EQ(staff["hacked"]["marked_by"], "olga");
  EXPECT_EQ(Send(As::kAnonymous, V::get, "/api/v1/submissions/" + c).status, 404);
  EXPECT_EQ(Body(Send(As::kCompetitor, V::get, "/api/v1/users/carol"))["history"][0]["hacked"], true);
  auto listed = Body(Send(As::kCompetitor, V::get, "/api/v1/submissions?mode=leaderboard"));
  EXPECT_EQ(listed["submissions"][0]["id"], carol_hack.id);
  EXPECT_EQ(listed["submissions"][0]["hacked"], true);
  // The popcorn-cli view of the owner's submission says so too.
  auto popcorn = Send(As::kCompetitor, V::get, "/user/submissions/" + c);
  ASSERT_EQ(popcorn.status, 200) << popcorn.body;
  EXPECT_EQ(Body(popcorn)["hacked"]["reason"], "replays the outputs of its first call");
  EXPECT_EQ(Body(popcorn)["runs"].size(), 2u);
  // And the admin export lists it with its mark.
  auto exported = Body(Send(As::kAdmin, V::get, "/api/v1/admin/hacked"));
  ASSERT_EQ(exported["submissions"].size(), 1u);
  EXPECT_EQ(exported["submissions"][0]["submission_id"], carol_hack.id);
  EXPECT_EQ(exported["submissions"][0]["user"], "carol");
  EXPECT_EQ(exported["submissions"][0]["hacked"]["marked_by"], "olga");

  auto unmarked = Send(As::kOrganizer, V::delete_, "/api/v1/admin/submissions/" + c + "/hacked");
  ASSERT_EQ(unmarked.status, 200) << unmarked.body;
  EXPECT_TRUE(Body(unmarked)["hacked"].is_null());
  EXPECT_EQ(Body(unmarked)["removed"]["reason"], "replays the outputs of its first call");
  EXPECT_EQ(Board(), "carol:" + c + " dave:" + d + " ");
  EXPECT_EQ(Standings(competition), "carol dave ");
  EXPECT_TRUE(Body(Send(As::kCompetitor, V::get, "/api/v1/submissions/" + c))["hacked"].is_null());

  auto again = Send(As::kOrganizer, V::delete_, "/api/v1/admin/submissions/" + c + "/hacked");
  EXPECT_EQ(again.status, 404) << again.body;
  EXPECT_EQ(Body(again)["error"], "not_found");

  // Both changes are in the audit log, with who made them.
  auto audit = Must(store::AuditRepository(server_.db()).ListRecent({}), "audit");
  ASSERT_GE(audit.size(), 2u);
  EXPECT_EQ(audit[0].action, "submission.unhacked");
  EXPECT_EQ(audit[1].action, "submission.hacked");
  EXPECT_EQ(audit[1].actor, "olga");
  EXPECT_EQ(audit[1].target, "submission:" + c);
  (void)part;
}

TEST_F(HackedTest, FrozenRanksLoseTheHackedEntryToo) {
  const auto carol = Entry(server_.competitor, 1.0e6);
  const auto dave = Entry(server_.other, 3.0e6);
  // Both made before a deadline that has passed: the board is frozen.
  const std::int64_t now = server_.db().clock().NowMs();
  for (const auto id : {carol.id, dave.id}) {
    auto tx = Must(server_.db().BeginWrite(), "begin");
    Must(tx.connection().Exec("UPDATE submissions SET created_ms = ? WHERE id = ?", now - 60'000, id), "backdate");
    Must(tx.Commit(), "commit");
  }
  auto board = Must(store::LeaderboardRepository(server_.db()).Find("vectoradd", "cpu"), "board");
  Must(store::LeaderboardRepository(server_.db()).SetDeadline(board.id, now - 1000), "deadline");
  server_.ctx().generation.Bump();
  auto before = Body(Send(As::kAnonymous, V::get, "/api/v1/leaderboards/vectoradd/cpu"));
  ASSERT_EQ(before["frozen"], true);
  ASSERT_EQ(before["entries"].size(), 2u);

  ASSERT_EQ(Mark(carol.id).status, 200);
  auto after = Body(Send(As::kAnonymous, V::get, "/api/v1/leaderboards/vectoradd/cpu"));
  EXPECT_EQ(after["frozen"], true);
  ASSERT_EQ(after["entries"].size(), 1u);
  EXPECT_EQ(after["entries"][0]["user"], "dave");
  EXPECT_EQ(after["entries"][0]["rank"], 1);
}

TEST_F(HackedTest, OnlyOrganizersMarkAndBadRequestsGetAClearAnswerAndChangeNothing) {
  const auto sub = Entry(server_.competitor, 1.0e6);
  const std::string base = "/api/v1/admin/submissions/" + std::to_string(sub.id) + "/hacked";
  auto forbidden = Mark(sub.id, "mine is faster", As::kCompetitor);
  EXPECT_EQ(forbidden.status, 403) << forbidden.body;
  EXPECT_EQ(Body(forbidden)["error"], "permission_denied");
  EXPECT_EQ(Mark(sub.id, "x", As::kAnonymous).status, 401);
  EXPECT_EQ(Send(As::kCompetitor, V::delete_, base).status, 403);
  EXPECT_EQ(Send(As::kCompetitor, V::get, "/api/v1/admin/hacked").status, 403);

  auto missing = Mark(987654);
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(Body(missing)["error"], "not_found");
  EXPECT_EQ(Body(missing)["message"], "no submission 987654");
  EXPECT_EQ(Send(As::kOrganizer, V::delete_, "/api/v1/admin/submissions/987654/hacked").status, 404);

  struct Bad {
    std::string target, body;
  };
  for (const Bad& bad : std::vector<Bad>{{base, ""},
                                         {base, "{"},
                                         {base, "[]"},
                                         {base, R"({"reason": 7})"},
                                         {base, R"({"reason": ""})"},
                                         {base, R"({"reason": " \n\t "})"},
                                         {base, json{{"reason", std::string(store::kMaxHackReasonBytes + 1, 'x')}}.dump()},
                                         {base, R"({"reason": "x", "score": 0})"},
                                         {"/api/v1/admin/submissions/abc/hacked", R"({"reason": "x"})"},
                                         {"/api/v1/admin/submissions/-3/hacked", R"({"reason": "x"})"},
                                         {"/api/v1/admin/submissions/99999999999999999999999/hacked", R"({"reason": "x"})"}}) {
    auto r = Send(As::kOrganizer, V::post, bad.target, bad.body);
    EXPECT_EQ(r.status, 400) << bad.target << " " << bad.body << " -> " << r.body;
    EXPECT_FALSE(Body(r)["message"].get<std::string>().empty());
  }
  EXPECT_TRUE(Must(store::HackRepository(server_.db()).List(), "list").empty()) << "nothing was marked";
  EXPECT_EQ(Board(), "carol:" + std::to_string(sub.id) + " ");

  ASSERT_EQ(Mark(sub.id, std::string(store::kMaxHackReasonBytes, 'y')).status, 200) << "the longest reason is taken";
  auto twice = Mark(sub.id, "again");
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(Body(twice)["error"], "already_exists");
  EXPECT_EQ(Must(store::HackRepository(server_.db()).Find(sub.id), "find")->reason, std::string(store::kMaxHackReasonBytes, 'y'));
}

TEST_F(HackedTest, TheRawAuditDataIsServedApartToTheOwnerAndStaffOnly) {
  const auto sub = Entry(server_.competitor, 1.0e6);
  json cases = ApiServer::PassingCases();
  cases[1]["audit"] = {{"seeds", {{"spec", "7"}, {"inputs", "123"}, {"secret", "18446744073709551615"}}},
                       {"samples_ns", json::array({1.4e6, 1.5e6})},
                       {"wall_ns", json::array({1.6e6, 1.7e6})},
                       {"sm_clock_mhz", json::array()}};
  const store::Run run = Rerun(sub, 1.0e6, cases);
  const std::string target = "/api/v1/runs/" + std::to_string(run.id);

  auto plain = Body(Send(As::kCompetitor, V::get, target));
  ASSERT_EQ(plain["cases"].size(), 2u);
  EXPECT_FALSE(plain["cases"][1].contains("audit")) << "the run's document keeps its shape";
  EXPECT_TRUE(plain["cases"][1].contains("timing"));

  auto audit = Send(As::kCompetitor, V::get, target + "/audit");
  ASSERT_EQ(audit.status, 200) << audit.body;
  const json a = Body(audit);
  EXPECT_EQ(a["run_id"], run.id);
  EXPECT_TRUE(a["hacked"].is_null());
  EXPECT_TRUE(a["cases"][0]["audit"].is_null()) << "a case stored without raw data says so";
  EXPECT_EQ(a["cases"][1]["audit"]["seeds"]["secret"], "18446744073709551615") << "64-bit seeds stay exact";
  EXPECT_EQ(a["cases"][1]["audit"]["samples_ns"].size(), 2u);
  EXPECT_EQ(a["cases"][1]["timing"]["mean_ns"], 1.5e6);
  EXPECT_EQ(Send(As::kAdmin, V::get, target + "/audit").status, 200);
  EXPECT_EQ(Send(As::kOrganizer, V::get, target + "/audit").status, 200);
  auto stranger = server_.Client(server_.other.token)->Get(target + "/audit");
  EXPECT_EQ(stranger.status, 404) << "another competitor's run does not exist for them";
  EXPECT_EQ(Send(As::kAnonymous, V::get, target + "/audit").status, 401);
  EXPECT_EQ(Send(As::kCompetitor, V::get, "/api/v1/runs/987654/audit").status, 404);

  ASSERT_EQ(Mark(sub.id).status, 200);
  EXPECT_EQ(Body(Send(As::kCompetitor, V::get, target + "/audit"))["hacked"]["reason"], "replays the outputs of its first call");
}

}  // namespace
}  // namespace kjudge::testing
