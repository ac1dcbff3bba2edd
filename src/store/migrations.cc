#include "kjudge/store/migrations.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "kjudge/core/sha256.h"
#include "kjudge/store/transaction.h"

namespace kjudge::store {

// Generated at build time from migrations/*.sql (src/store/CMakeLists.txt).
std::span<const EmbeddedFile> EmbeddedMigrationFiles();

namespace {

constexpr std::string_view kCreateMigrationsTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version     INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  checksum    TEXT NOT NULL,
  applied_ms  INTEGER NOT NULL
) STRICT;
)sql";

std::string Label(int version, const std::string& name) {
  char number[16];
  std::snprintf(number, sizeof number, "%04d", version);
  return std::string(number) + "_" + name;
}

bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// Checks what the database records against what the binary carries. Every refusal names the
// migration and says what to do, since the reader is an operator whose server would not start.
Status CheckApplied(const std::vector<AppliedMigration>& applied, std::span<const Migration> migrations) {
  if (applied.empty()) return Ok();
  const AppliedMigration& newest = applied.back();
  const int binary_max = migrations.empty() ? 0 : migrations.back().version;
  if (newest.version > binary_max) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the database is newer than this kjudge binary: it has migration " +
                         Label(newest.version, newest.name) + " applied, and this binary only knows migrations up to " +
                         (migrations.empty() ? std::string("none") : migrations.back().Label()) +
                         "; run a newer kjudge (or restore a backup made by this version)");
  }
  std::map<int, const Migration*> by_version;
  for (const Migration& m : migrations) by_version[m.version] = &m;
  for (const AppliedMigration& a : applied) {
    auto it = by_version.find(a.version);
    if (it == by_version.end()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "migration " + Label(a.version, a.name) +
                           " is recorded as applied to the database but this binary does not have it "
                           "(was migrations/" + Label(a.version, a.name) + ".sql deleted or renumbered?)");
    }
    const Migration& m = *it->second;
    const std::string checksum = Sha256Hex(m.sql);
    if (m.name != a.name || checksum != a.checksum) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "migration " + Label(a.version, a.name) + " was changed after it was applied (recorded sha256 " +
                           a.checksum.substr(0, 12) + ", this binary's " + m.Label() + " has " +
                           checksum.substr(0, 12) + "); restore the original file and add a new migration instead");
    }
  }
  for (const Migration& m : migrations) {
    if (m.version >= newest.version) break;
    bool done = std::any_of(applied.begin(), applied.end(), [&](const AppliedMigration& a) { return a.version == m.version; });
    if (!done) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "migration " + m.Label() + " is not applied but the later migration " +
                           Label(newest.version, newest.name) +
                           " is; new migrations must be numbered after every applied one");
    }
  }
  return Ok();
}

Status CheckSorted(std::span<const Migration> migrations) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version <= 0) {
      return MakeError(ErrorCode::kInvalidArgument, "migration " + migrations[i].Label() + ": version must be positive");
    }
    if (i > 0 && migrations[i].version <= migrations[i - 1].version) {
      return MakeError(ErrorCode::kInvalidArgument, "migrations must have increasing versions: " +
                                                         migrations[i - 1].Label() + " then " + migrations[i].Label());
    }
  }
  return Ok();
}

