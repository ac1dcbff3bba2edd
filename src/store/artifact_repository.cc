#include "kjudge/store/artifact_repository.h"

#include <string>

#include "kjudge/core/sha256.h"
#include "row_reading.h"

namespace kjudge::store {

namespace {

#define KJ_ARTIFACT_COLUMNS "run_id, kind, file_name, length(bytes), sha256, created_ms"

Result<ArtifactInfo> ReadInfo(const Statement& row) {
  ArtifactInfo info;
  info.run_id = row.Int(0);
  KJ_ASSIGN_OR_RETURN(info.kind, ColumnEnum<ArtifactKind>(row, 1));
  info.file_name = row.Text(2);
  info.size_bytes = static_cast<std::uint64_t>(row.Int(3));
  info.sha256 = row.Text(4);
  info.created_ms = row.Int(5);
  return info;
}

Status CheckBytes(std::string_view bytes) {
  if (bytes.size() > kMaxArtifactBytes) {
    return MakeError(ErrorCode::kResourceExhausted, "an artifact may have at most " + std::to_string(kMaxArtifactBytes) +
                                                        " bytes; this one has " + std::to_string(bytes.size()));
  }
  return Ok();
}

}  // namespace

Status ValidateArtifactFileName(const std::string& name) {
  bool plain = !name.empty() && name.size() <= kMaxArtifactFileNameBytes && name != "." && name != "..";
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') plain = false;
  }
  if (!plain) {
    return MakeError(ErrorCode::kInvalidArgument, "an artifact's file name must be a plain name of 1-" +
                                                      std::to_string(kMaxArtifactFileNameBytes) +
                                                      " bytes, without '/', '\\' or control characters");
  }
  return Ok();
}

Result<ArtifactInfo> ArtifactRepository::StageForLease(const NewUpload& upload) {
  KJ_RETURN_IF_ERROR(ValidateArtifactFileName(upload.file_name));
  KJ_RETURN_IF_ERROR(CheckBytes(upload.bytes));
  ArtifactInfo info{0, upload.kind, upload.file_name, upload.bytes.size(), Sha256Hex(upload.bytes), session_.clock().NowMs()};
  return session_.Write([&](Connection& c) -> Result<ArtifactInfo> {
    {
      KJ_ASSIGN_OR_RETURN(Statement exists, c.Query("SELECT 1 FROM jobs WHERE id = ?", upload.job_id));
      KJ_ASSIGN_OR_RETURN(bool found, exists.Step());
      if (!found) return MakeError(ErrorCode::kNotFound, Describe("job", upload.job_id) + " not found");
    }
    KJ_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO job_uploads(job_id, lease_id, kind, file_name, bytes, sha256, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(job_id, kind) DO UPDATE SET lease_id = excluded.lease_id, file_name = excluded.file_name, "
        "bytes = excluded.bytes, sha256 = excluded.sha256, created_ms = excluded.created_ms",
        upload.job_id, upload.lease_id, Name(upload.kind), upload.file_name, Blob{upload.bytes}, info.sha256,
        info.created_ms));
    return info;
  });
}

Result<ArtifactInfo> ArtifactRepository::Put(std::int64_t run_id, ArtifactKind kind, const std::string& file_name,
                                             std::string_view bytes) {
  KJ_RETURN_IF_ERROR(ValidateArtifactFileName(file_name));
  KJ_RETURN_IF_ERROR(CheckBytes(bytes));
  ArtifactInfo info{run_id, kind, file_name, bytes.size(), Sha256Hex(bytes), session_.clock().NowMs()};
  return session_.Write([&](Connection& c) -> Result<ArtifactInfo> {
    {
      KJ_ASSIGN_OR_RETURN(Statement exists, c.Query("SELECT 1 FROM runs WHERE id = ?", run_id));
      KJ_ASSIGN_OR_RETURN(bool found, exists.Step());
      if (!found) return MakeError(ErrorCode::kNotFound, Describe("run", run_id) + " not found");
    }
    KJ_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO run_artifacts(run_id, kind, file_name, bytes, sha256, created_ms) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(run_id, kind) DO UPDATE SET file_name = excluded.file_name, bytes = excluded.bytes, "
        "sha256 = excluded.sha256, created_ms = excluded.created_ms",
        run_id, Name(kind), file_name, Blob{bytes}, info.sha256, info.created_ms));
    return info;
  });
}

Result<std::optional<ArtifactInfo>> ArtifactRepository::Find(std::int64_t run_id, ArtifactKind kind) {
  return session_.Read([&](Connection& c) -> Result<std::optional<ArtifactInfo>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_ARTIFACT_COLUMNS " FROM run_artifacts WHERE run_id = ? AND kind = ?",
                                                run_id, Name(kind)));
    KJ_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) return std::optional<ArtifactInfo>();
    KJ_ASSIGN_OR_RETURN(ArtifactInfo info, ReadInfo(stmt));
    return std::optional<ArtifactInfo>(std::move(info));
  });
}

Result<std::optional<Artifact>> ArtifactRepository::Get(std::int64_t run_id, ArtifactKind kind) {
  return session_.Read([&](Connection& c) -> Result<std::optional<Artifact>> {
    KJ_ASSIGN_OR_RETURN(Statement stmt, c.Query("SELECT " KJ_ARTIFACT_COLUMNS ", bytes FROM run_artifacts WHERE run_id = ? AND kind = ?",
                                                run_id, Name(kind)));
    KJ_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) return std::optional<Artifact>();
    KJ_ASSIGN_OR_RETURN(ArtifactInfo info, ReadInfo(stmt));
    Artifact artifact{std::move(info), stmt.BlobBytes(6)};
    if (artifact.bytes.size() != artifact.info.size_bytes) {
      return MakeError(ErrorCode::kCorruption, Describe("run", run_id) + "'s artifact is not the size stored");
    }
    return std::optional<Artifact>(std::move(artifact));
  });
}

}  // namespace kjudge::store
