-- Leaderboard standings without a join per run (issue 6: one board of 10,000 competitors and
-- 1,000,000 runs). LeaderboardRepository::Standings joined every leaderboard-mode submission of a
-- board to its runs: a million random lookups into runs, seconds per recompute (docs/perf.md).
-- Two tables derived from submissions and runs, kept exact by the triggers below inside the
-- transaction of every write to those tables, let it read one row per competitor instead (and,
-- for ranks frozen at a deadline, seek each one's best run before it). Nothing else writes them.

-- Per (leaderboard, user): how many leaderboard-mode submissions the user made there, passing or
-- not, and their best run of all (what the live standings show; NULL until one passes).
CREATE TABLE leaderboard_entrants (
  leaderboard_id      INTEGER NOT NULL,
  user_id             INTEGER NOT NULL,
  submissions         INTEGER NOT NULL CHECK (submissions > 0),
  best_run_id         INTEGER,
  best_submission_id  INTEGER,
  best_submitted_ms   INTEGER,
  best_score_ns       REAL,
  best_sol_ratio      REAL,
  PRIMARY KEY (leaderboard_id, user_id),
  CHECK ((best_run_id IS NULL) = (best_score_ns IS NULL))
) STRICT, WITHOUT ROWID;

-- Every passing run with a score of a leaderboard-mode submission, with what ranking needs from the
-- submission. run_id is runs.id; submitted_ms is submissions.created_ms.
CREATE TABLE leaderboard_results (
  run_id          INTEGER PRIMARY KEY,
  leaderboard_id  INTEGER NOT NULL,
  user_id         INTEGER NOT NULL,
  submission_id   INTEGER NOT NULL,
  submitted_ms    INTEGER NOT NULL,
  score_ns        REAL NOT NULL,
  sol_ratio       REAL
) STRICT;
-- A competitor's runs in ranking order (score, then the earlier submission, then the earlier run):
-- their best before a cutoff is the first entry that qualifies. Covering, so standings never read
-- the table itself but for the one row they keep.
CREATE INDEX leaderboard_results_by_rank
  ON leaderboard_results(leaderboard_id, user_id, score_ns, submitted_ms, run_id, submission_id, sol_ratio);

INSERT INTO leaderboard_entrants(leaderboard_id, user_id, submissions)
  SELECT leaderboard_id, user_id, count(*) FROM submissions
  WHERE mode = 'leaderboard' AND leaderboard_id IS NOT NULL GROUP BY leaderboard_id, user_id;
INSERT INTO leaderboard_results(run_id, leaderboard_id, user_id, submission_id, submitted_ms, score_ns, sol_ratio)
  SELECT r.id, s.leaderboard_id, s.user_id, s.id, s.created_ms, r.score_ns, r.sol_ratio
  FROM runs r JOIN submissions s ON s.id = r.submission_id
  WHERE r.verdict = 'passed' AND r.score_ns IS NOT NULL AND s.mode = 'leaderboard' AND s.leaderboard_id IS NOT NULL;
UPDATE leaderboard_entrants
  SET (best_run_id, best_submission_id, best_submitted_ms, best_score_ns, best_sol_ratio) = (
    SELECT x.run_id, x.submission_id, x.submitted_ms, x.score_ns, x.sol_ratio
    FROM leaderboard_results x INDEXED BY leaderboard_results_by_rank
    WHERE x.leaderboard_id = leaderboard_entrants.leaderboard_id AND x.user_id = leaderboard_entrants.user_id
    ORDER BY x.score_ns, x.submitted_ms, x.run_id LIMIT 1);

-- Submissions: insert, delete (also by cascade from users), and an update of what ranking reads
-- (tests backdate created_ms), which counts as a delete of the old row and an insert of the new.
CREATE TRIGGER leaderboard_entrants_insert AFTER INSERT ON submissions
WHEN NEW.mode = 'leaderboard' AND NEW.leaderboard_id IS NOT NULL
BEGIN
  INSERT INTO leaderboard_entrants(leaderboard_id, user_id, submissions) VALUES (NEW.leaderboard_id, NEW.user_id, 1)
    ON CONFLICT (leaderboard_id, user_id) DO UPDATE SET submissions = submissions + 1;
END;
CREATE TRIGGER leaderboard_entrants_delete AFTER DELETE ON submissions
WHEN OLD.mode = 'leaderboard' AND OLD.leaderboard_id IS NOT NULL
BEGIN
  DELETE FROM leaderboard_entrants
    WHERE leaderboard_id = OLD.leaderboard_id AND user_id = OLD.user_id AND submissions = 1;
  UPDATE leaderboard_entrants SET submissions = submissions - 1
    WHERE leaderboard_id = OLD.leaderboard_id AND user_id = OLD.user_id AND submissions > 1;
END;
CREATE TRIGGER leaderboard_standings_submission_update
AFTER UPDATE OF user_id, leaderboard_id, mode, created_ms ON submissions
BEGIN
  DELETE FROM leaderboard_entrants
    WHERE OLD.mode = 'leaderboard' AND leaderboard_id = OLD.leaderboard_id AND user_id = OLD.user_id AND submissions = 1;
  UPDATE leaderboard_entrants SET submissions = submissions - 1
    WHERE OLD.mode = 'leaderboard' AND leaderboard_id = OLD.leaderboard_id AND user_id = OLD.user_id AND submissions > 1;
  INSERT INTO leaderboard_entrants(leaderboard_id, user_id, submissions)
    SELECT NEW.leaderboard_id, NEW.user_id, 1 WHERE NEW.mode = 'leaderboard' AND NEW.leaderboard_id IS NOT NULL
    ON CONFLICT (leaderboard_id, user_id) DO UPDATE SET submissions = submissions + 1;
  DELETE FROM leaderboard_results WHERE run_id IN (SELECT id FROM runs WHERE submission_id = OLD.id);
  INSERT INTO leaderboard_results(run_id, leaderboard_id, user_id, submission_id, submitted_ms, score_ns, sol_ratio)
    SELECT r.id, NEW.leaderboard_id, NEW.user_id, NEW.id, NEW.created_ms, r.score_ns, r.sol_ratio FROM runs r
    WHERE r.submission_id = NEW.id AND r.verdict = 'passed' AND r.score_ns IS NOT NULL
      AND NEW.mode = 'leaderboard' AND NEW.leaderboard_id IS NOT NULL;
END;

-- Runs: insert (RunRepository::Record), delete (by cascade from submissions), and an update of
-- what ranking reads.
CREATE TRIGGER leaderboard_results_insert AFTER INSERT ON runs
WHEN NEW.verdict = 'passed' AND NEW.score_ns IS NOT NULL
BEGIN
  INSERT INTO leaderboard_results(run_id, leaderboard_id, user_id, submission_id, submitted_ms, score_ns, sol_ratio)
    SELECT NEW.id, s.leaderboard_id, s.user_id, s.id, s.created_ms, NEW.score_ns, NEW.sol_ratio FROM submissions s
    WHERE s.id = NEW.submission_id AND s.mode = 'leaderboard' AND s.leaderboard_id IS NOT NULL;
END;
CREATE TRIGGER leaderboard_results_delete AFTER DELETE ON runs
BEGIN
  DELETE FROM leaderboard_results WHERE run_id = OLD.id;
END;
CREATE TRIGGER leaderboard_results_update AFTER UPDATE OF submission_id, verdict, score_ns, sol_ratio ON runs
BEGIN
  DELETE FROM leaderboard_results WHERE run_id = OLD.id;
  INSERT INTO leaderboard_results(run_id, leaderboard_id, user_id, submission_id, submitted_ms, score_ns, sol_ratio)
    SELECT NEW.id, s.leaderboard_id, s.user_id, s.id, s.created_ms, NEW.score_ns, NEW.sol_ratio FROM submissions s
    WHERE s.id = NEW.submission_id AND s.mode = 'leaderboard' AND s.leaderboard_id IS NOT NULL
      AND NEW.verdict = 'passed' AND NEW.score_ns IS NOT NULL;
END;

-- Results: a new one that beats the entrant's best replaces it (ties go to the earlier submission,
-- then the earlier run, as in ranking); when the best goes, the next best is sought.
CREATE TRIGGER leaderboard_best_insert AFTER INSERT ON leaderboard_results
BEGIN
  UPDATE leaderboard_entrants
    SET best_run_id = NEW.run_id, best_submission_id = NEW.submission_id, best_submitted_ms = NEW.submitted_ms,
        best_score_ns = NEW.score_ns, best_sol_ratio = NEW.sol_ratio
    WHERE leaderboard_id = NEW.leaderboard_id AND user_id = NEW.user_id
      AND (best_run_id IS NULL OR NEW.score_ns < best_score_ns
           OR (NEW.score_ns = best_score_ns AND (NEW.submitted_ms < best_submitted_ms
               OR (NEW.submitted_ms = best_submitted_ms AND NEW.run_id < best_run_id))));
END;
CREATE TRIGGER leaderboard_best_delete AFTER DELETE ON leaderboard_results
BEGIN
  UPDATE leaderboard_entrants
    SET (best_run_id, best_submission_id, best_submitted_ms, best_score_ns, best_sol_ratio) = (
      SELECT x.run_id, x.submission_id, x.submitted_ms, x.score_ns, x.sol_ratio
      FROM leaderboard_results x INDEXED BY leaderboard_results_by_rank
      WHERE x.leaderboard_id = OLD.leaderboard_id AND x.user_id = OLD.user_id
      ORDER BY x.score_ns, x.submitted_ms, x.run_id LIMIT 1)
    WHERE leaderboard_id = OLD.leaderboard_id AND user_id = OLD.user_id AND best_run_id = OLD.run_id;
END;
