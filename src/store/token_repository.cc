#include "kjudge/store/token_repository.h"

#include <spdlog/spdlog.h>

#include <string>

#include "kjudge/core/random.h"
#include "kjudge/core/sha256.h"
#include "row_reading.h"
#include "user_rows.h"

namespace kjudge::store {

namespace {

#define KJ_TOKEN_COLUMNS                                                                                     \
  "tokens.id, tokens.user_id, tokens.kind, tokens.label, tokens.invite_role, tokens.created_ms, " \
  "tokens.last_used_ms, tokens.revoked_ms, tokens.expires_ms"
constexpr int kTokenColumnCount = 9;

// Longer inputs are not tokens of ours or popcorn-cli's; refusing them keeps a client from making
// every request hash megabytes.
constexpr std::size_t kMaxSecretBytes = 512;

// One message for every refusal, so a caller cannot tell a revoked token from a mistyped one.
Error InvalidToken() { return MakeError(ErrorCode::kUnauthenticated, "invalid, revoked or expired token"); }

Result<Token> ReadToken(const Statement& row, int first = 0) {
  Token token;
  token.id = row.Int(first);
  token.user_id = row.OptionalInt(first + 1);
  KJ_ASSIGN_OR_RETURN(token.kind, ColumnEnum<TokenKind>(row, first + 2));
  token.label = row.Text(first + 3);
  KJ_ASSIGN_OR_RETURN(token.invite_role, ColumnOptionalEnum<Role>(row, first + 4));
  token.created_ms = row.Int(first + 5);
  token.last_used_ms = row.OptionalInt(first + 6);
  token.revoked_ms = row.OptionalInt(first + 7);
  token.expires_ms = row.OptionalInt(first + 8);
  return token;
}

Result<Token> LoadToken(Connection& c, std::int64_t id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_TOKEN_COLUMNS " FROM tokens WHERE id = ?", id));
  return SingleRow<Token>(stmt, [](const Statement& row) { return ReadToken(row); }, Describe("token", id));
}

bool Usable(const Token& token, std::int64_t now_ms) {
  return !token.revoked_ms.has_value() && (!token.expires_ms.has_value() || now_ms < *token.expires_ms);
}

struct TokenRow {
  std::optional<std::int64_t> user_id;
  TokenKind kind = TokenKind::kApi;
  std::string_view label;
  std::optional<Role> invite_role;
  std::optional<std::int64_t> expires_ms;
};

Result<Token> InsertToken(Connection& c, const TokenRow& row, std::string_view secret, std::int64_t now_ms) {
  std::optional<std::string_view> invite_role;
  if (row.invite_role) invite_role = Name(*row.invite_role);
  Status inserted = c.Exec(
      "INSERT INTO tokens(user_id, kind, hash, label, invite_role, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
      row.user_id, Name(row.kind), HashTokenSecret(secret), row.label, invite_role, now_ms, row.expires_ms);
  if (!inserted.ok()) {
    if (inserted.error().code == ErrorCode::kAlreadyExists) {
      return MakeError(ErrorCode::kAlreadyExists, "this secret is already registered");
    }
    return inserted.error();
  }
  return LoadToken(c, c.LastInsertId());
}

std::string NewSecret(TokenKind kind) {
  // A recognisable prefix lets people (and secret scanners) tell what a leaked string is.
  return "kj_" + std::string(Name(kind)) + "_" + RandomHex(32);
}

// The token with this secret's hash, if any.
Result<std::optional<Token>> FindBySecret(Connection& c, std::string_view secret) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_TOKEN_COLUMNS " FROM tokens WHERE hash = ?",
                                              HashTokenSecret(secret)));
  KJ_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::optional<Token>();
  KJ_ASSIGN_OR_RETURN(Token token, ReadToken(stmt));
  return std::optional<Token>(std::move(token));
}

Status CheckIssuable(const NewToken& token) {
  if (token.kind == TokenKind::kInvite) {
    return MakeError(ErrorCode::kInvalidArgument, "invites belong to no user: use IssueInvite");
  }
  return Ok();
}

}  // namespace

std::string HashTokenSecret(std::string_view plaintext) { return Sha256Hex(plaintext); }

Result<IssuedToken> TokenRepository::Issue(const NewToken& token) {
  KJ_RETURN_IF_ERROR(CheckIssuable(token));
  const std::int64_t now = session_.clock().NowMs();
  std::string secret = NewSecret(token.kind);
  return session_.Write([&](Connection& c) -> Result<IssuedToken> {
    KJ_RETURN_IF_ERROR(LoadUser(c, token.user_id));  // kNotFound rather than a foreign key error
    KJ_ASSIGN_OR_RETURN(Token stored,
                        InsertToken(c, {token.user_id, token.kind, token.label, std::nullopt, token.expires_ms}, secret, now));
    return IssuedToken{std::move(stored), secret};
  });
}

