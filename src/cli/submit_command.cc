// `kjudge submit FILE`: sends a solution and follows its progress until the verdict. The problem
// and GPU come from flags or from popcorn-cli style header lines in the file
// ("#!POPCORN leaderboard vectoradd", "#!POPCORN gpu H100").
#include <cstdio>
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
  bool json = false;
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

void PrintEvent(std::ostream& out, const nlohmann::json& e) {
  const std::string kind = e.value("event", "");
  if (kind == "case") {
    out << "  " << e.value("kind", "") << " " << e.value("index", 0) << "/" << e.value("of", 0) << " "
        << (e.value("passed", false) ? "passed" : "failed");
    if (e.contains("mean_ns") && e["mean_ns"].is_number()) out << "  mean " << e["mean_ns"].get<double>() / 1e3 << " us";
    out << "\n";
  } else if (kind == "verdict" || kind == "retrying") {
    out << kind << ": " << e.value("verdict", "") << " - " << e.value("message", "") << "\n";
  } else {
    out << kind << "\n";
  }
}

std::string Micros(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v.get<double>() / 1e3);
  return buf;
}

/// The result table: one row per case, then the verdict and score.
void PrintResult(const nlohmann::json& sub) {
  const std::string status = sub.value("status", "unknown");
  if (sub.contains("runs") && !sub["runs"].empty()) {
    const auto& run = sub["runs"].back();
    if (run.contains("cases") && run["cases"].is_array() && !run["cases"].empty()) {
      std::printf("%-10s %-4s %-34s %-7s %12s %12s %8s\n", "kind", "#", "params", "result", "mean_us", "sol_us", "samples");
      for (const auto& c : run["cases"]) {
        std::string params;
        if (c.contains("params") && c["params"].is_object()) {
          for (const auto& [k, v] : c["params"].items()) params += (params.empty() ? "" : " ") + k + "=" + v.dump();
        }
        const auto timing = c.contains("timing") ? c["timing"] : nlohmann::json();
        std::printf("%-10s %-4d %-34s %-7s %12s %12s %8s\n", c.value("kind", "").c_str(), c.value("index", 0) + 1,
                    params.substr(0, 34).c_str(), c.value("passed", false) ? "ok" : "FAILED",
                    timing.is_object() ? Micros(timing["mean_ns"]).c_str() : "-",
                    c.value("sol_ns", 0.0) > 0 ? Micros(c["sol_ns"]).c_str() : "-",
                    timing.is_object() ? std::to_string(timing.value("samples", 0)).c_str() : "-");
      }
    }
    std::cout << "result: " << status << "\n";
    if (!run.value("message", "").empty()) std::cout << run.value("message", "") << "\n";
    if (run.contains("score_ns") && run["score_ns"].is_number()) {
      std::cout << "score: " << Micros(run["score_ns"]) << " us (geometric mean of benchmark means)";
      if (run.contains("sol_ratio") && run["sol_ratio"].is_number()) {
        std::printf(", %.2f x speed of light", run["sol_ratio"].get<double>());
      }
      std::cout << "\n";
    }
    if (status == "compile_error") std::cout << run.value("compile_log", "") << "\n";
  } else {
    std::cout << "result: " << status << "\n";
    for (const auto& j : sub.value("jobs", nlohmann::json::array())) {
      if (!j.value("last_error", "").empty()) std::cout << j.value("last_error", "") << "\n";
    }
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
  if (!created.ok()) return ReportError(created.error(), kExitUsage);
  auto reply = nlohmann::json::parse(created->body, nullptr, false);
  if (created->status != 201 || !reply.is_object() || !reply.contains("id")) {
    std::string why = reply.is_object() ? reply.value("message", created->body) : created->body;
    return ReportError(MakeError(ErrorCode::kFailedPrecondition, "submission refused (HTTP " + std::to_string(created->status) + "): " + why),
                       kExitUsage);
  }
  const std::int64_t id = reply["id"].get<std::int64_t>();
  std::ostream& progress = f.json ? std::cerr : std::cout;
  progress << "submission " << id << " queued: " << f.problem << " on " << f.gpu << " (" << f.mode << ")\n";
  if (f.no_wait) {
    if (f.json) std::cout << nlohmann::json{{"id", id}, {"status", "queued"}}.dump() << "\n";
    return kExitOk;
  }

  std::int64_t after = 0;
  const std::int64_t deadline = MonotonicMs() + f.timeout_s * 1000ll;
  while (MonotonicMs() < deadline) {
    auto polled = client.Request("GET", "/api/v1/submissions/" + std::to_string(id) + "/events?after=" + std::to_string(after) + "&wait_s=20",
                                 "", "", std::chrono::seconds(40));
    if (!polled.ok()) return ReportError(polled.error(), kExitUsage);
    auto events = nlohmann::json::parse(polled->body, nullptr, false);
    if (!events.is_object() || !events.contains("events")) continue;
    bool finished = false;
    for (const auto& e : events["events"]) {
      after = std::max<std::int64_t>(after, e.value("seq", after));
      PrintEvent(progress, e);
      finished = finished || e.value("event", "") == "verdict";
    }
    if (finished) break;
  }
  auto final_state = client.Request("GET", "/api/v1/submissions/" + std::to_string(id));
  if (!final_state.ok()) return ReportError(final_state.error(), kExitUsage);
  auto sub = nlohmann::json::parse(final_state->body, nullptr, false);
  if (!sub.is_object()) return ReportError(MakeError(ErrorCode::kUnavailable, "the server sent invalid JSON"), kExitUsage);
  const std::string status = sub.value("status", "unknown");
  if (f.json) {
    std::cout << sub.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    PrintResult(sub);
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
  settings->AddFlag("json", &flags->json, "print the final submission as JSON on stdout (progress goes to stderr)");
  settings->Add("timeout", &flags->timeout_s, "give up following after this many seconds");
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            return Submit(*flags);
          }};
}

}  // namespace kjudge::cli
