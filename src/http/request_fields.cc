// The request-reading helpers every route group shares (declared in routes.h): a JSON body, its
// string fields, numeric path ids, and lenient JSON serialization. Kept apart from BuildRouter so
// that the fuzz target (fuzz/) can link them without every route and the store behind them.
#include <charconv>

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

}  // namespace kjudge::http
