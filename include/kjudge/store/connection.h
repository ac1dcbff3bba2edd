// Connection: one SQLite connection to a database file, set up the way kjudge relies on
// (foreign keys enforced, a busy timeout, the chosen durability), with a cache of prepared
// statements so hot queries are compiled once.
//
// Most code never opens one: Database owns a write connection and a pool of read connections and
// lends them out inside transactions. Connection is public so repositories and later modules (the
// job queue) can run their own prepared statements inside those transactions.
//
// Thread safety: none. One thread at a time; Database guarantees that for the connections it lends.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kjudge/core/result.h"
#include "kjudge/store/statement.h"

struct sqlite3;

namespace kjudge::store {

/// How hard a commit tries to survive failures.
enum class Durability {
  /// fsync the write-ahead log at every commit: a committed transaction survives power loss.
  kFull,
  /// fsync only at checkpoints: a commit survives a process crash (SIGKILL) but the last few may be
  /// lost on power loss. Faster; for tests and disposable demo databases.
  kNormal,
};

struct ConnectionOptions {
  /// How long a statement waits for another connection's lock (another process's write, a
  /// checkpoint) before failing with kUnavailable. Long enough for a CLI admin command's write.
  int busy_timeout_ms = 5000;
  Durability durability = Durability::kFull;
  /// Open for reading only (PRAGMA query_only): any write is an error.
  bool read_only = false;
};

class Connection {
 public:
  /// Opens (creating if missing) the database file at `path`. ":memory:" and "" are refused:
  /// every connection of a Database must see the same data.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Prepares one SQL statement. Statements are cached by their text for the connection's life,
  /// so pass constant SQL (values go in parameters anyway); the same text used again while a
  /// previous Statement for it is still alive gets a fresh, uncached one.
  Result<Statement> Prepare(std::string_view sql);

  /// Prepares `sql` and binds `values` to its parameters 1..N, ready to Step().
  template <typename... Ts>
  Result<Statement> Query(std::string_view sql, const Ts&... values) {
    KJ_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
    stmt.BindAll(values...);
    return stmt;
  }

  /// Runs one statement with bound `values` to completion (INSERT, UPDATE, DELETE).
  template <typename... Ts>
  Status Exec(std::string_view sql, const Ts&... values) {
    KJ_ASSIGN_OR_RETURN(Statement stmt, Query(sql, values...));
    return stmt.Run();
  }

  /// Runs trusted SQL text with any number of statements and no parameters (migrations,
  /// transaction control). Never pass text that contains user input.
  Status ExecScript(std::string_view sql);

  /// The rowid of the last successful INSERT on this connection.
  std::int64_t LastInsertId() const;
  /// Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int Changes() const;
  /// True while a transaction is open on this connection.
  bool InTransaction() const;

  const std::string& path() const { return path_; }

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };

  Connection(sqlite3* db, std::string path);

  sqlite3* db_;
  std::string path_;
  // Node-based: pointers to entries stay valid as the map grows (Statement holds &in_use).
  std::unordered_map<std::string, CachedStatement> cache_;
};

}  // namespace kjudge::store
