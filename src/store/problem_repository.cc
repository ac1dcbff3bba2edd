#include "kjudge/store/problem_repository.h"

#include <algorithm>
#include <set>
#include <string>

#include "leaderboard_rows.h"
#include "row_reading.h"

namespace kjudge::store {

namespace {

#define KJ_PROBLEM_COLUMNS                                                                        \
  "problems.id, problems.name, problems.title, problems.active_version_id, problems.created_ms, " \
  "problems.updated_ms"
#define KJ_VERSION_COLUMNS                                                                               \
  "problem_versions.id, problem_versions.problem_id, problem_versions.content_hash, problem_versions.title, " \
  "problem_versions.spec_json, problem_versions.created_ms"

Result<Problem> ReadProblem(const Statement& row) {
  Problem p;
  p.id = row.Int(0);
  p.name = row.Text(1);
  p.title = row.Text(2);
  p.active_version_id = row.OptionalInt(3);
  p.created_ms = row.Int(4);
  p.updated_ms = row.Int(5);
  return p;
}

Result<ProblemVersion> ReadVersion(const Statement& row) {
  ProblemVersion v;
  v.id = row.Int(0);
  v.problem_id = row.Int(1);
  v.content_hash = row.Text(2);
  v.title = row.Text(3);
  v.spec_json = row.Text(4);
  v.created_ms = row.Int(5);
  return v;
}

Result<Problem> LoadProblem(Connection& c, std::int64_t id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_PROBLEM_COLUMNS " FROM problems WHERE id = ?", id));
  return SingleRow<Problem>(stmt, ReadProblem, Describe("problem", id));
}

Result<std::optional<Problem>> FindProblem(Connection& c, std::string_view name) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_PROBLEM_COLUMNS " FROM problems WHERE name = ?", name));
  KJ_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::optional<Problem>();
  KJ_ASSIGN_OR_RETURN(Problem problem, ReadProblem(stmt));
  return std::optional<Problem>(std::move(problem));
}

Result<ProblemVersion> LoadVersion(Connection& c, std::int64_t id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_VERSION_COLUMNS " FROM problem_versions WHERE id = ?", id));
  return SingleRow<ProblemVersion>(stmt, ReadVersion, Describe("problem version", id));
}

// The problem's version with this content hash, if it has one.
Result<std::optional<ProblemVersion>> FindVersion(Connection& c, std::int64_t problem_id, std::string_view content_hash) {
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_VERSION_COLUMNS
                                              " FROM problem_versions WHERE problem_id = ? AND content_hash = ?",
                                              problem_id, content_hash));
  KJ_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found) return std::optional<ProblemVersion>();
  KJ_ASSIGN_OR_RETURN(ProblemVersion version, ReadVersion(stmt));
  return std::optional<ProblemVersion>(std::move(version));
}

Result<ProblemVersion> LoadVersionByHash(Connection& c, std::string_view content_hash) {
  // The same bundle published under two names would match twice; the newest is as good as any.
  KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_VERSION_COLUMNS
                                              " FROM problem_versions WHERE content_hash = ? ORDER BY id DESC LIMIT 1",
                                              content_hash));
  return SingleRow<ProblemVersion>(stmt, ReadVersion, "problem version " + std::string(content_hash));
}

Result<std::map<std::string, std::string>> LoadFiles(Connection& c, std::int64_t version_id) {
  KJ_ASSIGN_OR_RETURN(Statement stmt,
                      c.Query("SELECT path, content FROM problem_files WHERE version_id = ? ORDER BY path", version_id));
  std::map<std::string, std::string> files;
  for (;;) {
    KJ_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return files;
    files.emplace(stmt.Text(0), stmt.BlobBytes(1));
  }
}

Result<ProblemBundle> LoadBundle(Connection& c, const ProblemVersion& version) {
  ProblemBundle bundle;
  KJ_ASSIGN_OR_RETURN(bundle.problem, LoadProblem(c, version.problem_id));
  bundle.version = version;
  KJ_ASSIGN_OR_RETURN(bundle.files, LoadFiles(c, version.id));
  return bundle;
}

bool IsLowerHex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Runners write these paths under their work directory: nothing may point outside it.
Status ValidateFilePath(std::string_view path) {
  auto bad = [&](std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument, "problem file '" + std::string(path) + "': " + std::string(why));
  };
  if (path.empty() || path.size() > 1024) return bad("the path must be 1-1024 bytes");
  if (path.front() == '/') return bad("the path must be relative");
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) {
    return bad("the path must not contain NUL or backslash");
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return bad("empty, '.' and '..' path components are not allowed");
    start = end + 1;
  }
  return Ok();
}

