-- kjudge schema, version 1: everything the judge needs.
--
-- Conventions: times are integer Unix milliseconds in *_ms columns; enumerations are TEXT with a
-- CHECK listing exactly the names src/store/schema_enums.cc maps to C++ enums; every table is
-- STRICT so a wrong type is an error instead of a silent conversion. Never edit this file once a
-- database has applied it: add migrations/NNNN_name.sql instead (see migrations/README.md).

-- People and programs that act on the server. Names are unique regardless of case, so "Alice" and
-- "alice" cannot be two accounts. Users are banned rather than deleted to keep history; deleting
-- one removes everything they submitted.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
  display_name  TEXT NOT NULL DEFAULT '',
  role          TEXT NOT NULL CHECK (role IN ('competitor', 'organizer', 'admin', 'runner')),
  created_ms    INTEGER NOT NULL,
  banned_ms     INTEGER,                      -- NULL: not banned
  ban_reason    TEXT NOT NULL DEFAULT ''
) STRICT;

-- Bearer secrets. Only the SHA-256 of a token is stored; the plaintext is shown once at issue.
-- An invite belongs to nobody until redeemed and carries the role its redeemer gets.
CREATE TABLE tokens (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER REFERENCES users(id) ON DELETE CASCADE,
  kind          TEXT NOT NULL CHECK (kind IN ('api', 'popcorn_cli', 'runner', 'invite')),
  hash          TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
  label         TEXT NOT NULL DEFAULT '',
  invite_role   TEXT CHECK (invite_role IN ('competitor', 'organizer', 'admin', 'runner')),
  created_ms    INTEGER NOT NULL,
  last_used_ms  INTEGER,
  revoked_ms    INTEGER,
  expires_ms    INTEGER,
  CHECK ((kind = 'invite') = (user_id IS NULL)),
  CHECK ((kind = 'invite') = (invite_role IS NOT NULL))
) STRICT;
CREATE INDEX tokens_by_user ON tokens(user_id);

-- A problem is a name; what is judged is one of its immutable versions (a content-hashed bundle).
-- active_version_id says which version new submissions are judged against.
CREATE TABLE problems (
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
  title              TEXT NOT NULL,              -- the active version's, for listings
  active_version_id  INTEGER REFERENCES problem_versions(id) ON DELETE SET NULL,
  created_ms         INTEGER NOT NULL,
  updated_ms         INTEGER NOT NULL
) STRICT;

-- Versions that submissions were judged against must outlive attempts to delete their problem.
CREATE TABLE problem_versions (
  id            INTEGER PRIMARY KEY,
  problem_id    INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
  content_hash  TEXT NOT NULL CHECK (length(content_hash) = 64),
  title         TEXT NOT NULL,
  spec_json     TEXT NOT NULL CHECK (json_valid(spec_json)),
  created_ms    INTEGER NOT NULL,
  UNIQUE (problem_id, content_hash)
) STRICT;
CREATE INDEX problem_versions_by_hash ON problem_versions(content_hash);

CREATE TABLE problem_files (
  version_id  INTEGER NOT NULL REFERENCES problem_versions(id) ON DELETE CASCADE,
  path        TEXT NOT NULL CHECK (length(path) > 0),
  content     BLOB NOT NULL,
  PRIMARY KEY (version_id, path)
) STRICT, WITHOUT ROWID;

-- A judged bundle never changes under the runs that used it.
CREATE TRIGGER problem_versions_immutable BEFORE UPDATE ON problem_versions
BEGIN
  SELECT RAISE(ABORT, 'problem versions are immutable; publish a new version');
END;
CREATE TRIGGER problem_files_immutable BEFORE UPDATE ON problem_files
BEGIN
  SELECT RAISE(ABORT, 'problem files are immutable; publish a new version');
END;

-- One ranking per (problem, GPU type). A closed or past-deadline leaderboard refuses
-- leaderboard-mode submissions; a hidden one is left out of public listings.
CREATE TABLE leaderboards (
  id           INTEGER PRIMARY KEY,
  problem_id   INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
  gpu          TEXT NOT NULL CHECK (length(gpu) BETWEEN 1 AND 64),
  deadline_ms  INTEGER,                        -- NULL: no deadline
  visibility   TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'hidden')),
  state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
  created_ms   INTEGER NOT NULL,
  UNIQUE (problem_id, gpu)
) STRICT;

-- A competition ranks competitors by a weighted sum over its problems (or single leaderboards).
CREATE TABLE competitions (
  id                     INTEGER PRIMARY KEY,
  name                   TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
  title                  TEXT NOT NULL,
  description            TEXT NOT NULL DEFAULT '',
  start_ms               INTEGER NOT NULL,
  deadline_ms            INTEGER NOT NULL,
  points_rule            TEXT NOT NULL CHECK (points_rule IN ('rank_points', 'relative_score', 'sol_ratio')),
  submissions_published  INTEGER NOT NULL DEFAULT 0 CHECK (submissions_published IN (0, 1)),
  created_ms             INTEGER NOT NULL,
  CHECK (deadline_ms > start_ms)
) STRICT;

