-- Submissions marked as hacked (issue 8, "after the fact"): an organizer found that a submission
-- cheats (it gamed the timer, replayed outputs, ...) after it was judged and ranked. The mark takes
-- every run of that submission out of every ranking — live and frozen leaderboards, post-deadline
-- lists, competition standings, improvement charts — without deleting anything: the submission,
-- its jobs, runs, per-case results and logs stay as evidence. Unmarking (deleting the row) puts its
-- runs back. Marks are per submission, not per run: a hacked submission's other runs (reruns, its
-- next best) do not count either, while the same competitor's other submissions still do.
--
-- Who marked it and when is kept with the mark; the audit log records every mark and unmark
-- (actions submission.hacked, submission.unhacked), so the history outlives an unmark.
CREATE TABLE submission_hacks (
  submission_id      INTEGER PRIMARY KEY REFERENCES submissions(id) ON DELETE CASCADE,
  reason             TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 4000),
  marked_by_user_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,  -- NULL: the CLI, or a deleted account
  marked_by          TEXT NOT NULL CHECK (length(marked_by) > 0),       -- the name at the time
  marked_ms          INTEGER NOT NULL
) STRICT;
CREATE INDEX submission_hacks_by_marker ON submission_hacks(marked_by_user_id);

-- A mark names one submission for good: moving it would need both halves of the triggers below.
CREATE TRIGGER submission_hacks_fixed BEFORE UPDATE OF submission_id ON submission_hacks
BEGIN
  SELECT RAISE(ABORT, 'a hack mark cannot move to another submission; unmark and mark again');
END;

-- Marking removes the submission's results; leaderboard_best_delete (0005) then finds each
-- entrant's next best among what remains.
CREATE TRIGGER submission_hacks_mark AFTER INSERT ON submission_hacks
BEGIN
  DELETE FROM leaderboard_results WHERE run_id IN (SELECT id FROM runs WHERE submission_id = NEW.submission_id);
END;

-- Unmarking restores them (nothing when the submission itself is being deleted: the cascade
-- reaches this row after the submission is gone, so the join is empty).
CREATE TRIGGER submission_hacks_unmark AFTER DELETE ON submission_hacks
BEGIN
  INSERT INTO leaderboard_results(run_id, leaderboard_id, user_id, submission_id, submitted_ms, score_ns, sol_ratio)
    SELECT r.id, s.leaderboard_id, s.user_id, s.id, s.created_ms, r.score_ns, r.sol_ratio
    FROM submissions s JOIN runs r ON r.submission_id = s.id
    WHERE s.id = OLD.submission_id AND s.mode = 'leaderboard' AND s.leaderboard_id IS NOT NULL
      AND r.verdict = 'passed' AND r.score_ns IS NOT NULL;
END;

-- The triggers of 0005 that add results, again, each leaving out hacked submissions: a rerun of a
-- hacked submission, a re-judged run or a backdated submission must not bring it back.
DROP TRIGGER leaderboard_standings_submission_update;
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
      AND NEW.mode = 'leaderboard' AND NEW.leaderboard_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM submission_hacks h WHERE h.submission_id = NEW.id);
END;

DROP TRIGGER leaderboard_results_insert;
CREATE TRIGGER leaderboard_results_insert AFTER INSERT ON runs
WHEN NEW.verdict = 'passed' AND NEW.score_ns IS NOT NULL
BEGIN
  INSERT INTO leaderboard_results(run_id, leaderboard_id, user_id, submission_id, submitted_ms, score_ns, sol_ratio)
    SELECT NEW.id, s.leaderboard_id, s.user_id, s.id, s.created_ms, NEW.score_ns, NEW.sol_ratio FROM submissions s
    WHERE s.id = NEW.submission_id AND s.mode = 'leaderboard' AND s.leaderboard_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM submission_hacks h WHERE h.submission_id = s.id);
END;

DROP TRIGGER leaderboard_results_update;
CREATE TRIGGER leaderboard_results_update AFTER UPDATE OF submission_id, verdict, score_ns, sol_ratio ON runs
BEGIN
  DELETE FROM leaderboard_results WHERE run_id = OLD.id;
  INSERT INTO leaderboard_results(run_id, leaderboard_id, user_id, submission_id, submitted_ms, score_ns, sol_ratio)
    SELECT NEW.id, s.leaderboard_id, s.user_id, s.id, s.created_ms, NEW.score_ns, NEW.sol_ratio FROM submissions s
    WHERE s.id = NEW.submission_id AND s.mode = 'leaderboard' AND s.leaderboard_id IS NOT NULL
      AND NEW.verdict = 'passed' AND NEW.score_ns IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM submission_hacks h WHERE h.submission_id = s.id);
END;
