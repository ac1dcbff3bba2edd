// `kjudge compare RUN_A RUN_B`: two runs of one leaderboard side by side per benchmark case
// (GET /api/v1/compare), with the difference and whether it is outside both runs' noise.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api_client.h"
#include "command.h"
#include "human_format.h"
#include "settings.h"

namespace kjudge::cli {

namespace {

struct CompareFlags {
  std::int64_t run_a = 0;
  std::int64_t run_b = 0;
  ServerFlags server;
  bool json = false;
};

double Number(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string Side(const nlohmann::json& side) {
  return "run " + std::to_string(side.value("run_id", std::int64_t{0})) + " by " +
         side.value("display_name", side.value("user", std::string("?")));
}

std::string Params(const nlohmann::json& params) {
  std::string out;
  if (!params.is_object()) return out;
  for (const auto& [name, value] : params.items()) {
    if (!out.empty()) out += ",";
    out += name + "=" + value.dump();
  }
  return out;
}

std::string Verdict(const std::string& v) {
  if (v == "a_faster") return "A faster";
  if (v == "b_faster") return "B faster";
  return "within noise";
}

int Show(const CompareFlags& f) {
  auto client = ApiClient::Connect(f.server);
  if (!client.ok()) return ReportError(client.error(), kExitUsage);
  auto body = client->GetJson("/api/v1/compare?a=" + std::to_string(f.run_a) + "&b=" + std::to_string(f.run_b));
  if (!body.ok()) return ReportError(body.error(), ExitCodeFor(body.error()));
  if (f.json) {
    std::cout << body->dump(2) << "\n";
    return kExitOk;
  }
  const nlohmann::json& doc = *body;
  std::cout << doc.value("problem", std::string("?")) << " on " << doc.value("gpu", std::string("?")) << "\n"
            << "A: " << Side(doc.value("a", nlohmann::json::object())) << "\n"
            << "B: " << Side(doc.value("b", nlohmann::json::object())) << "\n";
  std::printf("%-5s %-28s %12s %12s %10s %10s  %s\n", "case", "params", "A", "B", "B vs A", "noise", "");
  for (const auto& c : doc.value("cases", nlohmann::json::array())) {
    char diff[32], noise[32];
    std::snprintf(diff, sizeof diff, "%+.2f%%", Number(c, "diff_pct"));
    std::snprintf(noise, sizeof noise, "±%.2f%%", Number(c, "noise_pct"));
    std::printf("%-5lld %-28s %12s %12s %10s %10s  %s\n", static_cast<long long>(Number(c, "index")),
                Params(c.value("params", nlohmann::json::object())).c_str(), FormatDuration(Number(c, "a_ns"), false).c_str(),
                FormatDuration(Number(c, "b_ns"), false).c_str(), diff, noise, Verdict(c.value("verdict", "")).c_str());
  }
  const auto score = doc.value("score", nlohmann::json::object());
  if (score.contains("diff_pct") && score["diff_pct"].is_number()) {
    std::printf("score: A %s, B %s (%+.2f%%)\n", FormatDuration(Number(score, "a_ns"), false).c_str(),
                FormatDuration(Number(score, "b_ns"), false).c_str(), Number(score, "diff_pct"));
  }
  return kExitOk;
}

}  // namespace

Command RegisterCompare(CLI::App& root) {
  auto flags = std::make_shared<CompareFlags>();
  CLI::App* cmd = root.add_subcommand("compare", "Compare two runs of one leaderboard case by case");
  cmd->add_option("run_a", flags->run_a, "run id A")->required()->check(CLI::PositiveNumber);
  cmd->add_option("run_b", flags->run_b, "run id B")->required()->check(CLI::PositiveNumber);
  auto settings = std::make_shared<Settings>(cmd, "compare");
  AddServerFlags(*settings, &flags->server);
  settings->AddFlag("json", &flags->json, "print the JSON the server sent");
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            return Show(*flags);
          }};
}

}  // namespace kjudge::cli
