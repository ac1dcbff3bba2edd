// GET /api/v1/submissions/{id}/stream over a real socket: the Server-Sent Events wire format the
// kjudge CLI and browsers rely on, resuming, keep-alives, the end event, access rules and caps.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "http/submission_stream.h"
#include "kjudge/core/sha256.h"
#include "kjudge/http/server.h"
#include "kjudge/store/problem_repository.h"
#include "kjudge/store/token_repository.h"
#include "kjudge/store/user_repository.h"
#include "store/store_fixture.h"
#include "support/http_test_client.h"
#include "support/sse_test_client.h"

namespace kjudge::http {
namespace {

using kjudge::testing::SseEvent;
using kjudge::testing::SseTestClient;
using kjudge::testing::TestHttpClient;
using std::chrono::milliseconds;
using std::chrono::seconds;

class SseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::DatabaseOptions options;
    options.durability = store::Durability::kNormal;
    auto db = store::Database::Open(dir_.File("kjudge.db"), options);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    queue_ = std::make_unique<queue::JobQueue>(*db_);
    ctx_ = std::make_unique<ServerContext>(*db_, *queue_, events_);
    alice_ = MakeUser("alice", store::Role::kCompetitor);
    bob_ = MakeUser("bob", store::Role::kCompetitor);
    organizer_ = MakeUser("olga", store::Role::kOrganizer);

    store::ProblemVersionInput problem;
    problem.name = "vectoradd";
    problem.title = "Vector addition";
    problem.content_hash = Sha256Hex("vectoradd@1");
    problem.spec_json = R"({"name":"vectoradd"})";
    problem.files = {{"problem.yaml", "name: vectoradd\n"}};
    problem.gpus = {"cpu"};
    auto published = store::ProblemRepository(*db_).Publish(problem);
    ASSERT_TRUE(published.ok()) << published.error().message;
    published_ = *published;
  }

  void TearDown() override {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
  }

  void StartServer(SubmissionStreamOptions options = {}) {
    auto router = std::make_shared<Router>();
    AddSubmissionStreamRoutes(*router, *ctx_, options);
    ServerOptions server_options;
    server_options.port = 0;
    server_ = std::make_unique<HttpServer>(server_options, router);
    ASSERT_TRUE(server_->Start().ok());
  }

  struct UserWithToken {
    store::User user;
    std::string token;
  };

  UserWithToken MakeUser(const std::string& name, store::Role role) {
    auto user = store::UserRepository(*db_).Create({name, "", role});
    EXPECT_TRUE(user.ok()) << user.error().message;
    auto issued = store::TokenRepository(*db_).Issue({user->id, store::TokenKind::kApi, "test", std::nullopt});
    EXPECT_TRUE(issued.ok()) << issued.error().message;
    return {*user, issued->plaintext};
  }

  /// A test-mode submission by `who` with its one queued job; returns the submission id.
  std::int64_t Submit(const UserWithToken& who) {
    store::NewSubmission s;
    s.user_id = who.user.id;
    s.problem_version_id = published_.version.id;
    s.leaderboard_id = published_.created_leaderboards.at(0).id;
    s.language = store::Language::kCpp;
    s.file_name = "mine.cpp";
    s.source = "int main() {}\n";
    s.mode = store::Mode::kTest;
    auto sub = store::SubmissionRepository(*db_).Create(s);
    EXPECT_TRUE(sub.ok()) << sub.error().message;
    auto jobs = queue_->Enqueue(sub->id, "cpu", {store::Mode::kTest});
    EXPECT_TRUE(jobs.ok()) << jobs.error().message;
    job_ids_[sub->id] = jobs->at(0).id;
    return sub->id;
  }

