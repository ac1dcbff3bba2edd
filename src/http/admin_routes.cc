// Administration over HTTP. Admins: users (list, create, role, ban/unban), tokens (issue, list,
// revoke) and the audit log. Organizers (and admins): problem bundles (push, activate a version),
// leaderboards (open/close, deadline, visibility), reruns and hack marks (a submission found to
// cheat after the fact leaves every ranking, its evidence kept). Every change is appended to the
// audit log inside the transaction that makes it, naming who did it, so an entry exists exactly
// when its change does.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <functional>

#include "access.h"
#include "kjudge/problem/bundle.h"
#include "kjudge/problem/gpu_catalog.h"
#include "kjudge/problem/spec_json.h"
#include "kjudge/problem/version_input.h"
#include "kjudge/store/audit_repository.h"
#include "kjudge/store/competition_repository.h"
#include "kjudge/store/hack_repository.h"
#include "kjudge/store/job_repository.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"
#include "kjudge/store/submission_repository.h"
#include "kjudge/store/token_repository.h"
#include "kjudge/store/user_repository.h"
#include "query_params.h"
#include "routes.h"
#include "views.h"

namespace kjudge::http {

namespace {

using beast_http::status;
using beast_http::verb;

/// Invitations expire after a week unless the admin says otherwise: long enough to be passed on,
/// short enough that a forgotten one stops working.
constexpr std::int64_t kDefaultInviteExpiryS = 7 * 24 * 3600;
/// Longest expiry an admin may give a token (ten years: "never" is spelled by leaving it out).
constexpr std::int64_t kMaxExpiryS = 10ll * 365 * 24 * 3600;
constexpr std::size_t kMaxBanReasonBytes = 1000;
constexpr std::size_t kMaxLabelBytes = 200;
constexpr std::int64_t kDefaultAuditPage = 100;

/// Who may use a route: admins only, or organizers too (admins always pass RequireRole).
enum class Who { kAdmins, kOrganizers };

struct Reply {
  status code = status::ok;
  nlohmann::json body;
};

/// One admin action: the checked caller, path parameters and JSON body (an empty object when the
/// request has none) in, a reply or an error out.
using Action =
    std::function<Result<Reply>(ServerContext&, const Caller&, const PathParams&, const nlohmann::json&, const Request&)>;

void AddAction(Router& router, ServerContext& ctx, verb method, std::string pattern, Who who, Action action) {
  router.Add(method, std::move(pattern), [&ctx, who, action = std::move(action)](const Request& req, const PathParams& p) {
    auto caller = who == Who::kOrganizers ? RequireRole(req, ctx.db, {store::Role::kOrganizer}) : RequireRole(req, ctx.db, {});
    if (!caller.ok()) return ErrorResponse(req, caller.error());
    nlohmann::json body = nlohmann::json::object();
    if (!req.body().empty()) {
      auto parsed = JsonBody(req);
      if (!parsed.ok()) return ErrorResponse(req, parsed.error());
      body = std::move(parsed).value();
    }
    auto reply = action(ctx, *caller, p, body, req);
    if (!reply.ok()) return ErrorResponse(req, reply.error());
    return JsonResponse(req, reply->code, Dump(reply->body));
  });
}

/// Appends `caller`'s action to the audit log inside `tx`.
Status Audit(store::WriteTransaction& tx, const Caller& caller, std::string action, std::string target,
             const nlohmann::json& detail = nlohmann::json::object()) {
  KJ_RETURN_IF_ERROR(store::AuditRepository(tx).Append(
      {caller.user.id, caller.user.name, std::move(action), std::move(target), Dump(detail)}));
  return Ok();
}

/// kInvalidArgument naming the first key of `body` not in `known`.
Status OnlyFields(const nlohmann::json& body, std::initializer_list<std::string_view> known) {
  for (const auto& [key, _] : body.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return MakeError(ErrorCode::kInvalidArgument, "unknown field '" + key + "'");
    }
  }
  return Ok();
}

/// An optional string field: nullopt when absent; kInvalidArgument when not a string.
Result<std::optional<std::string>> OptionalString(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return MakeError(ErrorCode::kInvalidArgument, std::string("field '") + name + "' must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

template <typename E>
Result<E> EnumField(const nlohmann::json& body, const char* name, E fallback) {
  KJ_ASSIGN_OR_RETURN(auto text, OptionalString(body, name));
  if (!text) return fallback;
  auto value = store::Parse<E>(*text);
  if (!value.ok()) return MakeError(ErrorCode::kInvalidArgument, std::string("field '") + name + "': " + value.error().message);
  return value;
}

/// A required enum field.
template <typename E>
Result<E> RequiredEnum(const nlohmann::json& body, const char* name) {
  KJ_ASSIGN_OR_RETURN(std::string text, StringField(body, name));
  auto value = store::Parse<E>(text);
  if (!value.ok()) return MakeError(ErrorCode::kInvalidArgument, std::string("field '") + name + "': " + value.error().message);
  return value;
}

Result<store::User> UserNamed(ServerContext& ctx, const std::string& name) {
  auto user = store::UserRepository(ctx.db).GetByName(name);
  if (!user.ok() && user.error().code == ErrorCode::kNotFound) return MakeError(ErrorCode::kNotFound, "no user named '" + name + "'");
  return user;
}

nlohmann::json IssuedJson(const store::IssuedToken& issued, const std::optional<std::string>& user_name) {
  nlohmann::json j = TokenJson(issued.token, user_name);
  j["plaintext"] = issued.plaintext;
  return j;
}

// ---- users -------------------------------------------------------------------------------------

Result<Reply> ListUsers(ServerContext& ctx, const Caller&, const PathParams&, const nlohmann::json&, const Request&) {
  KJ_ASSIGN_OR_RETURN(auto users, store::UserRepository(ctx.db).List());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& u : users) out.push_back(UserJson(u));
  return Reply{status::ok, {{"users", std::move(out)}}};
}

/// Creates the user and their first token (a runner token for runners), shown only in this reply.
Result<Reply> CreateUser(ServerContext& ctx, const Caller& caller, const PathParams&, const nlohmann::json& body, const Request&) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {"name", "role", "display_name"}));
  KJ_ASSIGN_OR_RETURN(std::string name, StringField(body, "name"));
  KJ_ASSIGN_OR_RETURN(store::Role role, EnumField(body, "role", store::Role::kCompetitor));
  KJ_ASSIGN_OR_RETURN(auto display_name, OptionalString(body, "display_name"));
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_ASSIGN_OR_RETURN(store::User user, store::UserRepository(tx).Create({name, display_name.value_or(""), role}));
  const auto kind = role == store::Role::kRunner ? store::TokenKind::kRunner : store::TokenKind::kApi;
  KJ_ASSIGN_OR_RETURN(store::IssuedToken issued,
                      store::TokenRepository(tx).Issue({user.id, kind, "first token", std::nullopt}));
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "user.create", "user:" + user.name, {{"role", store::Name(role)}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return Reply{status::created, {{"user", UserJson(user)}, {"token", IssuedJson(issued, user.name)}}};
}

