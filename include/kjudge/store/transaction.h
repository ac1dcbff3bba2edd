// Transaction and Savepoint: RAII scopes on one Connection. Whatever is not committed (released)
// when the scope ends is rolled back, so an early `return error` can never leave half a change.
//
// Thread safety: none; they belong to their Connection's thread.
#pragma once

#include "kjudge/core/result.h"
#include "kjudge/store/connection.h"

namespace kjudge::store {

class Transaction {
 public:
  enum class Mode {
    /// BEGIN: takes the read snapshot at the first read; for read-only work.
    kDeferred,
    /// BEGIN IMMEDIATE: takes the write lock up front, so a writer waits (busy timeout) at BEGIN
    /// instead of failing halfway through with SQLITE_BUSY when it first writes.
    kImmediate,
  };

  /// kUnavailable when another process holds the write lock past the busy timeout.
  static Result<Transaction> Begin(Connection& connection, Mode mode);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  /// Rolls back if neither Commit nor Rollback succeeded.
  ~Transaction();

  /// Makes the changes durable (per the connection's Durability). On error the transaction is
  /// still open and the destructor rolls it back.
  Status Commit();
  Status Rollback();

  Connection& connection() { return *connection_; }

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}

  Connection* connection_;
  bool open_ = true;
};

/// A nested scope inside an open transaction (SAVEPOINT): a failed step can undo its own writes
/// and leave the enclosing transaction usable.
class Savepoint {
 public:
  static Result<Savepoint> Begin(Connection& connection);

  Savepoint(Savepoint&& other) noexcept;
  Savepoint& operator=(Savepoint&&) = delete;
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  /// Undoes the savepoint's writes if it was not released.
  ~Savepoint();

  /// Keeps the writes (they commit or roll back with the enclosing transaction).
  Status Release();

 private:
  explicit Savepoint(Connection& connection) : connection_(&connection) {}

  Connection* connection_;
  bool open_ = true;
};

}  // namespace kjudge::store
