-- Profile mode (docs/gpus.md, "Profile mode"): a profile-mode run keeps what Nsight Compute
-- measured (the runner's `profile` summary, as JSON) and the Nsight Compute report file itself,
-- which its owner, organizers and admins download (GET /api/v1/runs/{id}/profile-report).
--
-- The runner uploads the report before it posts the result, while its lease holds the job and
-- before the run exists: the upload is staged per job and lease (job_uploads), and the trigger
-- below moves it to the run in the same transaction that records the run, only when the lease
-- that recorded the run is the lease that uploaded it. A staged upload of an expired lease is
-- never attached; it is replaced by the next lease's upload, or deleted when the job's next run
-- is recorded.
ALTER TABLE runs ADD COLUMN profile_json TEXT CHECK (profile_json IS NULL OR json_valid(profile_json));

-- Files a run produced. kind is store::ArtifactKind (schema_enums.cc); 64 MiB is the runner's
-- bound on a report it reads (docs/gpus.md, "The report is hostile").
CREATE TABLE run_artifacts (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('ncu_report')),
  file_name   TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  bytes       BLOB NOT NULL CHECK (length(bytes) <= 67108864),
  sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
  created_ms  INTEGER NOT NULL,
  UNIQUE (run_id, kind)
) STRICT;

-- An artifact uploaded under a lease, waiting for the lease's run (see above).
CREATE TABLE job_uploads (
  job_id      INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  lease_id    TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('ncu_report')),
  file_name   TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  bytes       BLOB NOT NULL CHECK (length(bytes) <= 67108864),
  sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
  created_ms  INTEGER NOT NULL,
  PRIMARY KEY (job_id, kind)
) STRICT;

-- Recording a run (queue::JobQueue::Complete checks the lease first; the job still carries it)
-- attaches what that lease uploaded and drops every staged upload of the job.
CREATE TRIGGER run_artifacts_from_uploads AFTER INSERT ON runs
BEGIN
  INSERT INTO run_artifacts(run_id, kind, file_name, bytes, sha256, created_ms)
    SELECT NEW.id, u.kind, u.file_name, u.bytes, u.sha256, u.created_ms
    FROM job_uploads u JOIN jobs j ON j.id = u.job_id
    WHERE u.job_id = NEW.job_id AND u.lease_id = j.lease_id;
  DELETE FROM job_uploads WHERE job_id = NEW.job_id;
END;
