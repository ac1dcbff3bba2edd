// Schema migrations: the numbered SQL files under migrations/ (embedded in the binary at build
// time) and the runner that brings a database up to date and refuses one it cannot trust.
//
// Applied migrations are recorded in `schema_migrations` (version, name, sha256, applied_ms).
// ApplyMigrations stops with kFailedPrecondition, naming the migration, when:
//   - an applied migration's recorded checksum or name differs from the binary's (it was edited);
//   - the database records a version the binary lacks (it was deleted or renumbered);
//   - the database records a version newer than all the binary's (the binary is too old);
//   - a migration the binary has is unapplied while a later one is applied (it was inserted).
//
// Thread safety: the functions are pure or act only on the Connection they are given. Several
// processes may open one database at once: each migration is applied under BEGIN IMMEDIATE and
// the recorded state is re-read inside it, so exactly one process applies it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kjudge/core/clock.h"
#include "kjudge/core/embedded_file.h"
#include "kjudge/core/result.h"
#include "kjudge/store/connection.h"

namespace kjudge::store {

struct Migration {
  int version = 0;   ///< NNNN of the file name; positive, unique
  std::string name;  ///< the part after "NNNN_", without ".sql"
  std::string sql;   ///< exact file contents; its SHA-256 is the recorded checksum

  /// "0001_initial", the form used in messages.
  std::string Label() const;
};

/// The migrations compiled into this binary, in version order.
const std::vector<Migration>& BuiltinMigrations();

/// Parses embedded `NNNN_name.sql` files into migrations sorted by version. kInvalidArgument on a
/// malformed file name or a duplicate version.
Result<std::vector<Migration>> ParseMigrations(std::span<const EmbeddedFile> files);

/// One row of `schema_migrations`.
struct AppliedMigration {
  int version = 0;
  std::string name;
  std::string checksum;
  std::int64_t applied_ms = 0;
};

/// Brings the database on `connection` up to the last of `migrations` (sorted, unique versions),
/// each in its own transaction, after checking what is already applied (see the file comment).
/// `connection` must not be inside a transaction.
Status ApplyMigrations(Connection& connection, std::span<const Migration> migrations, const Clock& clock);

/// What `schema_migrations` records, in version order (empty for a fresh database).
Result<std::vector<AppliedMigration>> ListAppliedMigrations(Connection& connection);

}  // namespace kjudge::store