// Applies the first migration the database lacks, under BEGIN IMMEDIATE. Returns false when there
// is none. The recorded state is read inside the write lock, so concurrent openers never apply one
// migration twice.
Result<bool> ApplyNext(Connection& connection, std::span<const Migration> migrations, const Clock& clock) {
  KJ_ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(connection, Transaction::Mode::kImmediate));
  KJ_RETURN_IF_ERROR(connection.ExecScript(kCreateMigrationsTable));
  KJ_ASSIGN_OR_RETURN(std::vector<AppliedMigration> applied, ListAppliedMigrations(connection));
  KJ_RETURN_IF_ERROR(CheckApplied(applied, migrations));
  const int current = applied.empty() ? 0 : applied.back().version;
  auto next = std::find_if(migrations.begin(), migrations.end(), [&](const Migration& m) { return m.version > current; });
  if (next == migrations.end()) {
    KJ_RETURN_IF_ERROR(transaction.Commit());
    return false;
  }
  Status applied_ok = connection.ExecScript(next->sql);
  if (!applied_ok.ok()) {
    return MakeError(applied_ok.error().code, "migration " + next->Label() + " failed: " + applied_ok.error().message);
  }
  KJ_ASSIGN_OR_RETURN(Statement fk_check, connection.Prepare("PRAGMA foreign_key_check"));
  KJ_ASSIGN_OR_RETURN(bool violation, fk_check.Step());
  if (violation) {
    return MakeError(ErrorCode::kFailedPrecondition, "migration " + next->Label() +
                                                         " leaves a foreign key violation in table " + fk_check.Text(0));
  }
  KJ_RETURN_IF_ERROR(connection.Exec("INSERT INTO schema_migrations(version, name, checksum, applied_ms) VALUES (?, ?, ?, ?)",
                                     next->version, next->name, Sha256Hex(next->sql), clock.NowMs()));
  KJ_RETURN_IF_ERROR(transaction.Commit());
  spdlog::info("database {}: applied migration {}", connection.path(), next->Label());
  return true;
}

}  // namespace

std::string Migration::Label() const { return store::Label(version, name); }

const std::vector<Migration>& BuiltinMigrations() {
  // Parsed once; the files were checked at configure time, so a failure here is a build bug.
  static const std::vector<Migration> migrations = [] {
    Result<std::vector<Migration>> parsed = ParseMigrations(EmbeddedMigrationFiles());
    if (!parsed.ok()) {
      spdlog::critical("embedded migrations are malformed: {}", parsed.error().message);
      std::abort();
    }
    return std::move(parsed).value();
  }();
  return migrations;
}

Result<std::vector<Migration>> ParseMigrations(std::span<const EmbeddedFile> files) {
  std::vector<Migration> migrations;
  for (const EmbeddedFile& file : files) {
    std::string_view path = file.path;
    // NNNN_name.sql
    const bool well_formed = path.size() > 9 && path.ends_with(".sql") && path[4] == '_' &&
                             std::all_of(path.begin(), path.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }) &&
                             std::all_of(path.begin() + 5, path.end() - 4, IsNameChar);
    if (!well_formed) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "migration file '" + std::string(path) + "': the name must be NNNN_name.sql (lower-case name)");
    }
    Migration m;
    m.version = std::stoi(std::string(path.substr(0, 4)));
    m.name = std::string(path.substr(5, path.size() - 9));
    m.sql = std::string(file.content);
    migrations.push_back(std::move(m));
  }
  std::sort(migrations.begin(), migrations.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version == migrations[i - 1].version) {
      return MakeError(ErrorCode::kInvalidArgument, "migrations " + migrations[i - 1].Label() + " and " +
                                                         migrations[i].Label() + " have the same number");
    }
  }
  KJ_RETURN_IF_ERROR(CheckSorted(migrations));
  return migrations;
}

Result<std::vector<AppliedMigration>> ListAppliedMigrations(Connection& connection) {
  std::vector<AppliedMigration> applied;
  {
    KJ_ASSIGN_OR_RETURN(Statement exists, connection.Prepare(
                                              "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'"));
    KJ_ASSIGN_OR_RETURN(bool found, exists.Step());
    if (!found) return applied;  // a fresh database
  }
  KJ_ASSIGN_OR_RETURN(Statement stmt,
                      connection.Prepare("SELECT version, name, checksum, applied_ms FROM schema_migrations ORDER BY version"));
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    applied.push_back(AppliedMigration{static_cast<int>(stmt.Int(0)), stmt.Text(1), stmt.Text(2), stmt.Int(3)});
  }
  return applied;
}

Status ApplyMigrations(Connection& connection, std::span<const Migration> migrations, const Clock& clock) {
  if (connection.InTransaction()) {
    return MakeError(ErrorCode::kInternal, "ApplyMigrations needs a connection outside any transaction");
  }
  KJ_RETURN_IF_ERROR(CheckSorted(migrations));
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool applied_one, ApplyNext(connection, migrations, clock));
    if (!applied_one) return Ok();
  }
}

}  // namespace kjudge::store
