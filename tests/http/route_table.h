// The route table: every route the server has, with a valid call for each kind of caller and the
// status each must get. roles_test.cc checks the statuses and that the table covers exactly the
// routes BuildRouter adds (a new route fails it until its row is here); openapi_test.cc makes the
// same calls and checks each answer against docs/openapi.yaml.
//
// The rules the expectations spell out:
//   - runners may use /api/runner/* only: 403 on every other route that looks at the token;
//   - anonymous callers get 401 wherever a token is needed, and may read public problems and
//     leaderboards;
//   - competitors act on their own data (the calls below use their own submissions and runs);
//   - organizers read everyone's submissions and manage problems, leaderboards and reruns;
//   - admins pass every role check, and alone manage users, tokens and the audit log.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "api_fixture.h"
#include "kjudge/problem/bundle.h"
#include "kjudge/store/artifact_repository.h"
#include "kjudge/store/competition_repository.h"
#include "kjudge/store/hack_repository.h"

namespace kjudge::testing {

/// One request: target (path and query), JSON body unless content_type says otherwise, extra headers.
struct Call {
  Call(std::string t = "", std::string b = "") : target(std::move(t)), body(std::move(b)) {}
  std::string target;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

struct RouteCase {
  RouteCase(beast_verb::verb m, std::string p, std::function<struct Call(class ApiServer&, As)> f, std::array<int, 5> e,
            bool s = false)
      : method(m), pattern(std::move(p)), prepare(std::move(f)), expect(e), stream(s) {}
  beast_verb::verb method;
  std::string pattern;  ///< exactly as the route was added
  /// A valid call for `who`; where the call changes something, it is set up afresh each time.
  std::function<Call(ApiServer&, As who)> prepare;
  /// Expected status for anonymous, competitor, organizer, admin, runner (kEveryCaller's order).
  std::array<int, 5> expect;
  bool stream = false;  ///< a streamed response: only the status line and headers are read
};

inline int Expected(const RouteCase& c, As who) { return c.expect[static_cast<std::size_t>(who)]; }

inline std::string MethodName(beast_verb::verb v) { return std::string(beast_verb::to_string(v)); }

/// A popcorn-cli style upload of one file.
inline Call Multipart(std::string target, const std::string& file_name, const std::string& content) {
  const std::string boundary = "kjudgeTestBoundary7d1";
  Call c;
  c.target = std::move(target);
  c.content_type = "multipart/form-data; boundary=" + boundary;
  c.body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name +
           "\"\r\nContent-Type: text/plain\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
  return c;
}

/// The files of problems/NAME as a push body.
inline std::string PushBody(const std::string& problem) {
  auto bundle = problem::LoadProblemBundle(std::string(KJUDGE_SOURCE_DIR) + "/problems/" + problem);
  if (!bundle.ok()) throw std::runtime_error(bundle.error().ToString());
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, content] : bundle->files) files[path] = content;
  return nlohmann::json{{"files", files}}.dump();
}

inline std::string Id(std::int64_t id) { return std::to_string(id); }

/// A fresh running competition holding vectoradd on cpu; returns its name and that part's id.
inline std::pair<std::string, std::int64_t> FreshCompetition(ApiServer& s) {
  const std::string name = s.Unique("contest");
  const std::int64_t now = s.db().clock().NowMs();
  store::CompetitionRepository repo(s.db());
  auto c = Must(repo.Create({name, "Contest", "", now - 1000, now + 3'600'000, store::PointsRule::kRankPoints, false}),
                "create competition");
  auto board = Must(store::LeaderboardRepository(s.db()).Find("vectoradd", "cpu"), "find leaderboard");
  auto part = Must(repo.AddLeaderboard(c.id, board.id, 1.0), "add part");
  return {name, part.id};
}

