#include "access.h"

namespace kjudge::http {

bool IsStaff(const store::User& user) { return user.role == store::Role::kOrganizer || user.role == store::Role::kAdmin; }

bool IsStaff(const std::optional<Caller>& caller) { return caller && IsStaff(caller->user); }

Result<Caller> RequirePerson(const Request& req, store::Database& db) {
  return RequireRole(req, db, {store::Role::kCompetitor, store::Role::kOrganizer});
}

Result<std::optional<Caller>> OptionalPerson(const Request& req, store::Database& db) {
  if (req.find(beast_http::field::authorization) == req.end()) return std::optional<Caller>();
  KJ_ASSIGN_OR_RETURN(Caller caller, RequirePerson(req, db));
  return std::optional<Caller>(std::move(caller));
}

bool MaySee(const Caller& caller, const store::Submission& submission) {
  return submission.user_id == caller.user.id || IsStaff(caller.user);
}

bool MaySee(const std::optional<Caller>& caller, const store::Leaderboard& board) {
  return board.visibility == store::Visibility::kPublic || IsStaff(caller);
}

}  // namespace kjudge::http