  /// What a runner does at the end of a job: the result into the queue, then the verdict event.
  void Finish(std::int64_t submission_id, store::Verdict verdict) {
    auto leased = queue_->Lease("runner-1", "cpu");
    ASSERT_TRUE(leased.ok() && leased->has_value());
    const store::Job job = **leased;
    ASSERT_EQ(job.submission_id, submission_id);
    queue::Completion completion;
    completion.verdict = verdict;
    auto done = queue_->Complete(job.id, *job.lease_id, "runner-1", completion);
    ASSERT_TRUE(done.ok()) << done.error().message;
    events_.Publish(submission_id, {{"event", "verdict"}, {"job_id", job.id}, {"verdict", store::Name(verdict)}});
  }

  void Cancel(std::int64_t submission_id) {
    auto cancelled = queue_->Cancel(job_ids_.at(submission_id), "by the test");
    ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  }

  std::unique_ptr<SseTestClient> Client(const UserWithToken& who) {
    auto c = std::make_unique<SseTestClient>(server_->port());
    c->SetHeader("Authorization", "Bearer " + who.token);
    return c;
  }

  static std::string StreamPath(std::int64_t id) { return "/api/v1/submissions/" + std::to_string(id) + "/stream"; }

  static std::string EndFrame(std::int64_t id, const std::string& status) {
    return "event: end\ndata: " + nlohmann::json({{"id", id}, {"status", status}}).dump() + "\n\n";
  }

  std::vector<std::string> Ids(const std::vector<SseEvent>& events) {
    std::vector<std::string> ids;
    for (const auto& e : events) ids.push_back(e.id.value_or("-"));
    return ids;
  }

  store::testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<queue::JobQueue> queue_;
  EventHub events_;
  std::unique_ptr<ServerContext> ctx_;
  UserWithToken alice_, bob_, organizer_;
  store::PublishResult published_;
  std::map<std::int64_t, std::int64_t> job_ids_;
  std::unique_ptr<HttpServer> server_;  // last: stopped before what its routes use goes away
};

TEST_F(SseTest, LiveEventsArriveAsTheyHappenAndTheStreamEndsWithTheVerdict) {
  StartServer();
  const std::int64_t id = Submit(alice_);
  events_.Publish(id, {{"event", "queued"}, {"gpu", "cpu"}});
  auto client = Client(alice_);
  ASSERT_TRUE(client->Open(StreamPath(id))) << client->error();
  EXPECT_EQ(client->status(), 200);
  EXPECT_EQ(client->header(beast_http::field::content_type), "text/event-stream");
  EXPECT_EQ(client->header(beast_http::field::cache_control), "no-store");
  ASSERT_TRUE(client->ReadUntil("event: queued\n"));
  EXPECT_EQ(client->body().rfind("retry: 2000\n\n", 0), 0u) << client->body();
  // The exact frame: id, event, then the hub's whole event as one line of JSON.
  const nlohmann::json queued = events_.Since(id, 0).at(0);
  EXPECT_NE(client->body().find("id: 1\nevent: queued\ndata: " + queued.dump() + "\n\n"), std::string::npos)
      << client->body();

  events_.Publish(id, {{"event", "test"}, {"case", 1}, {"passed", true}});
  ASSERT_TRUE(client->ReadUntil("event: test\n"));
  EXPECT_FALSE(client->complete());

  Finish(id, store::Verdict::kPassed);
  ASSERT_TRUE(client->ReadToEnd()) << client->error();
  const auto events = client->Events();
  ASSERT_EQ(events.size(), 4u) << client->body();
  EXPECT_EQ(Ids(events), (std::vector<std::string>{"1", "2", "3", "-"}));
  EXPECT_EQ(events[1].event, "test");
  EXPECT_EQ(nlohmann::json::parse(events[1].data)["case"], 1);
  EXPECT_EQ(events[2].event, "verdict");
  EXPECT_EQ(nlohmann::json::parse(events[2].data)["seq"], 3);
  EXPECT_EQ(events[3].event, "end");
  const std::string body = client->body();
  EXPECT_EQ(body.substr(body.size() - EndFrame(id, "passed").size()), EndFrame(id, "passed")) << body;
}

