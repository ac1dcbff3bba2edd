// Session: where a repository's calls run. Repositories are constructed over a Session, which
// converts implicitly from either
//   - a Database: each call is its own transaction (a write transaction for writes, a read
//     snapshot for reads), or
//   - a WriteTransaction: calls join it, so several repositories' changes commit or roll back
//     together (a submission and its jobs; a lease and its audit entry). Each call then runs
//     inside a savepoint: a call that fails leaves nothing behind and the transaction stays
//     usable. Reads see the transaction's own uncommitted writes.
//
//   UserRepository(db).Create(...);                       // one transaction
//   KJ_ASSIGN_OR_RETURN(auto tx, db.BeginWrite());        // or several
//   KJ_ASSIGN_OR_RETURN(auto sub, SubmissionRepository(tx).Create(...));
//   KJ_ASSIGN_OR_RETURN(auto job, JobRepository(tx).Create(...));
//   KJ_RETURN_IF_ERROR(tx.Commit());
//
// Thread safety: a Session over a Database may be used from any thread; one over a
// WriteTransaction only on that transaction's thread, and not after it ends.
#pragma once

#include <type_traits>

#include "kjudge/core/clock.h"
#include "kjudge/core/result.h"
#include "kjudge/store/connection.h"
#include "kjudge/store/database.h"
#include "kjudge/store/transaction.h"

namespace kjudge::store {

class Session {
 public:
  Session(Database& database) : database_(&database) {}  // NOLINT(google-explicit-constructor): by design
  Session(WriteTransaction& transaction)                  // NOLINT(google-explicit-constructor)
      : database_(&transaction.database()), transaction_(&transaction) {}

  Database& database() const { return *database_; }
  const Clock& clock() const { return database_->clock(); }

  /// Runs `fn(Connection&) -> Result<T>` as a write: committed when it returns a value, undone when
  /// it returns an error.
  template <typename Fn>
  auto Write(Fn&& fn) const -> std::invoke_result_t<Fn&, Connection&>;

  /// Runs `fn(Connection&) -> Result<T>` on one consistent snapshot.
  template <typename Fn>
  auto Read(Fn&& fn) const -> std::invoke_result_t<Fn&, Connection&>;

 private:
  Database* database_;
  WriteTransaction* transaction_ = nullptr;
};

template <typename Fn>
auto Session::Write(Fn&& fn) const -> std::invoke_result_t<Fn&, Connection&> {
  using R = std::invoke_result_t<Fn&, Connection&>;
  if (transaction_ != nullptr) {
    Result<Savepoint> savepoint = Savepoint::Begin(transaction_->connection());
    if (!savepoint.ok()) return R(savepoint.error());
    R result = fn(transaction_->connection());
    if (result.ok()) {
      Status released = savepoint->Release();
      if (!released.ok()) return R(released.error());
    }
    return result;  // on error the savepoint's destructor undoes fn's writes
  }
  Result<WriteTransaction> transaction = database_->BeginWrite();
  if (!transaction.ok()) return R(transaction.error());
  R result = fn(transaction->connection());
  if (!result.ok()) return result;  // rolled back by ~WriteTransaction
  Status committed = transaction->Commit();
  if (!committed.ok()) return R(committed.error());
  return result;
}

template <typename Fn>
auto Session::Read(Fn&& fn) const -> std::invoke_result_t<Fn&, Connection&> {
  using R = std::invoke_result_t<Fn&, Connection&>;
  if (transaction_ != nullptr) return fn(transaction_->connection());
  Result<ReadTransaction> transaction = database_->BeginRead();
  if (!transaction.ok()) return R(transaction.error());
  return fn(transaction->connection());
}

}  // namespace kjudge::store
