// ProblemRepository: problems and their immutable, content-hashed versions (the spec as JSON and
// every file a runner needs), and which version is active.
//
// Publishing is idempotent on the content hash, so `kjudge serve --problems DIR` can publish the
// whole tree at every start: unchanged problems change nothing, edited ones get a new active
// version, and submissions already made stay pinned to the version they were judged against.
//
// Thread safety: as its Session.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/session.h"

namespace kjudge::store {

/// One problem bundle to publish, as the problem module loaded it.
struct ProblemVersionInput {
  std::string name;          ///< the problem's unique name (1-128 characters)
  std::string title;
  std::string content_hash;  ///< hex SHA-256 of the bundle (64 characters), as the problem module computes it
  std::string spec_json;     ///< the validated spec as JSON (must parse)
  std::map<std::string, std::string> files;  ///< relative path -> exact bytes (no absolute paths, no "..")
  std::vector<std::string> gpus;  ///< GPU types it runs on: one leaderboard each (at least one)
  std::optional<std::int64_t> deadline_ms;  ///< the spec's deadline, if any
};

struct Problem {
  std::int64_t id = 0;
  std::string name;
  std::string title;  ///< the active version's title
  std::optional<std::int64_t> active_version_id;
  std::int64_t created_ms = 0;
  std::int64_t updated_ms = 0;  ///< last publish or activation that changed something
};

/// A version's metadata; its files come with ProblemBundle.
struct ProblemVersion {
  std::int64_t id = 0;
  std::int64_t problem_id = 0;
  std::string content_hash;
  std::string title;
  std::string spec_json;
  std::int64_t created_ms = 0;
};

/// A version with every file: what a runner judges against.
struct ProblemBundle {
  Problem problem;
  ProblemVersion version;
  std::map<std::string, std::string> files;
};

struct PublishResult {
  Problem problem;
  ProblemVersion version;  ///< the active version after publishing
  bool created_version = false;   ///< false when this content hash was already stored
  bool changed_active = false;    ///< false when it was already the active version
  std::vector<Leaderboard> created_leaderboards;
};

class ProblemRepository {
 public:
  explicit ProblemRepository(Session session) : session_(session) {}

  /// Publishes a bundle in one transaction:
  ///   - creates the problem when its name is new;
  ///   - stores a new version when the content hash is new to this problem, else reuses the stored
  ///     one (the files are not compared again: the hash covers them);
  ///   - makes that version active (and the title current);
  ///   - creates a leaderboard for each listed GPU that has none, with the input's deadline;
  ///   - when a new version was stored and the input has a deadline, applies it to the listed
  ///     GPUs' existing leaderboards too (a re-publish of known content leaves organizer edits alone).
  /// Leaderboards of GPUs no longer listed are left as they are: their rankings are history.
  /// kInvalidArgument for an empty name or GPU list, a malformed hash, invalid JSON or an unsafe
  /// file path.
  Result<PublishResult> Publish(const ProblemVersionInput& input);

  /// Every problem, by name.
  Result<std::vector<Problem>> List();
  /// kNotFound when absent.
  Result<Problem> Get(std::int64_t id);
  Result<Problem> GetByName(std::string_view name);

  /// kNotFound when absent.
  Result<ProblemVersion> GetVersion(std::int64_t version_id);
  /// A version by content hash (what runners ask for). kNotFound when absent.
  Result<ProblemVersion> GetVersionByHash(std::string_view content_hash);
  /// A problem's versions, oldest first.
  Result<std::vector<ProblemVersion>> ListVersions(std::int64_t problem_id);
  /// The version's files, by path.
  Result<std::map<std::string, std::string>> GetFiles(std::int64_t version_id);
  /// The active version with its files. kNotFound when the problem is absent or has none.
  Result<ProblemBundle> GetActiveBundle(std::int64_t problem_id);
  /// The version with that content hash and its files. kNotFound when absent.
  Result<ProblemBundle> GetBundleByHash(std::string_view content_hash);

  /// Makes an existing version of the problem active again (roll back a bad publish).
  /// kNotFound when absent; kInvalidArgument when the version belongs to another problem.
  Status Activate(std::int64_t problem_id, std::int64_t version_id);

 private:
  Session session_;
};

}  // namespace kjudge::store
