#include "kjudge/runner/supervise_job.h"

#include <nlohmann/json.hpp>

namespace kjudge::runner {

namespace {

nlohmann::json CasesToJson(const std::vector<CaseInput>& cases) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : cases) {
    out.push_back({{"params", c.params}, {"seed", c.seed}, {"sol_ns", c.sol_ns}, {"weight", c.weight}});
  }
  return out;
}

std::vector<CaseInput> CasesFromJson(const nlohmann::json& j) {
  std::vector<CaseInput> out;
  for (const auto& c : j) {
    CaseInput in;
    in.params = c.at("params").get<std::map<std::string, std::int64_t>>();
    in.seed = c.at("seed").get<std::uint64_t>();
    in.sol_ns = c.value("sol_ns", 0.0);
    in.weight = c.value("weight", 1.0);
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace

nlohmann::json ToJson(const SuperviseJob& job) {
  const auto& c = job.config;
  const auto& s = job.sandbox;
  return {
      {"judged_binary", job.judged_binary},
      {"judged_library", job.judged_library},
      {"reference_library", job.reference_library},
      {"work_dir", job.work_dir},
      {"sandbox",
       {{"enabled", s.enabled}, {"device_nodes", s.device_nodes}, {"read_only_paths", s.read_only_paths},
        {"memory_limit_bytes", s.memory_limit_bytes}, {"wall_limit_ms", s.wall_limit_ms},
        {"max_processes", s.max_processes}, {"allow_new_processes", s.allow_new_processes}, {"environment", s.environment}}},
      {"config",
       {{"mode", ModeName(c.mode)},
        {"tests", CasesToJson(c.tests)},
        {"benchmarks", CasesToJson(c.benchmarks)},
        {"rtol", c.tolerance.rtol},
        {"atol", c.tolerance.atol},
        {"ranking_by", c.ranking_by},
        {"secret_seed", c.secret_seed},
        {"hello_timeout_ms", c.hello_timeout_ms},
        {"call_timeout_ms", c.call_timeout_ms},
        {"warmup_calls", c.warmup_calls},
        {"min_samples", c.min_samples},
        {"max_samples", c.max_samples},
        {"case_budget_ms", c.case_budget_ms},
        {"target_rel_error", c.target_rel_error},
        {"sol_margin", c.sol_margin},
        {"flush_l2", c.flush_l2}}},
  };
}

Result<SuperviseJob> SuperviseJobFromJson(const nlohmann::json& j) {
  try {
    SuperviseJob job;
    job.judged_binary = j.at("judged_binary").get<std::string>();
    job.judged_library = j.at("judged_library").get<std::string>();
    job.reference_library = j.at("reference_library").get<std::string>();
    job.work_dir = j.at("work_dir").get<std::string>();
    const auto& s = j.at("sandbox");
    job.sandbox.enabled = s.at("enabled").get<bool>();
    job.sandbox.device_nodes = s.at("device_nodes").get<std::vector<std::string>>();
    job.sandbox.read_only_paths = s.at("read_only_paths").get<std::vector<std::string>>();
    job.sandbox.memory_limit_bytes = s.at("memory_limit_bytes").get<std::int64_t>();
    job.sandbox.wall_limit_ms = s.at("wall_limit_ms").get<std::int64_t>();
    job.sandbox.max_processes = s.at("max_processes").get<int>();
    job.sandbox.allow_new_processes = s.value("allow_new_processes", false);
    job.sandbox.environment = s.at("environment").get<std::vector<std::string>>();
    const auto& c = j.at("config");
    KJ_ASSIGN_OR_RETURN(job.config.mode, ParseMode(c.at("mode").get<std::string>()));
    job.config.tests = CasesFromJson(c.at("tests"));
    job.config.benchmarks = CasesFromJson(c.at("benchmarks"));
    job.config.tolerance = {c.at("rtol").get<double>(), c.at("atol").get<double>()};
    job.config.ranking_by = c.at("ranking_by").get<std::string>();
    job.config.secret_seed = c.at("secret_seed").get<std::uint64_t>();
    job.config.hello_timeout_ms = c.at("hello_timeout_ms").get<int>();
    job.config.call_timeout_ms = c.at("call_timeout_ms").get<int>();
    job.config.warmup_calls = c.at("warmup_calls").get<int>();
    job.config.min_samples = c.at("min_samples").get<int>();
    job.config.max_samples = c.at("max_samples").get<int>();
    job.config.case_budget_ms = c.at("case_budget_ms").get<double>();
    job.config.target_rel_error = c.at("target_rel_error").get<double>();
    job.config.sol_margin = c.at("sol_margin").get<double>();
    job.config.flush_l2 = c.at("flush_l2").get<bool>();
    return job;
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("malformed supervise job: ") + e.what());
  }
}

}  // namespace kjudge::runner
