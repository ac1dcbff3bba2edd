#include "kjudge/problem/spec_json.h"

#include "kjudge/problem/iso8601.h"
#include "kjudge/problem/spec_parser.h"

namespace kjudge::problem {

namespace {

nlohmann::json SolToJson(const SolSpec& sol) {
  return {{"flops", sol.flops.text()}, {"bytes", sol.bytes.text()}, {"dtype", ComputeTypeName(sol.dtype)}};
}

nlohmann::json LanguageFilesToJson(const std::map<Language, FileRef>& files) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [lang, ref] : files) out[std::string(LanguageName(lang))] = ref.path;
  return out;
}

nlohmann::json CasesToJson(const std::vector<CaseSpec>& cases, bool benchmarks) {
  nlohmann::json out = nlohmann::json::array();
  for (const CaseSpec& c : cases) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [k, v] : c.params) j[k] = v;
    j["seed"] = c.seed;
    if (benchmarks && c.weight != 1) j["weight"] = c.weight;
    if (c.sol_overridden) j["sol"] = SolToJson(c.sol);
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

nlohmann::json SpecToJson(const ProblemSpec& spec) {
  nlohmann::json languages = nlohmann::json::array();
  for (Language l : spec.languages) languages.push_back(LanguageName(l));
  nlohmann::json files = {{"reference", spec.files.reference.path},
                          {"glue", LanguageFilesToJson(spec.files.glue)},
                          {"templates", LanguageFilesToJson(spec.files.templates)}};
  if (!spec.files.extra.empty()) {
    nlohmann::json extra = nlohmann::json::array();
    for (const auto& ref : spec.files.extra) extra.push_back(ref.path);
    files["extra"] = std::move(extra);
  }
  nlohmann::json out = {
      {"name", spec.name},
      {"title", spec.title},
      {"description", spec.description},
      {"languages", std::move(languages)},
      {"gpus", spec.gpus},
      {"files", std::move(files)},
      {"tolerance", {{"rtol", spec.tolerance.rtol}, {"atol", spec.tolerance.atol}}},
      {"sol", SolToJson(spec.sol)},
      {"tests", CasesToJson(spec.tests, false)},
      {"benchmarks", CasesToJson(spec.benchmarks, true)},
      {"timeouts",
       {{"test", spec.timeouts.test_s},
        {"benchmark", spec.timeouts.benchmark_s},
        {"leaderboard", spec.timeouts.leaderboard_s},
        {"profile", spec.timeouts.profile_s}}},
      {"ranking_by", RankingByName(spec.ranking_by)},
  };
  if (spec.deadline_unix_s) out["deadline"] = FormatIso8601(*spec.deadline_unix_s);
  return out;
}

Result<ProblemSpec> SpecFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return MakeError(ErrorCode::kInvalidArgument, "a problem spec must be a JSON object");
  // JSON is YAML's flow style: the spec parser validates it exactly as it validates problem.yaml.
  return ParseProblemSpec(json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "<json>");
}

}  // namespace kjudge::problem