Status ValidatePublish(const ProblemVersionInput& input) {
  if (input.name.empty() || input.name.size() > 128) {
    return MakeError(ErrorCode::kInvalidArgument, "problem name must be 1-128 characters");
  }
  const std::string where = "problem '" + input.name + "': ";
  if (!IsLowerHex64(input.content_hash)) {
    return MakeError(ErrorCode::kInvalidArgument, where + "content hash must be 64 lower-case hex characters");
  }
  if (input.gpus.empty()) return MakeError(ErrorCode::kInvalidArgument, where + "lists no GPU types");
  for (const std::string& gpu : input.gpus) {
    if (gpu.empty() || gpu.size() > 64) {
      return MakeError(ErrorCode::kInvalidArgument, where + "GPU type names must be 1-64 characters");
    }
  }
  for (const auto& [path, content] : input.files) KJ_RETURN_IF_ERROR(ValidateFilePath(path));
  return Ok();
}

// Stores a new version with its files.
Result<ProblemVersion> InsertVersion(Connection& c, std::int64_t problem_id, const ProblemVersionInput& input,
                                     const std::string& title, std::int64_t now) {
  KJ_RETURN_IF_ERROR(RequireValidJson(c, input.spec_json, "problem '" + input.name + "': the spec"));
  KJ_RETURN_IF_ERROR(c.Exec(
      "INSERT INTO problem_versions(problem_id, content_hash, title, spec_json, created_ms) VALUES (?, ?, ?, ?, ?)",
      problem_id, input.content_hash, title, input.spec_json, now));
  const std::int64_t version_id = c.LastInsertId();
  for (const auto& [path, content] : input.files) {
    KJ_RETURN_IF_ERROR(c.Exec("INSERT INTO problem_files(version_id, path, content) VALUES (?, ?, ?)", version_id, path,
                              Blob{content}));
  }
  return LoadVersion(c, version_id);
}

// Creates missing leaderboards; applies the deadline of a new version to existing ones.
Result<std::vector<Leaderboard>> SyncLeaderboards(Connection& c, std::int64_t problem_id,
                                                  const ProblemVersionInput& input, bool new_version, std::int64_t now) {
  std::vector<Leaderboard> created;
  std::set<std::string> seen;
  for (const std::string& gpu : input.gpus) {
    if (!seen.insert(gpu).second) continue;
    std::optional<std::int64_t> existing;
    {
      KJ_ASSIGN_OR_RETURN(Statement find,
                          c.Query("SELECT id FROM leaderboards WHERE problem_id = ? AND gpu = ?", problem_id, gpu));
      KJ_ASSIGN_OR_RETURN(bool found, find.Step());
      if (found) existing = find.Int(0);
    }
    if (!existing) {
      KJ_ASSIGN_OR_RETURN(Leaderboard board, InsertLeaderboard(c, problem_id, gpu, input.deadline_ms, now));
      created.push_back(std::move(board));
    } else if (new_version && input.deadline_ms) {
      KJ_RETURN_IF_ERROR(c.Exec("UPDATE leaderboards SET deadline_ms = ? WHERE id = ?", input.deadline_ms, *existing));
    }
  }
  return created;
}

}  // namespace

Result<PublishResult> ProblemRepository::Publish(const ProblemVersionInput& input) {
  KJ_RETURN_IF_ERROR(ValidatePublish(input));
  const std::int64_t now = session_.clock().NowMs();
  const std::string title = input.title.empty() ? input.name : input.title;
  return session_.Write([&](Connection& c) -> Result<PublishResult> {
    PublishResult result;
    KJ_ASSIGN_OR_RETURN(std::optional<Problem> existing, FindProblem(c, input.name));
    std::int64_t problem_id = 0;
    std::optional<std::int64_t> active_before;
    if (existing) {
      problem_id = existing->id;
      active_before = existing->active_version_id;
    } else {
      KJ_RETURN_IF_ERROR(c.Exec("INSERT INTO problems(name, title, created_ms, updated_ms) VALUES (?, ?, ?, ?)",
                                input.name, title, now, now));
      problem_id = c.LastInsertId();
    }

    KJ_ASSIGN_OR_RETURN(std::optional<ProblemVersion> known, FindVersion(c, problem_id, input.content_hash));
    if (known) {
      result.version = std::move(*known);
    } else {
      KJ_ASSIGN_OR_RETURN(result.version, InsertVersion(c, problem_id, input, title, now));
      result.created_version = true;
    }

    result.changed_active = active_before != result.version.id;
    if (result.changed_active) {
      KJ_RETURN_IF_ERROR(c.Exec("UPDATE problems SET active_version_id = ?, title = ?, updated_ms = ? WHERE id = ?",
                                result.version.id, result.version.title, now, problem_id));
    }
    KJ_ASSIGN_OR_RETURN(result.created_leaderboards,
                        SyncLeaderboards(c, problem_id, input, result.created_version, now));
    KJ_ASSIGN_OR_RETURN(result.problem, LoadProblem(c, problem_id));
    return result;
  });
}

