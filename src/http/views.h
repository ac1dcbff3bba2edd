// JSON views of the records several route groups return, so a leaderboard, user, token, run or
// queue position looks the same in every answer. docs/openapi.yaml declares each as a schema of
// the same name (Leaderboard, User, Token, Run, QueueStatus).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "kjudge/http/submission_intake.h"
#include "kjudge/store/hack_repository.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/run_repository.h"
#include "kjudge/store/token_repository.h"
#include "kjudge/store/user_repository.h"

namespace kjudge::http {

/// A value, or JSON null when absent.
template <typename T>
nlohmann::json OrNull(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json();
}

/// `staff` adds its visibility; accepts_submissions is whether the leaderboard is open (after a
/// deadline leaderboard-mode runs are still judged, apart from the frozen ranks).
nlohmann::json LeaderboardJson(const store::Leaderboard& board, bool staff, std::int64_t now_ms);
nlohmann::json UserJson(const store::User& user);
/// Never the secret. `user_name` is empty for an unredeemed invite.
nlohmann::json TokenJson(const store::Token& token, const std::optional<std::string>& user_name);
nlohmann::json QueueJson(const QueueStatus& queue);
/// The run with its per-case results, logs and profile summary ("profile", null outside profile
/// mode). The raw audit data stored with each case (its "audit" object) is left out: GET
/// /api/v1/runs/{id}/audit serves it. `has_profile_report` adds "profile_report_url", where the
/// run's Nsight Compute report is downloaded.
nlohmann::json RunJson(const store::Run& run, bool has_profile_report = false);
/// Where a run's Nsight Compute report is downloaded: "/api/v1/runs/{id}/profile-report".
std::string ProfileReportPath(std::int64_t run_id);
/// A hack mark as its submission's owner sees it (reason, when); `staff` adds who made it.
nlohmann::json HackJson(const store::HackMark& mark, bool staff);
/// HackJson of `mark`, or JSON null when the submission is not marked.
nlohmann::json HackJsonOrNull(const std::optional<store::HackMark>& mark, bool staff);

}  // namespace kjudge::http
