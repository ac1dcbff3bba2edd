#include "kjudge/http/router.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace kjudge::http {
namespace {

Request Make(beast_http::verb verb, const std::string& target) {
  Request req{verb, target, 11};
  return req;
}

TEST(RouterTest, CapturesPathParametersAndIgnoresQuery) {
  Router r;
  r.Add(beast_http::verb::get, "/api/v1/problems/{name}", [](const Request& req, const PathParams& p) {
    return JsonResponse(req, beast_http::status::ok, nlohmann::json{{"name", p.at("name")}}.dump());
  });
  auto res = r.Dispatch(Make(beast_http::verb::get, "/api/v1/problems/vectoradd?x=1"));
  EXPECT_EQ(res.result(), beast_http::status::ok);
  EXPECT_EQ(nlohmann::json::parse(res.body())["name"], "vectoradd");
}

TEST(RouterTest, UnknownPathIsJson404AndWrongMethodIs405WithAllow) {
  Router r;
  r.Add(beast_http::verb::get, "/x", [](const Request& req, const PathParams&) {
    return JsonResponse(req, beast_http::status::ok, "{}");
  });
  auto nf = r.Dispatch(Make(beast_http::verb::get, "/y"));
  EXPECT_EQ(nf.result(), beast_http::status::not_found);
  EXPECT_EQ(nlohmann::json::parse(nf.body())["error"], "not_found");
  auto na = r.Dispatch(Make(beast_http::verb::post, "/x"));
  EXPECT_EQ(na.result(), beast_http::status::method_not_allowed);
  EXPECT_EQ(na[beast_http::field::allow], "GET");
}

TEST(RouterTest, ThrowingHandlerBecomes500WithoutInternals) {
  Router r;
  r.Add(beast_http::verb::get, "/boom", [](const Request&, const PathParams&) -> Response {
    throw std::runtime_error("secret detail");
  });
  auto res = r.Dispatch(Make(beast_http::verb::get, "/boom"));
  EXPECT_EQ(res.result(), beast_http::status::internal_server_error);
  EXPECT_EQ(res.body().find("secret"), std::string::npos);
}

TEST(RouterTest, ErrorCodesMapToStatuses) {
  EXPECT_EQ(StatusFor(ErrorCode::kUnauthenticated), beast_http::status::unauthorized);
  EXPECT_EQ(StatusFor(ErrorCode::kPermissionDenied), beast_http::status::forbidden);
  EXPECT_EQ(StatusFor(ErrorCode::kAlreadyExists), beast_http::status::conflict);
  auto res = ErrorResponse(Make(beast_http::verb::get, "/"), MakeError(ErrorCode::kInvalidArgument, "field 'n' \xff bad"));
  EXPECT_EQ(res.result(), beast_http::status::bad_request);
  EXPECT_TRUE(nlohmann::json::accept(res.body()));
}

}  // namespace
}  // namespace kjudge::http
