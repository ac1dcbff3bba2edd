#include "kjudge/store/hack_repository.h"

#include <string>

#include "row_reading.h"

namespace kjudge::store {

namespace {

#define KJ_HACK_COLUMNS "submission_id, reason, marked_by_user_id, marked_by, marked_ms"

Result<HackMark> ReadMark(const Statement& row) {
  HackMark m;
  m.submission_id = row.Int(0);
  m.reason = row.Text(1);
  m.marked_by_user_id = row.OptionalInt(2);
  m.marked_by = row.Text(3);
  m.marked_ms = row.Int(4);
  return m;
}

Result<std::optional<HackMark>> LoadMark(Connection& c, std::int64_t submission_id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt,
                      c.Query("SELECT " KJ_HACK_COLUMNS " FROM submission_hacks WHERE submission_id = ?", submission_id));
  KJ_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::optional<HackMark>();
  KJ_ASSIGN_OR_RETURN(HackMark mark, ReadMark(stmt));
  return std::optional<HackMark>(std::move(mark));
}

}  // namespace

Status ValidateHackReason(const std::string& reason, const std::string& field) {
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos || reason.size() > kMaxHackReasonBytes) {
    return MakeError(ErrorCode::kInvalidArgument, field + " must say what was found (1-" +
                                                      std::to_string(kMaxHackReasonBytes) +
                                                      " bytes): the submission's owner is shown it");
  }
  return Ok();
}

Result<HackMark> HackRepository::Mark(const NewHackMark& mark) {
  KJ_RETURN_IF_ERROR(ValidateHackReason(mark.reason));
  if (mark.marked_by.empty()) return MakeError(ErrorCode::kInvalidArgument, "a hack mark needs the name of who made it");
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Result<HackMark> {
    {
      KJ_ASSIGN_OR_RETURN(Statement exists, c.Query("SELECT 1 FROM submissions WHERE id = ?", mark.submission_id));
      KJ_ASSIGN_OR_RETURN(bool found, exists.Step());
      if (!found) return MakeError(ErrorCode::kNotFound, Describe("submission", mark.submission_id) + " not found");
    }
    KJ_ASSIGN_OR_RETURN(std::optional<HackMark> existing, LoadMark(c, mark.submission_id));
    if (existing) {
      return MakeError(ErrorCode::kAlreadyExists, Describe("submission", mark.submission_id) +
                                                      " is already marked hacked (by " + existing->marked_by +
                                                      "); unmark it first to change the reason");
    }
    KJ_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO submission_hacks(submission_id, reason, marked_by_user_id, marked_by, marked_ms) VALUES (?, ?, ?, ?, ?)",
        mark.submission_id, mark.reason, mark.marked_by_user_id, mark.marked_by, now));
    KJ_ASSIGN_OR_RETURN(std::optional<HackMark> stored, LoadMark(c, mark.submission_id));
    if (!stored) return MakeError(ErrorCode::kInternal, "the hack mark was not stored");
    return *stored;
  });
}

Result<HackMark> HackRepository::Unmark(std::int64_t submission_id) {
  return session_.Write([&](Connection& c) -> Result<HackMark> {
    KJ_ASSIGN_OR_RETURN(std::optional<HackMark> existing, LoadMark(c, submission_id));
    if (!existing) return MakeError(ErrorCode::kNotFound, Describe("submission", submission_id) + " is not marked hacked");
    KJ_RETURN_IF_ERROR(c.Exec("DELETE FROM submission_hacks WHERE submission_id = ?", submission_id));
    return *existing;
  });
}

Result<std::optional<HackMark>> HackRepository::Find(std::int64_t submission_id) {
  return session_.Read([&](Connection& c) { return LoadMark(c, submission_id); });
}

Result<std::vector<HackMark>> HackRepository::List(const PageRequest& page) {
  return session_.Read([&](Connection& c) -> Result<std::vector<HackMark>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_HACK_COLUMNS " FROM submission_hacks WHERE submission_id < ?"
                                                " ORDER BY submission_id DESC LIMIT ?",
                                                PageBefore(page), PageLimit(page)));
    return CollectRows<HackMark>(stmt, ReadMark);
  });
}

}  // namespace kjudge::store
