// Competitions: the list and one competition's overall standings for everyone (docs/web.md), and
// the organizers' routes that create one, add and remove its parts and change its schedule.
// Points come from the score module (docs/scoring.md) over the same cached, deadline-frozen
// leaderboard standings every page shows (StandingsOf). Every change is audited in the
// transaction that makes it.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <functional>

#include "access.h"
#include "documents.h"
#include "kjudge/problem/gpu_catalog.h"
#include "kjudge/score/competition_standings.h"
#include "kjudge/score/points.h"
#include "kjudge/store/audit_repository.h"
#include "kjudge/store/competition_repository.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"
#include "query_params.h"
#include "routes.h"
#include "views.h"

namespace kjudge::http {

namespace {

using beast_http::status;
using beast_http::verb;

constexpr std::size_t kMaxTitleBytes = 200;
constexpr std::size_t kMaxDescriptionBytes = 64 * 1024;

std::string CompetitionStatusName(const store::Competition& c, std::int64_t now_ms) {
  if (now_ms < c.start_ms) return "upcoming";
  return now_ms < c.deadline_ms ? "running" : "ended";
}

std::string Shown(const std::string& display_name, const std::string& name) {
  return display_name.empty() ? name : display_name;
}

/// The fields the list and the full document share.
nlohmann::json Summary(const store::Competition& c, std::int64_t now_ms) {
  return {{"name", c.name},
          {"title", c.title},
          {"description", c.description},
          {"start_ms", c.start_ms},
          {"deadline_ms", c.deadline_ms},
          {"status", CompetitionStatusName(c, now_ms)},
          {"frozen", now_ms >= c.deadline_ms},
          {"points_rule", store::Name(c.points_rule)},
          {"points_rule_text", std::string(score::PointsRuleText(c.points_rule))},
          {"submissions_published", c.submissions_published}};
}

Result<store::Competition> CompetitionNamed(store::Database& db, const std::string& name) {
  auto c = store::CompetitionRepository(db).GetByName(name);
  if (!c.ok() && c.error().code == ErrorCode::kNotFound) return MakeError(ErrorCode::kNotFound, "no competition named '" + name + "'");
  return c;
}

Response List(ServerContext& ctx, const Request& req) {
  auto caller = OptionalPerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  if (auto st = QueryParams(req.target()).OnlyKnown({}); !st.ok()) return ErrorResponse(req, st.error());
  auto competitions = store::CompetitionRepository(ctx.db).List();
  if (!competitions.ok()) return ErrorResponse(req, competitions.error());
  const std::int64_t now = ctx.db.clock().NowMs();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : *competitions) list.push_back(Summary(c, now));
  return JsonResponse(req, status::ok, Dump({{"competitions", std::move(list)}}));
}

// ---- organizer routes ----

struct Reply {
  status code = status::ok;
  nlohmann::json body;
};

using Action = std::function<Result<Reply>(ServerContext&, const Caller&, const PathParams&, const nlohmann::json&)>;

/// An organizer (or admin) route with a JSON body (an empty object when there is none).
void AddOrganizerAction(Router& router, ServerContext& ctx, verb method, std::string pattern, Action action) {
  router.Add(method, std::move(pattern), [&ctx, action = std::move(action)](const Request& req, const PathParams& p) {
    auto caller = RequireRole(req, ctx.db, {store::Role::kOrganizer});
    if (!caller.ok()) return ErrorResponse(req, caller.error());
    nlohmann::json body = nlohmann::json::object();
    if (!req.body().empty()) {
      auto parsed = JsonBody(req);
      if (!parsed.ok()) return ErrorResponse(req, parsed.error());
      body = std::move(parsed).value();
    }
    auto reply = action(ctx, *caller, p, body);
    if (!reply.ok()) return ErrorResponse(req, reply.error());
    return JsonResponse(req, reply->code, Dump(reply->body));
  });
}

Status Audit(store::WriteTransaction& tx, const Caller& caller, std::string action, std::string target,
             const nlohmann::json& detail = nlohmann::json::object()) {
  KJ_RETURN_IF_ERROR(store::AuditRepository(tx).Append(
      {caller.user.id, caller.user.name, std::move(action), std::move(target), Dump(detail)}));
  return Ok();
}

Status OnlyFields(const nlohmann::json& body, std::initializer_list<std::string_view> known) {
  for (const auto& [key, _] : body.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return MakeError(ErrorCode::kInvalidArgument, "unknown field '" + key + "'");
    }
  }
  return Ok();
}

Error FieldError(const char* name, const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, std::string("field '") + name + "' " + what);
}