/// Changes to oneself that would lock an admin out are refused: another admin must make them.
Status NotSelf(const Caller& caller, const store::User& target, std::string_view what) {
  if (caller.user.id != target.id) return Ok();
  return MakeError(ErrorCode::kFailedPrecondition, "you cannot " + std::string(what) + " yourself: ask another admin");
}

Result<Reply> SetRole(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body, const Request&) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {"role"}));
  KJ_ASSIGN_OR_RETURN(store::Role role, RequiredEnum<store::Role>(body, "role"));
  KJ_ASSIGN_OR_RETURN(store::User user, UserNamed(ctx, p.at("name")));
  KJ_RETURN_IF_ERROR(NotSelf(caller, user, "change the role of"));
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_RETURN_IF_ERROR(store::UserRepository(tx).SetRole(user.id, role));
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "user.role", "user:" + user.name,
                           {{"from", store::Name(user.role)}, {"to", store::Name(role)}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  KJ_ASSIGN_OR_RETURN(store::User updated, store::UserRepository(ctx.db).Get(user.id));
  return Reply{status::ok, {{"user", UserJson(updated)}}};
}

/// Bans (the reason is shown to the user whenever they are refused) or lifts a ban.
Result<Reply> SetBan(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body, bool ban) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, ban ? std::initializer_list<std::string_view>{"reason"} : std::initializer_list<std::string_view>{}));
  std::string reason;
  if (ban) {
    KJ_ASSIGN_OR_RETURN(reason, StringField(body, "reason"));
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos || reason.size() > kMaxBanReasonBytes) {
      return MakeError(ErrorCode::kInvalidArgument, "field 'reason' must say why (1-" + std::to_string(kMaxBanReasonBytes) +
                                                        " bytes): the user is shown it");
    }
  }
  KJ_ASSIGN_OR_RETURN(store::User user, UserNamed(ctx, p.at("name")));
  KJ_RETURN_IF_ERROR(NotSelf(caller, user, ban ? "ban" : "unban"));
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_RETURN_IF_ERROR(store::UserRepository(tx).SetBanned(user.id, ban ? std::optional<std::string_view>(reason) : std::nullopt));
  KJ_RETURN_IF_ERROR(Audit(tx, caller, ban ? "user.ban" : "user.unban", "user:" + user.name,
                           ban ? nlohmann::json{{"reason", reason}} : nlohmann::json::object()));
  KJ_RETURN_IF_ERROR(tx.Commit());
  KJ_ASSIGN_OR_RETURN(store::User updated, store::UserRepository(ctx.db).Get(user.id));
  return Reply{status::ok, {{"user", UserJson(updated)}}};
}

