// The web view (docs/web.md): server-rendered pages over the same documents as the JSON API, a
// sign-in form that keeps an API token in an HttpOnly cookie, and the two static assets. Pages
// for anonymous readers are cached per target until the data changes (page_cache.h), which is
// what lets one leaderboard page hold thousands of requests a second.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

#include "access.h"
#include "documents.h"
#include "kjudge/store/token_repository.h"
#include "kjudge/web/layout.h"
#include "kjudge/web/pages.h"
#include "kjudge/web/static_assets.h"
#include "query_params.h"
#include "routes.h"

namespace kjudge::http {

namespace {

using beast_http::field;
using beast_http::status;
using beast_http::verb;

constexpr std::string_view kSessionCookie = "kjudge_session";
constexpr std::string_view kPolicy =
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The value of cookie `name` in the request's Cookie header ("" when absent).
std::string CookieValue(const Request& req, std::string_view name) {
  std::string_view header = req[field::cookie];
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return "";
}

/// Who reads the page: the session cookie's person; anonymous without one, and also with a
/// revoked or unknown one (a page should still render; the header then offers to sign in).
std::optional<Caller> Viewer(const Request& req, store::Database& db) {
  const std::string token = CookieValue(req, kSessionCookie);
  if (token.empty()) return std::nullopt;
  auto caller = store::TokenRepository(db).Authenticate(token);
  if (!caller.ok() || caller->user.role == store::Role::kRunner || caller->user.banned()) return std::nullopt;
  return std::optional<Caller>(std::move(caller).value());
}

web::PageContext ContextFor(ServerContext& ctx, const std::optional<Caller>& viewer) {
  web::PageContext page;
  if (viewer) {
    page.viewer = viewer->user.name;
    page.staff = IsStaff(viewer->user);
  }
  page.now_ms = ctx.db.clock().NowMs();
  return page;
}

Response Html(const Request& req, status code, std::string body) {
  Response res{code, req.version()};
  res.set(field::content_type, "text/html; charset=utf-8");
  res.set("Content-Security-Policy", kPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.set(field::cache_control, "no-cache");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response ErrorPage(const Request& req, const web::PageContext& page, const Error& error) {
  const status code = StatusFor(error.code);
  return Html(req, code, web::ErrorPage(page, static_cast<int>(code), error.message));
}

/// The earliest instant after `now` at which a document's content changes by the clock alone
/// (a deadline or start it names), so a cached copy expires then.
std::int64_t ValidUntil(const nlohmann::json& doc, std::int64_t now) {
  std::int64_t until = now + kDocumentTtlMs;
  const auto consider = [&](const nlohmann::json& j) {
    for (const char* key : {"deadline_ms", "start_ms"}) {
      const auto it = j.find(key);
      if (it != j.end() && it->is_number_integer() && it->get<std::int64_t>() > now) until = std::min(until, it->get<std::int64_t>());
    }
  };
  consider(doc);
  for (const char* list : {"competitions", "leaderboards"}) {
    const auto it = doc.find(list);
    if (it == doc.end() || !it->is_array()) continue;
    for (const auto& item : *it) {
      if (item.is_object()) consider(item);
    }
  }
  return until;
}

/// A page from its document: `build` makes the document, `render` the HTML. Anonymous readers
/// share one cached copy per target, computed by one of them at a time; while a new copy is being
/// computed after a write, the others get the previous one at once (page_cache.h). `live_url`
/// (may be empty) turns on refresh over SSE.
template <typename Build, typename Render>
Response Page(ServerContext& ctx, const Request& req, Build build, Render render, std::string live_url = "") {
  const std::optional<Caller> viewer = Viewer(req, ctx.db);
  web::PageContext page = ContextFor(ctx, viewer);
  page.live_url = std::move(live_url);
  if (viewer) {
    Result<nlohmann::json> doc = build(viewer);
    if (!doc.ok()) return ErrorPage(req, page, doc.error());
    return Html(req, status::ok, render(page, *doc));
  }
  using Cache = GenerationCache<std::string>;
  auto html = ctx.pages.Get("page:" + std::string(req.target()), page.now_ms, Staleness::kPreviousIfRunning,
                            [&]() -> Result<Cache::Computed> {
                              KJ_ASSIGN_OR_RETURN(nlohmann::json doc, build(viewer));
                              return Cache::Computed{std::make_shared<const std::string>(render(page, doc)),
                                                     ValidUntil(doc, page.now_ms)};
                            });
  if (!html.ok()) return ErrorPage(req, page, html.error());
  return Html(req, status::ok, **html);
}

Response Redirect(const Request& req, const std::string& location) {
  Response res{status::see_other, req.version()};
  res.set(field::location, location);
  res.set(field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

/// Forms are only taken from our own pages: a cross-site form post carries another Origin.
bool SameOrigin(const Request& req) {
  const std::string_view origin = req[field::origin];
  if (origin.empty()) return true;  // not a browser form, or a browser that sends none
  const std::string_view host = req[field::host];
  return origin == "http://" + std::string(host) || origin == "https://" + std::string(host);
}

Response Login(ServerContext& ctx, const Request& req) {
  web::PageContext page = ContextFor(ctx, std::nullopt);
  if (!SameOrigin(req)) return Html(req, status::forbidden, web::LoginPage(page, "This form was sent from another site."));
  // The form body is urlencoded like a query string.
  const QueryParams form("?" + req.body());
  const std::string token = form.Get("token").value_or("");
  auto caller = store::TokenRepository(ctx.db).Authenticate(token);
  if (token.empty() || !caller.ok() || caller->user.role == store::Role::kRunner) {
    return Html(req, status::unauthorized, web::LoginPage(page, "That token is not valid (unknown, revoked or expired)."));
  }
  if (caller->user.banned()) return Html(req, status::forbidden, web::LoginPage(page, "This account is banned."));
  Response res = Redirect(req, "/users/" + caller->user.name);
  // The API token itself, readable by no script (HttpOnly) and sent by no other site (Strict).
  res.set(field::set_cookie, std::string(kSessionCookie) + "=" + token +
                                 "; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000");
  return res;
}

Response Logout(const Request& req) {
  if (!SameOrigin(req)) return ErrorResponse(req, status::forbidden, "forbidden", "cross-site form");
  Response res = Redirect(req, "/");
  res.set(field::set_cookie, std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return res;
}

Response Asset(const Request& req, const PathParams& p) {
  const web::Asset* asset = web::FindAsset("/static/" + p.at("file"));
  if (asset == nullptr) return ErrorResponse(req, status::not_found, "not_found", "no such file");
  Response res{status::ok, req.version()};
  res.set(field::content_type, asset->content_type);
  res.set(field::cache_control, "public, max-age=3600");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = std::string(asset->body);
  res.prepare_payload();
  return res;
}

std::string LeaderboardLiveUrl(const std::string& problem, const std::string& gpu) {
  return "/api/v1/leaderboards/" + problem + "/" + gpu + "/stream";
}

}  // namespace

void AddWebRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::get, "/", [&ctx](const Request& req, const PathParams&) {
    return Page(ctx, req, [&](const auto& viewer) { return HomeDocument(ctx, viewer); }, web::HomePage);
  });
  router.Add(verb::get, "/problems/{name}", [&ctx](const Request& req, const PathParams& p) {
    return Page(ctx, req, [&](const auto& viewer) { return ProblemDocument(ctx, viewer, p.at("name")); }, web::ProblemPage);
  });
  router.Add(verb::get, "/leaderboards/{problem}/{gpu}", [&ctx](const Request& req, const PathParams& p) {
    auto build = [&](const auto& viewer) -> Result<nlohmann::json> {
      const QueryParams query(req.target());
      KJ_RETURN_IF_ERROR(query.OnlyKnown({"page"}));
      KJ_ASSIGN_OR_RETURN(std::int64_t page, query.Int("page", 1, 1, 1'000'000));
      return LeaderboardDocument(ctx, viewer, p.at("problem"), p.at("gpu"), page);
    };
    return Page(ctx, req, build, web::LeaderboardPage, LeaderboardLiveUrl(p.at("problem"), p.at("gpu")));
  });
  router.Add(verb::get, "/competitions/{name}", [&ctx](const Request& req, const PathParams& p) {
    return Page(ctx, req, [&](const auto& viewer) { return CompetitionDocument(ctx, viewer, p.at("name")); },
                web::CompetitionPage);
  });
  router.Add(verb::get, "/users/{name}", [&ctx](const Request& req, const PathParams& p) {
    return Page(ctx, req, [&](const auto& viewer) { return UserDocument(ctx, viewer, p.at("name")); }, web::UserPage);
  });
  router.Add(verb::get, "/submissions/{id}", [&ctx](const Request& req, const PathParams& p) {
    auto build = [&](const auto& viewer) -> Result<nlohmann::json> {
      KJ_ASSIGN_OR_RETURN(std::int64_t id, IdParam(p, "id"));
      return SubmissionDocument(ctx, viewer, id);
    };
    return Page(ctx, req, build, web::SubmissionPage);
  });
  router.Add(verb::get, "/compare", [&ctx](const Request& req, const PathParams&) {
    auto build = [&](const auto& viewer) -> Result<nlohmann::json> {
      const QueryParams q(req.target());
      KJ_RETURN_IF_ERROR(q.OnlyKnown({"a", "b"}));
      if (!q.Get("a") || !q.Get("b")) return MakeError(ErrorCode::kInvalidArgument, "give two run ids: /compare?a=RUN&b=RUN");
      KJ_ASSIGN_OR_RETURN(std::int64_t a, q.Int("a", 0, 1, INT64_MAX));
      KJ_ASSIGN_OR_RETURN(std::int64_t b, q.Int("b", 0, 1, INT64_MAX));
      return CompareDocument(ctx, viewer, a, b);
    };
    return Page(ctx, req, build, web::ComparePage);
  });
  router.Add(verb::get, "/login", [&ctx](const Request& req, const PathParams&) {
    return Html(req, status::ok, web::LoginPage(ContextFor(ctx, Viewer(req, ctx.db)), ""));
  });
  router.Add(verb::post, "/login", [&ctx](const Request& req, const PathParams&) { return Login(ctx, req); });
  router.Add(verb::post, "/logout", [](const Request& req, const PathParams&) { return Logout(req); });
  router.Add(verb::get, "/static/{file}", [](const Request& req, const PathParams& p) { return Asset(req, p); });
}

}  // namespace kjudge::http
