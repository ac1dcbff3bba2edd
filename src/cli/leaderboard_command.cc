// `kjudge leaderboard PROBLEM [GPU]` (or --gpu G): the standings of one leaderboard
// (GET /api/v1/leaderboards/{problem}/{gpu}) as a table, or the server's JSON with --json.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api_client.h"
#include "command.h"
#include "human_format.h"
#include "settings.h"

namespace kjudge::cli {

namespace {

struct LeaderboardFlags {
  std::string problem;
  std::string gpu_arg;  // the positional form, `kjudge leaderboard vectoradd H100`
  std::string gpu;      // --gpu
  ServerFlags server;
  bool json = false;
};

int Show(const LeaderboardFlags& f) {
  const std::string gpu = f.gpu.empty() ? f.gpu_arg : f.gpu;
  if (gpu.empty()) return ReportError(MakeError(ErrorCode::kInvalidArgument, "say which GPU: --gpu G (e.g. H100, cpu)"), kExitUsage);
  auto client = ApiClient::Connect(f.server);
  if (!client.ok()) return ReportError(client.error(), kExitUsage);
  auto body = client->GetJson("/api/v1/leaderboards/" + UrlEncode(f.problem) + "/" + UrlEncode(gpu));
  if (!body.ok()) return ReportError(body.error(), ExitCodeFor(body.error()));
  if (f.json) {
    std::cout << body->dump(2) << "\n";
    return kExitOk;
  }
  const nlohmann::json entries = body->contains("entries") && (*body)["entries"].is_array() ? (*body)["entries"] : nlohmann::json::array();
  std::cout << body->value("problem", f.problem) << " on " << body->value("gpu", gpu) << " (" << body->value("state", std::string("?"))
            << ")\n";
  std::printf("%-5s %-24s %12s %10s %12s\n", "rank", "competitor", "score", "x SoL", "submission");
  for (const auto& e : entries) {
    const std::string score = e.contains("score_ns") && e["score_ns"].is_number() ? FormatDuration(e["score_ns"].get<double>(), false) : "-";
    const std::string sol = e.contains("sol_ratio") && e["sol_ratio"].is_number() ? FormatRatio(e["sol_ratio"].get<double>()) : "-";
    std::printf("%-5d %-24s %12s %10s %12lld\n", e.value("rank", 0), e.value("display_name", e.value("user", std::string("?"))).c_str(), score.c_str(),
                sol.c_str(), static_cast<long long>(e.value("submission_id", std::int64_t{0})));
  }
  if (entries.empty()) std::cout << "(no passing leaderboard submissions yet)\n";
  return kExitOk;
}

}  // namespace

Command RegisterLeaderboard(CLI::App& root) {
  auto flags = std::make_shared<LeaderboardFlags>();
  CLI::App* cmd = root.add_subcommand("leaderboard", "Show a leaderboard's standings");
  cmd->add_option("problem", flags->problem, "problem name")->required();
  cmd->add_option("gpu_type", flags->gpu_arg, "GPU type (or --gpu)");
  auto settings = std::make_shared<Settings>(cmd, "leaderboard");
  settings->Add("gpu", &flags->gpu, "GPU type, e.g. H100 or cpu");
  AddServerFlags(*settings, &flags->server);
  settings->AddFlag("json", &flags->json, "print the JSON the server sent");
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            return Show(*flags);
          }};
}

}  // namespace kjudge::cli
