#include "kjudge/store/problem_repository.h"

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryInt;

class ProblemRepositoryTest : public testing::StoreTest {};

TEST_F(ProblemRepositoryTest, FirstPublishCreatesProblemVersionFilesAndLeaderboards) {
  ProblemVersionInput input = ProblemInput("vectoradd");
  input.deadline_ms = clock_.NowMs() + 86'400'000;
  auto published = ProblemRepository(*db_).Publish(input);
  ASSERT_TRUE(published.ok()) << published.error().message;
  EXPECT_TRUE(published->created_version);
  EXPECT_TRUE(published->changed_active);
  EXPECT_EQ(published->problem.name, "vectoradd");
  EXPECT_EQ(published->problem.title, input.title);
  EXPECT_EQ(published->problem.active_version_id, published->version.id);
  EXPECT_EQ(published->version.content_hash, input.content_hash);
  EXPECT_EQ(published->version.spec_json, input.spec_json);
  ASSERT_EQ(published->created_leaderboards.size(), 2u);
  for (const Leaderboard& board : published->created_leaderboards) {
    EXPECT_EQ(board.problem_name, "vectoradd");
    EXPECT_EQ(board.deadline_ms, input.deadline_ms);
    EXPECT_EQ(board.state, LeaderboardState::kOpen);
    EXPECT_EQ(board.visibility, Visibility::kPublic);
  }

  auto bundle = ProblemRepository(*db_).GetActiveBundle(published->problem.id);
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_EQ(bundle->files, input.files);
  EXPECT_EQ(bundle->version.id, published->version.id);
}

TEST_F(ProblemRepositoryTest, RepublishingTheSameContentChangesNothing) {
  PublishResult first = Publish("vectoradd");
  clock_.AdvanceMs(60'000);
  auto second = ProblemRepository(*db_).Publish(ProblemInput("vectoradd"));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created_version);
  EXPECT_FALSE(second->changed_active);
  EXPECT_TRUE(second->created_leaderboards.empty());
  EXPECT_EQ(second->version.id, first.version.id);
  EXPECT_EQ(second->problem.updated_ms, first.problem.updated_ms);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM problem_versions"), 1);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM leaderboards"), 2);
}

TEST_F(ProblemRepositoryTest, NewContentBecomesANewActiveVersionAndOldSubmissionsKeepTheirs) {
  PublishResult first = Publish("vectoradd", "1");
  Submission pinned = MakeSubmission(MakeUser("alice"), first);
  PublishResult second = Publish("vectoradd", "2");
  EXPECT_TRUE(second.created_version);
  EXPECT_NE(second.version.id, first.version.id);
  EXPECT_EQ(second.problem.id, first.problem.id);
  EXPECT_EQ(second.problem.active_version_id, second.version.id);
  EXPECT_EQ(second.problem.title, "Problem vectoradd r2");

  auto bundle = ProblemRepository(*db_).GetActiveBundle(first.problem.id);
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(bundle->files.at("reference.cpp"), "// reference r2\n");
  auto old_files = ProblemRepository(*db_).GetFiles(pinned.problem_version_id);
  ASSERT_TRUE(old_files.ok());
  EXPECT_EQ(old_files->at("reference.cpp"), "// reference r1\n");
  auto versions = ProblemRepository(*db_).ListVersions(first.problem.id);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 2u);
}

TEST_F(ProblemRepositoryTest, RepublishingAnOlderContentReactivatesItsVersion) {
  PublishResult first = Publish("p", "1");
  Publish("p", "2");
  PublishResult back = Publish("p", "1");
  EXPECT_FALSE(back.created_version);
  EXPECT_TRUE(back.changed_active);
  EXPECT_EQ(back.problem.active_version_id, first.version.id);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM problem_versions"), 2);
}

TEST_F(ProblemRepositoryTest, ANewGpuGetsALeaderboardAndDroppedOnesStay) {
  Publish("p");
  ProblemVersionInput input = ProblemInput("p", "2", {"H100", "B200"});
  auto published = ProblemRepository(*db_).Publish(input);
  ASSERT_TRUE(published.ok());
  ASSERT_EQ(published->created_leaderboards.size(), 1u);
  EXPECT_EQ(published->created_leaderboards[0].gpu, "B200");
  auto boards = LeaderboardRepository(*db_).ListForProblem(published->problem.id);
  ASSERT_TRUE(boards.ok());
  EXPECT_EQ(boards->size(), 3u);  // B200, H100, cpu
}

