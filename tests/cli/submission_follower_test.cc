// Following a submission against a scripted HTTP peer: the connection drops the real server
// cannot be made to produce on demand (a stream cut before "end", then a resume with
// Last-Event-ID), the fallback to long-poll on a server without the stream route, and refusals.
// tests/cli/submit_stream_test.cc follows real judgings from a real `kjudge serve`.
#include "submission_follower.h"

#include <gtest/gtest.h>

#include "cli/scripted_peer.h"

namespace kjudge::cli {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using testing::ScriptedPeer;

runner::HttpClient ClientOf(const ScriptedPeer& peer) {
  return runner::HttpClient(*runner::ServerUrl::Parse(peer.url()), "kj_token");
}

const std::string kStreamHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\r\n";

std::string Frame(int seq, const std::string& name, const std::string& extra = "") {
  return "id: " + std::to_string(seq) + "\nevent: " + name + "\ndata: {\"event\":\"" + name + "\",\"seq\":" + std::to_string(seq) +
         extra + "}\n\n";
}

std::string Json(int status, const std::string& body) { return testing::JsonReply(status, body); }

struct Seen {
  std::vector<std::string> events;
  std::vector<std::string> notes;
  FollowCallbacks callbacks() {
    return {[this](const ProgressEvent& e) { events.push_back(e.name + ":" + e.data.value("kind", std::string())); },
            [this](const std::string& n) { notes.push_back(n); }};
  }
};

FollowOptions Quick() {
  FollowOptions o;
  o.timeout = std::chrono::seconds(20);
  o.idle_timeout = std::chrono::seconds(10);
  o.give_up_after = std::chrono::seconds(2);
  o.default_retry = std::chrono::milliseconds(20);
  return o;
}

TEST(SubmissionFollowerTest, ADroppedStreamResumesWithLastEventId) {
  ScriptedPeer peer({
      [](const std::string&) {
        // Two events, then the connection ends without "end" (a proxy timeout, a restart).
        return kStreamHead + "retry: 10\n\n" + Frame(1, "queued") + ": keep-alive\n\n" + Frame(2, "compiling") + "id: 3\nevent: ca";
      },
      [](const std::string& request) {
        if (request.find("Last-Event-ID: 2\r\n") == std::string::npos) return Json(400, R"({"message":"no Last-Event-ID"})");
        return kStreamHead + "retry: 10\n\n" + Frame(3, "case", R"(,"kind":"test")") + Frame(4, "verdict") +
               "event: end\ndata: {\"id\":7,\"status\":\"wrong_answer\"}\n\n";
      },
  });
  Seen seen;
  auto outcome = FollowSubmission(ClientOf(peer), 7, seen.callbacks(), Quick());
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(outcome->status, "wrong_answer");
  EXPECT_TRUE(outcome->streamed);
  EXPECT_EQ(outcome->reconnects, 1);
  EXPECT_EQ(seen.events, (std::vector<std::string>{"queued:", "compiling:", "case:test", "verdict:"}))
      << "each event once, in order; the cut-off third arrives whole after the resume";
  EXPECT_EQ(seen.notes.size(), 1u);
  const auto requests = peer.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].rfind("GET /api/v1/submissions/7/stream HTTP/1.1\r\n", 0), 0u) << requests[0];
  EXPECT_NE(requests[0].find("Authorization: Bearer kj_token\r\n"), std::string::npos) << requests[0];
  EXPECT_NE(requests[0].find("Accept: text/event-stream\r\n"), std::string::npos) << requests[0];
  EXPECT_EQ(requests[0].find("Last-Event-ID"), std::string::npos) << "the first connection starts from the beginning";
}

TEST(SubmissionFollowerTest, AServerWithoutTheStreamRouteIsFollowedByLongPoll) {
  ScriptedPeer peer({
      [](const std::string&) { return Json(404, R"({"error":"not_found","message":"no route"})"); },
      [](const std::string&) {
        return Json(200, R"({"events":[{"seq":1,"event":"queued"},{"seq":2,"event":"case","kind":"test","passed":true}]})");
      },
      [](const std::string&) { return Json(200, R"({"events":[{"seq":3,"event":"verdict","verdict":"passed"}]})"); },
  });
  Seen seen;
  auto outcome = FollowSubmission(ClientOf(peer), 9, seen.callbacks(), Quick());
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_FALSE(outcome->streamed);
  EXPECT_EQ(seen.events, (std::vector<std::string>{"queued:", "case:test", "verdict:"}));
  const auto requests = peer.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].rfind("GET /api/v1/submissions/9/events?after=0&wait_s=20 ", 0), 0u) << requests[1];
  EXPECT_EQ(requests[2].rfind("GET /api/v1/submissions/9/events?after=2&wait_s=20 ", 0), 0u) << requests[2];
}

TEST(SubmissionFollowerTest, NoStreamToSpareMeansLongPollInstead) {
  ScriptedPeer peer({
      [](const std::string&) { return Json(429, R"({"error":"rate_limited","message":"at most 8 live streams","retry_after_s":2})"); },
      [](const std::string&) { return Json(200, R"({"events":[{"seq":1,"event":"verdict","verdict":"passed"}]})"); },
  });
  Seen seen;
  auto outcome = FollowSubmission(ClientOf(peer), 5, seen.callbacks(), Quick());
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_EQ(seen.events, (std::vector<std::string>{"verdict:"}));
  EXPECT_EQ(peer.requests().size(), 2u);
}

TEST(SubmissionFollowerTest, ARefusalIsNotRetried) {
  ScriptedPeer peer({[](const std::string&) { return Json(401, R"({"error":"unauthenticated","message":"unknown token"})"); }});
  Seen seen;
  auto outcome = FollowSubmission(ClientOf(peer), 9, seen.callbacks(), Quick());
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(outcome.error().message, "HTTP 401: unknown token");
  EXPECT_EQ(peer.requests().size(), 1u);
}

TEST(SubmissionFollowerTest, AServerThatIsGoneIsGivenUpOn) {
  std::uint16_t port = 0;
  {
    // A port that was just free: nothing listens there now.
    asio::io_context ioc;
    tcp::acceptor probe(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = probe.local_endpoint().port();
  }
  runner::HttpClient client(*runner::ServerUrl::Parse("http://127.0.0.1:" + std::to_string(port)), "");
  FollowOptions o = Quick();
  o.give_up_after = std::chrono::milliseconds(300);
  Seen seen;
  auto outcome = FollowSubmission(client, 1, seen.callbacks(), o);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(outcome.error().message.find("cannot reach http://127.0.0.1:"), std::string::npos) << outcome.error().message;
  EXPECT_FALSE(seen.notes.empty()) << "it said it was reconnecting";
}

TEST(SubmissionFollowerTest, AStreamThatIsNotAnEventStreamIsAnError) {
  ScriptedPeer peer({[](const std::string&) { return Json(200, R"({"hello":"world"})"); }});
  Seen seen;
  auto outcome = FollowSubmission(ClientOf(peer), 9, seen.callbacks(), Quick());
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.error().message.find("not an event stream"), std::string::npos) << outcome.error().message;
}

}  // namespace
}  // namespace kjudge::cli
