#include "kjudge/store/database.h"


#include <algorithm>
#include <chrono>
#include <exception>
#include <string>
#include <utility>

namespace kjudge::store {

namespace {

ConnectionOptions ConnectionOptionsFor(const DatabaseOptions& options, bool read_only) {
  ConnectionOptions c;
  c.busy_timeout_ms = options.busy_timeout_ms;
  c.durability = options.durability;
  c.read_only = read_only;
  return c;
}

Result<std::string> JournalMode(Connection& connection, std::string_view pragma) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, connection.Prepare(pragma));
  KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.Text(0) : std::string();
}

// WAL lets readers run alongside the writer and makes a commit one append to the log. It is a
// property of the file (it persists), set once by the first opener.
Status EnableWal(Connection& connection, int busy_timeout_ms) {
  KJ_ASSIGN_OR_RETURN(std::string mode, JournalMode(connection, "PRAGMA journal_mode"));
  // Switching needs an exclusive lock, and SQLite reports SQLITE_BUSY at once, without its busy
  // handler, when another opener holds a lock at that moment (several processes opening a new
  // file together). Retry until the busy timeout, as the handler would.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms);
  for (int attempt = 0; mode != "wal"; ++attempt) {
    Result<std::string> switched = JournalMode(connection, "PRAGMA journal_mode = WAL");
    if (switched.ok()) {
      mode = *switched;
      if (mode == "wal") break;
      return MakeError(ErrorCode::kIo, "database " + connection.path() + ": cannot use WAL mode (journal mode is '" +
                                           mode + "'); is it on a network file system?");
    }
    if (switched.error().code != ErrorCode::kUnavailable || std::chrono::steady_clock::now() >= deadline) {
      return switched.error();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(attempt + 1, 20)));
  }
  return Ok();
}

}  // namespace

WriteTransaction::WriteTransaction(Database& database, std::unique_lock<std::mutex> lock, Transaction transaction)
    : database_(&database), lock_(std::move(lock)), transaction_(std::move(transaction)) {}

WriteTransaction::~WriteTransaction() {
  if (!lock_.owns_lock()) return;  // moved from
  // Roll back before giving the connection to the next writer, then forget the owner while the
  // mutex is still held.
  (void)transaction_.Rollback();
  database_->writer_thread_.store(std::thread::id());
}

ReadTransaction::ReadTransaction(Database& database, std::unique_ptr<Connection> connection)
    : database_(&database), connection_(std::move(connection)) {}

ReadTransaction::ReadTransaction(ReadTransaction&& other) noexcept
    : database_(other.database_), connection_(std::move(other.connection_)) {}

ReadTransaction::~ReadTransaction() {
  if (connection_ == nullptr) return;
  // Ending the read transaction releases its snapshot, so checkpoints can recycle the log.
  if (connection_->InTransaction() && !connection_->Exec("ROLLBACK").ok()) {
    return;  // a connection in an unknown state is closed, not pooled
  }
  database_->ReturnReader(std::move(connection_));
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, const DatabaseOptions& options) {
  return Open(path, BuiltinMigrations(), options);
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, std::span<const Migration> migrations,
                                                 const DatabaseOptions& options) {
  KJ_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                      Connection::Open(path, ConnectionOptionsFor(options, /*read_only=*/false)));
  KJ_RETURN_IF_ERROR(EnableWal(*writer, options.busy_timeout_ms));
  const Clock& clock = options.clock != nullptr ? *options.clock : DefaultClock();
  KJ_RETURN_IF_ERROR(ApplyMigrations(*writer, migrations, clock));
  return std::unique_ptr<Database>(new Database(path, options, std::move(writer)));
}

Database::Database(std::string path, const DatabaseOptions& options, std::unique_ptr<Connection> writer)
    : path_(std::move(path)),
      options_(options),
      clock_(options.clock != nullptr ? options.clock : &DefaultClock()),
      writer_(std::move(writer)) {}

Database::~Database() {
  // Readers first: the last connection to close checkpoints the log into the main file.
  idle_readers_.clear();
  writer_.reset();
}

