// `kjudge submit FILE`: sends a solution, shows where it stands in the queue, follows its
// progress live (SubmissionFollower, ProgressView) and prints the result (PrintSummary). The
// target comes from flags or from the file's directives ("//!POPCORN leaderboard vectoradd",
// "//!KJUDGE gpu cpu"; problem/file_directives.h): a flag on the command line beats a
// directive, which beats the environment and the config file.
// Exit codes: 0 passed, 1 judged and not passed, 2 refused, or a usage, config or network error.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api_client.h"
#include "command.h"
#include "kjudge/problem/file_directives.h"
#include "progress_view.h"
#include "settings.h"
#include "submission_follower.h"
#include "submission_summary.h"
#include "terminal.h"

namespace kjudge::cli {

namespace {

struct SubmitFlags {
  std::string file;
  ServerFlags server;
  std::string problem;
  std::string gpu;
  std::string mode = "test";
  bool no_wait = false;
  bool json = false;
  int timeout_s = 1800;
};

/// "in 45 s", "in 3 min", "in 2 h".
std::string After(std::int64_t seconds) {
  if (seconds < 120) return "in " + std::to_string(seconds) + " s";
  if (seconds < 2 * 3600) return "in " + std::to_string((seconds + 59) / 60) + " min";
  return "in " + std::to_string((seconds + 3599) / 3600) + " h";
}

/// Fills problem, GPU and mode from the file's directives where the command line did not set
/// them. Notes (several GPUs named) go to `notes`.
Status ApplyDirectives(const std::string& source, const Settings& settings, SubmitFlags* f, std::ostream& notes) {
  const std::string name = std::filesystem::path(f->file).filename().string();
  KJ_ASSIGN_OR_RETURN(problem::FileDirectives d, problem::ParseFileDirectives(source, name));
  if (d.problem.given() && !settings.FromCommandLine("problem")) f->problem = d.problem.value;
  if (d.mode.given() && !settings.FromCommandLine("mode")) f->mode = d.mode.value;
  if (!d.gpus.empty() && !settings.FromCommandLine("gpu")) {
    f->gpu = d.gpu();
    if (d.gpus.size() > 1) {
      std::string all;
      for (const auto& g : d.gpus) all += (all.empty() ? "" : ", ") + g;
      notes << name << ":" << d.gpus_line << " names GPUs " << all << "; submitting to " << d.gpu() << " only\n";
    }
  }
  return Ok();
}

/// Where progress and notes go: stdout normally; with --json only a terminal on stderr sees
/// them (stdout carries nothing but the JSON).
struct Output {
  std::ostream* stream;
  bool live;
  int columns;
};

Output ChooseOutput(bool json) {
  static std::ostream discard(nullptr);
  if (!json) return {&std::cout, IsLiveTerminal(STDOUT_FILENO), TerminalColumns(STDOUT_FILENO)};
  if (IsLiveTerminal(STDERR_FILENO)) return {&std::cerr, true, TerminalColumns(STDERR_FILENO)};
  return {&discard, false, 80};
}

/// The lines about a freshly accepted submission: what it is and where it stands in the queue.
void PrintAccepted(std::ostream& out, const nlohmann::json& reply, const SubmitFlags& f) {
  out << "submission " << reply["id"].get<std::int64_t>() << ": " << reply.value("problem", f.problem) << " on "
      << reply.value("gpu", f.gpu) << ", " << reply.value("mode", f.mode) << " mode ("
      << std::filesystem::path(f.file).filename().string() << ")";
  if (reply.value("duplicate", false)) out << ", the same as a recent submission: following that one";
  out << "\n";
  if (!reply.contains("queue") || !reply["queue"].is_object()) return;
  const auto& q = reply["queue"];
  std::string text = q.value("summary", std::string());
  if (text.empty() && q.contains("position") && q["position"].is_number_integer()) {
    text = "position " + std::to_string(q["position"].get<std::int64_t>()) + " in the queue (" +
           std::to_string(q.value("jobs_ahead", std::int64_t{0})) + " jobs ahead)";
    if (q.contains("eta_s") && q["eta_s"].is_number_integer()) text += ", starts " + After(q["eta_s"].get<std::int64_t>());
  }
  if (!text.empty()) out << "queue: " << text << "\n";
}

int Submit(SubmitFlags f, const Settings& settings) {
  std::ifstream in(f.file, std::ios::binary);
  if (!in) return ReportError(MakeError(ErrorCode::kInvalidArgument, "cannot read " + f.file), kExitUsage);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string source = ss.str();
  Output output = ChooseOutput(f.json);
  std::ostream& out = *output.stream;
  if (auto st = ApplyDirectives(source, settings, &f, std::cerr); !st.ok()) return ReportError(st.error(), kExitUsage);
  if (f.problem.empty() || f.gpu.empty()) {
    return ReportError(MakeError(ErrorCode::kInvalidArgument,
                                 std::string("say which ") + (f.problem.empty() ? "problem" : "GPU") +
                                     ": --problem and --gpu, or '//!KJUDGE problem P' and '//!KJUDGE gpu G' lines in the file "
                                     "(popcorn-cli's '//!POPCORN leaderboard' and '//!POPCORN gpu' work too)"),
                       kExitUsage);
  }
  auto client = ApiClient::Connect(f.server);
  if (!client.ok()) return ReportError(client.error(), kExitUsage);
  const std::string base = std::filesystem::path(f.file).filename().string();
  auto created = client->PostJson("/api/v1/submissions",
                                  {{"problem", f.problem}, {"gpu", f.gpu}, {"mode", f.mode}, {"file_name", base}, {"source", source}});
  if (!created.ok()) {
    Error e = created.error();
    if (e.code != ErrorCode::kUnavailable || e.message.rfind("HTTP", 0) == 0) e.message = "submission refused: " + e.message;
    if (e.retry_after_s > 0) e.message += " (try again " + After(e.retry_after_s) + ")";
    return ReportError(e, kExitUsage);
  }
  const nlohmann::json& reply = *created;
  if (!reply.is_object() || !reply.contains("id") || !reply["id"].is_number_integer()) {
    return ReportError(MakeError(ErrorCode::kUnavailable, "the server accepted the submission but sent no id"), kExitUsage);
  }
  const std::int64_t id = reply["id"].get<std::int64_t>();
  PrintAccepted(out, reply, f);
  if (f.no_wait) {
    if (f.json) std::cout << reply.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return kExitOk;
  }

  ProgressView view(out, reply.value("gpu", f.gpu) + " " + reply.value("mode", f.mode), output.live, output.columns);
  FollowOptions options;
  options.timeout = std::chrono::seconds(f.timeout_s);
  auto followed = FollowSubmission(client->http(), id, {[&](const ProgressEvent& e) { view.Show(e); }, [&](const std::string& note) { view.Note(note); }},
                                   options);
  view.Finish();
  if (!followed.ok()) return ReportError(followed.error(), kExitUsage);
  auto sub = client->GetJson("/api/v1/submissions/" + std::to_string(id));
  if (!sub.ok()) return ReportError(sub.error(), kExitUsage);
  const std::string status = sub->value("status", std::string("unknown"));
  if (f.json) {
    std::cout << sub->dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    PrintSummary(out, *sub, output.live);
  }
  return status == "passed" ? kExitOk : kExitFailed;
}

}  // namespace

Command RegisterSubmit(CLI::App& root) {
  auto flags = std::make_shared<SubmitFlags>();
  CLI::App* cmd = root.add_subcommand("submit", "Submit a solution and follow it to its verdict");
  cmd->add_option("file", flags->file,
                  "the solution (.cu, .hip or .cpp); '//!KJUDGE problem|gpu|mode X' or popcorn-cli's "
                  "'//!POPCORN leaderboard|gpu X' lines in it choose the target")
      ->required();
  auto settings = std::make_shared<Settings>(cmd, "submit");
  AddServerFlags(*settings, &flags->server);
  settings->Add("problem", &flags->problem, "problem (leaderboard) name; beats the file's directives");
  settings->Add("gpu", &flags->gpu, "GPU type; beats the file's directives");
  settings->Add("mode", &flags->mode, "test, benchmark, leaderboard or profile; beats the file's directives")
      ->check(CLI::IsMember({"test", "benchmark", "leaderboard", "profile"}));
  settings->AddFlag("no-wait", &flags->no_wait, "print the submission id and return");
  settings->AddFlag("json", &flags->json, "print only the final submission, as JSON");
  settings->Add("timeout", &flags->timeout_s, "stop following after this many seconds")->check(CLI::PositiveNumber);
  return {cmd, [flags, settings] {
            if (auto st = settings->Resolve(); !st.ok()) return ReportError(st.error(), kExitUsage);
            return Submit(*flags, *settings);
          }};
}

}  // namespace kjudge::cli
