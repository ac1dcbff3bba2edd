-- The home page's recent leaderboard runs (RunRepository::RecentLeaderboardRuns) walk the newest
-- leaderboard-mode submissions; without an index by mode that walk scans every submission that is
-- not one. A competitor's public history (SubmissionRepository::UserHistory) reads one user's
-- leaderboard-mode submissions newest first, past however many test runs they made.
CREATE INDEX submissions_by_mode ON submissions(mode);
CREATE INDEX submissions_by_user_mode ON submissions(user_id, mode, created_ms);