Result<Reply> Ban(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body, const Request&) {
  return SetBan(ctx, caller, p, body, true);
}

Result<Reply> Unban(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body, const Request&) {
  return SetBan(ctx, caller, p, body, false);
}

// ---- tokens ------------------------------------------------------------------------------------

Result<Reply> ListTokens(ServerContext& ctx, const Caller&, const PathParams& p, const nlohmann::json&, const Request&) {
  KJ_ASSIGN_OR_RETURN(store::User user, UserNamed(ctx, p.at("name")));
  KJ_ASSIGN_OR_RETURN(auto tokens, store::TokenRepository(ctx.db).ListForUser(user.id));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : tokens) out.push_back(TokenJson(t, user.name));
  return Reply{status::ok, {{"tokens", std::move(out)}}};
}

/// Issues an API or runner token for a user, or an invitation that creates an account with a role.
/// The plaintext is in this reply only; the server keeps its hash.
Result<Reply> IssueToken(ServerContext& ctx, const Caller& caller, const PathParams&, const nlohmann::json& body, const Request&) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {"kind", "user", "role", "label", "expires_in_s"}));
  KJ_ASSIGN_OR_RETURN(store::TokenKind kind, RequiredEnum<store::TokenKind>(body, "kind"));
  KJ_ASSIGN_OR_RETURN(auto label, OptionalString(body, "label"));
  if (label && label->size() > kMaxLabelBytes) return MakeError(ErrorCode::kInvalidArgument, "field 'label' is too long");
  std::optional<std::int64_t> expires_in_s;
  if (auto it = body.find("expires_in_s"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() <= 0 || it->get<std::int64_t>() > kMaxExpiryS) {
      return MakeError(ErrorCode::kInvalidArgument, "field 'expires_in_s' must be a whole number of seconds from 1 to " +
                                                        std::to_string(kMaxExpiryS));
    }
    expires_in_s = it->get<std::int64_t>();
  }
  const std::int64_t now = ctx.db.clock().NowMs();
  if (kind == store::TokenKind::kInvite) {
    if (body.contains("user")) return MakeError(ErrorCode::kInvalidArgument, "an invite creates its user: leave out 'user'");
    KJ_ASSIGN_OR_RETURN(store::Role role, EnumField(body, "role", store::Role::kCompetitor));
    const std::int64_t expires_ms = now + expires_in_s.value_or(kDefaultInviteExpiryS) * 1000;
    KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
    KJ_ASSIGN_OR_RETURN(store::IssuedToken issued,
                        store::TokenRepository(tx).IssueInvite(role, label.value_or("invite from " + caller.user.name), expires_ms));
    KJ_RETURN_IF_ERROR(Audit(tx, caller, "token.invite", "token:" + std::to_string(issued.token.id), {{"role", store::Name(role)}}));
    KJ_RETURN_IF_ERROR(tx.Commit());
    return Reply{status::created, {{"token", IssuedJson(issued, std::nullopt)}}};
  }
  if (kind != store::TokenKind::kApi && kind != store::TokenKind::kRunner) {
    return MakeError(ErrorCode::kInvalidArgument, "field 'kind' must be api, runner or invite");
  }
  if (body.contains("role")) return MakeError(ErrorCode::kInvalidArgument, "'role' is for invites; a token has its user's role");
  KJ_ASSIGN_OR_RETURN(std::string user_name, StringField(body, "user"));
  KJ_ASSIGN_OR_RETURN(store::User user, UserNamed(ctx, user_name));
  if ((kind == store::TokenKind::kRunner) != (user.role == store::Role::kRunner)) {
    return MakeError(ErrorCode::kInvalidArgument, "runner tokens are for runner users, api tokens for everyone else ('" +
                                                      user.name + "' is a " + std::string(store::Name(user.role)) + ")");
  }
  std::optional<std::int64_t> expires_ms;
  if (expires_in_s) expires_ms = now + *expires_in_s * 1000;
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_ASSIGN_OR_RETURN(store::IssuedToken issued,
                      store::TokenRepository(tx).Issue({user.id, kind, label.value_or("issued by " + caller.user.name), expires_ms}));
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "token.issue", "user:" + user.name,
                           {{"kind", store::Name(kind)}, {"token_id", issued.token.id}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return Reply{status::created, {{"token", IssuedJson(issued, user.name)}}};
}

