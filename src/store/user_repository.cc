#include "kjudge/store/user_repository.h"

#include <algorithm>
#include <string>

#include "row_reading.h"
#include "user_rows.h"

namespace kjudge::store {

Status ValidateUserName(std::string_view name) {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  };
  if (name.empty() || name.size() > 64 || !std::all_of(name.begin(), name.end(), allowed)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "user name '" + std::string(name) + "': use 1-64 characters of A-Z, a-z, 0-9, '_', '.', '-'");
  }
  return Ok();
}

Result<User> ReadUser(const Statement& row, int first) {
  User user;
  user.id = row.Int(first);
  user.name = row.Text(first + 1);
  user.display_name = row.Text(first + 2);
  KJ_ASSIGN_OR_RETURN(user.role, ColumnEnum<Role>(row, first + 3));
  user.created_ms = row.Int(first + 4);
  user.banned_ms = row.OptionalInt(first + 5);
  user.ban_reason = row.Text(first + 6);
  return user;
}

Result<User> LoadUser(Connection& connection, std::int64_t id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, connection.Query("SELECT " KJ_USER_COLUMNS " FROM users WHERE id = ?", id));
  return SingleRow<User>(stmt, [](const Statement& row) { return ReadUser(row); }, Describe("user", id));
}

Result<User> InsertUser(Connection& connection, const NewUser& user, std::int64_t now_ms) {
  KJ_RETURN_IF_ERROR(ValidateUserName(user.name));
  Status inserted = connection.Exec("INSERT INTO users(name, display_name, role, created_ms) VALUES (?, ?, ?, ?)",
                                    user.name, user.display_name.empty() ? user.name : user.display_name,
                                    Name(user.role), now_ms);
  if (!inserted.ok()) {
    if (inserted.error().code == ErrorCode::kAlreadyExists) {
      return MakeError(ErrorCode::kAlreadyExists, "user '" + user.name + "' already exists");
    }
    return inserted.error();
  }
  return LoadUser(connection, connection.LastInsertId());
}

Result<User> UserRepository::Create(const NewUser& user) {
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) { return InsertUser(c, user, now); });
}

Result<User> UserRepository::Get(std::int64_t id) {
  return session_.Read([&](Connection& c) { return LoadUser(c, id); });
}

Result<User> UserRepository::GetByName(std::string_view name) {
  return session_.Read([&](Connection& c) -> Result<User> {
    // users.name is COLLATE NOCASE, so "=" ignores case and uses the unique index.
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_USER_COLUMNS " FROM users WHERE name = ?", name));
    return SingleRow<User>(stmt, [](const Statement& row) { return ReadUser(row); },
                           "user '" + std::string(name) + "'");
  });
}

Result<std::vector<User>> UserRepository::List() {
  return session_.Read([&](Connection& c) -> Result<std::vector<User>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_USER_COLUMNS " FROM users ORDER BY name"));
    return CollectRows<User>(stmt, [](const Statement& row) { return ReadUser(row); });
  });
}

Status UserRepository::SetRole(std::int64_t id, Role role) {
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("UPDATE users SET role = ? WHERE id = ?", Name(role), id));
    return RequireChanged(c, Describe("user", id));
  });
}

Status UserRepository::SetDisplayName(std::int64_t id, std::string_view display_name) {
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("UPDATE users SET display_name = ? WHERE id = ?", display_name, id));
    return RequireChanged(c, Describe("user", id));
  });
}

Status UserRepository::SetBanned(std::int64_t id, std::optional<std::string_view> reason) {
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Status {
    if (reason.has_value()) {
      // A second ban keeps the original time: "banned since" should not move.
      KJ_RETURN_IF_ERROR(c.Exec("UPDATE users SET banned_ms = coalesce(banned_ms, ?), ban_reason = ? WHERE id = ?", now,
                                *reason, id));
    } else {
      KJ_RETURN_IF_ERROR(c.Exec("UPDATE users SET banned_ms = NULL, ban_reason = '' WHERE id = ?", id));
    }
    return RequireChanged(c, Describe("user", id));
  });
}

Status UserRepository::Delete(std::int64_t id) {
  return session_.Write([&](Connection& c) -> Status {
    KJ_RETURN_IF_ERROR(c.Exec("DELETE FROM users WHERE id = ?", id));
    return RequireChanged(c, Describe("user", id));
  });
}

}  // namespace kjudge::store
