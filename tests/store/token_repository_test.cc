#include "kjudge/store/token_repository.h"

#include <gtest/gtest.h>

#include "kjudge/core/sha256.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryInt;
using testing::QueryText;

class TokenRepositoryTest : public testing::StoreTest {
 protected:
  IssuedToken IssueFor(const User& user, TokenKind kind = TokenKind::kApi,
                       std::optional<std::int64_t> expires_ms = std::nullopt) {
    auto issued = TokenRepository(*db_).Issue({user.id, kind, "laptop", expires_ms});
    EXPECT_TRUE(issued.ok()) << issued.error().message;
    return issued.ok() ? *issued : IssuedToken{};
  }

  void ExpectRefused(std::string_view plaintext) {
    auto auth = TokenRepository(*db_).Authenticate(plaintext);
    ASSERT_FALSE(auth.ok());
    EXPECT_EQ(auth.error().code, ErrorCode::kUnauthenticated);
  }
};

TEST_F(TokenRepositoryTest, OnlyTheHashOfAnIssuedTokenIsStored) {
  User alice = MakeUser("alice");
  IssuedToken issued = IssueFor(alice);
  EXPECT_TRUE(issued.plaintext.starts_with("kj_api_")) << issued.plaintext;
  EXPECT_EQ(issued.plaintext.size(), std::string("kj_api_").size() + 64);
  // Read the raw row: the stored value is the SHA-256, and the plaintext appears nowhere.
  EXPECT_EQ(QueryText(*db_, "SELECT hash FROM tokens WHERE id = ?", issued.token.id), Sha256Hex(issued.plaintext));
  EXPECT_EQ(QueryInt(*db_,
                     "SELECT count(*) FROM tokens WHERE hash = ?1 OR label = ?1 OR instr(hash || label, ?1) > 0",
                     issued.plaintext),
            0);
}

TEST_F(TokenRepositoryTest, AuthenticateReturnsTheUserAndRecordsUse) {
  User alice = MakeUser("alice", Role::kOrganizer);
  IssuedToken issued = IssueFor(alice);
  EXPECT_FALSE(issued.token.last_used_ms.has_value());
  clock_.AdvanceMs(1000);
  auto auth = TokenRepository(*db_).Authenticate(issued.plaintext);
  ASSERT_TRUE(auth.ok()) << auth.error().message;
  EXPECT_EQ(auth->user.id, alice.id);
  EXPECT_EQ(auth->user.role, Role::kOrganizer);
  EXPECT_EQ(auth->token.kind, TokenKind::kApi);
  EXPECT_EQ(auth->token.last_used_ms, clock_.NowMs());
  EXPECT_EQ(TokenRepository(*db_).Get(issued.token.id)->last_used_ms, clock_.NowMs());
}

TEST_F(TokenRepositoryTest, LastUseIsRefreshedAtMostOncePerGranularity) {
  IssuedToken issued = IssueFor(MakeUser("alice"));
  ASSERT_TRUE(TokenRepository(*db_).Authenticate(issued.plaintext).ok());
  const std::int64_t first = clock_.NowMs();
  clock_.AdvanceMs(kLastUsedGranularityMs / 2);
  ASSERT_TRUE(TokenRepository(*db_).Authenticate(issued.plaintext).ok());
  EXPECT_EQ(TokenRepository(*db_).Get(issued.token.id)->last_used_ms, first);
  clock_.AdvanceMs(kLastUsedGranularityMs);
  ASSERT_TRUE(TokenRepository(*db_).Authenticate(issued.plaintext).ok());
  EXPECT_EQ(TokenRepository(*db_).Get(issued.token.id)->last_used_ms, clock_.NowMs());
}

TEST_F(TokenRepositoryTest, ARevokedTokenIsRefused) {
  IssuedToken issued = IssueFor(MakeUser("alice"));
  ASSERT_TRUE(TokenRepository(*db_).Revoke(issued.token.id).ok());
  ExpectRefused(issued.plaintext);
  ASSERT_TRUE(TokenRepository(*db_).Revoke(issued.token.id).ok()) << "revoking twice is harmless";
  EXPECT_EQ(TokenRepository(*db_).Revoke(999).error().code, ErrorCode::kNotFound);
}

TEST_F(TokenRepositoryTest, AnExpiredTokenIsRefused) {
  IssuedToken issued = IssueFor(MakeUser("alice"), TokenKind::kApi, clock_.NowMs() + 1000);
  EXPECT_TRUE(TokenRepository(*db_).Authenticate(issued.plaintext).ok());
  clock_.AdvanceMs(1000);
  ExpectRefused(issued.plaintext);
}

TEST_F(TokenRepositoryTest, UnknownAndAbsurdSecretsAreRefusedAlike) {
  IssuedToken issued = IssueFor(MakeUser("alice"));
  ExpectRefused("");
  ExpectRefused("kj_api_" + std::string(64, '0'));
  ExpectRefused(issued.plaintext + "x");
  ExpectRefused(std::string(1 << 20, 'a'));
  auto unknown = TokenRepository(*db_).Authenticate("nope");
  auto revoked = [&] {
    EXPECT_TRUE(TokenRepository(*db_).Revoke(issued.token.id).ok());
    return TokenRepository(*db_).Authenticate(issued.plaintext);
  }();
  EXPECT_EQ(unknown.error().message, revoked.error().message) << "refusals must not say why";
}

