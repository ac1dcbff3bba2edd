#include "kjudge/store/submission_repository.h"

#include <gtest/gtest.h>

#include "kjudge/core/sha256.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryText;

class SubmissionRepositoryTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    alice_ = MakeUser("alice");
    problem_ = Publish("vectoradd");
  }

  NewSubmission Input(const std::string& source = "void add() {}\n") {
    NewSubmission s;
    s.user_id = alice_.id;
    s.problem_version_id = problem_.version.id;
    s.leaderboard_id = problem_.created_leaderboards.at(0).id;
    s.language = Language::kCuda;
    s.file_name = "add.cu";
    s.source = source;
    s.mode = Mode::kLeaderboard;
    return s;
  }

  User alice_;
  PublishResult problem_;
};

TEST_F(SubmissionRepositoryTest, CreateComputesTheSourceHashAndGetReturnsTheSource) {
  const std::string source = "__global__ void add(const half* a) {}\n";
  auto created = SubmissionRepository(*db_).Create(Input(source));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(created->source_sha256, Sha256Hex(source));
  EXPECT_EQ(created->source_bytes, static_cast<std::int64_t>(source.size()));
  EXPECT_EQ(created->created_ms, clock_.NowMs());
  auto read = SubmissionRepository(*db_).Get(created->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->source, source);
  EXPECT_EQ(read->language, Language::kCuda);
  EXPECT_EQ(read->mode, Mode::kLeaderboard);
  EXPECT_EQ(read->file_name, "add.cu");
  EXPECT_EQ(QueryText(*db_, "SELECT source_sha256 FROM submissions WHERE id = ?", created->id), Sha256Hex(source));
}

TEST_F(SubmissionRepositoryTest, ReferencesMustExistAndAgree) {
  NewSubmission s = Input();
  s.user_id = 999;
  EXPECT_EQ(SubmissionRepository(*db_).Create(s).error().code, ErrorCode::kNotFound);
  s = Input();
  s.problem_version_id = 999;
  EXPECT_EQ(SubmissionRepository(*db_).Create(s).error().code, ErrorCode::kNotFound);
  s = Input();
  s.leaderboard_id = 999;
  EXPECT_EQ(SubmissionRepository(*db_).Create(s).error().code, ErrorCode::kNotFound);
  s = Input();
  s.leaderboard_id = Publish("other").created_leaderboards.at(0).id;
  EXPECT_EQ(SubmissionRepository(*db_).Create(s).error().code, ErrorCode::kInvalidArgument);
  s = Input();
  s.leaderboard_id = std::nullopt;  // allowed: a submission need not name a leaderboard
  EXPECT_TRUE(SubmissionRepository(*db_).Create(s).ok());
}

TEST_F(SubmissionRepositoryTest, FileNamesMustBePlain) {
  for (const char* name : {"", "../x.cu", "dir/x.cu", ".", ".."}) {
    NewSubmission s = Input();
    s.file_name = name;
    EXPECT_EQ(SubmissionRepository(*db_).Create(s).error().code, ErrorCode::kInvalidArgument) << name;
  }
}

TEST_F(SubmissionRepositoryTest, ListingsAreNewestFirstPagedAndWithoutSources) {
  SubmissionRepository submissions(*db_);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    clock_.AdvanceMs(1);
    ids.push_back(submissions.Create(Input("// " + std::to_string(i))).value().id);
  }
  MakeSubmission(MakeUser("bob"), problem_);

  auto first_page = submissions.ListByUser(alice_.id, PageRequest::Newest(3));
  ASSERT_TRUE(first_page.ok());
  ASSERT_EQ(first_page->size(), 3u);
  EXPECT_EQ((*first_page)[0].id, ids[4]);
  EXPECT_TRUE((*first_page)[0].source.empty());
  EXPECT_EQ((*first_page)[0].source_bytes, 4);
  auto second_page = submissions.ListByUser(alice_.id, PageRequest::Before(first_page->back().id, 3));
  ASSERT_TRUE(second_page.ok());
  ASSERT_EQ(second_page->size(), 2u);
  EXPECT_EQ((*second_page)[1].id, ids[0]);

  auto board = submissions.ListByLeaderboard(problem_.created_leaderboards.at(0).id);
  ASSERT_TRUE(board.ok());
  EXPECT_EQ(board->size(), 6u);  // alice's five and bob's one
}

TEST_F(SubmissionRepositoryTest, ARecentIdenticalSubmissionIsFoundAsADuplicate) {
  SubmissionRepository submissions(*db_);
  auto original = submissions.Create(Input("same"));
  ASSERT_TRUE(original.ok());
  const std::int64_t window_start = clock_.NowMs() - 60'000;
  auto dup = submissions.FindRecentDuplicate(alice_.id, Sha256Hex("same"), original->leaderboard_id,
                                             Mode::kLeaderboard, window_start);
  ASSERT_TRUE(dup.ok());
  ASSERT_TRUE(dup->has_value());
  EXPECT_EQ((*dup)->id, original->id);
  // Another mode, another source or an older submission is not a duplicate.
  EXPECT_FALSE(submissions.FindRecentDuplicate(alice_.id, Sha256Hex("same"), original->leaderboard_id, Mode::kTest,
                                               window_start)
                   ->has_value());
  EXPECT_FALSE(submissions.FindRecentDuplicate(alice_.id, Sha256Hex("other"), original->leaderboard_id,
                                               Mode::kLeaderboard, window_start)
                   ->has_value());
  EXPECT_FALSE(submissions.FindRecentDuplicate(alice_.id, Sha256Hex("same"), original->leaderboard_id,
                                               Mode::kLeaderboard, clock_.NowMs() + 1)
                   ->has_value());
}

TEST_F(SubmissionRepositoryTest, ABigSourceRoundTrips) {
  std::string source(1 << 20, 'x');
  source[12345] = '\n';
  auto created = SubmissionRepository(*db_).Create(Input(source));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(SubmissionRepository(*db_).Get(created->id)->source, source);
}

}  // namespace
}  // namespace kjudge::store
