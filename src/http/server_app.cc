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
  AddLeaderboardStreamRoutes(*router, ctx);
  AddProblemRoutes(*router, ctx);
  AddRunRoutes(*router, ctx);
  AddAdminRoutes(*router, ctx);
  AddPopcornRoutes(*router, ctx);
  AddCompetitionRoutes(*router, ctx);
  AddPageDocumentRoutes(*router, ctx);
  AddWebRoutes(*router, ctx);
  router->OnWrite([&ctx](const Request& req) {
    // A runner's lease, heartbeats and progress events change no page; its result does. Every
    // other successful write (submissions, cancels, admin changes) may.
    const std::string_view path = TargetPath(req.target());
    if (path.starts_with("/api/runner/") && !path.ends_with("/result")) return;
    ctx.generation.Bump();
  });
  return router;
}

}  // namespace kjudge::http
