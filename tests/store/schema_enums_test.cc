#include "kjudge/store/schema_enums.h"

#include <gtest/gtest.h>

#include <set>

#include "kjudge/store/job_repository.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::RawExec;

template <typename E>
void ExpectRoundTrip() {
  std::set<std::string_view> names;
  for (const auto& [value, name] : EnumNames<E>()) {
    EXPECT_EQ(Name(value), name);
    auto parsed = Parse<E>(name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(*parsed, value);
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
  auto unknown = Parse<E>("no-such-value");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message.find(EnumNames<E>()[0].name), std::string::npos)
      << "the error should list the accepted names: " << unknown.error().message;
}

TEST(SchemaEnumsTest, EveryEnumRoundTripsThroughItsName) {
  ExpectRoundTrip<Role>();
  ExpectRoundTrip<TokenKind>();
  ExpectRoundTrip<Visibility>();
  ExpectRoundTrip<LeaderboardState>();
  ExpectRoundTrip<PointsRule>();
  ExpectRoundTrip<Language>();
  ExpectRoundTrip<Mode>();
  ExpectRoundTrip<JobStatus>();
  ExpectRoundTrip<Verdict>();
  EXPECT_EQ(Name(TokenKind::kPopcornCli), "popcorn_cli");
  EXPECT_EQ(Name(Verdict::kWrongAnswer), "wrong_answer");
}

TEST(SchemaEnumsTest, JobStatusMachine) {
  EXPECT_TRUE(CanTransition(JobStatus::kQueued, JobStatus::kLeased));
  EXPECT_TRUE(CanTransition(JobStatus::kLeased, JobStatus::kRunning));
  EXPECT_TRUE(CanTransition(JobStatus::kRunning, JobStatus::kDone));
  EXPECT_TRUE(CanTransition(JobStatus::kRunning, JobStatus::kQueued));  // lease expired
  EXPECT_TRUE(CanTransition(JobStatus::kQueued, JobStatus::kCancelled));
  EXPECT_FALSE(CanTransition(JobStatus::kQueued, JobStatus::kDone));
  EXPECT_FALSE(CanTransition(JobStatus::kQueued, JobStatus::kRunning));
  for (const auto& [terminal, name] : EnumNames<JobStatus>()) {
    if (!IsTerminal(terminal)) continue;
    for (const auto& [to, to_name] : EnumNames<JobStatus>()) {
      EXPECT_FALSE(CanTransition(terminal, to)) << name << " -> " << to_name;
    }
  }
}

// The schema's CHECK constraints and the C++ table must list the same names: every name is
// accepted by the database, and a name outside the table is refused.
class SchemaEnumsAgreeWithSchemaTest : public testing::StoreTest {
 protected:
  // `sql` has the enum name as its first parameter, then `rest`.
  template <typename E, typename... Ts>
  void ExpectColumnAccepts(std::string_view sql, const Ts&... rest) {
    for (const auto& [value, name] : EnumNames<E>()) {
      Status s = RawExec(*db_, sql, name, rest...);
      EXPECT_TRUE(s.ok()) << name << ": " << s.error().message;
    }
    Status bogus = RawExec(*db_, sql, "bogus", rest...);
    ASSERT_FALSE(bogus.ok()) << sql;
    EXPECT_EQ(bogus.error().code, ErrorCode::kInvalidArgument) << bogus.error().message;
  }
};

TEST_F(SchemaEnumsAgreeWithSchemaTest, EveryEnumNameIsWhatTheCheckConstraintsAccept) {
  ExpectColumnAccepts<Role>("INSERT INTO users(role, name, created_ms) VALUES (?, 'u' || random(), 0)");
  User user = MakeUser("owner");
  PublishResult problem = Publish("p");
  Submission submission = MakeSubmission(user, problem);
  Job job = MakeJob(submission);
  ExpectColumnAccepts<TokenKind>(
      "INSERT INTO tokens(kind, user_id, invite_role, hash, created_ms) VALUES (?1, CASE WHEN ?1 = 'invite' THEN "
      "NULL ELSE ?2 END, CASE WHEN ?1 = 'invite' THEN 'competitor' END, hex(randomblob(32)), 0)",
      user.id);
  ExpectColumnAccepts<Visibility>("UPDATE leaderboards SET visibility = ?");
  ExpectColumnAccepts<LeaderboardState>("UPDATE leaderboards SET state = ?");
  ExpectColumnAccepts<PointsRule>(
      "INSERT INTO competitions(points_rule, name, title, start_ms, deadline_ms, created_ms) "
      "VALUES (?, 'c' || random(), '', 0, 1, 0)");
  ExpectColumnAccepts<Language>(
      "INSERT INTO submissions(language, user_id, problem_version_id, mode, file_name, source, source_sha256, "
      "source_bytes, created_ms) VALUES (?, ?, ?, 'test', 'f', '', hex(randomblob(32)), 0, 0)",
      user.id, problem.version.id);
  ExpectColumnAccepts<Mode>(
      "INSERT INTO submissions(mode, user_id, problem_version_id, language, file_name, source, source_sha256, "
      "source_bytes, created_ms) VALUES (?, ?, ?, 'cpp', 'f', '', hex(randomblob(32)), 0, 0)",
      user.id, problem.version.id);
  ExpectColumnAccepts<JobStatus>("UPDATE jobs SET status = ?, lease_id = 'l', lease_expires_ms = 1");
  ExpectColumnAccepts<Verdict>(
      "INSERT INTO runs(verdict, job_id, submission_id, attempt, started_ms, finished_ms) "
      "VALUES (?, ?, ?, (SELECT coalesce(max(attempt), 0) + 1 FROM runs), 0, 0)",
      job.id, submission.id);
  ExpectColumnAccepts<ArtifactKind>(
      "INSERT OR REPLACE INTO job_uploads(kind, job_id, lease_id, file_name, bytes, sha256, created_ms) "
      "VALUES (?, ?, 'l', 'f', x'00', hex(randomblob(32)), 0)",
      job.id);
}

}  // namespace
}  // namespace kjudge::store
