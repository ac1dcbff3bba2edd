// HackRepository: organizers' marks on submissions found to cheat after they were judged
// ("hacked", issue 8). A marked submission keeps everything it stored — source, jobs, runs,
// per-case results, logs — as evidence, but none of its runs ranks anywhere: migration 0006's
// triggers take them out of leaderboard_results (so out of every standing, frozen or live, and of
// competitions built on them) when the mark is made, and put them back when it is removed. The
// mark is per submission: its reruns and next-best run do not count either; the same
// competitor's other submissions still do.
//
// Thread safety: as its Session. Mark and Unmark inside the WriteTransaction of their audit entry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/page.h"
#include "kjudge/store/session.h"

namespace kjudge::store {

/// Longest reason stored, in bytes (the schema allows 4000 characters; the API and CLI refuse more
/// than this).
inline constexpr std::size_t kMaxHackReasonBytes = 2000;

/// Why and by whom a submission was marked hacked.
struct HackMark {
  std::int64_t submission_id = 0;
  std::string reason;                              ///< what the organizer found, shown to the owner
  std::optional<std::int64_t> marked_by_user_id;   ///< empty for the CLI, or once the account is deleted
  std::string marked_by;                           ///< the marker's name at the time ("cli:USER" from the CLI)
  std::int64_t marked_ms = 0;
};

struct NewHackMark {
  std::int64_t submission_id = 0;
  std::string reason;  ///< 1..kMaxHackReasonBytes bytes, not only blanks
  std::optional<std::int64_t> marked_by_user_id;
  std::string marked_by;  ///< not empty
};

class HackRepository {
 public:
  explicit HackRepository(Session session) : session_(session) {}

  /// Marks the submission hacked, now. kNotFound for a missing submission; kAlreadyExists when it is
  /// marked already (unmark first, so each mark has its own audit entry); kInvalidArgument for an
  /// empty or over-long reason or an empty marker.
  Result<HackMark> Mark(const NewHackMark& mark);
  /// Removes the mark and returns it; the submission's runs rank again. kNotFound when the
  /// submission is not marked (or does not exist).
  Result<HackMark> Unmark(std::int64_t submission_id);
  /// The submission's mark, if any.
  Result<std::optional<HackMark>> Find(std::int64_t submission_id);
  /// Every mark, highest submission id first (keyset paging on submission_id).
  Result<std::vector<HackMark>> List(const PageRequest& page = {});

 private:
  Session session_;
};

/// kInvalidArgument naming `field` unless `reason` is 1..kMaxHackReasonBytes bytes with something
/// other than blanks: shared by the store, the API and the CLI so all three refuse the same.
Status ValidateHackReason(const std::string& reason, const std::string& field = "the reason");

}  // namespace kjudge::store