// Expectation rows, in kEveryCaller's order: anonymous, competitor, organizer, admin, runner.
inline constexpr std::array<int, 5> kPublicRead = {200, 200, 200, 200, 403};
inline constexpr std::array<int, 5> kPeople200 = {401, 200, 200, 200, 403};
inline constexpr std::array<int, 5> kPeople201 = {401, 201, 201, 201, 403};
inline constexpr std::array<int, 5> kOrganizers200 = {401, 403, 200, 200, 403};
inline constexpr std::array<int, 5> kOrganizers201 = {401, 403, 201, 201, 403};
inline constexpr std::array<int, 5> kAdmins200 = {401, 403, 403, 200, 403};
inline constexpr std::array<int, 5> kAdmins201 = {401, 403, 403, 201, 403};
inline constexpr std::array<int, 5> kRunners200 = {401, 403, 403, 200, 200};
inline constexpr std::array<int, 5> kEveryone200 = {200, 200, 200, 200, 200};

inline std::vector<RouteCase> RouteTable() {
  using V = beast_verb::verb;
  auto fixed = [](std::string target, std::string body = "") {
    return [target = std::move(target), body = std::move(body)](ApiServer&, As) { return Call{target, body}; };
  };
  std::vector<RouteCase> t;

  // ---- health, problems, leaderboards: public reads ----
  t.push_back({V::get, "/healthz", fixed("/healthz"), kEveryone200});
  t.push_back({V::get, "/api/v1/problems", fixed("/api/v1/problems"), kPublicRead});
  t.push_back({V::get, "/api/v1/problems/{name}", fixed("/api/v1/problems/vectoradd"), kPublicRead});
  t.push_back({V::get, "/api/v1/problems/{name}/templates/{language}", fixed("/api/v1/problems/vectoradd/templates/cuda"),
               kPublicRead});
  t.push_back({V::get, "/api/v1/leaderboards", fixed("/api/v1/leaderboards"), kPublicRead});
  t.push_back({V::get, "/api/v1/leaderboards/{problem}/{gpu}", fixed("/api/v1/leaderboards/vectoradd/cpu"), kPublicRead});
  t.push_back({V::get, "/api/v1/leaderboards/{problem}/{gpu}/stream", fixed("/api/v1/leaderboards/vectoradd/cpu/stream"),
               kPublicRead, /*stream=*/true});
  t.push_back({V::get, "/api/v1/home", fixed("/api/v1/home"), kPublicRead});
  t.push_back({V::get, "/api/v1/competitions", fixed("/api/v1/competitions"), kPublicRead});
  t.push_back({V::get, "/api/v1/competitions/{name}",
               [](ApiServer& s, As) { return Call{"/api/v1/competitions/" + FreshCompetition(s).first}; }, kPublicRead});
  t.push_back({V::post, "/api/v1/admin/competitions",
               [](ApiServer& s, As) {
                 const std::int64_t now = s.db().clock().NowMs();
                 return Call{"/api/v1/admin/competitions",
                             nlohmann::json{{"name", s.Unique("spring")}, {"title", "Spring"}, {"start_ms", now},
                                            {"deadline_ms", now + 86'400'000}, {"points_rule", "relative_score"}}
                                 .dump()};
               },
               kOrganizers201});
  t.push_back({V::patch, "/api/v1/admin/competitions/{name}",
               [](ApiServer& s, As) {
                 return Call{"/api/v1/admin/competitions/" + FreshCompetition(s).first, R"({"submissions_published":true})"};
               },
               kOrganizers200});
  t.push_back({V::post, "/api/v1/admin/competitions/{name}/parts",
               [](ApiServer& s, As) {
                 return Call{"/api/v1/admin/competitions/" + FreshCompetition(s).first + "/parts",
                             R"({"problem":"prefixsum","gpu":"cpu","weight":2})"};
               },
               kOrganizers201});
  t.push_back({V::delete_, "/api/v1/admin/competitions/{name}/parts/{id}",
               [](ApiServer& s, As) {
                 auto [name, part] = FreshCompetition(s);
                 return Call{"/api/v1/admin/competitions/" + name + "/parts/" + Id(part)};
               },
               kOrganizers200});
  t.push_back({V::get, "/competitions/{name}",
               [](ApiServer& s, As) { return Call{"/competitions/" + FreshCompetition(s).first}; }, kEveryone200});
  t.push_back({V::get, "/api/v1/users/{name}", fixed("/api/v1/users/carol"), kPublicRead});
  // Two of the competitor's own (test-mode) runs: theirs and staff's to compare, nobody else's.
  t.push_back({V::get, "/api/v1/compare",
               [](ApiServer& s, As) {
                 const auto a = s.Judged(s.competitor).second.id, b = s.Judged(s.competitor).second.id;
                 return Call{"/api/v1/compare?a=" + Id(a) + "&b=" + Id(b)};
               },
               {404, 200, 200, 200, 403}});

  // ---- web pages: anyone (the page reads a session cookie, never the Authorization header) ----
  t.push_back({V::get, "/", fixed("/"), kEveryone200});
  t.push_back({V::get, "/problems/{name}", fixed("/problems/vectoradd"), kEveryone200});
  t.push_back({V::get, "/leaderboards/{problem}/{gpu}", fixed("/leaderboards/vectoradd/cpu"), kEveryone200});
  t.push_back({V::get, "/users/{name}", fixed("/users/carol"), kEveryone200});
  t.push_back({V::get, "/submissions/{id}",
               [](ApiServer& s, As) {
                 auto sub = s.Submit(s.competitor, "vectoradd", "cpu", store::Mode::kLeaderboard);
                 return Call{"/submissions/" + Id(sub.id)};
               },
               kEveryone200});
  t.push_back({V::get, "/compare",
               [](ApiServer& s, As) {
                 const auto a = s.Judged(s.competitor).second.id, b = s.Judged(s.competitor).second.id;
                 return Call{"/compare?a=" + Id(a) + "&b=" + Id(b)};
               },
               {404, 404, 404, 404, 404}});  // pages know only the cookie: without one these runs are private
  t.push_back({V::get, "/login", fixed("/login"), kEveryone200});
  t.push_back({V::post, "/login",
               [](ApiServer& s, As who) {
                 const Account* a = s.AccountFor(who);
                 Call c{"/login", "token=" + (a != nullptr ? a->token : std::string())};
                 c.content_type = "application/x-www-form-urlencoded";
                 return c;
               },
               {401, 303, 303, 303, 401}});
  t.push_back({V::post, "/logout", fixed("/logout"), {303, 303, 303, 303, 303}});
  t.push_back({V::get, "/static/{file}", fixed("/static/kjudge.css"), kEveryone200});

  // ---- submissions and runs: people, on their own data ----
  t.push_back({V::post, "/api/v1/submissions",
               [](ApiServer& s, As) {
                 return Call{"/api/v1/submissions", nlohmann::json{{"problem", "vectoradd"},
                                                                   {"gpu", "cpu"},
                                                                   {"mode", "test"},
                                                                   {"file_name", "solution.cpp"},
                                                                   {"source", s.Source()}}
                                                        .dump()};
               },
               kPeople201});
  t.push_back({V::get, "/api/v1/submissions", fixed("/api/v1/submissions?problem=vectoradd&limit=5"), kPeople200});
  // A test-mode submission is private: to an anonymous reader it does not exist.
  t.push_back({V::get, "/api/v1/submissions/{id}",
               [](ApiServer& s, As) { return Call{"/api/v1/submissions/" + Id(s.Submit(s.competitor).id)}; },
               {404, 200, 200, 200, 403}});
  t.push_back({V::post, "/api/v1/submissions/{id}/cancel",
               [](ApiServer& s, As) { return Call{"/api/v1/submissions/" + Id(s.Submit(s.competitor).id) + "/cancel"}; },
               kPeople200});
  t.push_back({V::get, "/api/v1/submissions/{id}/events",
               [](ApiServer& s, As) { return Call{"/api/v1/submissions/" + Id(s.Submit(s.competitor).id) + "/events?after=0"}; },
               kPeople200});
  t.push_back({V::get, "/api/v1/submissions/{id}/stream",
               [](ApiServer& s, As) { return Call{"/api/v1/submissions/" + Id(s.Judged(s.competitor).first.id) + "/stream"}; },
               kPeople200, /*stream=*/true});
  t.push_back({V::get, "/api/v1/runs/{id}",
               [](ApiServer& s, As) { return Call{"/api/v1/runs/" + Id(s.Judged(s.competitor).second.id)}; }, kPeople200});
  t.push_back({V::get, "/api/v1/runs/{id}/audit",
               [](ApiServer& s, As) { return Call{"/api/v1/runs/" + Id(s.Judged(s.competitor).second.id) + "/audit"}; },
               kPeople200});
  t.push_back({V::get, "/api/v1/runs/{id}/profile-report",
               [](ApiServer& s, As) {
                 const store::Run run = s.Judged(s.competitor).second;
                 Must(store::ArtifactRepository(s.db()).Put(run.id, store::ArtifactKind::kNcuReport, "profile.ncu-rep", "NVRP"),
                      "store report");
                 return Call{"/api/v1/runs/" + Id(run.id) + "/profile-report"};
               },
               kPeople200});

  // ---- accounts ----
  // Redeeming an invite needs no account: whatever token comes along is ignored.
  t.push_back({V::post, "/api/v1/register",
               [](ApiServer& s, As) {
                 auto invite = Must(store::TokenRepository(s.db()).IssueInvite(store::Role::kCompetitor, "test", std::nullopt),
                                    "issue invite");
                 return Call{"/api/v1/register",
                             nlohmann::json{{"invite", invite.plaintext}, {"name", s.Unique("newcomer")}}.dump()};
               },
               {201, 201, 201, 201, 201}});
  t.push_back({V::post, "/api/v1/me/popcorn-id", fixed("/api/v1/me/popcorn-id"), kPeople201});

  // ---- administration ----
  t.push_back({V::get, "/api/v1/admin/users", fixed("/api/v1/admin/users"), kAdmins200});
  t.push_back({V::post, "/api/v1/admin/users",
               [](ApiServer& s, As) {
                 return Call{"/api/v1/admin/users", nlohmann::json{{"name", s.Unique("user")}, {"role", "competitor"}}.dump()};
               },
               kAdmins201});
  t.push_back({V::post, "/api/v1/admin/users/{name}/role",
               [](ApiServer& s, As) {
                 auto user = s.AddUser(s.Unique("promoted"), store::Role::kCompetitor);
                 return Call{"/api/v1/admin/users/" + user.user.name + "/role", R"({"role":"organizer"})"};
               },
               kAdmins200});
  t.push_back({V::post, "/api/v1/admin/users/{name}/ban",
               [](ApiServer& s, As) {
                 auto user = s.AddUser(s.Unique("banned"), store::Role::kCompetitor);
                 return Call{"/api/v1/admin/users/" + user.user.name + "/ban", R"({"reason":"sharing solutions"})"};
               },
               kAdmins200});
  t.push_back({V::post, "/api/v1/admin/users/{name}/unban",
               [](ApiServer& s, As) {
                 auto user = s.AddUser(s.Unique("forgiven"), store::Role::kCompetitor);
                 Must(store::UserRepository(s.db()).SetBanned(user.user.id, "spam"), "ban");
                 return Call{"/api/v1/admin/users/" + user.user.name + "/unban"};
               },
               kAdmins200});
  t.push_back({V::get, "/api/v1/admin/users/{name}/tokens", fixed("/api/v1/admin/users/carol/tokens"), kAdmins200});
  t.push_back({V::post, "/api/v1/admin/tokens", fixed("/api/v1/admin/tokens", R"({"kind":"api","user":"carol","label":"laptop"})"),
               kAdmins201});
  t.push_back({V::post, "/api/v1/admin/tokens/{id}/revoke",
               [](ApiServer& s, As) {
                 auto user = s.AddUser(s.Unique("revoked"), store::Role::kCompetitor);
                 auto tokens = Must(store::TokenRepository(s.db()).ListForUser(user.user.id), "list tokens");
                 return Call{"/api/v1/admin/tokens/" + Id(tokens.front().id) + "/revoke"};
               },
               kAdmins200});
  t.push_back({V::get, "/api/v1/admin/audit", fixed("/api/v1/admin/audit?limit=10"), kAdmins200});
  // Pushing content that is already stored re-activates it: 200 rather than 201.
  t.push_back({V::post, "/api/v1/admin/problems", [](ApiServer&, As) { return Call{"/api/v1/admin/problems", PushBody("vectoradd")}; },
               kOrganizers200});
  t.push_back({V::post, "/api/v1/admin/problems/{name}/activate",
               [](ApiServer& s, As) {
                 return Call{"/api/v1/admin/problems/vectoradd/activate",
                             nlohmann::json{{"content_hash", s.ContentHash("vectoradd")}}.dump()};
               },
               kOrganizers200});
  t.push_back({V::patch, "/api/v1/admin/leaderboards/{problem}/{gpu}",
               fixed("/api/v1/admin/leaderboards/vectoradd/cpu", R"({"state":"open","deadline_ms":null,"visibility":"public"})"),
               kOrganizers200});
  t.push_back({V::post, "/api/v1/admin/submissions/{id}/rerun",
               [](ApiServer& s, As) { return Call{"/api/v1/admin/submissions/" + Id(s.Judged(s.competitor).first.id) + "/rerun"}; },
               kOrganizers201});
  t.push_back({V::post, "/api/v1/admin/submissions/{id}/hacked",
               [](ApiServer& s, As) {
                 auto sub = s.Submit(s.competitor, "vectoradd", "cpu", store::Mode::kLeaderboard);
                 s.Finish(sub.id);
                 return Call{"/api/v1/admin/submissions/" + Id(sub.id) + "/hacked", R"({"reason":"replays cached outputs"})"};
               },
               kOrganizers200});
  t.push_back({V::delete_, "/api/v1/admin/submissions/{id}/hacked",
               [](ApiServer& s, As) {
                 auto sub = s.Judged(s.competitor).first;
                 Must(store::HackRepository(s.db()).Mark({sub.id, "forged timer", std::nullopt, "test"}), "mark hacked");
                 return Call{"/api/v1/admin/submissions/" + Id(sub.id) + "/hacked"};
               },
               kOrganizers200});
  t.push_back({V::get, "/api/v1/admin/hacked", fixed("/api/v1/admin/hacked?limit=10"), kOrganizers200});

  // ---- runner protocol: runners (and admins) ----
  // No job is ever queued on B200 here, so the lease answers {"job": null} at once.
  t.push_back({V::post, "/api/runner/lease", fixed("/api/runner/lease", R"({"gpu":"B200","wait_s":0})"), kRunners200});
  auto leased = [](const char* what) {
    return [what](ApiServer& s, As) {
      store::Job job = s.Lease(s.Submit(s.competitor).id);
      nlohmann::json body = {{"lease_id", *job.lease_id}};
      if (std::string(what) == "events") body["events"] = nlohmann::json::array({{{"event", "compiling"}}});
      if (std::string(what) == "result") body["result"] = ApiServer::PassingResult();
      return Call{"/api/runner/jobs/" + Id(job.id) + "/" + what, body.dump()};
    };
  };
  t.push_back({V::post, "/api/runner/jobs/{id}/heartbeat", leased("heartbeat"), kRunners200});
  t.push_back({V::post, "/api/runner/jobs/{id}/events", leased("events"), kRunners200});
  t.push_back({V::post, "/api/runner/jobs/{id}/result", leased("result"), kRunners200});
  t.push_back({V::put, "/api/runner/jobs/{id}/profile-report",
               [](ApiServer& s, As) {
                 store::Job job = s.Lease(s.Submit(s.competitor, "vectoradd", "cpu", store::Mode::kProfile).id);
                 Call c{"/api/runner/jobs/" + Id(job.id) + "/profile-report?lease_id=" + *job.lease_id, "NVRP report"};
                 c.content_type = "application/octet-stream";
                 return c;
               },
               kRunners200});
  t.push_back({V::get, "/api/runner/problems/{hash}",
               [](ApiServer& s, As) { return Call{"/api/runner/problems/" + s.ContentHash("vectoradd")}; }, kRunners200});

  // ---- popcorn-cli's routes (src/http/popcorn_*.cc, registration_routes.cc) ----
  t.push_back({V::get, "/leaderboards", fixed("/leaderboards"), kPublicRead});
  t.push_back({V::get, "/gpus/{leaderboard}", fixed("/gpus/vectoradd"), kPublicRead});
  t.push_back({V::post, "/submission/{leaderboard}/{gpu}/{mode}",
               [](ApiServer& s, As) { return Multipart("/submission/vectoradd/cpu/test", "solution.cpp", s.Source()); },
               {401, 202, 202, 202, 403}});
  t.push_back({V::get, "/user/submissions", fixed("/user/submissions"), kPeople200});
  t.push_back({V::get, "/user/submissions/{id}",
               [](ApiServer& s, As) { return Call{"/user/submissions/" + Id(s.Submit(s.competitor).id)}; }, kPeople200});
  t.push_back({V::delete_, "/user/submissions/{id}",
               [](ApiServer& s, As) { return Call{"/user/submissions/" + Id(s.Submit(s.competitor).id)}; }, kPeople200});
  t.push_back({V::post, "/{leaderboard}/{gpu}/profile",
               [](ApiServer& s, As) { return Multipart("/vectoradd/cpu/profile", "solution.cpp", s.Source()); },
               kPeople200, /*stream=*/true});
  // popcorn's `register` signs in through GPU MODE's OAuth: refused with directions, whoever asks.
  t.push_back({V::get, "/auth/init", fixed("/auth/init"), {501, 501, 501, 501, 501}});
  t.push_back({V::get, "/auth/cli/{provider}", fixed("/auth/cli/discord"), {501, 501, 501, 501, 501}});
  // `popcorn join` identifies by X-Popcorn-Cli-Id alone (a new id, so any bearer token is ignored).
  t.push_back({V::post, "/user/join",
               [](ApiServer& s, As) {
                 auto invite = Must(store::TokenRepository(s.db()).IssueInvite(store::Role::kCompetitor, "test", std::nullopt),
                                    "issue invite");
                 Call c{"/user/join", nlohmann::json{{"code", s.Unique("joiner") + ":" + invite.plaintext}}.dump()};
                 c.headers.emplace_back("X-Popcorn-Cli-Id", s.Unique("cli-id-0123456789abcdef"));
                 return c;
               },
               kEveryone200});
  t.push_back({V::post, "/admin/start", fixed("/admin/start"), kAdmins200});
  t.push_back({V::post, "/admin/stop", fixed("/admin/stop"), kAdmins200});
  t.push_back({V::get, "/admin/stats", fixed("/admin/stats"), kOrganizers200});
  t.push_back({V::get, "/admin/submissions/{id}",
               [](ApiServer& s, As) { return Call{"/admin/submissions/" + Id(s.Submit(s.competitor).id)}; }, kOrganizers200});
  t.push_back({V::delete_, "/admin/submissions/{id}",
               [](ApiServer& s, As) { return Call{"/admin/submissions/" + Id(s.Submit(s.competitor).id)}; }, kOrganizers200});
  // Hides "sort" (no other row uses it).
  t.push_back({V::delete_, "/admin/leaderboards/{name}", fixed("/admin/leaderboards/sort"), kOrganizers200});
  t.push_back({V::post, "/admin/leaderboards", fixed("/admin/leaderboards", "{}"), {401, 403, 501, 501, 403}});
  t.push_back({V::post, "/admin/update-problems", fixed("/admin/update-problems", "{}"), {401, 403, 501, 501, 403}});
  t.push_back({V::post, "/admin/invites", fixed("/admin/invites", R"({"leaderboards":["vectoradd"],"count":1})"), kAdmins200});
  t.push_back({V::get, "/admin/leaderboards/{name}/invites", fixed("/admin/leaderboards/vectoradd/invites"),
               {401, 403, 403, 501, 403}});
  t.push_back({V::delete_, "/admin/invites/{code}",
               [](ApiServer& s, As) {
                 auto invite = Must(store::TokenRepository(s.db()).IssueInvite(store::Role::kCompetitor, "test", std::nullopt),
                                    "issue invite");
                 return Call{"/admin/invites/" + invite.plaintext};
               },
               kAdmins200});
  return t;
}

/// Sends `call` for `c` as `who` (the server takes submissions again first: a row may have
/// stopped it).
inline TestResponse Send(ApiServer& server, const RouteCase& c, As who, const Call& call) {
  server.ctx().accepting = true;
  const Account* account = server.AccountFor(who);
  const std::string token = account != nullptr ? account->token : "";
  if (c.stream) return HeadOf(server.port(), c.method, call.target, token, call.body, call.content_type, call.headers);
  auto client = server.Client(token);
  for (const auto& [k, v] : call.headers) client->SetHeader(k, v);
  return client->Request(c.method, call.target, call.body, call.content_type);
}

/// Prepares `c`'s call for `who` and sends it.
inline TestResponse Perform(ApiServer& server, const RouteCase& c, As who) { return Send(server, c, who, c.prepare(server, who)); }

}  // namespace kjudge::testing
