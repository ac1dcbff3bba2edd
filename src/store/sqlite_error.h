// Turning SQLite result codes into kjudge Errors, in one place, so every caller reports the same
// code for the same cause (a unique violation is always kAlreadyExists, a busy file kUnavailable).
#pragma once

#include <string_view>

#include "kjudge/core/result.h"

struct sqlite3;

namespace kjudge::store {

/// The ErrorCode for an extended SQLite result code.
ErrorCode ErrorCodeForSqlite(int extended_code);

/// An Error for a failed call on `db` (its message is read from the connection; `db` may be null),
/// "<context>: <sqlite message>".
Error SqliteError(sqlite3* db, int code, std::string_view context);

}  // namespace kjudge::store