Result<std::vector<Problem>> ProblemRepository::List() {
  return session_.Read([&](Connection& c) -> Result<std::vector<Problem>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_PROBLEM_COLUMNS " FROM problems ORDER BY name"));
    return CollectRows<Problem>(stmt, ReadProblem);
  });
}

Result<Problem> ProblemRepository::Get(std::int64_t id) {
  return session_.Read([&](Connection& c) { return LoadProblem(c, id); });
}

Result<Problem> ProblemRepository::GetByName(std::string_view name) {
  return session_.Read([&](Connection& c) -> Result<Problem> {
    KJ_ASSIGN_OR_RETURN(std::optional<Problem> problem, FindProblem(c, name));
    if (!problem) return MakeError(ErrorCode::kNotFound, "problem '" + std::string(name) + "' not found");
    return std::move(*problem);
  });
}

Result<ProblemVersion> ProblemRepository::GetVersion(std::int64_t version_id) {
  return session_.Read([&](Connection& c) { return LoadVersion(c, version_id); });
}

Result<ProblemVersion> ProblemRepository::GetVersionByHash(std::string_view content_hash) {
  return session_.Read([&](Connection& c) { return LoadVersionByHash(c, content_hash); });
}

Result<std::vector<ProblemVersion>> ProblemRepository::ListVersions(std::int64_t problem_id) {
  return session_.Read([&](Connection& c) -> Result<std::vector<ProblemVersion>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_VERSION_COLUMNS
                                                " FROM problem_versions WHERE problem_id = ? ORDER BY id",
                                                problem_id));
    return CollectRows<ProblemVersion>(stmt, ReadVersion);
  });
}

Result<std::map<std::string, std::string>> ProblemRepository::GetFiles(std::int64_t version_id) {
  return session_.Read([&](Connection& c) -> Result<std::map<std::string, std::string>> {
    KJ_RETURN_IF_ERROR(LoadVersion(c, version_id));
    return LoadFiles(c, version_id);
  });
}

Result<ProblemBundle> ProblemRepository::GetActiveBundle(std::int64_t problem_id) {
  return session_.Read([&](Connection& c) -> Result<ProblemBundle> {
    KJ_ASSIGN_OR_RETURN(Problem problem, LoadProblem(c, problem_id));
    if (!problem.active_version_id) {
      return MakeError(ErrorCode::kNotFound, "problem '" + problem.name + "' has no active version");
    }
    KJ_ASSIGN_OR_RETURN(ProblemVersion version, LoadVersion(c, *problem.active_version_id));
    return LoadBundle(c, version);
  });
}

Result<ProblemBundle> ProblemRepository::GetBundleByHash(std::string_view content_hash) {
  return session_.Read([&](Connection& c) -> Result<ProblemBundle> {
    KJ_ASSIGN_OR_RETURN(ProblemVersion version, LoadVersionByHash(c, content_hash));
    return LoadBundle(c, version);
  });
}

Status ProblemRepository::Activate(std::int64_t problem_id, std::int64_t version_id) {
  const std::int64_t now = session_.clock().NowMs();
  return session_.Write([&](Connection& c) -> Status {
    KJ_ASSIGN_OR_RETURN(Problem problem, LoadProblem(c, problem_id));
    KJ_ASSIGN_OR_RETURN(ProblemVersion version, LoadVersion(c, version_id));
    if (version.problem_id != problem_id) {
      return MakeError(ErrorCode::kInvalidArgument, Describe("problem version", version_id) +
                                                        " belongs to another problem than '" + problem.name + "'");
    }
    if (problem.active_version_id == version_id) return Ok();
    return c.Exec("UPDATE problems SET active_version_id = ?, title = ?, updated_ms = ? WHERE id = ?", version_id,
                  version.title, now, problem_id);
  });
}

}  // namespace kjudge::store
