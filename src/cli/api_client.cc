#include "api_client.h"

#include <cctype>
#include <charconv>

namespace kjudge::cli {

void AddServerFlags(Settings& settings, ServerFlags* flags) {
  settings.Add("server", &flags->server, "server URL, e.g. https://judge.example.org");
  settings.Add("token", &flags->token, "your API token (kjudge admin user add prints one)");
}

Error ReplyError(const runner::HttpReply& reply) {
  const auto body = nlohmann::json::parse(reply.body, nullptr, false);
  std::string message;
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    message = body["message"].get<std::string>();
  } else {
    message = reply.body.substr(0, 300);
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
    if (message.empty()) message = "no explanation";
  }
  ErrorCode code = ErrorCode::kInternal;
  switch (reply.status) {
    case 400: case 405: case 422: code = ErrorCode::kInvalidArgument; break;
    case 401: code = ErrorCode::kUnauthenticated; break;
    case 403: code = ErrorCode::kPermissionDenied; break;
    case 404: code = ErrorCode::kNotFound; break;
    case 409: code = ErrorCode::kFailedPrecondition; break;
    case 413: code = ErrorCode::kResourceExhausted; break;
    case 429: code = ErrorCode::kRateLimited; break;
    case 502: case 503: case 504: code = ErrorCode::kUnavailable; break;
    default: break;
  }
  Error error = MakeError(code, "HTTP " + std::to_string(reply.status) + ": " + message);
  if (body.is_object() && body.contains("retry_after_s") && body["retry_after_s"].is_number()) {
    error.retry_after_s = body["retry_after_s"].get<std::int64_t>();
  } else if (const std::string header = reply.Header("retry-after"); !header.empty()) {
    std::from_chars(header.data(), header.data() + header.size(), error.retry_after_s);
  }
  return error;
}

int ExitCodeFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::kNotFound:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kResourceExhausted:
      return kExitFailed;
    default:
      return kExitUsage;
  }
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

Result<ApiClient> ApiClient::Connect(const ServerFlags& flags) {
  KJ_ASSIGN_OR_RETURN(runner::ServerUrl url, runner::ServerUrl::Parse(flags.server));
  return ApiClient(runner::HttpClient(std::move(url), flags.token));
}

Result<nlohmann::json> ApiClient::JsonOf(const Result<runner::HttpReply>& reply) const {
  if (!reply.ok()) return reply.error();
  if (reply->status / 100 != 2) return ReplyError(*reply);
  auto body = nlohmann::json::parse(reply->body, nullptr, false);
  if (body.is_discarded()) {
    return MakeError(ErrorCode::kUnavailable, http_.server().ToString() + " answered HTTP " + std::to_string(reply->status) +
                                                  " with something that is not JSON");
  }
  return body;
}

Result<nlohmann::json> ApiClient::GetJson(const std::string& path) const { return JsonOf(http_.Request("GET", path)); }

Result<nlohmann::json> ApiClient::PostJson(const std::string& path, const nlohmann::json& body) const {
  return JsonOf(http_.Request("POST", path, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
}

}  // namespace kjudge::cli