Result<Reply> RevokeToken(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body, const Request&) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {}));
  KJ_ASSIGN_OR_RETURN(std::int64_t id, IdParam(p, "id"));
  auto token = store::TokenRepository(ctx.db).Get(id);
  if (!token.ok() && token.error().code == ErrorCode::kNotFound) return MakeError(ErrorCode::kNotFound, "no token " + p.at("id"));
  if (!token.ok()) return token.error();
  std::optional<std::string> owner;
  if (token->user_id) {
    KJ_ASSIGN_OR_RETURN(store::User user, store::UserRepository(ctx.db).Get(*token->user_id));
    owner = user.name;
  }
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_RETURN_IF_ERROR(store::TokenRepository(tx).Revoke(id));
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "token.revoke", "token:" + std::to_string(id),
                           {{"kind", store::Name(token->kind)}, {"user", OrNull(owner)}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  KJ_ASSIGN_OR_RETURN(store::Token revoked, store::TokenRepository(ctx.db).Get(id));
  return Reply{status::ok, {{"token", TokenJson(revoked, owner)}}};
}

Result<Reply> ListAudit(ServerContext& ctx, const Caller&, const PathParams&, const nlohmann::json&, const Request& req) {
  const QueryParams query(req.target());
  KJ_RETURN_IF_ERROR(query.OnlyKnown({"limit", "before"}));
  KJ_ASSIGN_OR_RETURN(std::int64_t limit, query.Int("limit", kDefaultAuditPage, 1, static_cast<std::int64_t>(store::kMaxPageSize)));
  KJ_ASSIGN_OR_RETURN(std::int64_t before, query.Int("before", 0, 0, INT64_MAX));
  KJ_ASSIGN_OR_RETURN(auto entries, store::AuditRepository(ctx.db).ListRecent(
                                        {static_cast<std::size_t>(limit), before > 0 ? std::optional<std::int64_t>(before) : std::nullopt}));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : entries) {
    auto detail = nlohmann::json::parse(e.detail_json, nullptr, false);
    out.push_back({{"id", e.id},
                   {"actor", e.actor},
                   {"action", e.action},
                   {"target", e.target},
                   {"detail", detail.is_discarded() ? nlohmann::json::object() : detail},
                   {"created_ms", e.created_ms}});
  }
  const bool full = static_cast<std::int64_t>(entries.size()) == limit;
  return Reply{status::ok, {{"entries", std::move(out)},
                            {"next_before", full ? nlohmann::json(entries.back().id) : nlohmann::json()}}};
}

