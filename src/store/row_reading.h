// Helpers every repository uses to read result rows and check writes, so they all report
// missing rows, unknown enum strings and empty updates the same way.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/connection.h"
#include "kjudge/store/page.h"
#include "kjudge/store/schema_enums.h"
#include "kjudge/store/statement.h"

namespace kjudge::store {

/// Column `column` as enum E. A string the schema's CHECK should have refused means the file was
/// altered behind our back: kCorruption.
template <typename E>
Result<E> ColumnEnum(const Statement& row, int column) {
  std::string text = row.Text(column);
  Result<E> value = Parse<E>(text);
  if (!value.ok()) return MakeError(ErrorCode::kCorruption, "stored value: " + value.error().message);
  return value;
}

/// As ColumnEnum for a nullable column.
template <typename E>
Result<std::optional<E>> ColumnOptionalEnum(const Statement& row, int column) {
  if (row.IsNull(column)) return std::optional<E>();
  KJ_ASSIGN_OR_RETURN(E value, ColumnEnum<E>(row, column));
  return std::optional<E>(value);
}

/// Steps `stmt` to the end, turning each row into a T with `read(const Statement&) -> Result<T>`.
template <typename T, typename ReadRow>
Result<std::vector<T>> CollectRows(Statement& stmt, ReadRow read) {
  std::vector<T> rows;
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
    if (!has_row) return rows;
    KJ_ASSIGN_OR_RETURN(T value, read(stmt));
    rows.push_back(std::move(value));
  }
}

/// Steps `stmt` once and reads the row, or kNotFound "<what> not found" when there is none.
template <typename T, typename ReadRow>
Result<T> SingleRow(Statement& stmt, ReadRow read, std::string_view what) {
  KJ_ASSIGN_OR_RETURN(bool has_row, stmt.Step());
  if (!has_row) return MakeError(ErrorCode::kNotFound, std::string(what) + " not found");
  return read(stmt);
}

/// kNotFound "<what> not found" when the last UPDATE or DELETE on `connection` changed no row.
inline Status RequireChanged(const Connection& connection, std::string_view what) {
  if (connection.Changes() == 0) return MakeError(ErrorCode::kNotFound, std::string(what) + " not found");
  return Ok();
}

/// kInvalidArgument "<what> must be valid JSON" unless SQLite's json_valid accepts `json` (the
/// same test the schema's CHECK constraints apply, asked first for a clearer message).
inline Status RequireValidJson(Connection& connection, std::string_view json, std::string_view what) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, connection.Query("SELECT json_valid(?)", json));
  KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.Int(0) != 1) return MakeError(ErrorCode::kInvalidArgument, std::string(what) + " must be valid JSON");
  return Ok();
}

/// A page's row limit, clamped to 1..kMaxPageSize.
inline std::int64_t PageLimit(const PageRequest& page) {
  return static_cast<std::int64_t>(std::clamp<std::size_t>(page.limit, 1, kMaxPageSize));
}

/// A page's upper id bound (exclusive): everything when no before_id.
inline std::int64_t PageBefore(const PageRequest& page) { return page.before_id.value_or(INT64_MAX); }

/// "<kind> <id>", for messages.
inline std::string Describe(std::string_view kind, std::int64_t id) { return std::string(kind) + " " + std::to_string(id); }

}  // namespace kjudge::store
