// WebServer: the API test server (api_fixture.h) populated the way a competition looks: several
// competitors with judged leaderboard-mode runs on vectoradd/cpu, one of them hostile (every
// string they control is an XSS payload). Shared by the page tests and the browser test.
#pragma once

#include <string>
#include <vector>

#include "api_fixture.h"
#include "kjudge/store/competition_repository.h"

namespace kjudge::testing {

/// Strings that would run script or break markup if a page wrote them unescaped. Each sets a
/// marker the browser test looks for (data-pwned on <body>, or the title), so "inert" is observable.
inline const std::string kScriptPayload = "<script>document.body.dataset.pwned=1</script>";
inline const std::string kAttributePayload = "\"><img src=x onerror=\"document.body.dataset.pwned=1\">";

class WebServer : public ApiServer {
 public:
  WebServer() {
    alice = AddUser("alice", store::Role::kCompetitor);
    bob = AddUser("bob", store::Role::kCompetitor);
    mallory = AddNamed("mallory", kScriptPayload + kAttributePayload);
    alice_run = JudgedRun(alice, 2.0e6, "solution.cpp", "");
    bob_run = JudgedRun(bob, 1.5e6, "solution.cpp", "");
    alice_second = JudgedRun(alice, 1.8e6, "faster.cpp", "");
    mallory_run = JudgedRun(mallory, 3.0e6, kAttributePayload + ".cpp", kScriptPayload + "\nwarning: " + kAttributePayload);
    ctx().generation.Bump();  // the rows above went into the store behind the server's back
  }

  /// A competitor whose display name is `display_name`.
  Account AddNamed(const std::string& name, const std::string& display_name) {
    store::User user = Must(store::UserRepository(db()).Create({name, display_name, store::Role::kCompetitor}), "create user");
    auto issued = Must(store::TokenRepository(db()).Issue({user.id, store::TokenKind::kApi, "test", std::nullopt}), "issue token");
    return {user, issued.plaintext};
  }

  /// A leaderboard-mode submission on vectoradd/cpu, judged as passed with `score_ns`.
  store::Run JudgedRun(const Account& owner, double score_ns, const std::string& file_name, const std::string& compile_log) {
    auto board = Must(store::LeaderboardRepository(db()).Find("vectoradd", "cpu"), "find leaderboard");
    auto p = Must(store::ProblemRepository(db()).GetByName("vectoradd"), "find problem");
    store::NewSubmission ns;
    ns.user_id = owner.user.id;
    ns.problem_version_id = *p.active_version_id;
    ns.leaderboard_id = board.id;
    ns.language = store::Language::kCpp;
    ns.file_name = file_name;
    ns.source = Source() + "// secret sauce of " + owner.user.name + "\n";
    ns.mode = store::Mode::kLeaderboard;
    auto sub = Must(store::SubmissionRepository(db()).Create(ns), "create submission");
    Must(queue().Enqueue(sub.id, "cpu", {store::Mode::kLeaderboard}), "enqueue");
    store::Job job = Lease(sub.id);
    queue::Completion c;
    c.verdict = store::Verdict::kPassed;
    c.message = "all 2 cases passed";
    nlohmann::json cases = PassingCases();
    cases[1]["timing"]["mean_ns"] = score_ns;
    cases[1]["timing"]["median_ns"] = score_ns;
    c.cases_json = cases.dump();
    c.score_ns = score_ns;
    c.sol_ratio = score_ns / 1258.3;
    c.compile_log = compile_log;
    c.device = "cpu: test host";
    c.started_ms = db().clock().NowMs();
    auto outcome = Must(queue().Complete(job.id, *job.lease_id, runner.user.name, c), "complete job");
    return *outcome.run;
  }

  Account alice, bob, mallory;
  store::Run alice_run, bob_run, alice_second, mallory_run;
};

}  // namespace kjudge::testing
