// User rows, shared by the repositories that read or create users inside their own statements
// (tokens authenticate and redeem invites). Defined in user_repository.cc.
#pragma once

#include <cstdint>

#include "kjudge/core/result.h"
#include "kjudge/store/connection.h"
#include "kjudge/store/statement.h"
#include "kjudge/store/user_repository.h"

namespace kjudge::store {

/// The columns ReadUser expects, qualified so they can follow a join.
#define KJ_USER_COLUMNS \
  "users.id, users.name, users.display_name, users.role, users.created_ms, users.banned_ms, users.ban_reason"
inline constexpr int kUserColumnCount = 7;

/// The user in columns first .. first + kUserColumnCount - 1 of the current row.
Result<User> ReadUser(const Statement& row, int first = 0);
/// kNotFound when absent.
Result<User> LoadUser(Connection& connection, std::int64_t id);
/// Validates and inserts. kAlreadyExists naming the user when the name is taken.
Result<User> InsertUser(Connection& connection, const NewUser& user, std::int64_t now_ms);

}  // namespace kjudge::store
