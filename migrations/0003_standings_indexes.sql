-- Leaderboard standings (LeaderboardRepository::Standings) read every leaderboard-mode submission
-- of one board and its passing runs. Both indexes cover those reads, so neither touches the wide
-- rows (sources, logs, per-case JSON) that the tables hold.
CREATE INDEX submissions_by_board_mode_user ON submissions(leaderboard_id, mode, user_id, created_ms);
CREATE INDEX runs_passed_by_submission ON runs(submission_id, verdict, score_ns, sol_ratio);
