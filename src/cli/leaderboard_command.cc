// `kjudge leaderboard PROBLEM GPU`: the standings of one leaderboard as a table (or --json).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "kjudge/runner/http_client.h"
#include "settings.h"

namespace kjudge::cli {

namespace {
struct LeaderboardFlags {
  std::string problem;
  std::string gpu;
  std::string server = "http://127.0.0.1:8080";
  bool json = false;
};

int Show(const LeaderboardFlags& f) {
  auto url = runner::ServerUrl::Parse(f.server);
  if (!url.ok()) return ReportError(url.error(), kExitUsage);
  runner::HttpClient client(*url, "");
  auto reply = client.Request("GET", "/api/v1/leaderboards/" + f.problem + "/" + f.gpu);
  if (!reply.ok()) return ReportError(reply.error(), kExitUsage);
  auto body = nlohmann::json::parse(reply->body, nullptr, false);
  if (reply->status != 200 || !body.is_object()) {
    const std::string why = body.is_object() ? body.value("message", reply->body) : reply->body;
    return ReportError(MakeError(ErrorCode::kNotFound, why), kExitFailed);
  }
  if (f.json) {
    std::cout << body.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << body.value("problem", "") << " on " << body.value("gpu", "") << " (" << body.value("state", "") << ")\n";
  std::printf("%-5s %-24s %14s %10s %12s\n", "rank", "competitor", "score_us", "x SoL", "submission");
  for (const auto& e : body["entries"]) {
    const std::string sol = e["sol_ratio"].is_number() ? std::to_string(e["sol_ratio"].get<double>()).substr(0, 8) : "-";
    std::printf("%-5d %-24s %14.2f %10s %12lld\n", e.value("rank", 0), e.value("user", "").c_str(),
                e.value("score_ns", 0.0) / 1e3, sol.c_str(), static_cast<long long>(e.value("submission_id", 0)));
  }
  if (body["entries"].empty()) std::cout << "(no passing leaderboard submissions yet)\n";
  return kExitOk;
}
}  // namespace

Command RegisterLeaderboard(CLI::App& root) {
  auto flags = std::make_shared<LeaderboardFlags>();
  CLI::App* cmd = root.add_subcommand("leaderboard", "Show a leaderboard's standings");
  cmd->add_option("problem", flags->problem, "problem name")->required();
  cmd->add_option("gpu", flags->gpu, "GPU type")->required();
  auto settings = std::make_shared<Settings>(cmd, "leaderboard");
  settings->Add("server", &flags->server, "server URL");
  settings->AddFlag("json", &flags->json, "print the JSON the server sent");
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            return Show(*flags);
          }};
}

}  // namespace kjudge::cli
