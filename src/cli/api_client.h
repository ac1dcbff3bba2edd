// ApiClient: the kjudge HTTP API as the CLI's commands use it: the --server and --token settings,
// JSON requests, and one way of turning an unsuccessful answer into an error that says what the
// server said (and, for 429, when to try again).
//
// Thread safety: as HttpClient; calls are independent.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "kjudge/core/result.h"
#include "kjudge/runner/http_client.h"
#include "settings.h"

namespace kjudge::cli {

/// The server a one-machine setup (`kjudge serve` with defaults, scripts/demo.sh) listens on.
inline constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

/// Where the server is and who we are.
struct ServerFlags {
  std::string server = kDefaultServer;
  std::string token;
};

/// Adds --server (KJUDGE_SERVER, config `server`) and --token (KJUDGE_TOKEN, config `token`).
void AddServerFlags(Settings& settings, ServerFlags* flags);

/// The error an unsuccessful reply stands for: the server's "message" (else its body), prefixed
/// with "HTTP <status>: "; a 429 or 503 carries retry_after_s from the body or Retry-After.
Error ReplyError(const runner::HttpReply& reply);

/// The exit code of a command that failed with `error`: kExitUsage when the fault is in the
/// setup (server unreachable or failing, bad token, malformed request), else kExitFailed (what was
/// asked for does not exist, or cannot be done now).
int ExitCodeFor(const Error& error);

/// `text` percent-encoded for one path segment or query value.
std::string UrlEncode(std::string_view text);

class ApiClient {
 public:
  /// kInvalidArgument when the server URL is malformed.
  static Result<ApiClient> Connect(const ServerFlags& flags);

  /// GET `path`: the JSON body of a 2xx answer, else ReplyError.
  Result<nlohmann::json> GetJson(const std::string& path) const;
  /// POST `body` to `path`: the JSON body of a 2xx answer, else ReplyError.
  Result<nlohmann::json> PostJson(const std::string& path, const nlohmann::json& body) const;

  const runner::HttpClient& http() const { return http_; }

 private:
  explicit ApiClient(runner::HttpClient http) : http_(std::move(http)) {}
  Result<nlohmann::json> JsonOf(const Result<runner::HttpReply>& reply) const;

  runner::HttpClient http_;
};

}  // namespace kjudge::cli