// ---- problems and leaderboards -----------------------------------------------------------------

nlohmann::json VersionJson(const store::ProblemVersion& v) {
  return {{"id", v.id}, {"content_hash", v.content_hash}, {"title", v.title}, {"created_ms", v.created_ms}};
}

/// Publishes an uploaded problem bundle as the problem's new active version, after validating it
/// exactly as `kjudge serve --problems` validates a directory. Errors name file:line:col.
Result<Reply> PushProblem(ServerContext& ctx, const Caller& caller, const PathParams&, const nlohmann::json& body, const Request&) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {"files"}));
  auto files_json = body.find("files");
  if (files_json == body.end() || !files_json->is_object() || files_json->empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "field 'files' must be an object of relative path -> file content, with problem.yaml among them");
  }
  std::map<std::string, std::string> files;
  for (const auto& [path, content] : files_json->items()) {
    if (!content.is_string()) return MakeError(ErrorCode::kInvalidArgument, "files['" + path + "'] must be a string");
    files.emplace(path, content.get<std::string>());
  }
  KJ_ASSIGN_OR_RETURN(problem::ProblemBundle bundle, problem::BundleFromFiles(std::move(files), "bundle"));
  const store::ProblemVersionInput input = problem::VersionInputOf(bundle);
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_ASSIGN_OR_RETURN(store::PublishResult published, store::ProblemRepository(tx).Publish(input));
  nlohmann::json created = nlohmann::json::array();
  for (const auto& b : published.created_leaderboards) created.push_back(b.gpu);
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "problem.push", "problem:" + input.name,
                           {{"content_hash", input.content_hash},
                            {"created_version", published.created_version},
                            {"changed_active", published.changed_active},
                            {"created_leaderboards", created}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return Reply{published.created_version ? status::created : status::ok,
               {{"problem", input.name},
                {"version", VersionJson(published.version)},
                {"created_version", published.created_version},
                {"changed_active", published.changed_active},
                {"created_leaderboards", std::move(created)}}};
}

/// Makes an earlier version active again (rolling back a bad push), by id or content hash.
Result<Reply> ActivateVersion(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body, const Request&) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {"version_id", "content_hash"}));
  store::ProblemRepository problems(ctx.db);
  auto problem = problems.GetByName(p.at("name"));
  if (!problem.ok() && problem.error().code == ErrorCode::kNotFound) {
    return MakeError(ErrorCode::kNotFound, "no problem named '" + p.at("name") + "'");
  }
  if (!problem.ok()) return problem.error();
  KJ_ASSIGN_OR_RETURN(auto hash, OptionalString(body, "content_hash"));
  auto id = body.find("version_id");
  const bool has_id = id != body.end() && !id->is_null();
  if (has_id == hash.has_value()) return MakeError(ErrorCode::kInvalidArgument, "give exactly one of 'version_id' and 'content_hash'");
  if (has_id && !id->is_number_integer()) return MakeError(ErrorCode::kInvalidArgument, "field 'version_id' must be an integer");
  auto version = has_id ? problems.GetVersion(id->get<std::int64_t>()) : problems.GetVersionByHash(*hash);
  if (!version.ok() || version->problem_id != problem->id) {
    if (version.ok() || version.error().code == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kNotFound, "problem '" + problem->name + "' has no such version");
    }
    return version.error();
  }
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_RETURN_IF_ERROR(store::ProblemRepository(tx).Activate(problem->id, version->id));
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "problem.activate", "problem:" + problem->name,
                           {{"version_id", version->id}, {"content_hash", version->content_hash}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return Reply{status::ok, {{"problem", problem->name}, {"version", VersionJson(*version)}}};
}

