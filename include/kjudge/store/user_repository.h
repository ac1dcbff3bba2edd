// UserRepository: accounts (competitors, organizers, admins, runner daemons).
//
// Thread safety: as its Session (a repository over a Database may be shared between threads; it
// holds no state of its own).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/schema_enums.h"
#include "kjudge/store/session.h"

namespace kjudge::store {

struct User {
  std::int64_t id = 0;
  std::string name;  ///< unique regardless of case; 1-64 of [A-Za-z0-9_.-]
  std::string display_name;
  Role role = Role::kCompetitor;
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> banned_ms;  ///< when banned; empty when not
  std::string ban_reason;

  bool banned() const { return banned_ms.has_value(); }
};

struct NewUser {
  std::string name;
  std::string display_name;  ///< defaults to `name` when empty
  Role role = Role::kCompetitor;
};

/// kInvalidArgument unless `name` is 1-64 characters of [A-Za-z0-9_.-] (safe in URLs, file names
/// and terminals; covers GitHub and Discord user names).
Status ValidateUserName(std::string_view name);

class UserRepository {
 public:
  explicit UserRepository(Session session) : session_(session) {}

  /// kAlreadyExists when the name is taken (ignoring case); kInvalidArgument for a bad name.
  Result<User> Create(const NewUser& user);
  /// kNotFound when absent.
  Result<User> Get(std::int64_t id);
  /// Case-insensitive. kNotFound when absent.
  Result<User> GetByName(std::string_view name);
  /// Every user, by name.
  Result<std::vector<User>> List();

  Status SetRole(std::int64_t id, Role role);
  Status SetDisplayName(std::int64_t id, std::string_view display_name);
  /// Bans (with a reason shown to the user) or, with nullopt, lifts the ban.
  Status SetBanned(std::int64_t id, std::optional<std::string_view> reason);
  /// Deletes the user and everything they own (tokens, submissions, jobs, runs); audit entries
  /// keep their actor name. Prefer banning: this erases their history from every leaderboard.
  Status Delete(std::int64_t id);

 private:
  Session session_;
};

}  // namespace kjudge::store
