#include "kjudge/store/audit_repository.h"

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

class AuditRepositoryTest : public testing::StoreTest {};

TEST_F(AuditRepositoryTest, EntriesAreAppendedAndListedNewestFirst) {
  User admin = MakeUser("admin", Role::kAdmin);
  AuditRepository audit(*db_);
  auto first = audit.Append({admin.id, "admin", "leaderboard.close", "leaderboard:3", R"({"reason":"over"})"});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->created_ms, clock_.NowMs());
  EXPECT_EQ(first->detail_json, R"({"reason":"over"})");
  clock_.AdvanceMs(5);
  ASSERT_TRUE(audit.Append({std::nullopt, "system", "job.requeue", "job:9", "{}"}).ok());
  auto recent = audit.ListRecent();
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[0].action, "job.requeue");
  EXPECT_FALSE((*recent)[0].actor_user_id.has_value());
  EXPECT_EQ((*recent)[1].actor_user_id, admin.id);
  auto page = audit.ListRecent(PageRequest::Before((*recent)[0].id, 1));
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].action, "leaderboard.close");
}

TEST_F(AuditRepositoryTest, AnEntryNeedsAnActionAndJsonDetail) {
  AuditRepository audit(*db_);
  EXPECT_EQ(audit.Append({std::nullopt, "system", "", "", "{}"}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(audit.Append({std::nullopt, "system", "x", "", "not json"}).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(AuditRepositoryTest, PagesAreClampedToTheMaximum) {
  AuditRepository audit(*db_);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(audit.Append({std::nullopt, "system", "tick", "", "{}"}).ok());
  EXPECT_EQ(audit.ListRecent(PageRequest::Newest(0))->size(), 1u);
  EXPECT_EQ(audit.ListRecent(PageRequest::Newest(1000000))->size(), 3u);
}

}  // namespace
}  // namespace kjudge::store
