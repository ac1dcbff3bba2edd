// Profile mode end to end on the server (docs/api.md, "Profile mode"): the runner holding the
// lease uploads the Nsight Compute report (PUT /api/runner/jobs/{id}/profile-report, up to 64 MiB,
// the only route allowed past the server's general body limit), its result's `profile` summary is
// stored with the run, and the run's owner and staff download the exact bytes
// (GET /api/v1/runs/{id}/profile-report); anyone else is told the run does not exist. The runner's
// own client (LeaseClient, as RunnerDaemon calls it) is exercised against the same server.
#include <gtest/gtest.h>

#include "kjudge/core/sha256.h"
#include "kjudge/runner/lease_client.h"
#include "kjudge/runner/run_result.h"
#include "kjudge/store/artifact_repository.h"
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

/// Bytes that are not text: every byte value, NULs included, in a pattern that shows truncation.
std::string ReportBytes(std::size_t n) {
  std::string bytes(n, '\0');
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>((i * 131 + i / 256) & 0xff);
  return bytes;
}

runner::ProfileSummary Summary(const std::string& report) {
  runner::ProfileSummary s;
  s.status = runner::ProfileStatus::kOk;
  s.tool_version = "2024.3.2.0";
  s.message = "1 kernel profiled";
  runner::KernelProfile k;
  k.id = 1;
  k.name = "void vector_add<256>(const __half *, const __half *, __half *, int)";
  k.block_size = "(256, 1, 1)";
  k.grid_size = "(4096, 1, 1)";
  k.duration_ns = 54528;
  k.dram_throughput_pct = 91.2;
  k.stall_basis = "cycles_per_issued_instruction";
  k.top_stalls = {{"long_scoreboard", 41.2, 0.84}};
  s.kernels.push_back(k);
  s.report = runner::ProfileReportInfo{"profile.ncu-rep", report.size(), Sha256Hex(report)};
  return s;
}

class ProfileReportTest : public ::testing::Test {
 protected:
  /// A profile-mode submission of the competitor, leased to the runner account.
  store::Job LeasedProfileJob() {
    return server_.Lease(server_.Submit(server_.competitor, "vectoradd", "cpu", store::Mode::kProfile).id);
  }

  static std::string UploadPath(const store::Job& job, const std::string& lease_id) {
    return "/api/runner/jobs/" + std::to_string(job.id) + "/profile-report?lease_id=" + lease_id;
  }

  TestResponse Upload(const std::string& token, const store::Job& job, const std::string& lease_id, const std::string& bytes) {
    return server_.Client(token)->Request(V::put, UploadPath(job, lease_id), bytes, "application/octet-stream",
                                          std::chrono::seconds(120));
  }