/// Opens or closes a leaderboard, sets or clears its deadline, shows or hides it: any of the three
/// in one request, each change audited.
Result<Reply> UpdateLeaderboard(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body, const Request&) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {"state", "deadline_ms", "visibility"}));
  if (body.empty()) return MakeError(ErrorCode::kInvalidArgument, "nothing to change: give state, deadline_ms or visibility");
  const problem::GpuSpec* gpu = problem::FindGpu(p.at("gpu"));
  auto board = store::LeaderboardRepository(ctx.db).Find(p.at("problem"), gpu != nullptr ? gpu->name : p.at("gpu"));
  if (!board.ok() && board.error().code == ErrorCode::kNotFound) {
    return MakeError(ErrorCode::kNotFound, "no leaderboard " + p.at("problem") + " on " + p.at("gpu"));
  }
  if (!board.ok()) return board.error();
  const std::string target = "leaderboard:" + board->problem_name + "/" + board->gpu;
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  store::LeaderboardRepository boards(tx);
  if (body.contains("state")) {
    KJ_ASSIGN_OR_RETURN(auto state, EnumField(body, "state", board->state));
    KJ_RETURN_IF_ERROR(boards.SetState(board->id, state));
    KJ_RETURN_IF_ERROR(Audit(tx, caller, state == store::LeaderboardState::kOpen ? "leaderboard.open" : "leaderboard.close", target));
  }
  if (auto it = body.find("deadline_ms"); it != body.end()) {
    if (!it->is_null() && !it->is_number_integer()) {
      return MakeError(ErrorCode::kInvalidArgument, "field 'deadline_ms' must be milliseconds since the Unix epoch, or null");
    }
    const auto deadline = it->is_null() ? std::nullopt : std::optional<std::int64_t>(it->get<std::int64_t>());
    KJ_RETURN_IF_ERROR(boards.SetDeadline(board->id, deadline));
    KJ_RETURN_IF_ERROR(Audit(tx, caller, "leaderboard.deadline", target, {{"deadline_ms", OrNull(deadline)}}));
  }
  if (body.contains("visibility")) {
    KJ_ASSIGN_OR_RETURN(auto visibility, EnumField(body, "visibility", board->visibility));
    KJ_RETURN_IF_ERROR(boards.SetVisibility(board->id, visibility));
    KJ_RETURN_IF_ERROR(Audit(tx, caller, "leaderboard.visibility", target, {{"visibility", store::Name(visibility)}}));
  }
  KJ_RETURN_IF_ERROR(tx.Commit());
  KJ_ASSIGN_OR_RETURN(store::Leaderboard updated, store::LeaderboardRepository(ctx.db).Get(board->id));
  return Reply{status::ok, {{"leaderboard", LeaderboardJson(updated, true, ctx.db.clock().NowMs())}}};
}

/// Judges a submission again on its GPU type in its mode (after a runner fault or a problem fix).
/// Organizers are not rate limited: the jobs go straight into the queue.
Result<Reply> Rerun(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body, const Request&) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {}));
  KJ_ASSIGN_OR_RETURN(std::int64_t id, IdParam(p, "id"));
  auto sub = store::SubmissionRepository(ctx.db).Get(id);
  if (!sub.ok() && sub.error().code == ErrorCode::kNotFound) return MakeError(ErrorCode::kNotFound, "no submission " + p.at("id"));
  if (!sub.ok()) return sub.error();
  std::string gpu;
  if (sub->leaderboard_id) {
    KJ_ASSIGN_OR_RETURN(store::Leaderboard board, store::LeaderboardRepository(ctx.db).Get(*sub->leaderboard_id));
    gpu = board.gpu;
  } else {
    KJ_ASSIGN_OR_RETURN(auto jobs, store::JobRepository(ctx.db).ListBySubmission(id));
    if (jobs.empty()) return MakeError(ErrorCode::kFailedPrecondition, "submission " + p.at("id") + " names no GPU to run on");
    gpu = jobs.front().gpu;
  }
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_ASSIGN_OR_RETURN(auto jobs, ctx.queue.Enqueue(tx, id, gpu, {sub->mode}));
  nlohmann::json job_ids = nlohmann::json::array();
  for (const auto& j : jobs) job_ids.push_back(j.id);
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "submission.rerun", "submission:" + std::to_string(id),
                           {{"gpu", gpu}, {"mode", store::Name(sub->mode)}, {"jobs", job_ids}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  ctx.queue.Notify();
  ctx.events.Publish(id, {{"event", "queued"}, {"gpu", gpu}, {"mode", store::Name(sub->mode)}, {"rerun", true}});
  KJ_ASSIGN_OR_RETURN(QueueStatus queue, ctx.Intake().StatusOf(id));
  return Reply{status::created, {{"submission_id", id}, {"jobs", std::move(job_ids)}, {"queue", QueueJson(queue)}}};
}

