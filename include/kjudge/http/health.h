// GET /healthz: liveness and readiness for load balancers, Kubernetes probes and the demo script.
// 200 {"status":"ok",...} when the database answers; 503 {"error":"unavailable",...} when not.
#pragma once

#include <functional>

#include "kjudge/core/result.h"
#include "kjudge/http/router.h"

namespace kjudge::http {

/// `database_check` runs a trivial query; its error makes the server report itself unhealthy.
void AddHealthRoutes(Router& router, std::function<Status()> database_check);

}  // namespace kjudge::http