  /// Posts a passing profile-mode result with `summary` under the job's lease; returns the run id.
  std::int64_t PostResult(const store::Job& job, const std::optional<runner::ProfileSummary>& summary) {
    json result = ApiServer::PassingResult();
    result["mode"] = "profile";
    if (summary) result["profile"] = runner::ToJson(*summary);
    auto r = server_.Client(As::kRunner)->Request(V::post, "/api/runner/jobs/" + std::to_string(job.id) + "/result",
                                                  json{{"lease_id", *job.lease_id}, {"result", result}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r).value("run_id", std::int64_t{0});
  }

  static std::string ReportPath(std::int64_t run_id) { return "/api/v1/runs/" + std::to_string(run_id) + "/profile-report"; }

  ApiServer server_;
};

TEST_F(ProfileReportTest, TheLeaseHoldersReportReachesTheOwnerByteForByte) {
  const store::Job job = LeasedProfileJob();
  const std::string report = ReportBytes(3 << 20);  // past the general 1 MiB body limit
  auto up = Upload(server_.runner.token, job, *job.lease_id, report);
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(Body(up)["sha256"], Sha256Hex(report));
  EXPECT_EQ(Body(up)["bytes"], report.size());

  const std::int64_t run_id = PostResult(job, Summary(report));
  ASSERT_GT(run_id, 0);

  auto run = server_.Client(As::kCompetitor)->Get("/api/v1/runs/" + std::to_string(run_id));
  ASSERT_EQ(run.status, 200) << run.body;
  const json doc = Body(run);
  EXPECT_EQ(doc["profile"], runner::ToJson(Summary(report)));
  EXPECT_EQ(doc["profile"]["kernels"][0]["duration_ns"], 54528);
  EXPECT_EQ(doc["profile_report_url"], ReportPath(run_id));

  for (As who : {As::kCompetitor, As::kOrganizer, As::kAdmin}) {
    auto got = server_.Client(who)->Request(V::get, ReportPath(run_id), "", "application/json", std::chrono::seconds(60));
    ASSERT_EQ(got.status, 200) << Name(who) << ": " << got.body.substr(0, 200);
    EXPECT_TRUE(got.body == report) << Name(who) << ": " << got.body.size() << " bytes, not the " << report.size() << " uploaded";
    EXPECT_EQ(got.headers[boost::beast::http::field::content_type], "application/octet-stream");
    EXPECT_EQ(got.headers[boost::beast::http::field::content_disposition],
              "attachment; filename=\"run-" + std::to_string(run_id) + ".ncu-rep\"");
  }
}

TEST_F(ProfileReportTest, StrangersGetWhatTheRunRouteGivesThem) {
  const store::Job job = LeasedProfileJob();
  ASSERT_EQ(Upload(server_.runner.token, job, *job.lease_id, "NVRP").status, 200);
  const std::int64_t run_id = PostResult(job, Summary("NVRP"));
  const std::string run_path = "/api/v1/runs/" + std::to_string(run_id);
  const auto stranger = server_.AddUser("mallory", store::Role::kCompetitor);
  for (const std::string& token : {stranger.token, server_.other.token, std::string(), server_.runner.token}) {
    auto as_run = server_.Client(token)->Get(run_path);
    auto as_report = server_.Client(token)->Get(ReportPath(run_id));
    EXPECT_NE(as_report.status, 200);
    EXPECT_EQ(as_report.status, as_run.status) << as_report.body;
    EXPECT_EQ(Body(as_report)["error"], Body(as_run)["error"]);
    EXPECT_EQ(as_report.body.find("NVRP"), std::string::npos);
  }
  // A run that does not exist answers the same as someone else's.
  auto missing = server_.Client(stranger.token)->Get(ReportPath(run_id + 1000));
  EXPECT_EQ(missing.status, 404);
}

TEST_F(ProfileReportTest, ARunWithoutAReportIs404JsonAndShowsNoUrl) {
  const store::Job job = LeasedProfileJob();
  runner::ProfileSummary unavailable;
  unavailable.message = "Nsight Compute (ncu) is not installed on this runner";
  const std::int64_t run_id = PostResult(job, unavailable);
  auto got = server_.Client(As::kCompetitor)->Get(ReportPath(run_id));
  EXPECT_EQ(got.status, 404);
  EXPECT_EQ(Body(got)["error"], "not_found");
  EXPECT_EQ(got.headers[boost::beast::http::field::content_type], "application/json");
  const json doc = Body(server_.Client(As::kCompetitor)->Get("/api/v1/runs/" + std::to_string(run_id)));
  EXPECT_EQ(doc["profile"]["status"], "unavailable");
  EXPECT_FALSE(doc.contains("profile_report_url"));

  // A run of another mode: no profile at all.
  const store::Run plain = server_.Judged(server_.competitor).second;
  const json plain_doc = Body(server_.Client(As::kCompetitor)->Get("/api/v1/runs/" + std::to_string(plain.id)));
  EXPECT_TRUE(plain_doc["profile"].is_null());
  EXPECT_EQ(server_.Client(As::kCompetitor)->Get(ReportPath(plain.id)).status, 404);
}

TEST_F(ProfileReportTest, OnlyTheLeaseHolderMayUpload) {
  const store::Job job = LeasedProfileJob();
  const auto other_runner = server_.AddUser("rover", store::Role::kRunner);
  // Another runner does not know the lease; a made-up one is refused like a stale one.
  auto wrong_lease = Upload(other_runner.token, job, "lease-guessed", "NVRP");
  EXPECT_EQ(wrong_lease.status, 409) << wrong_lease.body;
  EXPECT_EQ(Body(wrong_lease)["error"], "failed_precondition");
  EXPECT_EQ(Upload(server_.runner.token, job, "lease-guessed", "NVRP").status, 409);
  EXPECT_EQ(Upload("", job, *job.lease_id, "NVRP").status, 401);
  EXPECT_EQ(Upload(server_.competitor.token, job, *job.lease_id, "NVRP").status, 403);
  auto no_lease = server_.Client(As::kRunner)->Request(V::put, "/api/runner/jobs/" + std::to_string(job.id) + "/profile-report",
                                                      "NVRP", "application/octet-stream");
  EXPECT_EQ(no_lease.status, 400) << no_lease.body;
  // A job of another mode has no report.
  const store::Job test_job = server_.Lease(server_.Submit(server_.competitor).id);
  EXPECT_EQ(Upload(server_.runner.token, test_job, *test_job.lease_id, "NVRP").status, 409);

  // Once the result is in, the lease no longer holds the job: a late upload is refused, and the
  // refused uploads above left nothing on the run.
  const std::int64_t run_id = PostResult(job, Summary("NVRP"));
  EXPECT_EQ(Upload(server_.runner.token, job, *job.lease_id, "NVRP late").status, 409);
  EXPECT_EQ(server_.Client(As::kCompetitor)->Get(ReportPath(run_id)).status, 404);
}

TEST_F(ProfileReportTest, AStaleLeasesUploadNeverReachesTheNextLeasesRun) {
  const store::Job job = LeasedProfileJob();
  ASSERT_EQ(Upload(server_.runner.token, job, *job.lease_id, "from the first lease").status, 200);
  // The lease expires and the job goes round again: the next lease posts without a report.
  Must(store::JobRepository(server_.db()).UpdateStatus(job.id, store::JobStatus::kQueued, "lease expired"), "expire lease");
  store::LeaseGrant grant{server_.Unique("lease"), server_.runner.user.name, server_.db().clock().NowMs() + 60'000};
  const store::Job again = Must(store::JobRepository(server_.db()).AssignLease(job.id, grant), "lease again");
  const std::int64_t run_id = PostResult(again, std::nullopt);
  EXPECT_EQ(server_.Client(As::kCompetitor)->Get(ReportPath(run_id)).status, 404);
}

TEST_F(ProfileReportTest, TheSizeLimitIsThisRoutesOnly) {
  const store::Job job = LeasedProfileJob();
  // Declared over 64 MiB: refused at the headers, with JSON.
  const std::string head = "PUT " + UploadPath(job, *job.lease_id) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                           server_.runner.token + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
                           std::to_string(store::kMaxArtifactBytes + 1) + "\r\n\r\n";
  const std::string answer = TestHttpClient(server_.port()).Raw(head);
  EXPECT_NE(answer.find(" 413 "), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"payload_too_large\""), std::string::npos) << answer;
  EXPECT_NE(answer.find("application/json"), std::string::npos) << answer;
  // Exactly 64 MiB is taken.
  auto full = Upload(server_.runner.token, job, *job.lease_id, ReportBytes(store::kMaxArtifactBytes));
  EXPECT_EQ(full.status, 200) << full.body;
  // Every other route keeps the general limit (1 MiB).
  auto events = server_.Client(As::kRunner)->Request(V::post, "/api/runner/jobs/" + std::to_string(job.id) + "/events",
                                                    std::string(2 << 20, ' '));
  EXPECT_EQ(events.status, 413);
  EXPECT_EQ(Body(events)["error"], "payload_too_large");
}

// The runner's own client against the real server, in one binary: it crashed inside asio while
// kjudge_http and kjudge_runner were compiled with different Asio macros (one definition for all
// now, CMakeLists.txt).
TEST_F(ProfileReportTest, TheRunnersClientUploadsThenCompletes) {
  const store::Job job = LeasedProfileJob();
  runner::LeasedJob leased;
  leased.job_id = job.id;
  leased.lease_id = *job.lease_id;
  leased.mode = "profile";
  auto url = runner::ServerUrl::Parse("http://127.0.0.1:" + std::to_string(server_.port()));
  ASSERT_TRUE(url.ok());
  runner::LeaseClient client(runner::HttpClient(*url, server_.runner.token), "test", "cpu");

  const std::string report = ReportBytes(1 << 20);
  runner::RunResult result = Must(runner::RunResultFromJson(ApiServer::PassingResult()), "result");
  result.mode = "profile";
  result.profile = Summary(report);
  result.profile_report = report;
  ASSERT_TRUE(client.UploadProfileReport(leased, result.profile_report, "profile.ncu-rep").ok());
  ASSERT_TRUE(client.Complete(leased, runner::ToJson(result)).ok());

  auto runs = Must(store::RunRepository(server_.db()).ListByJob(job.id), "runs");
  ASSERT_EQ(runs.size(), 1u);
  auto stored = Must(store::ArtifactRepository(server_.db()).Get(runs[0].id, store::ArtifactKind::kNcuReport), "report");
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(stored->bytes == report);
  EXPECT_EQ(stored->info.sha256, Sha256Hex(report));
  EXPECT_EQ(stored->info.file_name, "profile.ncu-rep");
  ASSERT_TRUE(runs[0].profile_json.has_value());
  EXPECT_EQ(json::parse(*runs[0].profile_json)["report"]["sha256"], Sha256Hex(report));

  // The lease is spent: a second upload is refused as a stale lease.
  auto late = client.UploadProfileReport(leased, "NVRP", "profile.ncu-rep");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace kjudge::testing