Result<WriteTransaction> Database::BeginWrite() {
  if (writer_thread_.load() == std::this_thread::get_id()) {
    return MakeError(ErrorCode::kInternal,
                     "BeginWrite on a thread that already holds a write transaction (it would deadlock); "
                     "pass the WriteTransaction on instead");
  }
  std::unique_lock<std::mutex> lock(write_mutex_);
  writer_thread_.store(std::this_thread::get_id());
  // A previous transaction whose ROLLBACK failed would make BEGIN fail forever; end it here.
  if (writer_->InTransaction()) (void)writer_->Exec("ROLLBACK");
  Result<Transaction> transaction = Transaction::Begin(*writer_, Transaction::Mode::kImmediate);
  if (!transaction.ok()) {
    writer_thread_.store(std::thread::id());
    return transaction.error();
  }
  return WriteTransaction(*this, std::move(lock), std::move(transaction).value());
}

Result<ReadTransaction> Database::BeginRead() {
  std::unique_ptr<Connection> reader;
  {
    std::lock_guard<std::mutex> lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      reader = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    }
  }
  if (reader == nullptr) {
    KJ_ASSIGN_OR_RETURN(reader, Connection::Open(path_, ConnectionOptionsFor(options_, /*read_only=*/true)));
  }
  KJ_RETURN_IF_ERROR(reader->Exec("BEGIN"));
  return ReadTransaction(*this, std::move(reader));
}

Status Database::GroupWrite(const std::function<Status(WriteTransaction&)>& work) {
  if (writer_thread_.load() == std::this_thread::get_id()) {
    return MakeError(ErrorCode::kInternal,
                     "GroupWrite on a thread that holds a write transaction (it would deadlock); use that transaction");
  }
  GroupMember self{&work, Ok()};
  std::unique_lock<std::mutex> lock(group_mutex_);
  group_queue_.push_back(&self);
  while (!self.done) {
    if (group_running_) {
      group_cv_.wait(lock);
      continue;
    }
    // Lead: take what is waiting (this call among it, unless the queue is longer than a group).
    group_running_ = true;
    const auto n = static_cast<std::ptrdiff_t>(std::min(group_queue_.size(), kMaxGroupSize));
    std::vector<GroupMember*> group(group_queue_.begin(), group_queue_.begin() + n);
    group_queue_.erase(group_queue_.begin(), group_queue_.begin() + n);
    lock.unlock();
    RunGroup(group);
    lock.lock();
    for (GroupMember* member : group) member->done = true;
    group_running_ = false;
    group_cv_.notify_all();  // the members, and a waiting call to lead the next group
  }
  return self.status;
}

std::size_t Database::GroupWritesWaiting() {
  std::lock_guard<std::mutex> lock(group_mutex_);
  return group_queue_.size();
}

void Database::RunGroup(const std::vector<GroupMember*>& group) {
  Result<WriteTransaction> tx = BeginWrite();
  if (!tx.ok()) {
    for (GroupMember* member : group) member->status = tx.error();
    return;
  }
  Connection& connection = tx->connection();
  for (std::size_t i = 0; i < group.size(); ++i) {
    GroupMember& member = *group[i];
    {
      Result<Savepoint> savepoint = Savepoint::Begin(connection);
      if (savepoint.ok()) {
        try {
          member.status = (*member.work)(*tx);
        } catch (const std::exception& e) {
          member.status = MakeError(ErrorCode::kInternal, std::string("a grouped write threw: ") + e.what());
        }
        if (member.status.ok()) member.status = savepoint->Release();
      } else {
        member.status = savepoint.error();
      }
    }  // an unreleased savepoint rolls back here, undoing this member's writes only
    if (!connection.InTransaction()) {
      // Some errors (disk full, I/O) make SQLite roll back the whole transaction: the members
      // before this one lost their writes too, and the rest cannot run in it.
      const Error lost = MakeError(ErrorCode::kUnavailable,
                                   "the write was rolled back with its group after an error: " +
                                       (member.status.ok() ? std::string("transaction ended") : member.status.error().message));
      for (std::size_t j = 0; j < group.size(); ++j) {
        if (j > i || group[j]->status.ok()) group[j]->status = lost;
      }
      return;
    }
  }
  const Status committed = tx->Commit();
  if (committed.ok()) return;
  for (GroupMember* member : group) {
    if (member->status.ok()) member->status = committed.error();
  }
}

void Database::ReturnReader(std::unique_ptr<Connection> reader) {
  std::lock_guard<std::mutex> lock(readers_mutex_);
  if (idle_readers_.size() < options_.max_idle_readers) idle_readers_.push_back(std::move(reader));
}

}  // namespace kjudge::store