Result<std::int64_t> MsField(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end()) return FieldError(name, "is required");
  if (!it->is_number_integer()) return FieldError(name, "must be milliseconds since the Unix epoch");
  return it->get<std::int64_t>();
}

Result<std::optional<std::string>> OptionalText(const nlohmann::json& body, const char* name, std::size_t max_bytes) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return FieldError(name, "must be a string");
  std::string text = it->get<std::string>();
  if (text.size() > max_bytes) return FieldError(name, "must be at most " + std::to_string(max_bytes) + " bytes");
  return std::optional<std::string>(std::move(text));
}

Result<std::optional<bool>> OptionalBool(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) return FieldError(name, "must be true or false");
  return std::optional<bool>(it->get<bool>());
}

/// Competition names appear in page and API paths: letters, digits, '-', '_' and '.', 1-128.
Status ValidateName(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 128 && name != "." && name != ".." &&
                  std::all_of(name.begin(), name.end(), [](unsigned char ch) {
                    return std::isalnum(ch) != 0 || ch == '-' || ch == '_' || ch == '.';
                  });
  if (!ok) return FieldError("name", "must be 1-128 letters, digits, '-', '_' or '.'");
  return Ok();
}

nlohmann::json PartJson(const store::CompetitionProblem& part, const std::string& problem,
                        const std::optional<std::string>& gpu) {
  return {{"id", part.id}, {"problem", problem}, {"gpu", OrNull(gpu)}, {"weight", part.weight}};
}

Result<Reply> Create(ServerContext& ctx, const Caller& caller, const PathParams&, const nlohmann::json& body) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {"name", "title", "description", "start_ms", "deadline_ms", "points_rule",
                                       "submissions_published"}));
  store::NewCompetition c;
  KJ_ASSIGN_OR_RETURN(c.name, StringField(body, "name"));
  KJ_RETURN_IF_ERROR(ValidateName(c.name));
  KJ_ASSIGN_OR_RETURN(auto title, OptionalText(body, "title", kMaxTitleBytes));
  c.title = title.value_or(c.name);
  KJ_ASSIGN_OR_RETURN(auto description, OptionalText(body, "description", kMaxDescriptionBytes));
  c.description = description.value_or("");
  KJ_ASSIGN_OR_RETURN(c.start_ms, MsField(body, "start_ms"));
  KJ_ASSIGN_OR_RETURN(c.deadline_ms, MsField(body, "deadline_ms"));
  if (c.deadline_ms <= c.start_ms) return FieldError("deadline_ms", "must be after start_ms");
  KJ_ASSIGN_OR_RETURN(auto rule, OptionalText(body, "points_rule", 64));
  if (rule) {
    auto parsed = store::Parse<store::PointsRule>(*rule);
    if (!parsed.ok()) return FieldError("points_rule", "must be rank_points, relative_score or sol_ratio");
    c.points_rule = *parsed;
  }
  KJ_ASSIGN_OR_RETURN(auto published, OptionalBool(body, "submissions_published"));
  c.submissions_published = published.value_or(false);
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_ASSIGN_OR_RETURN(store::Competition created, store::CompetitionRepository(tx).Create(c));
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "competition.create", "competition:" + created.name,
                           {{"start_ms", created.start_ms},
                            {"deadline_ms", created.deadline_ms},
                            {"points_rule", store::Name(created.points_rule)}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  nlohmann::json doc = Summary(created, ctx.db.clock().NowMs());
  doc["parts"] = nlohmann::json::array();
  return Reply{status::created, {{"competition", std::move(doc)}}};
}

