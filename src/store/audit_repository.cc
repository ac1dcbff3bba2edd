#include "kjudge/store/audit_repository.h"

#include <string>

#include "row_reading.h"

namespace kjudge::store {

namespace {

#define KJ_AUDIT_COLUMNS "id, actor_user_id, actor, action, target, detail_json, created_ms"

Result<AuditEntry> ReadEntry(const Statement& row) {
  AuditEntry e;
  e.id = row.Int(0);
  e.actor_user_id = row.OptionalInt(1);
  e.actor = row.Text(2);
  e.action = row.Text(3);
  e.target = row.Text(4);
  e.detail_json = row.Text(5);
  e.created_ms = row.Int(6);
  return e;
}

}  // namespace

Result<AuditEntry> AuditRepository::Append(const NewAuditEntry& entry) {
  if (entry.action.empty()) return MakeError(ErrorCode::kInvalidArgument, "an audit entry needs an action");
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Result<AuditEntry> {
    KJ_RETURN_IF_ERROR(RequireValidJson(c, entry.detail_json, "audit entry '" + entry.action + "': detail"));
    KJ_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO audit_log(actor_user_id, actor, action, target, detail_json, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
        entry.actor_user_id, entry.actor, entry.action, entry.target, entry.detail_json, now));
    KJ_ASSIGN_OR_RETURN(Statement stmt,
                        c.Query("SELECT " KJ_AUDIT_COLUMNS " FROM audit_log WHERE id = ?", c.LastInsertId()));
    return SingleRow<AuditEntry>(stmt, ReadEntry, "audit entry");
  });
}

Result<std::vector<AuditEntry>> AuditRepository::ListRecent(const PageRequest& page) {
  return session_.Read([&](Connection& c) -> Result<std::vector<AuditEntry>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_AUDIT_COLUMNS
                                                " FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?",
                                                PageBefore(page), PageLimit(page)));
    return CollectRows<AuditEntry>(stmt, ReadEntry);
  });
}

}  // namespace kjudge::store