TEST_F(ProblemRepositoryTest, ANewVersionsDeadlineAppliesToExistingLeaderboards) {
  Publish("p");
  ProblemVersionInput input = ProblemInput("p", "2");
  input.deadline_ms = 1'800'000'000'000;
  ASSERT_TRUE(ProblemRepository(*db_).Publish(input).ok());
  auto board = LeaderboardRepository(*db_).Find("p", "H100");
  ASSERT_TRUE(board.ok());
  EXPECT_EQ(board->deadline_ms, input.deadline_ms);
  // An organizer's later change survives re-publishing the same content.
  ASSERT_TRUE(LeaderboardRepository(*db_).SetDeadline(board->id, std::nullopt).ok());
  ASSERT_TRUE(ProblemRepository(*db_).Publish(input).ok());
  EXPECT_EQ(LeaderboardRepository(*db_).Get(board->id)->deadline_ms, std::nullopt);
}

TEST_F(ProblemRepositoryTest, InvalidInputIsRefusedBeforeAnythingIsStored) {
  auto refuse = [&](ProblemVersionInput input, std::string_view why) {
    auto published = ProblemRepository(*db_).Publish(input);
    ASSERT_FALSE(published.ok()) << why;
    EXPECT_EQ(published.error().code, ErrorCode::kInvalidArgument) << why << ": " << published.error().message;
  };
  ProblemVersionInput input = ProblemInput("p");
  input.name = "";
  refuse(input, "empty name");
  input = ProblemInput("p");
  input.content_hash = "abc";
  refuse(input, "short hash");
  input = ProblemInput("p");
  input.gpus.clear();
  refuse(input, "no GPUs");
  input = ProblemInput("p");
  input.spec_json = "{not json";
  refuse(input, "bad JSON");
  for (const char* path : {"/etc/passwd", "../escape", "a/../../b", "a//b", "./x", ""}) {
    input = ProblemInput("p");
    input.files[path] = "x";
    refuse(input, path);
  }
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM problems"), 0);
}

TEST_F(ProblemRepositoryTest, BinaryFilesAreStoredExactly) {
  ProblemVersionInput input = ProblemInput("bin");
  input.files["data/weights.bin"] = std::string("\x00\x01\xff\xfe\x00", 5);
  ASSERT_TRUE(ProblemRepository(*db_).Publish(input).ok());
  auto bundle = ProblemRepository(*db_).GetBundleByHash(input.content_hash);
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_EQ(bundle->files.at("data/weights.bin"), input.files["data/weights.bin"]);
  EXPECT_EQ(bundle->problem.name, "bin");
}

TEST_F(ProblemRepositoryTest, LookupsByNameHashAndId) {
  PublishResult p = Publish("prefixsum");
  Publish("vectoradd");
  auto all = ProblemRepository(*db_).List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "prefixsum");
  EXPECT_EQ(ProblemRepository(*db_).GetByName("prefixsum")->id, p.problem.id);
  EXPECT_EQ(ProblemRepository(*db_).GetVersionByHash(p.version.content_hash)->id, p.version.id);
  EXPECT_EQ(ProblemRepository(*db_).GetByName("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ProblemRepository(*db_).GetVersionByHash(std::string(64, '0')).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ProblemRepository(*db_).GetActiveBundle(999).error().code, ErrorCode::kNotFound);
}

TEST_F(ProblemRepositoryTest, ActivateRollsBackToAnEarlierVersionOfTheSameProblemOnly) {
  PublishResult v1 = Publish("p", "1");
  Publish("p", "2");
  ASSERT_TRUE(ProblemRepository(*db_).Activate(v1.problem.id, v1.version.id).ok());
  auto problem = ProblemRepository(*db_).Get(v1.problem.id);
  EXPECT_EQ(problem->active_version_id, v1.version.id);
  EXPECT_EQ(problem->title, "Problem p r1");
  PublishResult other = Publish("other");
  auto wrong = ProblemRepository(*db_).Activate(v1.problem.id, other.version.id);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace kjudge::store
