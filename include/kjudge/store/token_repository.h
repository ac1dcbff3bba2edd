// TokenRepository: bearer secrets (API tokens, runner tokens, popcorn-cli ids, invitations).
//
// Only the SHA-256 of a secret is stored, so a leaked database or backup grants no access. A token
// issued here is 256 random bits (hashing needs no salt at that strength), returned in plaintext
// exactly once, by Issue. Authenticate hashes what a request presents and looks the hash up.
//
// Thread safety: as its Session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/schema_enums.h"
#include "kjudge/store/session.h"
#include "kjudge/store/user_repository.h"

namespace kjudge::store {

/// A token's record; never its secret.
struct Token {
  std::int64_t id = 0;
  std::optional<std::int64_t> user_id;  ///< empty only for an unredeemed invite
  TokenKind kind = TokenKind::kApi;
  std::string label;  ///< what the owner called it ("laptop", "h100-node-3")
  std::optional<Role> invite_role;  ///< the role an invite grants
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> last_used_ms;  ///< updated at most every kLastUsedGranularityMs
  std::optional<std::int64_t> revoked_ms;
  std::optional<std::int64_t> expires_ms;  ///< empty: never expires
};

/// A freshly issued token: the only time its plaintext exists outside its holder.
struct IssuedToken {
  Token token;
  std::string plaintext;
};

struct NewToken {
  std::int64_t user_id = 0;
  TokenKind kind = TokenKind::kApi;  ///< not kInvite (see IssueInvite)
  std::string label;
  std::optional<std::int64_t> expires_ms;
};

/// Who a presented token belongs to.
struct Authenticated {
  User user;
  Token token;
};

/// The account an invite created and its first API token.
struct RedeemedInvite {
  User user;
  IssuedToken token;
};

/// last_used_ms is refreshed at most once a minute per token, so authenticating a request is
/// normally a read and does not queue behind writers.
inline constexpr std::int64_t kLastUsedGranularityMs = 60'000;

/// Shortest secret AddExternal accepts: popcorn-cli's ids are UUIDs (36 characters); anything much
/// shorter could be guessed.
inline constexpr std::size_t kMinExternalSecretBytes = 16;

class TokenRepository {
 public:
  explicit TokenRepository(Session session) : session_(session) {}

  /// Issues a token for a user: "kj_<kind>_" followed by 64 random hex characters. kNotFound when
  /// the user does not exist; kInvalidArgument for kind kInvite.
  Result<IssuedToken> Issue(const NewToken& token);
  /// Issues a one-time invitation that creates an account with `role` (see RedeemInvite).
  Result<IssuedToken> IssueInvite(Role role, std::string_view label, std::optional<std::int64_t> expires_ms);
  /// Records a secret the client chose itself (popcorn-cli's X-Popcorn-Cli-Id), hashed like ours.
  /// kInvalidArgument when shorter than kMinExternalSecretBytes; kAlreadyExists when it is taken.
  Result<Token> AddExternal(const NewToken& token, std::string_view secret);

  /// The user and token for a presented secret. kUnauthenticated, with the same message whatever
  /// the reason, when it is unknown, revoked, expired, or an invite (invites only redeem).
  Result<Authenticated> Authenticate(std::string_view plaintext);
  /// Creates `user` with the invite's role, revokes the invite and issues the user's first API
  /// token, all in one transaction. kUnauthenticated for a bad invite; kAlreadyExists when the
  /// name is taken (the invite then stays usable).
  Result<RedeemedInvite> RedeemInvite(std::string_view invite_plaintext, const NewUser& user);

  /// Revokes a token (idempotent). kNotFound when absent.
  Status Revoke(std::int64_t token_id);
  /// kNotFound when absent.
  Result<Token> Get(std::int64_t token_id);
  /// A user's tokens, newest first, revoked ones included.
  Result<std::vector<Token>> ListForUser(std::int64_t user_id);

 private:
  Session session_;
};

/// The stored form of a secret: hex SHA-256.
std::string HashTokenSecret(std::string_view plaintext);

}  // namespace kjudge::store
