// Result<T>: the value of a fallible call, or the Error that stopped it.
//
// Every fallible function in kjudge returns Result<T> (or Status for "nothing or an error")
// instead of throwing; exceptions are caught at the edges (HTTP handler, CLI main, runner loop).
// Cheap when OK; an Error carries a machine-readable code and a human message that says where.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kjudge {

/// Broad failure classes. They map to HTTP statuses and CLI exit codes at the edges.
enum class ErrorCode {
  kInvalidArgument,    ///< the caller's input is wrong (bad spec, bad field, bad flag)
  kNotFound,           ///< the named thing does not exist
  kAlreadyExists,      ///< a unique thing would be created twice
  kPermissionDenied,   ///< authenticated, but not allowed
  kUnauthenticated,    ///< no or bad credentials
  kFailedPrecondition, ///< the system is not in a state that allows this (stale lease, newer database)
  kResourceExhausted,  ///< a size limit was hit (body, source, output)
  kRateLimited,        ///< too many requests for now; Error::retry_after_s says when to try again
  kCorruption,         ///< stored data is not what it should be (checksum mismatch)
  kIo,                 ///< the operating system refused (open, write, socket)
  kUnavailable,        ///< try again later (busy database, server shutting down)
  kInternal,           ///< a bug: an invariant did not hold
};

/// Stable lower-case name of a code, used in JSON error bodies ("invalid_argument").
std::string_view ErrorCodeName(ErrorCode code);

/// What went wrong: a code for programs, a message for people.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  /// For kRateLimited and kUnavailable: seconds until a retry can succeed (0: unknown).
  std::int64_t retry_after_s = 0;

  /// "invalid_argument: message"
  std::string ToString() const;
};

inline Error MakeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

/// A value of type T, or an Error. Accessing value() of an error (or error() of a value) is a bug.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(data_); }
  const T& value() const& { assert(ok()); return std::get<0>(data_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(data_); }

 private:
  std::variant<T, Error> data_;
};

/// Nothing, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

}  // namespace kjudge

/// Propagate an error from an expression returning Result<T> or Status.
#define KJ_RETURN_IF_ERROR(expr)                          \
  do {                                                    \
    auto kj_status_ = (expr);                             \
    if (!kj_status_.ok()) return kj_status_.error();      \
  } while (0)

#define KJ_CONCAT_INNER(a, b) a##b
#define KJ_CONCAT(a, b) KJ_CONCAT_INNER(a, b)

/// `KJ_ASSIGN_OR_RETURN(auto x, Compute());` binds the value or returns the error.
#define KJ_ASSIGN_OR_RETURN(lhs, expr) KJ_ASSIGN_OR_RETURN_IMPL(KJ_CONCAT(kj_result_, __LINE__), lhs, expr)
#define KJ_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.error();             \
  lhs = std::move(tmp).value()
