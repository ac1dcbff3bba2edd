// `kjudge submissions [--problem P] [--gpu G] [--limit N]`: your latest submissions, newest first
// (GET /api/v1/submissions), as a table or the server's JSON with --json.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "api_client.h"
#include "command.h"
#include "human_format.h"
#include "settings.h"

namespace kjudge::cli {

namespace {

struct SubmissionsFlags {
  ServerFlags server;
  std::string problem;
  std::string gpu;
  int limit = 20;
  bool json = false;
};

/// The first of `keys` that holds a number.
const nlohmann::json* Number(const nlohmann::json& row, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto it = row.find(key);
    if (it != row.end() && it->is_number()) return &*it;
  }
  return nullptr;
}

std::string Text(const nlohmann::json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string("-");
}

int List(const SubmissionsFlags& f) {
  auto client = ApiClient::Connect(f.server);
  if (!client.ok()) return ReportError(client.error(), kExitUsage);
  std::string path = "/api/v1/submissions?limit=" + std::to_string(f.limit);
  if (!f.problem.empty()) path += "&problem=" + UrlEncode(f.problem);
  if (!f.gpu.empty()) path += "&gpu=" + UrlEncode(f.gpu);
  auto body = client->GetJson(path);
  if (!body.ok()) return ReportError(body.error(), ExitCodeFor(body.error()));
  if (!body->is_object() || !body->contains("submissions") || !(*body)["submissions"].is_array()) {
    return ReportError(MakeError(ErrorCode::kUnavailable, "the server sent no submission list"), kExitUsage);
  }
  if (f.json) {
    std::cout << body->dump(2) << "\n";
    return kExitOk;
  }
  const auto& rows = (*body)["submissions"];
  if (rows.empty()) {
    std::cout << "(no submissions" << (f.problem.empty() ? "" : " to " + f.problem) << ")\n";
    return kExitOk;
  }
  std::printf("%-7s %-16s %-9s %-11s %-20s %-14s %-16s %10s %8s\n", "id", "problem", "gpu", "mode", "file", "status", "submitted",
              "score", "x SoL");
  for (const auto& row : rows) {
    const nlohmann::json* score = Number(row, {"score_ns", "best_score_ns"});
    const nlohmann::json* ratio = Number(row, {"sol_ratio", "best_sol_ratio"});
    const nlohmann::json* created = Number(row, {"created_ms"});
    std::printf("%-7lld %-16s %-9s %-11s %-20s %-14s %-16s %10s %8s\n", static_cast<long long>(row.value("id", std::int64_t{0})),
                Text(row, "problem").c_str(), Text(row, "gpu").c_str(), Text(row, "mode").c_str(),
                Truncate(Text(row, "file_name"), 20, false).c_str(), Text(row, "status").c_str(),
                created ? FormatLocalTime(created->get<std::int64_t>()).c_str() : "-",
                score ? FormatDuration(score->get<double>(), false).c_str() : "-", ratio ? FormatRatio(ratio->get<double>()).c_str() : "-");
  }
  return kExitOk;
}

}  // namespace

Command RegisterSubmissions(CLI::App& root) {
  auto flags = std::make_shared<SubmissionsFlags>();
  CLI::App* cmd = root.add_subcommand("submissions", "List your latest submissions, newest first");
  auto settings = std::make_shared<Settings>(cmd, "submissions");
  AddServerFlags(*settings, &flags->server);
  settings->Add("problem", &flags->problem, "only this problem's");
  settings->Add("gpu", &flags->gpu, "only those on this GPU type");
  settings->Add("limit", &flags->limit, "at most this many (the server allows up to 100)")->check(CLI::Range(1, 100));
  settings->AddFlag("json", &flags->json, "print the JSON the server sent");
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            return List(*flags);
          }};
}

}  // namespace kjudge::cli
