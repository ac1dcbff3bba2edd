#include "kjudge/store/statement.h"

#include <sqlite3.h>

#include <string>

#include "sqlite_error.h"

namespace kjudge::store {

Statement::Statement(sqlite3_stmt* stmt, bool* cached_in_use) : stmt_(stmt), cached_in_use_(cached_in_use) {}

Statement::Statement(Statement&& other) noexcept
    : stmt_(other.stmt_), cached_in_use_(other.cached_in_use_), bind_error_(other.bind_error_) {
  other.stmt_ = nullptr;
  other.cached_in_use_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = other.stmt_;
    cached_in_use_ = other.cached_in_use_;
    bind_error_ = other.bind_error_;
    other.stmt_ = nullptr;
    other.cached_in_use_ = nullptr;
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (cached_in_use_ != nullptr) {
    // Back to the cache clean: no half-read result holding a read lock, no stale bound values
    // (a large source text would otherwise stay referenced).
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *cached_in_use_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
  cached_in_use_ = nullptr;
}

void Statement::BindInt(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindDouble(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindText(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so the caller's string may die before Step().
  int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindBlob(int index, std::string_view value) {
  int rc = sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

Result<bool> Statement::Step() {
  sqlite3* db = sqlite3_db_handle(stmt_);
  if (bind_error_ != 0) {
    return SqliteError(nullptr, bind_error_, std::string("binding parameters of \"") + sqlite3_sql(stmt_) + "\"");
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Name the statement (its start is enough to find it) so a failure deep in a repository can
  // be traced without a debugger.
  std::string_view sql = sqlite3_sql(stmt_);
  Error error = SqliteError(db, rc, "\"" + std::string(sql.substr(0, 60)) + (sql.size() > 60 ? "...\"" : "\""));
  // Leave the statement reusable; the error has been captured already.
  sqlite3_reset(stmt_);
  return error;
}

Status Statement::Run() {
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string Statement::BlobBytes(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  if (blob == nullptr) return {};
  return std::string(static_cast<const char*>(blob), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::optional<std::int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::optional<double> Statement::OptionalDouble(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Double(column);
}

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

}  // namespace kjudge::store
