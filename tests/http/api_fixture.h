// ApiServer: the real kjudge HTTP app (BuildRouter over HttpServer on 127.0.0.1:0) with a fresh
// temporary database holding every problem under problems/ (published exactly as `kjudge serve
// --problems` publishes them), an account per role, and shortcuts that put submissions, leases and
// finished runs into the store without a runner. Shared by the API, OpenAPI and role tests.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cli/problem_loader.h"
#include "kjudge/http/server.h"
#include "kjudge/http/server_app.h"
#include "kjudge/queue/job_queue.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/submission_repository.h"
#include "kjudge/store/token_repository.h"
#include "kjudge/store/user_repository.h"
#include "support/http_test_client.h"

namespace kjudge::testing {

namespace beast_verb = boost::beast::http;

/// Who calls a route: nobody (no token), or a user of one of the four roles.
enum class As { kAnonymous, kCompetitor, kOrganizer, kAdmin, kRunner };
inline constexpr As kEveryCaller[] = {As::kAnonymous, As::kCompetitor, As::kOrganizer, As::kAdmin, As::kRunner};

inline const char* Name(As who) {
  switch (who) {
    case As::kAnonymous: return "anonymous";
    case As::kCompetitor: return "competitor";
    case As::kOrganizer: return "organizer";
    case As::kAdmin: return "admin";
    case As::kRunner: return "runner";
  }
  return "?";
}

struct Account {
  store::User user;
  std::string token;
};

/// The value of `r`; throws (failing the test, which gtest reports) when it holds an error: a
/// fixture that cannot set up has nothing to test.
template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.error().ToString());
  return std::move(r).value();
}

inline void Must(Status s, const char* what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.error().ToString());
}

class ApiServer {
 public:
  ApiServer() {
    char pattern[] = "/tmp/kjudge-api-XXXXXX";
    dir_ = mkdtemp(pattern);
    db_ = Must(store::Database::Open(dir_ + "/kjudge.db"), "open database");
    Must(cli::LoadProblemsIntoStore(std::string(KJUDGE_SOURCE_DIR) + "/problems", *db_), "load problems/");
    queue_ = std::make_unique<queue::JobQueue>(*db_);
    ctx_ = std::make_unique<http::ServerContext>(*db_, *queue_, events_);
    // The tables make many submissions per user; intake limits have their own tests
    // (submission_intake_test.cc), and tests here that need them set them.
    ctx_->intake_rules.rate_rules.clear();
    ctx_->intake_rules.max_queued_jobs_per_user = 100'000;
    router_ = http::BuildRouter(*ctx_);
    http::ServerOptions options;
    options.port = 0;
    options.threads = 2;
    options.write_timeout_s = 5;
    server_ = std::make_unique<http::HttpServer>(options, router_);
    Must(server_->Start(), "start server");
    competitor = AddUser("carol", store::Role::kCompetitor);
    other = AddUser("dave", store::Role::kCompetitor);
    organizer = AddUser("olga", store::Role::kOrganizer);
    admin = AddUser("ada", store::Role::kAdmin);
    runner = AddUser("rune", store::Role::kRunner);
  }