// ---- hacked submissions -------------------------------------------------------------------------

/// The submission named by the path, or a 404 naming it.
Result<store::Submission> SubmissionAt(ServerContext& ctx, const PathParams& p) {
  KJ_ASSIGN_OR_RETURN(std::int64_t id, IdParam(p, "id"));
  auto sub = store::SubmissionRepository(ctx.db).Get(id);
  if (!sub.ok() && sub.error().code == ErrorCode::kNotFound) return MakeError(ErrorCode::kNotFound, "no submission " + p.at("id"));
  return sub;
}

/// What a hack mark changes: the leaderboard the submission ranked on (when it is a
/// leaderboard-mode one) and the competitions scored from that leaderboard. Those are recomputed
/// from the standings on their next read; the write itself invalidates the cached pages.
Result<nlohmann::json> AffectedBy(ServerContext& ctx, const store::Submission& sub) {
  nlohmann::json affected = {{"leaderboard", nullptr}, {"competitions", nlohmann::json::array()}};
  if (!sub.leaderboard_id || sub.mode != store::Mode::kLeaderboard) return affected;
  KJ_ASSIGN_OR_RETURN(store::Leaderboard board, store::LeaderboardRepository(ctx.db).Get(*sub.leaderboard_id));
  affected["leaderboard"] = {{"problem", board.problem_name}, {"gpu", board.gpu}};
  KJ_ASSIGN_OR_RETURN(auto competitions, store::CompetitionRepository(ctx.db).ListContaining(board.id));
  for (const auto& c : competitions) affected["competitions"].push_back(c.name);
  return affected;
}

/// Marks a submission hacked: it leaves every ranking (its runs stay, as evidence).
Result<Reply> MarkHacked(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body, const Request&) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {"reason"}));
  KJ_ASSIGN_OR_RETURN(std::string reason, StringField(body, "reason"));
  KJ_RETURN_IF_ERROR(store::ValidateHackReason(reason, "field 'reason'"));
  KJ_ASSIGN_OR_RETURN(store::Submission sub, SubmissionAt(ctx, p));
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_ASSIGN_OR_RETURN(store::HackMark mark, store::HackRepository(tx).Mark({sub.id, reason, caller.user.id, caller.user.name}));
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "submission.hacked", "submission:" + std::to_string(sub.id),
                           {{"reason", reason}, {"user_id", sub.user_id}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  KJ_ASSIGN_OR_RETURN(nlohmann::json affected, AffectedBy(ctx, sub));
  return Reply{status::ok, {{"submission_id", sub.id}, {"hacked", HackJson(mark, true)}, {"affected", std::move(affected)}}};
}

/// Removes a hack mark: the submission's runs rank again.
Result<Reply> UnmarkHacked(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body, const Request&) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {}));
  KJ_ASSIGN_OR_RETURN(store::Submission sub, SubmissionAt(ctx, p));
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_ASSIGN_OR_RETURN(store::HackMark removed, store::HackRepository(tx).Unmark(sub.id));
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "submission.unhacked", "submission:" + std::to_string(sub.id),
                           {{"reason", removed.reason}, {"marked_by", removed.marked_by}, {"marked_ms", removed.marked_ms}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  KJ_ASSIGN_OR_RETURN(nlohmann::json affected, AffectedBy(ctx, sub));
  return Reply{status::ok, {{"submission_id", sub.id},
                            {"hacked", nullptr},
                            {"removed", HackJson(removed, true)},
                            {"affected", std::move(affected)}}};
}

