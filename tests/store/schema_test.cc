// The initial schema's own guarantees, checked with raw SQL that bypasses the repositories: what
// the database refuses even when application code is wrong.
#include <gtest/gtest.h>

#include "kjudge/store/job_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/token_repository.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryInt;
using testing::QueryText;
using testing::RawExec;

class SchemaTest : public testing::StoreTest {};

TEST_F(SchemaTest, RowsReferencingMissingRowsAreRejected) {
  Status orphan_submission = RawExec(
      *db_,
      "INSERT INTO submissions(user_id, problem_version_id, language, file_name, source, source_sha256, source_bytes, "
      "mode, created_ms) VALUES (999, 999, 'cpp', 'f.cpp', '', hex(randomblob(32)), 0, 'test', 0)");
  ASSERT_FALSE(orphan_submission.ok());
  EXPECT_EQ(orphan_submission.error().code, ErrorCode::kFailedPrecondition) << orphan_submission.error().message;
  EXPECT_NE(orphan_submission.error().message.find("FOREIGN KEY"), std::string::npos);

  Status orphan_job = RawExec(*db_,
                              "INSERT INTO jobs(submission_id, user_id, gpu, mode, max_attempts, created_ms, updated_ms) "
                              "VALUES (12345, 1, 'cpu', 'test', 3, 0, 0)");
  ASSERT_FALSE(orphan_job.ok());
  EXPECT_EQ(orphan_job.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(SchemaTest, AProblemVersionWithSubmissionsCannotBeDeleted) {
  User user = MakeUser("alice");
  PublishResult problem = Publish("vectoradd");
  MakeSubmission(user, problem);
  Status deleted = RawExec(*db_, "DELETE FROM problems WHERE id = ?", problem.problem.id);
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM problem_versions"), 1);
}

TEST_F(SchemaTest, ProblemVersionsAndTheirFilesAreImmutable) {
  PublishResult problem = Publish("vectoradd");
  Status version = RawExec(*db_, "UPDATE problem_versions SET spec_json = '{}' WHERE id = ?", problem.version.id);
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(version.error().message.find("immutable"), std::string::npos) << version.error().message;
  Status file = RawExec(*db_, "UPDATE problem_files SET content = x'00'");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.error().message.find("immutable"), std::string::npos) << file.error().message;
}

TEST_F(SchemaTest, TheAuditLogIsAppendOnlyButSurvivesItsActorsDeletion) {
  User admin = MakeUser("admin", Role::kAdmin);
  ASSERT_TRUE(RawExec(*db_,
                      "INSERT INTO audit_log(actor_user_id, actor, action, created_ms) VALUES (?, 'admin', 'x', 0)",
                      admin.id)
                  .ok());
  Status edit = RawExec(*db_, "UPDATE audit_log SET action = 'nothing happened'");
  ASSERT_FALSE(edit.ok());
  EXPECT_NE(edit.error().message.find("append-only"), std::string::npos);
  ASSERT_TRUE(UserRepository(*db_).Delete(admin.id).ok());
  EXPECT_EQ(QueryText(*db_, "SELECT actor || '/' || coalesce(actor_user_id, 'null') FROM audit_log"), "admin/null");
}

TEST_F(SchemaTest, DeletingAUserRemovesEverythingTheyOwn) {
  User user = MakeUser("leaver");
  ASSERT_TRUE(TokenRepository(*db_).Issue({user.id, TokenKind::kApi, "", std::nullopt}).ok());
  Submission submission = MakeSubmission(user, Publish("p"));
  Job job = MakeJob(submission);
  NewRun run;
  run.job_id = job.id;
  run.verdict = Verdict::kPassed;
  ASSERT_TRUE(RunRepository(*db_).Record(run).ok());
  ASSERT_TRUE(UserRepository(*db_).Delete(user.id).ok());
  for (const char* table : {"tokens", "submissions", "jobs", "runs"}) {
    EXPECT_EQ(QueryInt(*db_, std::string("SELECT count(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM problem_versions"), 1);
}

TEST_F(SchemaTest, TypesAreStrict) {
  Status wrong_type = RawExec(*db_, "INSERT INTO users(name, role, created_ms) VALUES ('x', 'admin', 'yesterday')");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_EQ(wrong_type.error().code, ErrorCode::kInvalidArgument) << wrong_type.error().message;
}

TEST_F(SchemaTest, ALiveJobMustHoldALease) {
  Job job = MakeJob(MakeSubmission(MakeUser("u"), Publish("p")));
  Status leased = RawExec(*db_, "UPDATE jobs SET status = 'leased' WHERE id = ?", job.id);
  ASSERT_FALSE(leased.ok());
  EXPECT_EQ(leased.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SchemaTest, TheObviousLookupsHaveIndexes) {
  for (const char* index : {"tokens_by_user", "problem_versions_by_hash", "submissions_by_user",
                            "submissions_by_leaderboard", "jobs_queue", "jobs_by_submission", "runs_by_submission",
                            "audit_log_by_time"}) {
    EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?", index), 1)
        << index;
  }
  // Token lookups by hash and runs by job use the indexes that UNIQUE constraints create.
  auto plan = [&](const std::string& sql) {
    auto tx = db_->BeginRead();
    auto stmt = tx->connection().Prepare("EXPLAIN QUERY PLAN " + sql);
    std::string all;
    while (stmt.ok() && *stmt->Step()) all += stmt->Text(3) + "\n";
    return all;
  };
  EXPECT_NE(plan("SELECT id FROM jobs WHERE status = 'queued' AND gpu = 'H100' ORDER BY priority DESC, created_ms, id")
                .find("jobs_queue"),
            std::string::npos);
  EXPECT_NE(plan("SELECT id FROM tokens WHERE hash = 'x'").find("INDEX"), std::string::npos);
  EXPECT_NE(plan("SELECT id FROM runs WHERE job_id = 1").find("INDEX"), std::string::npos);
  const std::string queue_plan =
      plan("SELECT id FROM jobs WHERE status = 'queued' AND gpu = 'H100' ORDER BY priority DESC, created_ms, id");
  EXPECT_EQ(queue_plan.find("TEMP B-TREE"), std::string::npos) << "the queue order should come from the index:\n"
                                                               << queue_plan;
}

}  // namespace
}  // namespace kjudge::store
