#include "kjudge/store/transaction.h"

namespace kjudge::store {

Result<Transaction> Transaction::Begin(Connection& connection, Mode mode) {
  KJ_RETURN_IF_ERROR(connection.Exec(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(connection);
}

Transaction::Transaction(Transaction&& other) noexcept : connection_(other.connection_), open_(other.open_) {
  other.open_ = false;
}

Transaction::~Transaction() {
  if (open_) (void)Rollback();
}

Status Transaction::Commit() {
  if (!open_) return MakeError(ErrorCode::kInternal, "commit of a transaction that is not open");
  KJ_RETURN_IF_ERROR(connection_->Exec("COMMIT"));
  open_ = false;
  return Ok();
}

Status Transaction::Rollback() {
  if (!open_) return Ok();
  open_ = false;
  // SQLite may already have rolled back on its own (some errors, e.g. SQLITE_FULL, end the
  // transaction); ROLLBACK would then fail with "no transaction is active".
  if (!connection_->InTransaction()) return Ok();
  return connection_->Exec("ROLLBACK");
}

Result<Savepoint> Savepoint::Begin(Connection& connection) {
  if (!connection.InTransaction()) {
    return MakeError(ErrorCode::kInternal, "a savepoint needs an open transaction");
  }
  // One name for all: nested savepoints of the same name are a stack, and RELEASE / ROLLBACK TO
  // act on the innermost, which is always ours since scopes nest.
  KJ_RETURN_IF_ERROR(connection.Exec("SAVEPOINT kjudge_step"));
  return Savepoint(connection);
}

Savepoint::Savepoint(Savepoint&& other) noexcept : connection_(other.connection_), open_(other.open_) {
  other.open_ = false;
}

Savepoint::~Savepoint() {
  if (!open_ || !connection_->InTransaction()) return;
  if (connection_->Exec("ROLLBACK TO kjudge_step").ok()) (void)connection_->Exec("RELEASE kjudge_step");
}

Status Savepoint::Release() {
  if (!open_) return MakeError(ErrorCode::kInternal, "release of a savepoint that is not open");
  KJ_RETURN_IF_ERROR(connection_->Exec("RELEASE kjudge_step"));
  open_ = false;
  return Ok();
}

}  // namespace kjudge::store
