#include "kjudge/http/server_app.h"

#include "kjudge/http/health.h"
#include "routes.h"

namespace kjudge::http {

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
  AddSubmissionStreamRoutes(*router, ctx);
  AddLeaderboardRoutes(*router, ctx);
  AddProblemRoutes(*router, ctx);
  AddRunRoutes(*router, ctx);
  AddAdminRoutes(*router, ctx);
  AddPopcornRoutes(*router, ctx);
  return router;
}

}  // namespace kjudge::http
