#include "kjudge/http/server_app.h"

#include <charconv>

#include "kjudge/http/health.h"
#include "routes.h"

namespace kjudge::http {

std::string Dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

Result<nlohmann::json> JsonBody(const Request& req) {
  auto body = nlohmann::json::parse(req.body(), nullptr, false);
  if (body.is_discarded()) return MakeError(ErrorCode::kInvalidArgument, "the request body is not valid JSON");
  if (!body.is_object()) return MakeError(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  return body;
}

Result<std::string> StringField(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_string()) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("field '") + name + "' must be a string");
  }
  return it->get<std::string>();
}

Result<std::int64_t> IdParam(const PathParams& params, const char* name) {
  const std::string& text = params.at(name);
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size() || id <= 0) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("'") + name + "' must be a positive integer id");
  }
  return id;
}

std::shared_ptr<Router> BuildRouter(ServerContext& ctx) {
  auto router = std::make_shared<Router>();
  AddHealthRoutes(*router, [&ctx]() -> Status {
    KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginRead());
    KJ_ASSIGN_OR_RETURN(auto stmt, tx.connection().Query("SELECT 1"));
    KJ_RETURN_IF_ERROR(stmt.Step());
    return Ok();
  });
  AddRunnerRoutes(*router, ctx);
  AddSubmissionRoutes(*router, ctx);
  AddLeaderboardRoutes(*router, ctx);
  return router;
}

}  // namespace kjudge::http