/// Adds a whole problem (no gpu: all its leaderboards, the weight split between them) or one of
/// its leaderboards. A leaderboard is counted once: a problem part and a part for one of its
/// leaderboards cannot both be in a competition.
Result<Reply> AddPart(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {"problem", "gpu", "weight"}));
  KJ_ASSIGN_OR_RETURN(store::Competition competition, CompetitionNamed(ctx.db, p.at("name")));
  KJ_ASSIGN_OR_RETURN(std::string problem_name, StringField(body, "problem"));
  KJ_ASSIGN_OR_RETURN(auto gpu_name, OptionalText(body, "gpu", 64));
  double weight = 1.0;
  if (auto it = body.find("weight"); it != body.end()) {
    if (!it->is_number() || !(it->get<double>() > 0) || !std::isfinite(it->get<double>())) {
      return FieldError("weight", "must be a number > 0");
    }
    weight = it->get<double>();
  }
  auto named = store::ProblemRepository(ctx.db).GetByName(problem_name);
  if (!named.ok() && named.error().code == ErrorCode::kNotFound) {
    return MakeError(ErrorCode::kNotFound, "no problem named '" + problem_name + "'");
  }
  if (!named.ok()) return named.error();
  std::optional<store::Leaderboard> board;
  if (gpu_name) {
    const problem::GpuSpec* gpu = problem::FindGpu(*gpu_name);
    auto found = store::LeaderboardRepository(ctx.db).Find(problem_name, gpu != nullptr ? gpu->name : *gpu_name);
    if (!found.ok() && found.error().code == ErrorCode::kNotFound) {
      return MakeError(ErrorCode::kNotFound, "no leaderboard " + problem_name + " on " + *gpu_name);
    }
    if (!found.ok()) return found.error();
    board = *found;
  }
  KJ_ASSIGN_OR_RETURN(auto boards, store::LeaderboardRepository(ctx.db).ListForProblem(named->id));
  const std::string in = " competition '" + competition.name + "'";
  for (const auto& existing : competition.problems) {
    if (existing.problem_id == named->id) {
      return MakeError(ErrorCode::kAlreadyExists, "problem '" + problem_name + "' (every GPU) is already part of" + in);
    }
    if (!existing.leaderboard_id) continue;
    if (board && *existing.leaderboard_id == board->id) {
      return MakeError(ErrorCode::kAlreadyExists,
                       "leaderboard " + problem_name + " on " + board->gpu + " is already part of" + in);
    }
    const bool of_problem = std::any_of(boards.begin(), boards.end(),
                                        [&](const store::Leaderboard& b) { return b.id == *existing.leaderboard_id; });
    if (!board && of_problem) {
      return MakeError(ErrorCode::kAlreadyExists, "a leaderboard of problem '" + problem_name + "' is already part of" +
                                                      in + ": remove it (part " + std::to_string(existing.id) +
                                                      ") before adding the whole problem");
    }
  }
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  store::CompetitionRepository competitions(tx);
  KJ_ASSIGN_OR_RETURN(store::CompetitionProblem part,
                      board ? competitions.AddLeaderboard(competition.id, board->id, weight)
                            : competitions.AddProblem(competition.id, named->id, weight));
  const std::optional<std::string> gpu = board ? std::optional<std::string>(board->gpu) : std::nullopt;
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "competition.part.add", "competition:" + competition.name,
                           {{"part", part.id}, {"problem", problem_name}, {"gpu", OrNull(gpu)}, {"weight", weight}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return Reply{status::created, {{"competition", competition.name}, {"part", PartJson(part, problem_name, gpu)}}};
}

Result<Reply> RemovePart(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {}));
  KJ_ASSIGN_OR_RETURN(store::Competition competition, CompetitionNamed(ctx.db, p.at("name")));
  KJ_ASSIGN_OR_RETURN(std::int64_t id, IdParam(p, "id"));
  const bool ours = std::any_of(competition.problems.begin(), competition.problems.end(),
                                [&](const store::CompetitionProblem& part) { return part.id == id; });
  if (!ours) return MakeError(ErrorCode::kNotFound, "competition '" + competition.name + "' has no part " + p.at("id"));
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  KJ_RETURN_IF_ERROR(store::CompetitionRepository(tx).RemoveProblem(id));
  KJ_RETURN_IF_ERROR(Audit(tx, caller, "competition.part.remove", "competition:" + competition.name, {{"part", id}}));
  KJ_RETURN_IF_ERROR(tx.Commit());
  return Reply{status::ok, {{"competition", competition.name}, {"removed_part", id}}};
}

Result<Reply> Update(ServerContext& ctx, const Caller& caller, const PathParams& p, const nlohmann::json& body) {
  KJ_RETURN_IF_ERROR(OnlyFields(body, {"start_ms", "deadline_ms", "submissions_published"}));
  if (body.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "nothing to change: give start_ms, deadline_ms or submissions_published");
  }
  KJ_ASSIGN_OR_RETURN(store::Competition competition, CompetitionNamed(ctx.db, p.at("name")));
  std::int64_t start = competition.start_ms, deadline = competition.deadline_ms;
  if (body.contains("start_ms")) {
    KJ_ASSIGN_OR_RETURN(start, MsField(body, "start_ms"));
  }
  if (body.contains("deadline_ms")) {
    KJ_ASSIGN_OR_RETURN(deadline, MsField(body, "deadline_ms"));
  }
  if (deadline <= start) return FieldError("deadline_ms", "must be after start_ms (" + std::to_string(start) + ")");
  KJ_ASSIGN_OR_RETURN(auto published, OptionalBool(body, "submissions_published"));
  const std::string target = "competition:" + competition.name;
  KJ_ASSIGN_OR_RETURN(auto tx, ctx.db.BeginWrite());
  store::CompetitionRepository competitions(tx);
  if (body.contains("start_ms") || body.contains("deadline_ms")) {
    KJ_RETURN_IF_ERROR(competitions.SetSchedule(competition.id, start, deadline));
    KJ_RETURN_IF_ERROR(Audit(tx, caller, "competition.schedule", target, {{"start_ms", start}, {"deadline_ms", deadline}}));
  }
  if (published) {
    KJ_RETURN_IF_ERROR(competitions.SetSubmissionsPublished(competition.id, *published));
    KJ_RETURN_IF_ERROR(Audit(tx, caller, *published ? "competition.publish" : "competition.unpublish", target));
  }
  KJ_RETURN_IF_ERROR(tx.Commit());
  KJ_ASSIGN_OR_RETURN(store::Competition updated, store::CompetitionRepository(ctx.db).Get(competition.id));
  return Reply{status::ok, {{"competition", Summary(updated, ctx.db.clock().NowMs())}}};
}

}  // namespace

