#include "kjudge/http/health.h"

#include <nlohmann/json.hpp>

#include "kjudge/core/clock.h"
#include "kjudge/core/version.h"

namespace kjudge::http {

void AddHealthRoutes(Router& router, std::function<Status()> database_check) {
  const std::int64_t started_ms = MonotonicMs();
  router.Add(beast_http::verb::get, "/healthz",
             [check = std::move(database_check), started_ms](const Request& req, const PathParams&) {
               if (auto st = check(); !st.ok()) {
                 return ErrorResponse(req, beast_http::status::service_unavailable, "unavailable",
                                      "database check failed: " + st.error().message);
               }
               nlohmann::json body = {{"status", "ok"},
                                      {"version", std::string(Version())},
                                      {"database", "ok"},
                                      {"uptime_s", (MonotonicMs() - started_ms) / 1000}};
               return JsonResponse(req, beast_http::status::ok, body.dump());
             });
}

}  // namespace kjudge::http