  ~ApiServer() {
    ctx_->stopping = true;
    queue_->WakeAll();
    server_->Stop(2000);
    server_->Wait();
    server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  store::Database& db() { return *db_; }
  queue::JobQueue& queue() { return *queue_; }
  http::ServerContext& ctx() { return *ctx_; }
  const http::Router& router() const { return *router_; }
  std::uint16_t port() const { return server_->port(); }

  /// A user with a first token (a runner token for runners).
  Account AddUser(const std::string& name, store::Role role) {
    store::User user = Must(store::UserRepository(*db_).Create({name, "", role}), "create user");
    const auto kind = role == store::Role::kRunner ? store::TokenKind::kRunner : store::TokenKind::kApi;
    auto issued = Must(store::TokenRepository(*db_).Issue({user.id, kind, "test", std::nullopt}), "issue token");
    return {user, issued.plaintext};
  }

  /// A fresh name for throwaway users and sources.
  std::string Unique(const std::string& prefix) { return prefix + "-" + std::to_string(++counter_); }

  const Account* AccountFor(As who) const {
    switch (who) {
      case As::kAnonymous: return nullptr;
      case As::kCompetitor: return &competitor;
      case As::kOrganizer: return &organizer;
      case As::kAdmin: return &admin;
      case As::kRunner: return &runner;
    }
    return nullptr;
  }

  /// A client sending `who`'s token (none for anonymous).
  std::unique_ptr<TestHttpClient> Client(As who) {
    const Account* account = AccountFor(who);
    return Client(account != nullptr ? account->token : "");
  }
  std::unique_ptr<TestHttpClient> Client(const std::string& token) {
    auto client = std::make_unique<TestHttpClient>(port());
    if (!token.empty()) client->SetHeader("Authorization", "Bearer " + token);
    return client;
  }

  /// A distinct, valid cpp source (distinct so duplicate detection never merges two).
  std::string Source() { return "// " + Unique("source") + "\n#include <cstdint>\nvoid vectoradd() {}\n"; }

  /// A queued submission by `owner`, put into the store directly (no intake, no rate limits).
  store::Submission Submit(const Account& owner, const std::string& problem = "vectoradd", const std::string& gpu = "cpu",
                           store::Mode mode = store::Mode::kTest) {
    auto board = Must(store::LeaderboardRepository(*db_).Find(problem, gpu), "find leaderboard");
    auto p = Must(store::ProblemRepository(*db_).GetByName(problem), "find problem");
    store::NewSubmission ns;
    ns.user_id = owner.user.id;
    ns.problem_version_id = *p.active_version_id;
    ns.leaderboard_id = board.id;
    ns.language = store::Language::kCpp;
    ns.file_name = "solution.cpp";
    ns.source = Source();
    ns.mode = mode;
    auto sub = Must(store::SubmissionRepository(*db_).Create(ns), "create submission");
    Must(queue_->Enqueue(sub.id, gpu, {mode}), "enqueue");
    return sub;
  }

  store::Job FirstJob(std::int64_t submission_id) {
    auto jobs = Must(store::JobRepository(*db_).ListBySubmission(submission_id), "list jobs");
    EXPECT_FALSE(jobs.empty());
    return jobs.front();
  }

  /// Leases the submission's first job to the runner account, as if it had polled for it.
  store::Job Lease(std::int64_t submission_id) {
    store::Job job = FirstJob(submission_id);
    store::LeaseGrant grant{Unique("lease"), runner.user.name, db_->clock().NowMs() + 60'000};
    return Must(store::JobRepository(*db_).AssignLease(job.id, grant), "assign lease");
  }

  /// Leases and completes the submission's first job with a passing run; returns the run.
  store::Run Finish(std::int64_t submission_id, double score_ns = 1.5e6) {
    store::Job job = Lease(submission_id);
    queue::Completion c;
    c.verdict = store::Verdict::kPassed;
    c.message = "all 2 cases passed";
    c.cases_json = PassingCases().dump();
    c.score_ns = score_ns;
    c.sol_ratio = 12.5;
    c.device = "cpu: test host";
    c.started_ms = db_->clock().NowMs();
    auto outcome = Must(queue_->Complete(job.id, *job.lease_id, runner.user.name, c), "complete job");
    EXPECT_TRUE(outcome.run.has_value());
    return *outcome.run;
  }

  /// A submission by `owner` that has been judged (passed).
  std::pair<store::Submission, store::Run> Judged(const Account& owner) {
    auto sub = Submit(owner);
    auto run = Finish(sub.id);
    return {sub, run};
  }

  /// The cases of a passing run, in the runner's result format.
  static nlohmann::json PassingCases() {
    return nlohmann::json::array(
        {{{"kind", "test"}, {"index", 0}, {"params", {{"n", 1000}}}, {"passed", true}, {"message", ""}},
         {{"kind", "benchmark"},
          {"index", 0},
          {"params", {{"n", 1048576}}},
          {"passed", true},
          {"message", ""},
          {"sol_ns", 1258.3},
          {"weight", 1},
          {"timing",
           {{"samples", 12}, {"mean_ns", 1.5e6}, {"median_ns", 1.5e6}, {"stddev_ns", 1e4}, {"min_ns", 1.4e6},
            {"max_ns", 1.6e6}, {"wall_mean_ns", 1.6e6}}}}});
  }

  /// A runner's result body for a passing run.
  static nlohmann::json PassingResult() {
    return {{"verdict", "passed"}, {"mode", "test"}, {"message", "all 2 cases passed"}, {"cases", PassingCases()},
            {"score_ns", 1.5e6}, {"sol_ratio", 12.5}, {"compile_log", ""}, {"run_log", ""}, {"device", "cpu: test host"}};
  }

  std::string ContentHash(const std::string& problem) {
    auto p = Must(store::ProblemRepository(*db_).GetByName(problem), "find problem");
    return Must(store::ProblemRepository(*db_).GetVersion(*p.active_version_id), "get version").content_hash;
  }

  Account competitor, other, organizer, admin, runner;

 private:
  std::string dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<queue::JobQueue> queue_;
  http::EventHub events_;
  std::unique_ptr<http::ServerContext> ctx_;
  std::shared_ptr<http::Router> router_;
  std::unique_ptr<http::HttpServer> server_;
  std::atomic<int> counter_{0};
};


}  // namespace kjudge::testing
