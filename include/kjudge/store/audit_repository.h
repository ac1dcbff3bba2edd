// AuditRepository: the append-only record of who changed what (users, tokens, problems,
// leaderboards, reruns). The schema refuses edits to entries; this offers only append and read.
//
// Thread safety: as its Session. Append inside the WriteTransaction of the change it records, so
// the entry exists exactly when the change does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/page.h"
#include "kjudge/store/session.h"

namespace kjudge::store {

struct AuditEntry {
  std::int64_t id = 0;
  std::optional<std::int64_t> actor_user_id;  ///< empty for the system, or once the account is deleted
  std::string actor;    ///< the actor's name at the time ("system" for the server itself)
  std::string action;   ///< dotted verb, e.g. "token.issue", "leaderboard.close"
  std::string target;   ///< what was acted on, e.g. "user:alice", "leaderboard:12"
  std::string detail_json;  ///< a JSON object with specifics
  std::int64_t created_ms = 0;
};

struct NewAuditEntry {
  std::optional<std::int64_t> actor_user_id;
  std::string actor;
  std::string action;  ///< not empty
  std::string target;
  std::string detail_json = "{}";  ///< must be valid JSON
};

class AuditRepository {
 public:
  explicit AuditRepository(Session session) : session_(session) {}

  /// kInvalidArgument for an empty action or invalid JSON.
  Result<AuditEntry> Append(const NewAuditEntry& entry);
  /// Most recent first.
  Result<std::vector<AuditEntry>> ListRecent(const PageRequest& page = {});

 private:
  Session session_;
};

}  // namespace kjudge::store