TEST_F(TokenRepositoryTest, RunnerTokensAuthenticateWithTheirKind) {
  User runner = MakeUser("h100-node-1", Role::kRunner);
  IssuedToken issued = IssueFor(runner, TokenKind::kRunner);
  EXPECT_TRUE(issued.plaintext.starts_with("kj_runner_"));
  auto auth = TokenRepository(*db_).Authenticate(issued.plaintext);
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->token.kind, TokenKind::kRunner);
  EXPECT_EQ(auth->user.role, Role::kRunner);
}

TEST_F(TokenRepositoryTest, IssuingForAMissingUserIsNotFound) {
  auto issued = TokenRepository(*db_).Issue({4242, TokenKind::kApi, "", std::nullopt});
  ASSERT_FALSE(issued.ok());
  EXPECT_EQ(issued.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(TokenRepository(*db_).Issue({MakeUser("a").id, TokenKind::kInvite, "", std::nullopt}).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(TokenRepositoryTest, PopcornCliIdsAreStoredHashedAndAuthenticate) {
  User alice = MakeUser("alice");
  const std::string cli_id = "3f1e2d4c-5b6a-4789-8abc-def012345678";
  auto stored = TokenRepository(*db_).AddExternal({alice.id, TokenKind::kPopcornCli, "popcorn", std::nullopt}, cli_id);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(QueryText(*db_, "SELECT hash FROM tokens WHERE id = ?", stored->id), Sha256Hex(cli_id));
  auto auth = TokenRepository(*db_).Authenticate(cli_id);
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->user.id, alice.id);
  EXPECT_EQ(auth->token.kind, TokenKind::kPopcornCli);

  User bob = MakeUser("bob");
  auto clash = TokenRepository(*db_).AddExternal({bob.id, TokenKind::kPopcornCli, "", std::nullopt}, cli_id);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kAlreadyExists);
  auto short_secret = TokenRepository(*db_).AddExternal({bob.id, TokenKind::kPopcornCli, "", std::nullopt}, "short");
  EXPECT_EQ(short_secret.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(TokenRepositoryTest, AnInviteCreatesAnAccountWithItsRoleOnce) {
  auto invite = TokenRepository(*db_).IssueInvite(Role::kOrganizer, "for carol", std::nullopt);
  ASSERT_TRUE(invite.ok()) << invite.error().message;
  EXPECT_FALSE(invite->token.user_id.has_value());
  ExpectRefused(invite->plaintext);  // an invite is not a login

  auto redeemed = TokenRepository(*db_).RedeemInvite(invite->plaintext, {"carol", "Carol", Role::kAdmin});
  ASSERT_TRUE(redeemed.ok()) << redeemed.error().message;
  EXPECT_EQ(redeemed->user.name, "carol");
  EXPECT_EQ(redeemed->user.role, Role::kOrganizer) << "the invite decides the role";
  auto auth = TokenRepository(*db_).Authenticate(redeemed->token.plaintext);
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->user.id, redeemed->user.id);

  auto second = TokenRepository(*db_).RedeemInvite(invite->plaintext, {"carol2", "", Role::kCompetitor});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(TokenRepositoryTest, AnInviteRedeemedWithATakenNameStaysUsable) {
  MakeUser("taken");
  auto invite = TokenRepository(*db_).IssueInvite(Role::kCompetitor, "", std::nullopt);
  ASSERT_TRUE(invite.ok());
  auto clash = TokenRepository(*db_).RedeemInvite(invite->plaintext, {"taken", "", Role::kCompetitor});
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(TokenRepository(*db_).RedeemInvite(invite->plaintext, {"other", "", Role::kCompetitor}).ok());
}

TEST_F(TokenRepositoryTest, AnExpiredInviteIsRefused) {
  auto invite = TokenRepository(*db_).IssueInvite(Role::kCompetitor, "", clock_.NowMs() + 10);
  ASSERT_TRUE(invite.ok());
  clock_.AdvanceMs(10);
  auto redeemed = TokenRepository(*db_).RedeemInvite(invite->plaintext, {"late", "", Role::kCompetitor});
  ASSERT_FALSE(redeemed.ok());
  EXPECT_EQ(redeemed.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users"), 0);
}

TEST_F(TokenRepositoryTest, ListForUserShowsTheirTokensNewestFirst) {
  User alice = MakeUser("alice");
  IssuedToken first = IssueFor(alice);
  clock_.AdvanceMs(1);
  IssuedToken second = IssueFor(alice, TokenKind::kRunner);
  IssueFor(MakeUser("bob"));
  auto tokens = TokenRepository(*db_).ListForUser(alice.id);
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 2u);
  EXPECT_EQ((*tokens)[0].id, second.token.id);
  EXPECT_EQ((*tokens)[1].id, first.token.id);
  EXPECT_EQ((*tokens)[1].label, "laptop");
}

}  // namespace
}  // namespace kjudge::store
