#include "views.h"

namespace kjudge::http {

nlohmann::json LeaderboardJson(const store::Leaderboard& board, bool staff, std::int64_t now_ms) {
  nlohmann::json j = {{"id", board.id},
                      {"problem", board.problem_name},
                      {"gpu", board.gpu},
                      {"state", store::Name(board.state)},
                      {"deadline_ms", OrNull(board.deadline_ms)},
                      {"accepts_submissions", board.AcceptsLeaderboardSubmissions(now_ms)}};
  if (staff) j["visibility"] = store::Name(board.visibility);
  return j;
}

nlohmann::json UserJson(const store::User& user) {
  return {{"id", user.id},
          {"name", user.name},
          {"display_name", user.display_name},
          {"role", store::Name(user.role)},
          {"created_ms", user.created_ms},
          {"banned", user.banned()},
          {"banned_ms", OrNull(user.banned_ms)},
          {"ban_reason", user.ban_reason}};
}

nlohmann::json TokenJson(const store::Token& token, const std::optional<std::string>& user_name) {
  return {{"id", token.id},
          {"user", OrNull(user_name)},
          {"kind", store::Name(token.kind)},
          {"label", token.label},
          {"invite_role", token.invite_role ? nlohmann::json(store::Name(*token.invite_role)) : nlohmann::json()},
          {"created_ms", token.created_ms},
          {"last_used_ms", OrNull(token.last_used_ms)},
          {"revoked_ms", OrNull(token.revoked_ms)},
          {"expires_ms", OrNull(token.expires_ms)}};
}

nlohmann::json QueueJson(const QueueStatus& queue) {
  return {{"gpu", queue.gpu},
          {"position", queue.position},
          {"jobs_ahead", queue.jobs_ahead},
          {"queued_jobs", queue.queued_jobs},
          {"running_jobs", queue.running_jobs},
          {"runners", queue.runners},
          {"eta_s", OrNull(queue.eta_s)},
          {"summary", queue.summary}};
}

std::string ProfileReportPath(std::int64_t run_id) { return "/api/v1/runs/" + std::to_string(run_id) + "/profile-report"; }

nlohmann::json RunJson(const store::Run& run, bool has_profile_report) {
  auto cases = nlohmann::json::parse(run.cases_json, nullptr, false);
  if (cases.is_discarded()) cases = nlohmann::json::array();
  for (auto& c : cases) {
    if (c.is_object()) c.erase("audit");
  }
  nlohmann::json profile;
  if (run.profile_json) {
    profile = nlohmann::json::parse(*run.profile_json, nullptr, false);
    if (!profile.is_object()) profile = nullptr;
  }
  nlohmann::json out = {{"id", run.id},
          {"job_id", run.job_id},
          {"submission_id", run.submission_id},
          {"attempt", run.attempt},
          {"verdict", store::Name(run.verdict)},
          {"message", run.message},
          {"score_ns", OrNull(run.score_ns)},
          {"sol_ratio", OrNull(run.sol_ratio)},
          {"cases", std::move(cases)},
          {"compile_log", run.compile_log},
          {"run_log", run.run_log},
          {"device", run.device},
          {"runner", run.runner},
          {"started_ms", run.started_ms},
          {"finished_ms", run.finished_ms},
          {"profile", std::move(profile)}};
  if (has_profile_report) out["profile_report_url"] = ProfileReportPath(run.id);
  return out;
}

nlohmann::json HackJson(const store::HackMark& mark, bool staff) {
  nlohmann::json j = {{"reason", mark.reason}, {"marked_ms", mark.marked_ms}};
  if (staff) j["marked_by"] = mark.marked_by;
  return j;
}

nlohmann::json HackJsonOrNull(const std::optional<store::HackMark>& mark, bool staff) {
  return mark ? HackJson(*mark, staff) : nlohmann::json();
}

}  // namespace kjudge::http
