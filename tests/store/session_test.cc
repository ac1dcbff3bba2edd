#include "kjudge/store/session.h"

#include <gtest/gtest.h>

#include "kjudge/store/audit_repository.h"
#include "kjudge/store/user_repository.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryInt;

class SessionTest : public testing::StoreTest {};

TEST_F(SessionTest, RepositoriesOverOneTransactionCommitTogether) {
  {
    auto tx = db_->BeginWrite();
    ASSERT_TRUE(tx.ok());
    auto user = UserRepository(*tx).Create({"alice", "", Role::kAdmin});
    ASSERT_TRUE(user.ok());
    ASSERT_TRUE(AuditRepository(*tx).Append({user->id, "alice", "user.create", "user:alice", "{}"}).ok());
    // Reads through the transaction see its own writes.
    EXPECT_TRUE(UserRepository(*tx).GetByName("alice").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users"), 1);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM audit_log"), 1);
}

TEST_F(SessionTest, AFailedCallInsideATransactionUndoesOnlyItselfAndTheRestCommits) {
  MakeUser("taken");
  {
    auto tx = db_->BeginWrite();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(UserRepository(*tx).Create({"fresh", "", Role::kCompetitor}).ok());
    auto clash = UserRepository(*tx).Create({"TAKEN", "", Role::kCompetitor});
    ASSERT_FALSE(clash.ok());
    EXPECT_EQ(clash.error().code, ErrorCode::kAlreadyExists);
    ASSERT_TRUE(AuditRepository(*tx).Append({std::nullopt, "system", "after.failure", "", "{}"}).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users"), 2);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM audit_log"), 1);
}

TEST_F(SessionTest, AWriteThatFailsHalfwayLeavesNoPartialRows) {
  // A write lambda that inserts and then fails: the insert must be undone.
  Session session(*db_);
  Status failed = session.Write([](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("INSERT INTO users(name, role, created_ms) VALUES ('half', 'competitor', 0)"));
    return MakeError(ErrorCode::kInvalidArgument, "second step refused");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users"), 0);
}

TEST_F(SessionTest, ATransactionDroppedWithoutCommitDiscardsEveryRepositorysWrites) {
  {
    auto tx = db_->BeginWrite();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(UserRepository(*tx).Create({"temp", "", Role::kCompetitor}).ok());
    ASSERT_TRUE(AuditRepository(*tx).Append({std::nullopt, "system", "x", "", "{}"}).ok());
  }
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users"), 0);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM audit_log"), 0);
}

}  // namespace
}  // namespace kjudge::store
