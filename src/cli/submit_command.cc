// `kjudge submit FILE`: sends a solution and follows its progress until the verdict. The problem
// and GPU come from flags or from popcorn-cli style header lines in the file
// ("#!POPCORN leaderboard vectoradd", "#!POPCORN gpu H100").
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "command.h"
#include "kjudge/core/clock.h"
#include "kjudge/runner/http_client.h"
#include "settings.h"

namespace kjudge::cli {

namespace {

struct SubmitFlags {
  std::string file;
  std::string server = "http://127.0.0.1:8080";
  std::string token;
  std::string problem;
  std::string gpu;
  std::string mode = "test";
  bool no_wait = false;
  int timeout_s = 1800;
};

/// Values of "#!POPCORN <key> <value>" lines.
std::string PopcornHeader(const std::string& source, const std::string& key) {
  std::istringstream in(source);
  std::string line;
  const std::string prefix = "#!POPCORN " + key + " ";
  const std::string comment_prefix = "//!POPCORN " + key + " ";
  while (std::getline(in, line)) {
    for (const auto& p : {prefix, comment_prefix}) {
      if (line.rfind(p, 0) == 0) {
        std::string v = line.substr(p.size());
        while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
        return v;
      }
    }
  }
  return "";
}

void PrintEvent(const nlohmann::json& e) {
  const std::string kind = e.value("event", "");
  if (kind == "case") {
    std::cout << "  " << e.value("kind", "") << " " << e.value("index", 0) << "/" << e.value("of", 0) << " "
              << (e.value("passed", false) ? "passed" : "failed");
    if (e.contains("mean_ns") && e["mean_ns"].is_number()) std::cout << "  mean " << e["mean_ns"].get<double>() / 1e3 << " us";
    std::cout << "\n";
  } else if (kind == "verdict" || kind == "retrying") {
    std::cout << kind << ": " << e.value("verdict", "") << " - " << e.value("message", "") << "\n";
  } else {
    std::cout << kind << "\n";
  }
}

int Submit(SubmitFlags f) {
  std::ifstream in(f.file, std::ios::binary);
  if (!in) return ReportError(MakeError(ErrorCode::kInvalidArgument, "cannot read " + f.file), kExitUsage);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string source = ss.str();
  if (f.problem.empty()) f.problem = PopcornHeader(source, "leaderboard");
  if (f.gpu.empty()) f.gpu = PopcornHeader(source, "gpu");
  if (f.problem.empty() || f.gpu.empty()) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument,
                                 "say which problem and GPU: --problem and --gpu, or '#!POPCORN leaderboard' / '#!POPCORN gpu' lines"),
                       kExitUsage);
  }
  auto url = runner::ServerUrl::Parse(f.server);
  if (!url.ok()) return ReportError(url.error(), kExitUsage);
  runner::HttpClient client(*url, f.token);
  const std::string base = std::filesystem::path(f.file).filename().string();
  nlohmann::json body = {{"problem", f.problem}, {"gpu", f.gpu}, {"mode", f.mode}, {"file_name", base}, {"source", source}};
  auto created = client.Request("POST", "/api/v1/submissions", body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (!created.ok()) return ReportError(created.error(), kExitFailed);
  auto reply = nlohmann::json::parse(created->body, nullptr, false);
  if (created->status != 201 || !reply.is_object() || !reply.contains("id")) {
    std::string why = reply.is_object() ? reply.value("message", created->body) : created->body;
    return ReportError(MakeError(ErrorCode::kFailedPrecondition, "submission refused (HTTP " + std::to_string(created->status) + "): " + why),
                       created->status == 400 || created->status == 413 ? kExitUsage : kExitFailed);
  }
  const std::int64_t id = reply["id"].get<std::int64_t>();
  std::cout << "submission " << id << " queued: " << f.problem << " on " << f.gpu << " (" << f.mode << ")\n";
  if (f.no_wait) return kExitOk;

  std::int64_t after = 0;
  const std::int64_t deadline = MonotonicMs() + f.timeout_s * 1000ll;
  while (MonotonicMs() < deadline) {
    auto polled = client.Request("GET", "/api/v1/submissions/" + std::to_string(id) + "/events?after=" + std::to_string(after) + "&wait_s=20",
                                 "", "", std::chrono::seconds(40));
    if (!polled.ok()) return ReportError(polled.error(), kExitFailed);
    auto events = nlohmann::json::parse(polled->body, nullptr, false);
    if (!events.is_object() || !events.contains("events")) continue;
    bool finished = false;
    for (const auto& e : events["events"]) {
      after = std::max<std::int64_t>(after, e.value("seq", after));
      PrintEvent(e);
      finished = finished || e.value("event", "") == "verdict";
    }
    if (finished) break;
  }
  auto final_state = client.Request("GET", "/api/v1/submissions/" + std::to_string(id));
  if (!final_state.ok()) return ReportError(final_state.error(), kExitFailed);
  auto sub = nlohmann::json::parse(final_state->body, nullptr, false);
  const std::string status = sub.is_object() ? sub.value("status", "unknown") : "unknown";
  std::cout << "result: " << status << "\n";
  if (sub.is_object() && sub.contains("runs") && !sub["runs"].empty()) {
    const auto& run = sub["runs"].back();
    if (!run.value("message", "").empty()) std::cout << run.value("message", "") << "\n";
    if (run.contains("score_ns") && run["score_ns"].is_number()) {
      std::cout << "score: " << run["score_ns"].get<double>() / 1e3 << " us (geometric mean)\n";
    }
    if (status == "compile_error") std::cout << run.value("compile_log", "") << "\n";
  }
  return status == "passed" ? kExitOk : kExitFailed;
}

}  // namespace

Command RegisterSubmit(CLI::App& root) {
  auto flags = std::make_shared<SubmitFlags>();
  CLI::App* cmd = root.add_subcommand("submit", "Submit a solution and follow it to its verdict");
  cmd->add_option("file", flags->file, "the solution (.cu, .hip or .cpp)")->required();
  auto settings = std::make_shared<Settings>(cmd, "submit");
  settings->Add("server", &flags->server, "server URL");
  settings->Add("token", &flags->token, "your API token");
  settings->Add("problem", &flags->problem, "problem (leaderboard) name");
  settings->Add("gpu", &flags->gpu, "GPU type");
  settings->Add("mode", &flags->mode, "test, benchmark, leaderboard or profile")
      ->check(CLI::IsMember({"test", "benchmark", "leaderboard", "profile"}));
  settings->AddFlag("no-wait", &flags->no_wait, "print the submission id and return");
  settings->Add("timeout", &flags->timeout_s, "give up following after this many seconds");
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            return Submit(*flags);
          }};
}

}  // namespace kjudge::cli
