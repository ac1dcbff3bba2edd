// Database: the kjudge SQLite database file, opened in WAL mode and migrated to this binary's
// schema, lending connections inside transactions.
//
// Thread safety: Database is safe to use from any number of threads (HTTP handlers, in-process
// runners, the queue's expiry loop):
//   - Writes go through one write connection guarded by a mutex. BeginWrite() blocks until that
//     connection is free and holds it, inside BEGIN IMMEDIATE, until the WriteTransaction ends.
//     SQLite allows one writer per file anyway; serializing in-process writers on a mutex keeps
//     them from spinning on SQLITE_BUSY. Calling BeginWrite() again on a thread that already
//     holds a WriteTransaction is refused (kInternal) instead of deadlocking: pass the
//     transaction on (see Session) to compose writes.
//   - Reads go through a pool of read-only connections, one per concurrent ReadTransaction, so
//     readers never wait for writers (WAL) nor for each other. A ReadTransaction sees one
//     consistent snapshot for its whole life.
//   - WriteTransaction and ReadTransaction are single-thread objects; end them on the thread that
//     began them.
//   - GroupWrite() batches short, independent writes from many threads (group commit): while one
//     group commits, the calls that arrive queue up, and the next group runs them one after the
//     other in one transaction with one COMMIT, so at Durability::kFull a burst of N writes costs
//     one fsync instead of N. Each call still returns only once its writes are durable.
// Other processes (CLI admin commands) may open the same file at the same time: they contend
// through SQLite's file locks, and BEGIN IMMEDIATE waits up to busy_timeout_ms for them.
// Every transaction must end before its Database is destroyed.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "kjudge/core/clock.h"
#include "kjudge/core/result.h"
#include "kjudge/store/connection.h"
#include "kjudge/store/migrations.h"
#include "kjudge/store/transaction.h"

namespace kjudge::store {

struct DatabaseOptions {
  /// How long a write waits for another process's write lock before kUnavailable (5 s: longer
  /// than any admin command's transaction, short enough that a stuck peer surfaces as an error).
  int busy_timeout_ms = 5000;
  /// kFull: an acknowledged submission survives power loss.
  Durability durability = Durability::kFull;
  /// Read connections kept open between reads; more are opened on demand and closed afterwards.
  /// Four covers the HTTP server's small thread pool.
  std::size_t max_idle_readers = 4;
  /// Time source for created/updated columns; DefaultClock() when null. Must outlive the Database.
  const Clock* clock = nullptr;
};

class Database;

/// A write transaction on the database's write connection (BEGIN IMMEDIATE), holding the write
/// mutex until it ends. Rolled back unless Commit() succeeds. Move-only.
class WriteTransaction {
 public:
  WriteTransaction(WriteTransaction&&) noexcept = default;
  WriteTransaction& operator=(WriteTransaction&&) = delete;
  ~WriteTransaction();

  Connection& connection() { return transaction_.connection(); }
  Database& database() { return *database_; }
  /// Commits; afterwards the transaction is over (the write connection is released when this
  /// object is destroyed).
  Status Commit() { return transaction_.Commit(); }

 private:
  friend class Database;
  WriteTransaction(Database& database, std::unique_lock<std::mutex> lock, Transaction transaction);

  Database* database_;
  std::unique_lock<std::mutex> lock_;  // destroyed after transaction_ (reverse declaration order)
  Transaction transaction_;
};

/// A read-only snapshot on a pooled read connection. Move-only; returns the connection on
/// destruction.
class ReadTransaction {
 public:
  ReadTransaction(ReadTransaction&& other) noexcept;
  ReadTransaction& operator=(ReadTransaction&&) = delete;
  ~ReadTransaction();

  Connection& connection() { return *connection_; }
  Database& database() { return *database_; }

 private:
  friend class Database;
  ReadTransaction(Database& database, std::unique_ptr<Connection> connection);

  Database* database_;
  std::unique_ptr<Connection> connection_;
};

class Database {
 public:
  /// Opens (creating if missing) the database file at `path`, switches it to WAL mode and applies
  /// this binary's migrations (BuiltinMigrations()). kFailedPrecondition, naming the migration,
  /// when the database's recorded migrations do not match the binary's (see migrations.h);
  /// kIo when the file cannot be opened; kCorruption when it is not a database.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, const DatabaseOptions& options = {});
  /// As above with an explicit migration list (tests use it to simulate edited, missing and newer
  /// migrations).
  static Result<std::unique_ptr<Database>> Open(const std::string& path, std::span<const Migration> migrations,
                                                const DatabaseOptions& options = {});

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Waits for the write connection and begins a write transaction on it (see the file comment).
  Result<WriteTransaction> BeginWrite();
  /// Begins a read snapshot on a pooled read connection.
  Result<ReadTransaction> BeginRead();

  /// Most calls a group commits together; later arrivals wait for the next group. Bounds how long
  /// the first member of a group waits for the others (each holds the writer for well under 1 ms).
  static constexpr std::size_t kMaxGroupSize = 64;

  /// Runs `work` in a write transaction shared with the GroupWrite calls other threads make
  /// meanwhile, and commits the group with one COMMIT (see the file comment). `work` runs inside
  /// its own savepoint: when it returns an error (or throws: kInternal), its writes are undone and
  /// the other members' are kept. Returns once the group's commit is durable: `work`'s error, the
  /// commit's error (then no member's writes were kept), or Ok.
  /// `work` may run on another thread (the group's leader), strictly after the calls queued before
  /// it: it must use only the transaction it is given and what it captured, must not begin
  /// transactions, and must not wait for other threads. kInternal on a thread that holds a
  /// WriteTransaction (it would deadlock).
  Status GroupWrite(const std::function<Status(WriteTransaction&)>& work);
  /// GroupWrite calls waiting for the next group now (for tests and metrics).
  std::size_t GroupWritesWaiting();

  const Clock& clock() const { return *clock_; }
  const std::string& path() const { return path_; }

 private:
  friend class WriteTransaction;
  friend class ReadTransaction;

  /// One GroupWrite call waiting for its group.
  struct GroupMember {
    const std::function<Status(WriteTransaction&)>* work;
    Status status;
    bool done = false;  // guarded by group_mutex_
  };

  Database(std::string path, const DatabaseOptions& options, std::unique_ptr<Connection> writer);
  void ReturnReader(std::unique_ptr<Connection> reader);
  /// Runs `group` in one write transaction and commits it, setting each member's status.
  void RunGroup(const std::vector<GroupMember*>& group);

  const std::string path_;
  const DatabaseOptions options_;
  const Clock* clock_;

  std::mutex write_mutex_;
  std::unique_ptr<Connection> writer_;               // guarded by write_mutex_
  std::atomic<std::thread::id> writer_thread_{};      // who holds write_mutex_, to refuse re-entry

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // guarded by readers_mutex_

  // Group commit: the calls waiting to run, and whether a leader is running a group now. The
  // leader takes the waiting calls as its group; when it is done, a waiting call leads the next.
  std::mutex group_mutex_;
  std::condition_variable group_cv_;
  std::vector<GroupMember*> group_queue_;  // guarded by group_mutex_
  bool group_running_ = false;             // guarded by group_mutex_
};

}  // namespace kjudge::store