Result<nlohmann::json> CompetitionDocument(ServerContext& ctx, const std::optional<Caller>& caller,
                                           const std::string& name) {
  KJ_ASSIGN_OR_RETURN(store::Competition competition, CompetitionNamed(ctx.db, name));
  const std::int64_t now = ctx.db.clock().NowMs();
  // Weights split over every leaderboard of a problem, hidden ones too, so a part is worth the
  // same to every viewer; hidden leaderboards are then left out for those who may not see them.
  KJ_ASSIGN_OR_RETURN(auto all_boards, store::LeaderboardRepository(ctx.db).List(/*include_hidden=*/true));
  std::vector<score::ScoredPart> parts;
  for (auto& part : score::ExpandParts(competition, all_boards)) {
    if (MaySee(caller, part.board)) parts.push_back(std::move(part));
  }
  std::vector<std::vector<store::StandingEntry>> standings;
  nlohmann::json parts_json = nlohmann::json::array();
  for (const auto& part : parts) {
    KJ_ASSIGN_OR_RETURN(BoardStandings board, StandingsOf(ctx, part.board));
    standings.push_back(*board.ranked);
    parts_json.push_back({{"part_id", part.part_id},
                          {"problem", part.board.problem_name},
                          {"gpu", part.board.gpu},
                          {"weight", part.weight},
                          {"max_points", part.MaxPoints()},
                          {"entries", board.ranked->size()}});
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& s : score::CompetitionStandings(competition.points_rule, parts, standings)) {
    nlohmann::json per_part = nlohmann::json::array();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const score::PartResult& r = s.parts[i];
      per_part.push_back({{"problem", parts[i].board.problem_name},
                          {"gpu", parts[i].board.gpu},
                          {"rank", OrNull(r.rank)},
                          {"points", r.points},
                          {"score_ns", OrNull(r.score_ns)},
                          {"sol_ratio", OrNull(r.sol_ratio)},
                          {"run_id", OrNull(r.run_id)}});
    }
    rows.push_back({{"rank", s.rank},
                    {"user", s.user_name},
                    {"display_name", Shown(s.display_name, s.user_name)},
                    {"points", s.points},
                    {"parts", std::move(per_part)}});
  }
  nlohmann::json doc = Summary(competition, now);
  doc["parts"] = std::move(parts_json);
  doc["standings"] = std::move(rows);
  return doc;
}

void AddCompetitionRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::get, "/api/v1/competitions", [&ctx](const Request& req, const PathParams&) { return List(ctx, req); });
  router.Add(verb::get, "/api/v1/competitions/{name}", [&ctx](const Request& req, const PathParams& p) {
    auto caller = OptionalPerson(req, ctx.db);
    if (!caller.ok()) return ErrorResponse(req, caller.error());
    if (auto st = QueryParams(req.target()).OnlyKnown({}); !st.ok()) return ErrorResponse(req, st.error());
    auto doc = CompetitionDocument(ctx, *caller, p.at("name"));
    if (!doc.ok()) return ErrorResponse(req, doc.error());
    return JsonResponse(req, status::ok, Dump(*doc));
  });
  AddOrganizerAction(router, ctx, verb::post, "/api/v1/admin/competitions", Create);
  AddOrganizerAction(router, ctx, verb::patch, "/api/v1/admin/competitions/{name}", Update);
  AddOrganizerAction(router, ctx, verb::post, "/api/v1/admin/competitions/{name}/parts", AddPart);
  AddOrganizerAction(router, ctx, verb::delete_, "/api/v1/admin/competitions/{name}/parts/{id}", RemovePart);
}

}  // namespace kjudge::http