/// Every hacked submission with its mark, newest submission first: the export of hack marks.
Result<Reply> ListHacked(ServerContext& ctx, const Caller&, const PathParams&, const nlohmann::json&, const Request& req) {
  const QueryParams query(req.target());
  KJ_RETURN_IF_ERROR(query.OnlyKnown({"limit", "before"}));
  KJ_ASSIGN_OR_RETURN(std::int64_t limit, query.Int("limit", kDefaultAuditPage, 1, static_cast<std::int64_t>(store::kMaxPageSize)));
  KJ_ASSIGN_OR_RETURN(std::int64_t before, query.Int("before", 0, 0, INT64_MAX));
  KJ_ASSIGN_OR_RETURN(auto marks, store::HackRepository(ctx.db).List(
                                      {static_cast<std::size_t>(limit), before > 0 ? std::optional<std::int64_t>(before) : std::nullopt}));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : marks) {
    KJ_ASSIGN_OR_RETURN(store::Submission sub, store::SubmissionRepository(ctx.db).Get(m.submission_id));
    KJ_ASSIGN_OR_RETURN(store::User owner, store::UserRepository(ctx.db).Get(sub.user_id));
    KJ_ASSIGN_OR_RETURN(nlohmann::json affected, AffectedBy(ctx, sub));
    out.push_back({{"submission_id", m.submission_id},
                   {"user", owner.name},
                   {"mode", store::Name(sub.mode)},
                   {"created_ms", sub.created_ms},
                   {"leaderboard", affected["leaderboard"]},
                   {"hacked", HackJson(m, true)}});
  }
  const bool full = static_cast<std::int64_t>(marks.size()) == limit;
  return Reply{status::ok, {{"submissions", std::move(out)},
                            {"next_before", full ? nlohmann::json(marks.back().submission_id) : nlohmann::json()}}};
}

}  // namespace

void AddAdminRoutes(Router& router, ServerContext& ctx) {
  const auto admins = Who::kAdmins;
  const auto organizers = Who::kOrganizers;
  AddAction(router, ctx, verb::get, "/api/v1/admin/users", admins, ListUsers);
  AddAction(router, ctx, verb::post, "/api/v1/admin/users", admins, CreateUser);
  AddAction(router, ctx, verb::post, "/api/v1/admin/users/{name}/role", admins, SetRole);
  AddAction(router, ctx, verb::post, "/api/v1/admin/users/{name}/ban", admins, Ban);
  AddAction(router, ctx, verb::post, "/api/v1/admin/users/{name}/unban", admins, Unban);
  AddAction(router, ctx, verb::get, "/api/v1/admin/users/{name}/tokens", admins, ListTokens);
  AddAction(router, ctx, verb::post, "/api/v1/admin/tokens", admins, IssueToken);
  AddAction(router, ctx, verb::post, "/api/v1/admin/tokens/{id}/revoke", admins, RevokeToken);
  AddAction(router, ctx, verb::post, "/api/v1/admin/problems", organizers, PushProblem);
  AddAction(router, ctx, verb::post, "/api/v1/admin/problems/{name}/activate", organizers, ActivateVersion);
  AddAction(router, ctx, verb::patch, "/api/v1/admin/leaderboards/{problem}/{gpu}", organizers, UpdateLeaderboard);
  AddAction(router, ctx, verb::post, "/api/v1/admin/submissions/{id}/rerun", organizers, Rerun);
  AddAction(router, ctx, verb::post, "/api/v1/admin/submissions/{id}/hacked", organizers, MarkHacked);
  AddAction(router, ctx, verb::delete_, "/api/v1/admin/submissions/{id}/hacked", organizers, UnmarkHacked);
  AddAction(router, ctx, verb::get, "/api/v1/admin/hacked", organizers, ListHacked);
  AddAction(router, ctx, verb::get, "/api/v1/admin/audit", admins, ListAudit);
}

}  // namespace kjudge::http
