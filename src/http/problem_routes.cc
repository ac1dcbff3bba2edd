// Problems as competitors see them: the list, one problem's statement, cases and leaderboards, and
// the template file to start from in each language. A problem whose leaderboards are all hidden
// (or that has no active version) is invisible to competitors and anonymous readers: 404, as if it
// did not exist. Organizers and admins see everything, with each leaderboard's visibility and the
// problem's versions (to activate one).
#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "access.h"
#include "documents.h"
#include "kjudge/problem/gpu_catalog.h"
#include "kjudge/problem/sol_model.h"
#include "kjudge/problem/spec.h"
#include "kjudge/problem/spec_json.h"
#include "kjudge/store/leaderboard_repository.h"
#include "kjudge/store/problem_repository.h"
#include "query_params.h"
#include "routes.h"
#include "views.h"

namespace kjudge::http {

namespace {

using beast_http::status;
using beast_http::verb;

/// A problem with what the caller may see of it.
struct ProblemView {
  store::Problem problem;
  std::vector<store::Leaderboard> boards;  ///< the visible ones, by GPU
  nlohmann::json spec;                     ///< the active version's spec (problem.yaml's keys); null without one
  std::optional<store::ProblemVersion> version;
};

/// The problem if `caller` may see it; kNotFound otherwise (the same answer as for no problem).
Result<ProblemView> View(store::Database& db, const std::optional<Caller>& caller, const store::Problem& problem) {
  const Error hidden = MakeError(ErrorCode::kNotFound, "no problem named '" + problem.name + "'");
  ProblemView view;
  view.problem = problem;
  KJ_ASSIGN_OR_RETURN(auto boards, store::LeaderboardRepository(db).ListForProblem(problem.id));
  for (auto& b : boards) {
    if (MaySee(caller, b)) view.boards.push_back(std::move(b));
  }
  if (problem.active_version_id) {
    KJ_ASSIGN_OR_RETURN(view.version, store::ProblemRepository(db).GetVersion(*problem.active_version_id));
    view.spec = nlohmann::json::parse(view.version->spec_json, nullptr, false);
    if (view.spec.is_discarded()) return MakeError(ErrorCode::kCorruption, "the stored spec of '" + problem.name + "' is not JSON");
  }
  if (!IsStaff(caller) && (view.boards.empty() || !view.version)) return hidden;
  return view;
}

Result<ProblemView> ViewByName(store::Database& db, const std::optional<Caller>& caller, const std::string& name) {
  auto problem = store::ProblemRepository(db).GetByName(name);
  if (!problem.ok()) {
    if (problem.error().code == ErrorCode::kNotFound) return MakeError(ErrorCode::kNotFound, "no problem named '" + name + "'");
    return problem.error();
  }
  return View(db, caller, *problem);
}

nlohmann::json Languages(const ProblemView& v) {
  return v.spec.is_object() ? v.spec.value("languages", nlohmann::json::array()) : nlohmann::json::array();
}

nlohmann::json Gpus(const ProblemView& v) {
  nlohmann::json gpus = nlohmann::json::array();
  for (const auto& b : v.boards) gpus.push_back(b.gpu);
  return gpus;
}

std::size_t CaseCount(const ProblemView& v, const char* key) {
  if (!v.spec.is_object()) return 0;
  auto it = v.spec.find(key);
  return it != v.spec.end() && it->is_array() ? it->size() : 0;
}

/// language -> template path, from the spec's files.templates.
std::map<std::string, std::string> Templates(const ProblemView& v) {
  std::map<std::string, std::string> out;
  if (!v.spec.is_object()) return out;
  const auto files = v.spec.find("files");
  if (files == v.spec.end() || !files->is_object()) return out;
  const auto templates = files->find("templates");
  if (templates == files->end() || !templates->is_object()) return out;
  for (const auto& [language, path] : templates->items()) {
    if (path.is_string()) out[language] = path.get<std::string>();
  }
  return out;
}

std::string BaseName(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

nlohmann::json Summary(const ProblemView& v) {
  return {{"name", v.problem.name},
          {"title", v.problem.title},
          {"languages", Languages(v)},
          {"gpus", Gpus(v)},
          {"tests", CaseCount(v, "tests")},
          {"benchmarks", CaseCount(v, "benchmarks")},
          {"ranking_by", v.spec.is_object() ? v.spec.value("ranking_by", "") : ""},
          {"updated_ms", v.problem.updated_ms}};
}

Response List(ServerContext& ctx, const Request& req) {
  auto caller = OptionalPerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  if (auto st = QueryParams(req.target()).OnlyKnown({}); !st.ok()) return ErrorResponse(req, st.error());
  auto problems = store::ProblemRepository(ctx.db).List();
  if (!problems.ok()) return ErrorResponse(req, problems.error());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : *problems) {
    auto view = View(ctx.db, *caller, p);
    if (!view.ok()) {
      if (view.error().code == ErrorCode::kNotFound) continue;
      return ErrorResponse(req, view.error());
    }
    out.push_back(Summary(*view));
  }
  return JsonResponse(req, status::ok, Dump({{"problems", std::move(out)}}));
}

/// The benchmark cases and their speed of light on each visible GPU (docs/web.md). A spec that no
/// longer parses (an older format) leaves both empty rather than failing the page.
void AddSpeedOfLight(const ProblemView& v, nlohmann::json& j) {
  j["statistic"] =
      "each benchmark case is timed until the relative standard error of its mean is under 0.5% (or its time "
      "budget ends) and contributes its mean time; the score is the " +
      std::string(v.spec.is_object() && v.spec.value("ranking_by", "geomean") == "mean"   ? "weighted arithmetic mean"
                  : v.spec.is_object() && v.spec.value("ranking_by", "geomean") == "last" ? "time of the last case"
                                                                                          : "weighted geometric mean") +
      " over benchmark cases";
  j["benchmark_cases"] = nlohmann::json::array();
  j["speed_of_light"] = nlohmann::json::array();
  if (!v.spec.is_object()) return;
  auto spec = problem::SpecFromJson(v.spec);
  if (!spec.ok()) return;
  for (std::size_t i = 0; i < spec->benchmarks.size(); ++i) {
    const auto& c = spec->benchmarks[i];
    j["benchmark_cases"].push_back({{"index", i},
                                    {"params", c.params},
                                    {"weight", c.weight},
                                    {"flops", c.flops},
                                    {"bytes", c.bytes},
                                    {"dtype", problem::ComputeTypeName(c.sol.dtype)}});
  }
  for (const auto& b : v.boards) {
    nlohmann::json row = {{"gpu", b.gpu}, {"error", nullptr}, {"cases", nlohmann::json::array()}};
    const problem::GpuSpec* gpu = problem::FindGpu(b.gpu);
    for (std::size_t i = 0; gpu != nullptr && i < spec->benchmarks.size(); ++i) {
      auto sol = problem::CaseSpeedOfLight(*gpu, spec->benchmarks[i]);
      if (!sol.ok()) {
        row["error"] = sol.error().message;
        break;
      }
      row["cases"].push_back({{"index", i},
                              {"sol_ns", sol->seconds * 1e9},
                              {"compute_ns", sol->compute_seconds * 1e9},
                              {"memory_ns", sol->memory_seconds * 1e9},
                              {"bound", sol->memory_bound() ? "memory" : "compute"}});
    }
    if (gpu == nullptr) row["error"] = "'" + b.gpu + "' is not in the GPU catalogue";
    j["speed_of_light"].push_back(std::move(row));
  }
}

Response Get(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto caller = OptionalPerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  auto doc = ProblemDocument(ctx, *caller, p.at("name"));
  if (!doc.ok()) return ErrorResponse(req, doc.error());
  return JsonResponse(req, status::ok, Dump(*doc));
}

/// The template file itself, as a download: exactly the bytes of the active version's file.
Response Template(ServerContext& ctx, const Request& req, const PathParams& p) {
  auto caller = OptionalPerson(req, ctx.db);
  if (!caller.ok()) return ErrorResponse(req, caller.error());
  auto view = ViewByName(ctx.db, *caller, p.at("name"));
  if (!view.ok()) return ErrorResponse(req, view.error());
  const auto language = problem::ParseLanguage(p.at("language"));
  const auto templates = Templates(*view);
  const auto it = language ? templates.find(std::string(problem::LanguageName(*language))) : templates.end();
  if (it == templates.end() || !view->version) {
    return ErrorResponse(req, status::not_found, "not_found",
                         "problem '" + view->problem.name + "' has no template for language '" + p.at("language") + "'");
  }
  auto files = store::ProblemRepository(ctx.db).GetFiles(view->version->id);
  if (!files.ok()) return ErrorResponse(req, files.error());
  const auto file = files->find(it->second);
  if (file == files->end()) {
    return ErrorResponse(req, status::internal_server_error, "internal", "the template file is missing from the stored version");
  }
  std::string name = BaseName(it->second);
  std::erase_if(name, [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; });
  Response res{status::ok, req.version()};
  res.set(beast_http::field::content_type, "text/plain; charset=utf-8");
  res.set(beast_http::field::content_disposition, "attachment; filename=\"" + name + "\"");
  res.set(beast_http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = file->second;
  res.prepare_payload();
  return res;
}

}  // namespace

Result<nlohmann::json> ProblemDocument(ServerContext& ctx, const std::optional<Caller>& caller, const std::string& name) {
  KJ_ASSIGN_OR_RETURN(ProblemView view, ViewByName(ctx.db, caller, name));
  const bool staff = IsStaff(caller);
  const std::int64_t now = ctx.db.clock().NowMs();
  nlohmann::json j = Summary(view);
  const nlohmann::json& spec = view.spec;
  j["description"] = spec.is_object() ? spec.value("description", "") : "";
  j["tolerance"] = spec.is_object() ? spec.value("tolerance", nlohmann::json::object()) : nlohmann::json::object();
  j["timeouts_s"] = spec.is_object() ? spec.value("timeouts", nlohmann::json::object()) : nlohmann::json::object();
  j["version"] = view.version ? nlohmann::json{{"id", view.version->id},
                                               {"content_hash", view.version->content_hash},
                                               {"created_ms", view.version->created_ms}}
                              : nlohmann::json();
  nlohmann::json boards = nlohmann::json::array();
  for (const auto& b : view.boards) boards.push_back(LeaderboardJson(b, staff, now));
  j["leaderboards"] = std::move(boards);
  nlohmann::json templates = nlohmann::json::array();
  for (const auto& [language, path] : Templates(view)) {
    templates.push_back({{"language", language},
                         {"file_name", BaseName(path)},
                         {"url", "/api/v1/problems/" + view.problem.name + "/templates/" + language}});
  }
  j["templates"] = std::move(templates);
  AddSpeedOfLight(view, j);
  if (staff) {
    KJ_ASSIGN_OR_RETURN(auto versions, store::ProblemRepository(ctx.db).ListVersions(view.problem.id));
    nlohmann::json vs = nlohmann::json::array();
    for (const auto& v : versions) {
      vs.push_back({{"id", v.id},
                    {"content_hash", v.content_hash},
                    {"title", v.title},
                    {"created_ms", v.created_ms},
                    {"active", view.problem.active_version_id == v.id}});
    }
    j["versions"] = std::move(vs);
  }
  return j;
}

void AddProblemRoutes(Router& router, ServerContext& ctx) {
  router.Add(verb::get, "/api/v1/problems", [&ctx](const Request& req, const PathParams&) { return List(ctx, req); });
  router.Add(verb::get, "/api/v1/problems/{name}", [&ctx](const Request& req, const PathParams& p) { return Get(ctx, req, p); });
  router.Add(verb::get, "/api/v1/problems/{name}/templates/{language}",
             [&ctx](const Request& req, const PathParams& p) { return Template(ctx, req, p); });
}

}  // namespace kjudge::http
