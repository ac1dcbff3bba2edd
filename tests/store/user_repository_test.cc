#include "kjudge/store/user_repository.h"

#include <gtest/gtest.h>

#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

class UserRepositoryTest : public testing::StoreTest {};

TEST_F(UserRepositoryTest, CreateStoresTheUserWithItsRoleAndTime) {
  auto user = UserRepository(*db_).Create({"alice", "Alice A.", Role::kOrganizer});
  ASSERT_TRUE(user.ok()) << user.error().message;
  EXPECT_GT(user->id, 0);
  EXPECT_EQ(user->name, "alice");
  EXPECT_EQ(user->display_name, "Alice A.");
  EXPECT_EQ(user->role, Role::kOrganizer);
  EXPECT_EQ(user->created_ms, clock_.NowMs());
  EXPECT_FALSE(user->banned());
  auto again = UserRepository(*db_).Get(user->id);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->name, "alice");
}

TEST_F(UserRepositoryTest, DisplayNameDefaultsToTheName) {
  EXPECT_EQ(MakeUser("bob").display_name, "bob");
}

TEST_F(UserRepositoryTest, ATakenNameIsAlreadyExistsRegardlessOfCase) {
  MakeUser("alice");
  for (const char* name : {"alice", "ALICE", "Alice"}) {
    auto clash = UserRepository(*db_).Create({name, "", Role::kCompetitor});
    ASSERT_FALSE(clash.ok()) << name;
    EXPECT_EQ(clash.error().code, ErrorCode::kAlreadyExists);
    EXPECT_NE(clash.error().message.find(name), std::string::npos) << clash.error().message;
  }
}

TEST_F(UserRepositoryTest, NamesUnsafeInUrlsOrTerminalsAreRefused) {
  for (std::string name : {std::string(""), std::string("has space"), std::string("slash/y"), std::string(65, 'a'),
                           std::string("tab\tname"), std::string("ünïcode")}) {
    auto user = UserRepository(*db_).Create({name, "", Role::kCompetitor});
    ASSERT_FALSE(user.ok()) << name;
    EXPECT_EQ(user.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(UserRepository(*db_).Create({"ok.name_with-parts9", "", Role::kCompetitor}).ok());
}

TEST_F(UserRepositoryTest, LookupByNameIgnoresCaseAndMissingIsNotFound) {
  User alice = MakeUser("Alice");
  auto found = UserRepository(*db_).GetByName("aLiCe");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, alice.id);
  auto missing = UserRepository(*db_).GetByName("nobody");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(UserRepository(*db_).Get(424242).error().code, ErrorCode::kNotFound);
}

TEST_F(UserRepositoryTest, ListIsSortedByName) {
  MakeUser("carol");
  MakeUser("alice");
  MakeUser("bob");
  auto users = UserRepository(*db_).List();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 3u);
  EXPECT_EQ((*users)[0].name, "alice");
  EXPECT_EQ((*users)[2].name, "carol");
}

TEST_F(UserRepositoryTest, RoleAndDisplayNameChange) {
  User u = MakeUser("dave");
  UserRepository users(*db_);
  ASSERT_TRUE(users.SetRole(u.id, Role::kAdmin).ok());
  ASSERT_TRUE(users.SetDisplayName(u.id, "Dave the Admin").ok());
  auto changed = users.Get(u.id);
  EXPECT_EQ(changed->role, Role::kAdmin);
  EXPECT_EQ(changed->display_name, "Dave the Admin");
  EXPECT_EQ(users.SetRole(999, Role::kAdmin).error().code, ErrorCode::kNotFound);
}

TEST_F(UserRepositoryTest, ABanKeepsItsOriginalTimeAndCanBeLifted) {
  User u = MakeUser("mallory");
  UserRepository users(*db_);
  const std::int64_t banned_at = clock_.NowMs();
  ASSERT_TRUE(users.SetBanned(u.id, "forged timings").ok());
  clock_.AdvanceMs(5000);
  ASSERT_TRUE(users.SetBanned(u.id, "forged timings, again").ok());
  auto banned = users.Get(u.id);
  EXPECT_TRUE(banned->banned());
  EXPECT_EQ(banned->banned_ms, banned_at);
  EXPECT_EQ(banned->ban_reason, "forged timings, again");
  ASSERT_TRUE(users.SetBanned(u.id, std::nullopt).ok());
  auto lifted = users.Get(u.id);
  EXPECT_FALSE(lifted->banned());
  EXPECT_EQ(lifted->ban_reason, "");
}

TEST_F(UserRepositoryTest, DeleteRemovesTheUser) {
  User u = MakeUser("temp");
  ASSERT_TRUE(UserRepository(*db_).Delete(u.id).ok());
  EXPECT_EQ(UserRepository(*db_).Get(u.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(UserRepository(*db_).Delete(u.id).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace kjudge::store
