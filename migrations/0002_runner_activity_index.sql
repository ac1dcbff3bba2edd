-- Which runners served a GPU type recently (SubmissionIntake's queue ETA, asked on every
-- submission and status read): only jobs a runner has touched carry a lease_owner, so this partial
-- index holds those alone, by GPU type and last update. Without it the question scanned the whole
-- jobs table, growing with every queued job.
CREATE INDEX jobs_by_runner_activity ON jobs(gpu, updated_ms, lease_owner) WHERE lease_owner IS NOT NULL;
