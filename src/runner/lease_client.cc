#include "kjudge/runner/lease_client.h"

#include <cctype>

namespace kjudge::runner {

Result<LeasedJob> LeasedJob::FromJson(const nlohmann::json& j) {
  try {
    LeasedJob job;
    job.job_id = j.at("job_id").get<std::int64_t>();
    job.lease_id = j.at("lease_id").get<std::string>();
    job.lease_expires_ms = j.at("lease_expires_ms").get<std::int64_t>();
    job.submission_id = j.at("submission_id").get<std::int64_t>();
    job.mode = j.at("mode").get<std::string>();
    job.gpu = j.at("gpu").get<std::string>();
    job.language = j.at("language").get<std::string>();
    job.file_name = j.at("file_name").get<std::string>();
    job.source = j.at("source").get<std::string>();
    job.problem_name = j.at("problem").get<std::string>();
    job.problem_hash = j.at("problem_hash").get<std::string>();
    job.attempt = j.value("attempt", 1);
    return job;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("malformed job from server: ") + e.what());
  }
}

nlohmann::json LeasedJob::ToJson() const {
  return {{"job_id", job_id},       {"lease_id", lease_id},   {"lease_expires_ms", lease_expires_ms},
          {"submission_id", submission_id}, {"mode", mode}, {"gpu", gpu},
          {"language", language},   {"file_name", file_name}, {"source", source},
          {"problem", problem_name}, {"problem_hash", problem_hash}, {"attempt", attempt}};
}

LeaseClient::LeaseClient(HttpClient client, std::string runner_name, std::string gpu)
    : client_(std::move(client)), runner_name_(std::move(runner_name)), gpu_(std::move(gpu)) {}

namespace {
Error ReplyError(const HttpReply& reply, const std::string& what) {
  std::string message = what + ": HTTP " + std::to_string(reply.status);
  auto body = nlohmann::json::parse(reply.body, nullptr, false);
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    message += ": " + body["message"].get<std::string>();
  }
  ErrorCode code = ErrorCode::kUnavailable;
  if (reply.status == 401) code = ErrorCode::kUnauthenticated;
  if (reply.status == 403) code = ErrorCode::kPermissionDenied;
  if (reply.status == 404) code = ErrorCode::kNotFound;
  if (reply.status == 409) code = ErrorCode::kFailedPrecondition;
  if (reply.status == 400 || reply.status == 413 || reply.status == 422) code = ErrorCode::kInvalidArgument;
  return MakeError(code, message);
}
}  // namespace

Result<nlohmann::json> LeaseClient::Post(const std::string& path, const nlohmann::json& body, int timeout_s) {
  KJ_ASSIGN_OR_RETURN(HttpReply reply, client_.Request("POST", path, body.dump(), "application/json",
                                                       std::chrono::seconds(timeout_s)));
  if (reply.status == 204) return nlohmann::json();
  if (reply.status / 100 != 2) return ReplyError(reply, "POST " + path);
  auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
  if (parsed.is_discarded()) return MakeError(ErrorCode::kUnavailable, "POST " + path + ": the server sent invalid JSON");
  return parsed;
}

Result<std::optional<LeasedJob>> LeaseClient::Lease(int wait_s, int capacity_gpus) {
  KJ_ASSIGN_OR_RETURN(nlohmann::json reply,
                      Post("/api/runner/lease",
                           {{"runner", runner_name_}, {"gpu", gpu_}, {"wait_s", wait_s}, {"gpus", capacity_gpus}},
                           wait_s + 15));
  if (reply.is_null() || !reply.contains("job") || reply["job"].is_null()) return std::optional<LeasedJob>();
  KJ_ASSIGN_OR_RETURN(LeasedJob job, LeasedJob::FromJson(reply["job"]));
  return std::optional<LeasedJob>(std::move(job));
}

Result<std::int64_t> LeaseClient::Heartbeat(const LeasedJob& job) {
  KJ_ASSIGN_OR_RETURN(nlohmann::json reply,
                      Post("/api/runner/jobs/" + std::to_string(job.job_id) + "/heartbeat", {{"lease_id", job.lease_id}}, 20));
  if (!reply.is_object() || !reply.contains("lease_expires_ms")) {
    return MakeError(ErrorCode::kUnavailable, "heartbeat: the server sent no expiry");
  }
  return reply["lease_expires_ms"].get<std::int64_t>();
}

Status LeaseClient::Events(const LeasedJob& job, const nlohmann::json& events) {
  KJ_RETURN_IF_ERROR(Post("/api/runner/jobs/" + std::to_string(job.job_id) + "/events",
                          {{"lease_id", job.lease_id}, {"events", events}}, 20));
  return Ok();
}

namespace {
/// Percent-encodes everything but RFC 3986's unreserved characters, for a query value.
std::string QueryEscape(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}
}  // namespace

Status LeaseClient::UploadProfileReport(const LeasedJob& job, const std::string& bytes, const std::string& file_name) {
  const std::string path = "/api/runner/jobs/" + std::to_string(job.job_id) + "/profile-report?lease_id=" +
                           QueryEscape(job.lease_id) + "&file_name=" + QueryEscape(file_name);
  // 64 MiB at a modest 1 MiB/s, plus the server's write.
  KJ_ASSIGN_OR_RETURN(HttpReply reply, client_.Request("PUT", path, bytes, "application/octet-stream",
                                                       std::chrono::seconds(120)));
  if (reply.status / 100 != 2) return ReplyError(reply, "PUT profile report of job " + std::to_string(job.job_id));
  return Ok();
}

Status LeaseClient::Complete(const LeasedJob& job, const nlohmann::json& result) {
  KJ_RETURN_IF_ERROR(Post("/api/runner/jobs/" + std::to_string(job.job_id) + "/result",
                          {{"lease_id", job.lease_id}, {"result", result}}, 60));
  return Ok();
}

Result<ProblemBundleFiles> LeaseClient::FetchProblem(const std::string& content_hash) {
  KJ_ASSIGN_OR_RETURN(HttpReply reply, client_.Request("GET", "/api/runner/problems/" + content_hash, "", "",
                                                       std::chrono::seconds(60)));
  if (reply.status != 200) return ReplyError(reply, "GET problem " + content_hash);
  auto j = nlohmann::json::parse(reply.body, nullptr, false);
  try {
    ProblemBundleFiles bundle;
    bundle.content_hash = j.at("content_hash").get<std::string>();
    bundle.files = j.at("files").get<std::map<std::string, std::string>>();
    if (bundle.content_hash != content_hash) {
      return MakeError(ErrorCode::kUnavailable, "the server sent problem version " + bundle.content_hash + " for " + content_hash);
    }
    return bundle;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kUnavailable, std::string("malformed problem bundle: ") + e.what());
  }
}

}  // namespace kjudge::runner