TEST_F(SseTest, AFinishedSubmissionReplaysThenEndsAtOnceAndResumesWhereAsked) {
  const std::int64_t id = Submit(alice_);
  events_.Publish(id, {{"event", "queued"}});
  events_.Publish(id, {{"event", "test"}, {"case", 1}});
  events_.Publish(id, {{"event", "test"}, {"case", 2}});
  Cancel(id);
  events_.Publish(id, {{"event", "cancelled"}});
  StartServer();

  struct Case {
    std::string query;
    std::string last_event_id;
    std::vector<std::string> ids;
  };
  for (const Case& c : {Case{"", "", {"1", "2", "3", "4", "-"}}, Case{"", "2", {"3", "4", "-"}},
                        Case{"?after=3", "", {"4", "-"}}, Case{"?after=1", "3", {"4", "-"}},
                        Case{"?after=4", "", {"-"}}}) {
    auto client = Client(alice_);
    if (!c.last_event_id.empty()) client->SetHeader("Last-Event-ID", c.last_event_id);
    ASSERT_TRUE(client->Open(StreamPath(id) + c.query)) << client->error();
    ASSERT_TRUE(client->ReadToEnd(seconds(5))) << c.query << " " << c.last_event_id << ": " << client->body();
    EXPECT_EQ(Ids(client->Events()), c.ids) << c.query << " " << c.last_event_id;
    EXPECT_EQ(client->Events().back().data, nlohmann::json({{"id", id}, {"status", "cancelled"}}).dump());
  }
}

TEST_F(SseTest, AfterARestartAFinishedSubmissionStillGetsItsEnd) {
  const std::int64_t id = Submit(alice_);
  Finish(id, store::Verdict::kWrongAnswer);
  EventHub fresh;  // the live events of the previous server are gone
  ServerContext restarted(*db_, *queue_, fresh);
  auto router = std::make_shared<Router>();
  AddSubmissionStreamRoutes(*router, restarted);
  ServerOptions options;
  options.port = 0;
  server_ = std::make_unique<HttpServer>(options, router);
  ASSERT_TRUE(server_->Start().ok());
  auto client = Client(alice_);
  client->SetHeader("Last-Event-ID", "7");
  ASSERT_TRUE(client->Open(StreamPath(id))) << client->error();
  ASSERT_TRUE(client->ReadToEnd(seconds(5)));
  EXPECT_EQ(client->body(), "retry: 2000\n\n" + EndFrame(id, "wrong_answer"));
  server_->Stop();
  server_->Wait();
  server_.reset();
}

TEST_F(SseTest, AResumePointBeyondTheNewestEventReplaysFromTheStart) {
  // Sequence numbers restart with the server: a client that saw id 9 from the previous one must
  // still get this server's events 1 and 2.
  const std::int64_t id = Submit(alice_);
  events_.Publish(id, {{"event", "queued"}});
  events_.Publish(id, {{"event", "leased"}});
  StartServer();
  auto client = Client(alice_);
  client->SetHeader("Last-Event-ID", "9");
  ASSERT_TRUE(client->Open(StreamPath(id))) << client->error();
  ASSERT_TRUE(client->ReadUntil("event: leased\n"));
  EXPECT_EQ(Ids(client->Events()), (std::vector<std::string>{"1", "2"}));
}

TEST_F(SseTest, KeepAlivesFlowInSilenceAndAJobEndingWithoutAnEventStillEndsTheStream) {
  SubmissionStreamOptions options;
  options.keepalive_ms = 200;
  StartServer(options);
  const std::int64_t id = Submit(alice_);
  auto client = Client(alice_);
  ASSERT_TRUE(client->Open(StreamPath(id))) << client->error();
  ASSERT_TRUE(client->ReadUntil("retry: 2000\n\n: keep-alive\n\n", seconds(5))) << client->body();
  EXPECT_FALSE(client->complete());
  Cancel(id);  // no event: the next keep-alive's check of the jobs notices
  ASSERT_TRUE(client->ReadToEnd(seconds(5))) << client->body();
  EXPECT_EQ(client->Events().back().event, "end");
  EXPECT_EQ(client->Events().back().data, nlohmann::json({{"id", id}, {"status", "cancelled"}}).dump());
}

