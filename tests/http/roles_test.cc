// Who may use which route: every route of the real server (BuildRouter) called by an anonymous
// client and by a competitor, an organizer, an admin and a runner, each with valid input, against
// the table in route_table.h. A route added without a row fails here until someone decides, in
// the table, who may use it.
#include <gtest/gtest.h>

#include <set>

#include "route_table.h"

namespace kjudge::testing {
namespace {

std::string Key(beast_verb::verb method, const std::string& pattern) { return MethodName(method) + " " + pattern; }

class RolesTest : public ::testing::Test {
 protected:
  ApiServer server_;
};

TEST_F(RolesTest, EveryRouteHasARowAndEveryRowARoute) {
  std::set<std::string> routes;
  for (const auto& [method, pattern] : server_.router().Routes()) routes.insert(Key(method, pattern));
  std::set<std::string> rows;
  for (const auto& c : RouteTable()) {
    EXPECT_TRUE(rows.insert(Key(c.method, c.pattern)).second) << "two rows for " << Key(c.method, c.pattern);
  }
  for (const auto& r : routes) {
    EXPECT_TRUE(rows.count(r)) << r << " has no row in tests/http/route_table.h: say who may use it";
  }
  for (const auto& r : rows) EXPECT_TRUE(routes.count(r)) << r << " is in the route table but the server has no such route";
}

TEST_F(RolesTest, EachCallerGetsTheStatusTheTableSays) {
  for (const auto& c : RouteTable()) {
    for (As who : kEveryCaller) {
      const TestResponse r = Perform(server_, c, who);
      EXPECT_EQ(r.status, Expected(c, who))
          << MethodName(c.method) << " " << c.pattern << " as " << Name(who) << ": " << r.body << r.error;
    }
  }
}

TEST_F(RolesTest, RefusalsSayWhyAsJson) {
  for (const auto& c : RouteTable()) {
    for (As who : kEveryCaller) {
      if (Expected(c, who) != 401 && Expected(c, who) != 403) continue;
      if (c.stream) continue;  // read head-only; their bodies are checked by the API tests
      if (c.pattern == "/login") continue;  // a page: a refused sign-in shows the form again, in HTML
      const TestResponse r = Perform(server_, c, who);
      auto body = nlohmann::json::parse(r.body, nullptr, false);
      ASSERT_TRUE(body.is_object()) << MethodName(c.method) << " " << c.pattern << " as " << Name(who) << ": " << r.body;
      EXPECT_EQ(body.value("error", ""), Expected(c, who) == 401 ? "unauthenticated" : "permission_denied")
          << c.pattern << " as " << Name(who);
      EXPECT_FALSE(body.value("message", "").empty()) << c.pattern << " as " << Name(who);
    }
  }
}

TEST_F(RolesTest, ABadTokenIsRefusedEvenOnPublicRoutes) {
  auto client = server_.Client("kj_api_" + std::string(64, '0'));
  EXPECT_EQ(client->Get("/api/v1/problems").status, 401);
  EXPECT_EQ(client->Get("/api/v1/leaderboards/vectoradd/cpu").status, 401);
  EXPECT_EQ(client->Get("/api/v1/submissions").status, 401);
}

TEST_F(RolesTest, CompetitorsCannotSeeOtherCompetitorsData) {
  auto [sub, run] = server_.Judged(server_.other);
  auto competitor = server_.Client(As::kCompetitor);
  for (const std::string& target : {"/api/v1/submissions/" + Id(sub.id), "/api/v1/runs/" + Id(run.id),
                                   "/api/v1/submissions/" + Id(sub.id) + "/events"}) {
    EXPECT_EQ(competitor->Get(target).status, 404) << target;
  }
  EXPECT_EQ(competitor->Request(beast_verb::verb::post, "/api/v1/submissions/" + Id(sub.id) + "/cancel").status, 404);
  EXPECT_EQ(competitor->Get("/api/v1/submissions?user=dave").status, 403);
  EXPECT_EQ(server_.Client(As::kOrganizer)->Get("/api/v1/runs/" + Id(run.id)).status, 200);
}

}  // namespace
}  // namespace kjudge::testing
