#include "submission_summary.h"

#include <cstdio>
#include <string>
#include <vector>

#include "human_format.h"

namespace kjudge::cli {

namespace {

/// Logs can be long (a compiler's template errors); the end says what went wrong.
constexpr std::size_t kMaxLogLines = 40;

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double Num(const nlohmann::json& j, const char* key, double fallback = -1) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

std::string Params(const nlohmann::json& c) {
  std::string text;
  if (!c.contains("params") || !c["params"].is_object()) return text;
  for (const auto& [k, v] : c["params"].items()) {
    text += (text.empty() ? "" : " ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return text;
}

void PrintLogTail(std::ostream& out, const std::string& title, const std::string& log) {
  if (log.empty()) return;
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < log.size()) {
    std::size_t nl = log.find('\n', start);
    if (nl == std::string::npos) nl = log.size();
    lines.push_back(log.substr(start, nl - start));
    start = nl + 1;
  }
  out << title;
  if (lines.size() > kMaxLogLines) out << " (last " << kMaxLogLines << " of " << lines.size() << " lines)";
  out << ":\n";
  for (std::size_t i = lines.size() > kMaxLogLines ? lines.size() - kMaxLogLines : 0; i < lines.size(); ++i) {
    out << "  " << lines[i] << "\n";
  }
}

void PrintCases(std::ostream& out, const nlohmann::json& cases, bool terminal) {
  int tests_passed = 0, tests_failed = 0;
  std::vector<const nlohmann::json*> benchmarks;
  std::string failures;
  for (const auto& c : cases) {
    const bool passed = c.value("passed", false);
    const std::string kind = Str(c, "kind");
    const int number = c.value("index", 0) + 1;
    if (kind == "test") (passed ? tests_passed : tests_failed)++;
    if (kind == "benchmark" && passed) benchmarks.push_back(&c);
    if (!passed) {
      failures += "  " + kind + " " + std::to_string(number) + " (" + Params(c) + ") " + (terminal ? "\u2717" : "FAILED");
      if (!Str(c, "message").empty()) failures += ": " + Str(c, "message");
      failures += "\n";
    }
  }
  if (tests_passed + tests_failed > 0) {
    out << "tests: " << tests_passed << " passed";
    if (tests_failed > 0) out << ", " << tests_failed << " failed";
    out << "\n";
  }
  out << failures;
  if (benchmarks.empty()) return;
  char row[256];
  std::snprintf(row, sizeof row, "%-10s %-24s %10s %10s %8s %8s\n", "benchmark", "params", "time", "SoL", "x SoL", "samples");
  out << row;
  for (const nlohmann::json* c : benchmarks) {
    const nlohmann::json timing = c->contains("timing") && (*c)["timing"].is_object() ? (*c)["timing"] : nlohmann::json::object();
    const double mean = Num(timing, "mean_ns");
    const double sol = Num(*c, "sol_ns", 0);
    const std::string params = Params(*c);
    const std::string time_text = mean >= 0 ? FormatDuration(mean, terminal) : "-";
    const std::string sol_text = sol > 0 ? FormatDuration(sol, terminal) : "-";
    const std::string ratio = sol > 0 && mean >= 0 ? FormatRatio(mean / sol) : "-";
    const std::string samples = timing.contains("samples") ? timing["samples"].dump() : "-";
    // printf pads bytes, not characters: pad the micro sign's extra byte by hand.
    const auto pad = [](const std::string& s, int width) {
      int chars = 0;
      for (unsigned char ch : s) chars += (ch & 0xC0) != 0x80;
      return std::string(width > chars ? width - chars : 0, ' ') + s;
    };
    std::snprintf(row, sizeof row, "%-10d %-24s %s %s %8s %8s\n", c->value("index", 0) + 1, params.substr(0, 24).c_str(),
                  pad(time_text, 10).c_str(), pad(sol_text, 10).c_str(), ratio.c_str(), samples.c_str());
    out << row;
  }
}

/// Profile mode: Nsight Compute's figures per kernel (runner::ProfileSummary's JSON), or why
/// there are none.
void PrintProfile(std::ostream& out, const nlohmann::json& profile, bool terminal) {
  const std::string status = Str(profile, "status");
  if (status != "ok") {
    out << "no profile: " << Str(profile, "message") << "\n";
    return;
  }
  out << "profile (Nsight Compute" << (Str(profile, "tool_version").empty() ? "" : " " + Str(profile, "tool_version"))
      << "): " << Str(profile, "message") << "\n";
  const nlohmann::json kernels = profile.contains("kernels") && profile["kernels"].is_array() ? profile["kernels"] : nlohmann::json::array();
  char row[512];
  std::snprintf(row, sizeof row, "  %-28s %10s %6s %6s %5s %11s  %s\n", "kernel", "time", "DRAM%", "SM%", "regs", "occupancy",
                "top stalls");
  out << row;
  const auto pct = [](double v) { return v >= 0 ? std::to_string(static_cast<long>(v + 0.5)) : std::string("-"); };
  for (const auto& k : kernels) {
    std::string name = Str(k, "name");
    if (auto paren = name.find('('); paren != std::string::npos) name = name.substr(0, paren);
    if (auto space = name.rfind(' '); space != std::string::npos) name = name.substr(space + 1);
    const double duration = Num(k, "duration_ns");
    const double achieved = Num(k, "achieved_occupancy_pct"), theoretical = Num(k, "theoretical_occupancy_pct");
    std::string occupancy = pct(achieved);
    if (achieved >= 0 && theoretical >= 0) occupancy += "/" + pct(theoretical);
    std::string stalls;
    if (k.contains("top_stalls") && k["top_stalls"].is_array()) {
      for (std::size_t i = 0; i < k["top_stalls"].size() && i < 3; ++i) {
        const auto& st = k["top_stalls"][i];
        stalls += (i ? ", " : "") + Str(st, "reason") + " " + pct(Num(st, "share") * 100) + "%";
      }
    }
    std::snprintf(row, sizeof row, "  %-28s %10s %6s %6s %5s %11s  %s\n", name.substr(0, 28).c_str(),
                  duration >= 0 ? FormatDuration(duration, false).c_str() : "-", pct(Num(k, "dram_throughput_pct")).c_str(),
                  pct(Num(k, "sm_throughput_pct")).c_str(), pct(Num(k, "registers_per_thread")).c_str(), occupancy.c_str(),
                  stalls.c_str());
    out << row;
  }
  (void)terminal;
  if (profile.contains("report") && profile["report"].is_object()) {
    out << "report: " << Str(profile["report"], "file_name") << " (" << static_cast<long long>(Num(profile["report"], "bytes", 0))
        << " bytes; open it in Nsight Compute)\n";
  }
}

}  // namespace

void PrintSummary(std::ostream& out, const nlohmann::json& submission, bool terminal) {
  const std::string status = Str(submission, "status").empty() ? std::string("unknown") : Str(submission, "status");
  const nlohmann::json runs = submission.contains("runs") && submission["runs"].is_array() ? submission["runs"] : nlohmann::json::array();
  out << "result: " << status << "\n";
  if (runs.empty()) {
    // No run recorded: the job gave up (attempts exhausted) or was cancelled; say why if known.
    for (const auto& j : submission.value("jobs", nlohmann::json::array())) {
      if (!Str(j, "last_error").empty()) out << Str(j, "last_error") << "\n";
    }
    return;
  }
  const nlohmann::json& run = runs.back();
  if (!Str(run, "message").empty()) out << Str(run, "message") << "\n";
  if (run.contains("cases") && run["cases"].is_array()) PrintCases(out, run["cases"], terminal);
  const double score = Num(run, "score_ns");
  if (score >= 0) {
    out << "score: " << FormatDuration(score, terminal) << " (geometric mean of the benchmark times)";
    const double sol_ratio = Num(run, "sol_ratio");
    if (sol_ratio >= 0) out << ", " << FormatRatio(sol_ratio) << " x speed of light";
    out << "\n";
  }
  if (!Str(run, "device").empty() || !Str(run, "runner").empty()) {
    out << "judged on " << (Str(run, "device").empty() ? std::string("?") : Str(run, "device"));
    if (!Str(run, "runner").empty()) out << " by " << Str(run, "runner");
    out << "\n";
  }
  if (run.contains("profile") && run["profile"].is_object()) PrintProfile(out, run["profile"], terminal);
  if (status == "compile_error") PrintLogTail(out, "compiler output", Str(run, "compile_log"));
  if (status == "runtime_error" || status == "time_limit") PrintLogTail(out, "program output", Str(run, "run_log"));
}

}  // namespace kjudge::cli
