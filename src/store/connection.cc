#include "kjudge/store/connection.h"

#include <sqlite3.h>

#include <string>
#include <utility>

#include "sqlite_error.h"

namespace kjudge::store {

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, const ConnectionOptions& options) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "database path '" + path + "': give a file path (in-memory and URI databases are not shared "
                     "between connections)");
  }
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is used by one thread at a time (Database guarantees it), so
  // SQLite's per-connection mutex would only cost time.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(db, rc, "opening database " + path);
    sqlite3_close_v2(db);
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  std::unique_ptr<Connection> connection(new Connection(db, path));

  // Per-connection settings. foreign_keys is off by default in SQLite and must be set on every
  // connection; the others are per connection too.
  KJ_RETURN_IF_ERROR(connection->ExecScript("PRAGMA foreign_keys = ON;"));
  KJ_RETURN_IF_ERROR(connection->ExecScript(options.durability == Durability::kFull ? "PRAGMA synchronous = FULL;"
                                                                                      : "PRAGMA synchronous = NORMAL;"));
  if (options.read_only) KJ_RETURN_IF_ERROR(connection->ExecScript("PRAGMA query_only = ON;"));
  // Pages read through a memory map rather than copied in by pread: in WAL mode a write on one
  // connection empties every other connection's page cache, so each leaderboard recompute after a
  // new result would otherwise pread tens of MiB of index pages again (docs/perf.md, bench/pages).
  // 2 GiB of address space (SQLite's default compile-time cap) maps all of a large database; what
  // lies beyond is read by pread as before. Writes still go through the WAL file.
  KJ_RETURN_IF_ERROR(connection->ExecScript("PRAGMA mmap_size = 2147418112;"));
  // A page cache that holds the hot indexes of a busy server: 16 MiB per connection instead of
  // SQLite's 2 MiB.
  KJ_RETURN_IF_ERROR(connection->ExecScript("PRAGMA cache_size = -16384;"));
  // Reading the schema proves the file is a database at all (a text file opens fine and fails here).
  KJ_ASSIGN_OR_RETURN(Statement probe, connection->Prepare("SELECT count(*) FROM sqlite_schema"));
  KJ_ASSIGN_OR_RETURN(bool row, probe.Step());
  (void)row;
  return connection;
}

Connection::Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  cache_.clear();
  sqlite3_close_v2(db_);
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end() && !it->second.in_use) {
    it->second.in_use = true;
    return Statement(it->second.stmt, &it->second.in_use);
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  // PERSISTENT: these statements live as long as the connection; SQLite allocates them accordingly.
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              it == cache_.end() ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
  if (rc != SQLITE_OK) {
    return SqliteError(db_, rc, "preparing \"" + std::string(sql.substr(0, 60)) + "\"");
  }
  if (stmt == nullptr) return MakeError(ErrorCode::kInternal, "preparing an empty SQL statement");
  if (tail != nullptr && std::string_view(tail).find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    sqlite3_finalize(stmt);
    return MakeError(ErrorCode::kInternal,
                     "Prepare takes one statement; use ExecScript for several: \"" + std::string(sql.substr(0, 60)) + "\"");
  }
  if (it != cache_.end()) return Statement(stmt, nullptr);  // in use: a private copy
  auto [inserted, ok] = cache_.emplace(std::string(sql), CachedStatement{stmt, true});
  (void)ok;
  return Statement(stmt, &inserted->second.in_use);
}

Status Connection::ExecScript(std::string_view sql) {
  std::string text(sql);  // sqlite3_exec needs a terminated string
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Ok();
  std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  int extended = sqlite3_extended_errcode(db_);
  return MakeError(ErrorCodeForSqlite((extended & 0xff) == (rc & 0xff) ? extended : rc), detail);
}

std::int64_t Connection::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

int Connection::Changes() const { return sqlite3_changes(db_); }

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace kjudge::store
