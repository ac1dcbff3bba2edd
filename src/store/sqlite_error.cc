#include "sqlite_error.h"

#include <sqlite3.h>

#include <string>

namespace kjudge::store {

ErrorCode ErrorCodeForSqlite(int extended_code) {
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ErrorCode::kAlreadyExists;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_TRIGGER:
      // A referenced row is missing or a referencing row still exists, or a trigger refused the
      // change (immutable rows): the data is not in a state that allows it.
      return ErrorCode::kFailedPrecondition;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_DATATYPE:
      return ErrorCode::kInvalidArgument;
    default:
      break;
  }
  switch (extended_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kCorruption;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
      return ErrorCode::kIo;
    case SQLITE_CONSTRAINT:
      return ErrorCode::kInvalidArgument;
    case SQLITE_TOOBIG:
      return ErrorCode::kResourceExhausted;
    default:
      return ErrorCode::kInternal;
  }
}

Error SqliteError(sqlite3* db, int code, std::string_view context) {
  int extended = code;
  std::string detail;
  // The connection's message describes `code` only when it is the connection's latest error (a
  // code from sqlite3_close or a bind may not be).
  if (db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (code & 0xff)) {
    extended = sqlite3_extended_errcode(db);
    detail = sqlite3_errmsg(db);
  } else {
    detail = sqlite3_errstr(code);
  }
  return MakeError(ErrorCodeForSqlite(extended), std::string(context) + ": " + detail);
}

}  // namespace kjudge::store
