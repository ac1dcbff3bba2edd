// ArtifactRepository: files a run produced, kept beside it (run_artifacts, migration 0007): the
// Nsight Compute report of a profile-mode run. A runner uploads one while its lease holds the
// job, before the run exists (StageForLease); recording that lease's run attaches it in the same
// transaction (the migration's trigger), so a run and its report commit together and a stale
// lease's upload never reaches another runner's run. Deleting a run (or its job) deletes them.
//
// Thread safety: as its Session.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kjudge/core/result.h"
#include "kjudge/store/schema_enums.h"
#include "kjudge/store/session.h"

namespace kjudge::store {

/// Largest artifact stored, in bytes (the schema's CHECK says the same): the runner refuses a
/// larger report before reading it (docs/gpus.md).
inline constexpr std::size_t kMaxArtifactBytes = 64u << 20;
inline constexpr std::size_t kMaxArtifactFileNameBytes = 255;

/// An artifact without its bytes.
struct ArtifactInfo {
  std::int64_t run_id = 0;
  ArtifactKind kind = ArtifactKind::kNcuReport;
  std::string file_name;  ///< as the runner named it ("profile.ncu-rep")
  std::uint64_t size_bytes = 0;
  std::string sha256;     ///< hex, of the bytes as stored
  std::int64_t created_ms = 0;
};

struct Artifact {
  ArtifactInfo info;
  std::string bytes;
};

/// What a runner uploads under its lease.
struct NewUpload {
  std::int64_t job_id = 0;
  std::string lease_id;  ///< the lease the upload is for; checked again when the run is recorded
  ArtifactKind kind = ArtifactKind::kNcuReport;
  std::string file_name;  ///< 1..kMaxArtifactFileNameBytes bytes, no '/' or control characters
  std::string_view bytes;  ///< at most kMaxArtifactBytes
};

class ArtifactRepository {
 public:
  explicit ArtifactRepository(Session session) : session_(session) {}

  /// Stages `upload` for the run its lease will record, replacing an earlier upload of the same
  /// kind for the job (from this lease or an expired one). The caller checks that the lease holds
  /// the job. kNotFound for a missing job; kInvalidArgument for a bad file name; kResourceExhausted
  /// over kMaxArtifactBytes. Returns what was staged (run_id 0).
  Result<ArtifactInfo> StageForLease(const NewUpload& upload);
  /// Stores an artifact of an existing run directly, replacing one of the same kind (tools, tests).
  Result<ArtifactInfo> Put(std::int64_t run_id, ArtifactKind kind, const std::string& file_name, std::string_view bytes);
  /// The run's artifact of `kind`, without its bytes; nullopt when there is none.
  Result<std::optional<ArtifactInfo>> Find(std::int64_t run_id, ArtifactKind kind);
  /// The same with its bytes.
  Result<std::optional<Artifact>> Get(std::int64_t run_id, ArtifactKind kind);

 private:
  Session session_;
};

/// kInvalidArgument unless `name` is a plain file name of 1..kMaxArtifactFileNameBytes bytes (no
/// '/', '\\', control characters, nor "." or "..").
Status ValidateArtifactFileName(const std::string& name);

}  // namespace kjudge::store