TEST_F(SseTest, OnlyTheOwnerAndOrganizersMayFollowAndErrorsAreJson) {
  StartServer();
  const std::int64_t id = Submit(alice_);
  const auto error_of = [](const kjudge::testing::TestResponse& r) {
    return nlohmann::json::parse(r.body, nullptr, false).value("error", "?");
  };
  auto anonymous = TestHttpClient(server_->port()).Get(StreamPath(id));
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(error_of(anonymous), "unauthenticated");

  TestHttpClient bob(server_->port());
  bob.SetHeader("Authorization", "Bearer " + bob_.token);
  auto other = bob.Get(StreamPath(id));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(error_of(other), "not_found");

  TestHttpClient alice(server_->port());
  alice.SetHeader("Authorization", "Bearer " + alice_.token);
  auto bad_after = alice.Get(StreamPath(id) + "?after=-1");
  EXPECT_EQ(bad_after.status, 400);
  EXPECT_EQ(error_of(bad_after), "invalid_argument");
  EXPECT_EQ(alice.Get("/api/v1/submissions/abc/stream").status, 400);
  const std::string head = TestHttpClient(server_->port())
                               .Raw("HEAD " + StreamPath(id) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 405 ", 0), 0u) << head;

  auto organizer = Client(organizer_);
  ASSERT_TRUE(organizer->Open(StreamPath(id))) << organizer->error();
  EXPECT_EQ(organizer->status(), 200);
}

TEST_F(SseTest, EachUserMayHoldEightStreamsAtOnce) {
  StartServer();
  const std::int64_t id = Submit(alice_);
  std::vector<std::unique_ptr<SseTestClient>> held;
  for (int i = 0; i < 8; ++i) {
    held.push_back(Client(alice_));
    ASSERT_TRUE(held.back()->Open(StreamPath(id))) << held.back()->error();
    ASSERT_TRUE(held.back()->ReadUntil("retry: 2000\n\n")) << i;
  }
  TestHttpClient ninth(server_->port());
  ninth.SetHeader("Authorization", "Bearer " + alice_.token);
  auto refused = ninth.Get(StreamPath(id));
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(nlohmann::json::parse(refused.body, nullptr, false).value("error", ""), "rate_limited") << refused.body;
  EXPECT_FALSE(refused.headers[beast_http::field::retry_after].empty());

  // The cap is per user: the organizer still gets a stream of the same submission.
  auto organizer = Client(organizer_);
  ASSERT_TRUE(organizer->Open(StreamPath(id)));
  EXPECT_EQ(organizer->status(), 200);

  // Leaving gives the slot back.
  held.front()->Close();
  const auto end = std::chrono::steady_clock::now() + seconds(10);
  int status = 0;
  while (status != 200 && std::chrono::steady_clock::now() < end) {
    auto again = Client(alice_);
    if (again->Open(StreamPath(id))) status = again->status();
    if (status == 200) held.push_back(std::move(again));
    if (status != 200) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(status, 200);
}

TEST_F(SseTest, EventNamesThatCouldBreakTheFramingAreSentAsMessage) {
  StartServer();
  const std::int64_t id = Submit(alice_);
  events_.Publish(id, {{"event", "end"}});
  events_.Publish(id, {{"event", "evil\ndata: injected"}});
  events_.Publish(id, {{"event", 5}});
  events_.Publish(id, {{"event", "compiling"}, {"log", "line 1\nline 2\r\n"}});
  auto client = Client(alice_);
  ASSERT_TRUE(client->Open(StreamPath(id))) << client->error();
  ASSERT_TRUE(client->ReadUntil(events_.Since(id, 0).at(3).dump() + "\n\n"));
  const auto events = client->Events();
  ASSERT_EQ(events.size(), 4u) << client->body();
  EXPECT_EQ(events[0].event, "message");
  EXPECT_EQ(events[1].event, "message");
  EXPECT_EQ(events[2].event, "message");
  EXPECT_EQ(events[3].event, "compiling");
  EXPECT_EQ(nlohmann::json::parse(events[1].data)["event"], "evil\ndata: injected");
  EXPECT_EQ(nlohmann::json::parse(events[3].data)["log"], "line 1\nline 2\r\n");
  EXPECT_FALSE(client->complete());  // a runner's "end" does not end the stream
  Finish(id, store::Verdict::kPassed);
  ASSERT_TRUE(client->ReadToEnd());
  EXPECT_EQ(client->Events().back().event, "end");
}

TEST_F(SseTest, StreamsEndPromptlyWhenTheServerStops) {
  StartServer();
  const std::int64_t id = Submit(alice_);
  auto client = Client(alice_);
  ASSERT_TRUE(client->Open(StreamPath(id))) << client->error();
  ASSERT_TRUE(client->ReadUntil("retry: 2000\n\n"));
  const auto start = std::chrono::steady_clock::now();
  auto stopping = std::async(std::launch::async, [this] { server_->Stop(20000); });
  EXPECT_TRUE(client->ReadToEnd(seconds(5))) << client->error();
  EXPECT_EQ(client->body().find("event: end"), std::string::npos);  // not finished: the client resumes later
  EXPECT_EQ(stopping.wait_for(seconds(5)), std::future_status::ready);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3.0);
}

store::Job JobIn(store::JobStatus status, std::int64_t id = 1) {
  store::Job j;
  j.id = id;
  j.status = status;
  return j;
}

store::Run RunOf(std::int64_t job_id, int attempt, store::Verdict verdict) {
  store::Run r;
  r.job_id = job_id;
  r.attempt = attempt;
  r.verdict = verdict;
  return r;
}

TEST(SubmissionOverallStatusTest, FollowsTheJobsThenTheWorstFinalVerdict) {
  using store::JobStatus;
  using store::Verdict;
  EXPECT_EQ(SubmissionOverallStatus({JobIn(JobStatus::kQueued)}, {}), "queued");
  EXPECT_EQ(SubmissionOverallStatus({JobIn(JobStatus::kQueued, 1), JobIn(JobStatus::kRunning, 2)}, {}), "judging");
  EXPECT_EQ(SubmissionOverallStatus({JobIn(JobStatus::kLeased)}, {}), "judging");
  EXPECT_EQ(SubmissionOverallStatus({JobIn(JobStatus::kDone, 1), JobIn(JobStatus::kCancelled, 2)},
                                    {RunOf(1, 1, Verdict::kPassed)}),
            "cancelled");
  EXPECT_EQ(SubmissionOverallStatus({JobIn(JobStatus::kFailed)}, {RunOf(1, 1, Verdict::kInternalError)}), "failed");
  EXPECT_EQ(SubmissionOverallStatus({JobIn(JobStatus::kDone)}, {}), "failed");
  // A retried job counts by its last attempt; several jobs by the worst of them.
  EXPECT_EQ(SubmissionOverallStatus({JobIn(JobStatus::kDone)},
                                    {RunOf(1, 1, Verdict::kInternalError), RunOf(1, 2, Verdict::kPassed)}),
            "passed");
  EXPECT_EQ(SubmissionOverallStatus({JobIn(JobStatus::kDone, 1), JobIn(JobStatus::kDone, 2)},
                                    {RunOf(1, 1, Verdict::kWrongAnswer), RunOf(2, 1, Verdict::kPassed)}),
            "wrong_answer");
}

}  // namespace
}  // namespace kjudge::http
