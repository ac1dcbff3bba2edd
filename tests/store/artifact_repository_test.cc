// ArtifactRepository and migration 0007: a report staged under a lease reaches the run that lease
// records, in the same transaction, and never a run recorded under another lease; the schema
// bounds what is stored; deleting a run deletes its artifacts.
#include "kjudge/store/artifact_repository.h"

#include <gtest/gtest.h>

#include "kjudge/core/sha256.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/run_repository.h"
#include "store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryInt;
using testing::RawExec;

class ArtifactRepositoryTest : public testing::StoreTest {
 protected:
  /// A profile-mode job leased under `lease_id`.
  Job Leased(const std::string& lease_id) {
    User user = MakeUser("u" + lease_id);
    Submission sub = MakeSubmission(user, Publish("p" + lease_id), Mode::kProfile);
    Job job = MakeJob(sub);
    auto leased = JobRepository(*db_).AssignLease(job.id, {lease_id, "runner/1", 1'000'000});
    EXPECT_TRUE(leased.ok()) << leased.error().message;
    return *leased;
  }

  store::Run Record(const Job& job) {
    NewRun run;
    run.job_id = job.id;
    run.verdict = Verdict::kPassed;
    auto recorded = RunRepository(*db_).Record(run);
    EXPECT_TRUE(recorded.ok()) << recorded.error().message;
    return *recorded;
  }
};

TEST_F(ArtifactRepositoryTest, AStagedReportReachesItsLeasesRun) {
  Job job = Leased("a");
  const std::string bytes("NVRP\0\x01\xff report", 15);
  auto staged = ArtifactRepository(*db_).StageForLease({job.id, "a", ArtifactKind::kNcuReport, "profile.ncu-rep", bytes});
  ASSERT_TRUE(staged.ok()) << staged.error().message;
  EXPECT_EQ(staged->sha256, Sha256Hex(bytes));
  store::Run run = Record(job);
  auto got = ArtifactRepository(*db_).Get(run.id, ArtifactKind::kNcuReport);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->bytes, bytes);
  EXPECT_EQ((*got)->info.size_bytes, bytes.size());
  EXPECT_EQ((*got)->info.file_name, "profile.ncu-rep");
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM job_uploads"), 0);
  auto info = ArtifactRepository(*db_).Find(run.id, ArtifactKind::kNcuReport);
  ASSERT_TRUE(info.ok() && info->has_value());
  EXPECT_EQ((*info)->sha256, Sha256Hex(bytes));
}

TEST_F(ArtifactRepositoryTest, AnotherLeasesUploadIsNeverAttached) {
  Job job = Leased("b");
  ASSERT_TRUE(ArtifactRepository(*db_).StageForLease({job.id, "stale", ArtifactKind::kNcuReport, "r.ncu-rep", "x"}).ok());
  store::Run run = Record(job);
  auto got = ArtifactRepository(*db_).Get(run.id, ArtifactKind::kNcuReport);
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM job_uploads"), 0);
}

TEST_F(ArtifactRepositoryTest, BoundsAndNames) {
  Job job = Leased("c");
  ArtifactRepository artifacts(*db_);
  for (const char* bad : {"", "../x", "a/b", ".", "..", "a\nb"}) {
    auto s = artifacts.StageForLease({job.id, "c", ArtifactKind::kNcuReport, bad, "x"});
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  }
  const std::string big(kMaxArtifactBytes + 1, 'x');
  auto too_big = artifacts.StageForLease({job.id, "c", ArtifactKind::kNcuReport, "r", big});
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, ErrorCode::kResourceExhausted);
  // The schema refuses it too, whoever writes.
  EXPECT_FALSE(RawExec(*db_, "INSERT INTO job_uploads(job_id, lease_id, kind, file_name, bytes, sha256, created_ms) "
                             "VALUES (?, 'c', 'ncu_report', 'r', zeroblob(67108865), hex(randomblob(32)), 0)", job.id).ok());
  auto missing = artifacts.StageForLease({job.id + 99, "c", ArtifactKind::kNcuReport, "r", "x"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_F(ArtifactRepositoryTest, PutReplacesAndDeletingTheRunDeletesIt) {
  store::Run run = Record(Leased("d"));
  ArtifactRepository artifacts(*db_);
  ASSERT_TRUE(artifacts.Put(run.id, ArtifactKind::kNcuReport, "one.ncu-rep", "1").ok());
  ASSERT_TRUE(artifacts.Put(run.id, ArtifactKind::kNcuReport, "two.ncu-rep", "22").ok());
  auto got = artifacts.Get(run.id, ArtifactKind::kNcuReport);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->bytes, "22");
  EXPECT_EQ((*got)->info.file_name, "two.ncu-rep");
  EXPECT_EQ(artifacts.Put(run.id + 99, ArtifactKind::kNcuReport, "r", "x").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(RawExec(*db_, "DELETE FROM runs WHERE id = ?", run.id).ok());
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM run_artifacts"), 0);
}

TEST_F(ArtifactRepositoryTest, ARunKeepsItsProfileSummary) {
  store::Run run = Record(Leased("e"));
  RunRepository runs(*db_);
  EXPECT_FALSE(runs.Get(run.id)->profile_json.has_value());
  ASSERT_TRUE(runs.SetProfile(run.id, R"({"status":"ok"})").ok());
  EXPECT_EQ(*runs.Get(run.id)->profile_json, R"({"status":"ok"})");
  EXPECT_EQ(runs.SetProfile(run.id, "{not json").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(runs.SetProfile(run.id + 99, "{}").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace kjudge::store