-- Exactly one of problem_id (every GPU's leaderboard of that problem) or leaderboard_id.
CREATE TABLE competition_problems (
  id              INTEGER PRIMARY KEY,
  competition_id  INTEGER NOT NULL REFERENCES competitions(id) ON DELETE CASCADE,
  problem_id      INTEGER REFERENCES problems(id) ON DELETE CASCADE,
  leaderboard_id  INTEGER REFERENCES leaderboards(id) ON DELETE CASCADE,
  weight          REAL NOT NULL DEFAULT 1.0 CHECK (weight > 0),
  CHECK ((problem_id IS NULL) <> (leaderboard_id IS NULL)),
  UNIQUE (competition_id, problem_id),
  UNIQUE (competition_id, leaderboard_id)
) STRICT;

-- What a competitor sent. The problem version is pinned at submission time so a later publish
-- never changes what an existing submission is judged against; such versions cannot be deleted.
CREATE TABLE submissions (
  id                  INTEGER PRIMARY KEY,
  user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  problem_version_id  INTEGER NOT NULL REFERENCES problem_versions(id) ON DELETE RESTRICT,
  leaderboard_id      INTEGER REFERENCES leaderboards(id) ON DELETE RESTRICT,
  language            TEXT NOT NULL CHECK (language IN ('cuda', 'hip', 'cpp')),
  file_name           TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
  source              TEXT NOT NULL,
  source_sha256       TEXT NOT NULL CHECK (length(source_sha256) = 64),
  -- Kept so listings can show sizes without reading every source.
  source_bytes        INTEGER NOT NULL CHECK (source_bytes = length(CAST(source AS BLOB))),
  mode                TEXT NOT NULL CHECK (mode IN ('test', 'benchmark', 'leaderboard', 'profile')),
  created_ms          INTEGER NOT NULL
) STRICT;
CREATE INDEX submissions_by_user ON submissions(user_id, created_ms);
CREATE INDEX submissions_by_leaderboard ON submissions(leaderboard_id, created_ms);
-- Duplicate detection: same user, same source, recent.
CREATE INDEX submissions_by_source ON submissions(user_id, source_sha256, created_ms);

-- One unit of judging work: a submission on one GPU type in one mode. user_id repeats the
-- submission's owner so the queue can share GPUs fairly between users without a join.
-- lease_id stays after completion so a repeated result post from the same lease is recognised.
CREATE TABLE jobs (
  id                INTEGER PRIMARY KEY,
  submission_id     INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  gpu               TEXT NOT NULL CHECK (length(gpu) BETWEEN 1 AND 64),
  mode              TEXT NOT NULL CHECK (mode IN ('test', 'benchmark', 'leaderboard', 'profile')),
  status            TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'leased', 'running', 'done', 'failed', 'cancelled')),
  priority          INTEGER NOT NULL DEFAULT 0,  -- higher runs first
  attempts          INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts      INTEGER NOT NULL CHECK (max_attempts >= 1),
  lease_id          TEXT,
  lease_owner       TEXT,
  lease_expires_ms  INTEGER,
  created_ms        INTEGER NOT NULL,
  updated_ms        INTEGER NOT NULL,
  last_error        TEXT NOT NULL DEFAULT '',
  CHECK (status NOT IN ('leased', 'running') OR (lease_id IS NOT NULL AND lease_expires_ms IS NOT NULL))
) STRICT;
-- The queue's pick: queued jobs of one GPU type, highest priority, oldest first.
CREATE INDEX jobs_queue ON jobs(status, gpu, priority DESC, created_ms, id);
CREATE INDEX jobs_by_submission ON jobs(submission_id);
-- A user's recent jobs: rate limits per GPU type and mode, fair-share counts.
CREATE INDEX jobs_by_user ON jobs(user_id, created_ms);
-- Expiry scan over live leases only.
CREATE INDEX jobs_by_lease_expiry ON jobs(lease_expires_ms) WHERE status IN ('leased', 'running');

-- What one attempt at a job produced. (job_id, attempt) is unique: a result is stored once.
-- Logs are capped by the repository (64 KiB each, with a truncation marker).
CREATE TABLE runs (
  id             INTEGER PRIMARY KEY,
  job_id         INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  submission_id  INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
  attempt        INTEGER NOT NULL CHECK (attempt >= 1),
  verdict        TEXT NOT NULL CHECK (verdict IN ('passed', 'wrong_answer', 'compile_error', 'runtime_error',
                                                  'time_limit', 'rejected', 'internal_error')),
  message        TEXT NOT NULL DEFAULT '',
  cases_json     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(cases_json)),
  score_ns       REAL,                          -- ranking statistic over benchmark cases
  sol_ratio      REAL,                          -- geomean of time / speed of light
  compile_log    TEXT NOT NULL DEFAULT '',
  run_log        TEXT NOT NULL DEFAULT '',
  device         TEXT NOT NULL DEFAULT '',
  runner         TEXT NOT NULL DEFAULT '',
  started_ms     INTEGER NOT NULL,
  finished_ms    INTEGER NOT NULL,
  CHECK (finished_ms >= started_ms),
  UNIQUE (job_id, attempt)
) STRICT;
CREATE INDEX runs_by_submission ON runs(submission_id);

-- Who did what to whom. actor keeps the name at the time, so entries survive user deletion.
CREATE TABLE audit_log (
  id             INTEGER PRIMARY KEY,
  actor_user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
  actor          TEXT NOT NULL,
  action         TEXT NOT NULL CHECK (length(action) > 0),
  target         TEXT NOT NULL DEFAULT '',
  detail_json    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail_json)),
  created_ms     INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_log_by_time ON audit_log(created_ms);
-- Append-only; actor_user_id may still be nulled when the actor's account is deleted.
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OF actor, action, target, detail_json, created_ms ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