Result<IssuedToken> TokenRepository::IssueInvite(Role role, std::string_view label,
                                                 std::optional<std::int64_t> expires_ms) {
  const std::int64_t now = session_.clock().NowMs();
  std::string secret = NewSecret(TokenKind::kInvite);
  return session_.Write([&](Connection& c) -> Result<IssuedToken> {
    KJ_ASSIGN_OR_RETURN(Token stored, InsertToken(c, {std::nullopt, TokenKind::kInvite, label, role, expires_ms}, secret, now));
    return IssuedToken{std::move(stored), secret};
  });
}

Result<Token> TokenRepository::AddExternal(const NewToken& token, std::string_view secret) {
  KJ_RETURN_IF_ERROR(CheckIssuable(token));
  if (secret.size() < kMinExternalSecretBytes || secret.size() > kMaxSecretBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "a client secret must be " + std::to_string(kMinExternalSecretBytes) +
                                                      " to " + std::to_string(kMaxSecretBytes) + " bytes long");
  }
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Result<Token> {
    KJ_RETURN_IF_ERROR(LoadUser(c, token.user_id));
    return InsertToken(c, {token.user_id, token.kind, token.label, std::nullopt, token.expires_ms}, secret, now);
  });
}

Result<Authenticated> TokenRepository::Authenticate(std::string_view plaintext) {
  if (plaintext.empty() || plaintext.size() > kMaxSecretBytes) return InvalidToken();
  const std::int64_t now = session_.clock().NowMs();
  Result<Authenticated> looked_up = session_.Read([&](Connection& c) -> Result<Authenticated> {
    KJ_ASSIGN_OR_RETURN(Statement stmt,
                        c.Query("SELECT " KJ_TOKEN_COLUMNS ", " KJ_USER_COLUMNS
                                " FROM tokens JOIN users ON users.id = tokens.user_id WHERE tokens.hash = ?",
                                HashTokenSecret(plaintext)));
    KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return InvalidToken();  // unknown, or an invite (no user to join)
    KJ_ASSIGN_OR_RETURN(Token token, ReadToken(stmt));
    KJ_ASSIGN_OR_RETURN(User user, ReadUser(stmt, kTokenColumnCount));
    if (!Usable(token, now) || token.kind == TokenKind::kInvite) return InvalidToken();
    return Authenticated{std::move(user), std::move(token)};
  });
  if (!looked_up.ok()) return looked_up.error();
  Authenticated found = std::move(looked_up).value();
  if (!found.token.last_used_ms || *found.token.last_used_ms <= now - kLastUsedGranularityMs) {
    // Best effort: a busy database must not turn a valid token away.
    Status touched = session_.Write([&](Connection& c) {
      return c.Exec("UPDATE tokens SET last_used_ms = ? WHERE id = ? AND (last_used_ms IS NULL OR last_used_ms < ?)",
                    now, found.token.id, now);
    });
    if (touched.ok()) {
      found.token.last_used_ms = now;
    } else {
      spdlog::warn("token {}: cannot record last use: {}", found.token.id, touched.error().message);
    }
  }
  return found;
}

Result<RedeemedInvite> TokenRepository::RedeemInvite(std::string_view invite_plaintext, const NewUser& user) {
  if (invite_plaintext.empty() || invite_plaintext.size() > kMaxSecretBytes) return InvalidToken();
  const std::int64_t now = session_.clock().NowMs();
  std::string secret = NewSecret(TokenKind::kApi);
  return session_.Write([&](Connection& c) -> Result<RedeemedInvite> {
    KJ_ASSIGN_OR_RETURN(std::optional<Token> invite, FindBySecret(c, invite_plaintext));
    if (!invite || invite->kind != TokenKind::kInvite || !Usable(*invite, now) || !invite->invite_role) {
      return InvalidToken();
    }
    NewUser granted = user;
    granted.role = *invite->invite_role;  // the invite decides the role, not the redeemer
    KJ_ASSIGN_OR_RETURN(User created, InsertUser(c, granted, now));
    KJ_RETURN_IF_ERROR(c.Exec("UPDATE tokens SET revoked_ms = ?, last_used_ms = ? WHERE id = ?", now, now, invite->id));
    KJ_ASSIGN_OR_RETURN(Token token, InsertToken(c, {created.id, TokenKind::kApi, "invite", std::nullopt, std::nullopt},
                                                 secret, now));
    return RedeemedInvite{std::move(created), IssuedToken{std::move(token), secret}};
  });
}

Status TokenRepository::Revoke(std::int64_t token_id) {
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("UPDATE tokens SET revoked_ms = coalesce(revoked_ms, ?) WHERE id = ?", now, token_id));
    return RequireChanged(c, Describe("token", token_id));
  });
}

Result<Token> TokenRepository::Get(std::int64_t token_id) {
  return session_.Read([&](Connection& c) { return LoadToken(c, token_id); });
}

Result<std::vector<Token>> TokenRepository::ListForUser(std::int64_t user_id) {
  return session_.Read([&](Connection& c) -> Result<std::vector<Token>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_TOKEN_COLUMNS
                                                " FROM tokens WHERE user_id = ? ORDER BY created_ms DESC, id DESC",
                                                user_id));
    return CollectRows<Token>(stmt, [](const Statement& row) { return ReadToken(row); });
  });
}

}  // namespace kjudge::store
