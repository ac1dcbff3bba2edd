// Statement: one prepared SQL statement with typed bind and column helpers. Values always travel
// as bound parameters, never inside the SQL text, so no input can change what a query means.
//
// Thread safety: none. A Statement belongs to the Connection that prepared it, which one thread
// uses at a time, and must not outlive it.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "kjudge/core/result.h"

struct sqlite3_stmt;

namespace kjudge::store {

/// Bytes to store as a BLOB (std::string and std::string_view bind as TEXT).
struct Blob {
  std::string_view bytes;
};

class Statement {
 public:
  /// Takes ownership of `stmt` (finalized on destruction) unless `cached_in_use` is given: then the
  /// statement belongs to its Connection's cache and is only reset, and the flag cleared, on destruction.
  Statement(sqlite3_stmt* stmt, bool* cached_in_use);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  /// Binds parameter `index` (1-based, as in SQLite) to an integer, bool, floating-point value,
  /// text (anything convertible to std::string_view), Blob, std::nullopt (NULL) or std::optional
  /// of those (NULL when empty). A bind failure is remembered and returned by the next Step().
  template <typename T>
  Statement& Bind(int index, const T& value);

  /// Binds `values` to parameters 1..N.
  template <typename... Ts>
  Statement& BindAll(const Ts&... values) {
    [[maybe_unused]] int index = 0;
    (Bind(++index, values), ...);
    return *this;
  }

  /// Advances: true when a row is available, false when the statement has finished.
  /// Constraint violations come back as kAlreadyExists (unique), kFailedPrecondition (foreign key,
  /// trigger) or kInvalidArgument (check, not null); a busy database as kUnavailable.
  Result<bool> Step();
  /// Steps until the statement finishes, ignoring any rows (INSERT, UPDATE, DELETE).
  Status Run();
  /// Makes the statement ready to run again with new bindings.
  void Reset();

  // Columns of the current row, 0-based (as in SQLite). NULL reads as 0 / empty.
  std::int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  std::string BlobBytes(int column) const;
  bool IsNull(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const;
  std::optional<double> OptionalDouble(int column) const;
  std::optional<std::string> OptionalText(int column) const;

 private:
  void BindInt(int index, std::int64_t value);
  void BindDouble(int index, double value);
  void BindText(int index, std::string_view value);
  void BindBlob(int index, std::string_view value);
  void BindNull(int index);
  void Release();

  sqlite3_stmt* stmt_ = nullptr;
  bool* cached_in_use_ = nullptr;
  int bind_error_ = 0;  ///< first failing sqlite3_bind_* code, reported by Step()
};

template <typename T>
Statement& Statement::Bind(int index, const T& value) {
  if constexpr (std::is_same_v<T, std::nullopt_t>) {
    BindNull(index);
  } else if constexpr (std::is_same_v<T, Blob>) {
    BindBlob(index, value.bytes);
  } else if constexpr (std::is_same_v<T, bool>) {
    BindInt(index, value ? 1 : 0);
  } else if constexpr (std::is_integral_v<T>) {
    BindInt(index, static_cast<std::int64_t>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    BindDouble(index, static_cast<double>(value));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    BindText(index, std::string_view(value));
  } else if constexpr (requires { value.has_value(); *value; }) {
    if (value.has_value()) {
      Bind(index, *value);
    } else {
      BindNull(index);
    }
  } else {
    static_assert(!sizeof(T), "Statement::Bind: unsupported type");
  }
  return *this;
}

}  // namespace kjudge::store
