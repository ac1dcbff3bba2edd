// bench/pipeline (issue 4, point 10): submit-to-verdict latency of a trivial cpu submission through
// the real `kjudge serve --local-runner cpu`, split into phases from the submission's live events.
//
// Each submission is posted, then its events are long-polled until the verdict; submissions go one
// at a time, so nothing queues behind anything else. The clocks (one machine, one wall clock):
//   submit      the benchmark, just before POST /api/v1/submissions
//   queued      server time_ms: the submission is stored and its job enqueued
//   leased      server time_ms: the runner's lease request took the job
//   compiling   runner_ms: the runner has the problem files and starts building
//   compiled    runner_ms: submission compiled and linked, reference library ready
//   first/last case  runner_ms: the supervisor reported the first / last case
//   verdict     server time_ms: the result is stored
//   seen        the benchmark, when the verdict event reached it
// A "miss" is the first submission of a problem version against an empty compile cache (a fresh
// server and cache directory): the harness objects, the glue and the reference are built then.
// Every later submission is a "hit": only its own translation unit is compiled, then linked.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_server.h"
#include "support/http_test_client.h"

namespace kjudge::bench {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using nlohmann::json;

/// Benchmark settings; defaults keep a run under a minute on two busy cores.
struct Options {
  std::string kjudge = KJUDGE_BIN;
  std::string problems = KJUDGE_BENCH_PROBLEMS;  ///< a problem tree holding `problem`
  std::string problem = "scale";
  std::string solution = std::string(KJUDGE_BENCH_PROBLEMS) + "/scale/solutions/correct/loop.cpp";
  int runs = 50;    ///< measured cache-hit submissions
  int warmup = 2;   ///< hit submissions judged before measuring (page cache, allocator, sqlite)
  int misses = 3;   ///< fresh servers (empty caches), one submission each
  double target_ms = 50;  ///< issue 4: overhead outside compile and run, at the median
  std::string markdown;   ///< write the result tables here
  std::string json_out;   ///< write every sample here
  std::string work_dir;   ///< default: a new directory under /tmp, removed at the end
};

double WallMs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count() / 1000.0;
}

/// One judged submission: the instants above, in wall-clock milliseconds.
struct Sample {
  std::int64_t id = 0;
  double submit = 0, queued = 0, leased = 0, compiling = 0, compiled = 0, first_case = 0, last_case = 0,
         verdict = 0, seen = 0;
  json events;
};

/// What the target bounds: submit-to-verdict time outside compile and run.
double Overhead(const Sample& s) { return (s.seen - s.submit) - (s.compiled - s.compiling) - (s.last_case - s.compiled); }

/// A phase: its name, what it covers, and how to compute it from a sample.
struct Phase {
  const char* name;
  const char* covers;
  double (*of)(const Sample&);
};

// The split the issue asks for (queue wait, compile, run, report), with the parts around it.
const std::vector<Phase> kPhases = {
    {"accept", "POST until queued (auth, store, enqueue)", [](const Sample& s) { return s.queued - s.submit; }},
    {"queue wait", "queued until leased (runner wake-up)", [](const Sample& s) { return s.leased - s.queued; }},
    {"setup", "leased until compiling (job handover, problem files)", [](const Sample& s) { return s.compiling - s.leased; }},
    {"compile", "compiling until compiled (sandboxed c++ and link)", [](const Sample& s) { return s.compiled - s.compiling; }},
    {"run", "compiled until last case (supervisor, sandbox, cases)", [](const Sample& s) { return s.last_case - s.compiled; }},
    {"- start", "compiled until first case (supervisor, sandbox start)", [](const Sample& s) { return s.first_case - s.compiled; }},
    {"- cases", "first until last case", [](const Sample& s) { return s.last_case - s.first_case; }},
    {"report", "last case until verdict stored", [](const Sample& s) { return s.verdict - s.last_case; }},
    {"notify", "verdict stored until the client has it", [](const Sample& s) { return s.seen - s.verdict; }},
    {"total", "POST until the client has the verdict", [](const Sample& s) { return s.seen - s.submit; }},
    {"overhead", "total - compile - run", [](const Sample& s) { return Overhead(s); }},
};

struct Stats {
  double min = 0, median = 0, p90 = 0, max = 0;
};

Stats Summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto rank = [&](double q) { return v[static_cast<std::size_t>(std::max(0.0, std::ceil(q * v.size()) - 1))]; };
  const std::size_t n = v.size();
  const double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return {v.front(), median, rank(0.9), v.back()};
}

/// Talks to one server as one competitor.
class Submitter {
 public:
  Submitter(std::uint16_t port, const std::string& token) : client_(port) {
    client_.SetHeader("Authorization", "Bearer " + token);
  }

  /// Submits `source` in test mode and waits for its verdict; throws unless it passed.
  Sample JudgeOne(const std::string& problem, const std::string& source) {
    Sample s;
    const json body = {{"problem", problem}, {"gpu", "cpu"}, {"mode", "test"}, {"file_name", "solution.cpp"},
                       {"source", source}};
    s.submit = WallMs();
    auto posted = client_.Request(http::verb::post, "/api/v1/submissions", body.dump());
    if (posted.status != 201) throw std::runtime_error("POST /api/v1/submissions: " + std::to_string(posted.status) + " " + posted.body + posted.error);
    s.id = json::parse(posted.body).at("id").get<std::int64_t>();
    s.events = json::array();
    std::int64_t after = 0;
    const double give_up = WallMs() + 120'000;
    while (s.seen == 0) {
      if (WallMs() > give_up) throw std::runtime_error("no verdict within 120 s for submission " + std::to_string(s.id));
      auto got = client_.Request(http::verb::get,
                                 "/api/v1/submissions/" + std::to_string(s.id) + "/events?after=" + std::to_string(after) + "&wait_s=20",
                                 "", "application/json", std::chrono::seconds(40));
      const double now = WallMs();
      if (got.status != 200) throw std::runtime_error("GET events: " + std::to_string(got.status) + " " + got.body + got.error);
      json reply = json::parse(got.body);
      for (auto& e : reply.at("events")) {
        after = std::max(after, e.at("seq").get<std::int64_t>());
        const std::string name = e.value("event", "");
        if (name == "retrying") throw std::runtime_error("submission " + std::to_string(s.id) + " was retried: " + e.dump());
        if (name == "verdict") {
          if (e.value("verdict", "") != "passed") throw std::runtime_error("submission " + std::to_string(s.id) + " did not pass: " + e.dump());
          s.seen = now;
        }
        s.events.push_back(std::move(e));
      }
    }
    Stamp(s);
    return s;
  }

 private:
  /// Fills the instants from the events; throws when one is missing (the runner predates runner_ms?).
  static void Stamp(Sample& s) {
    auto at = [&](const std::string& event, const char* clock, bool last) {
      double found = 0;
      for (const auto& e : s.events) {
        if (e.value("event", "") != event || !e.contains(clock)) continue;
        found = e[clock].get<double>();
        if (!last) break;
      }
      if (found == 0) throw std::runtime_error("submission " + std::to_string(s.id) + ": no '" + event + "' event with " + clock);
      return found;
    };
    s.queued = at("queued", "time_ms", false);
    s.leased = at("leased", "time_ms", false);
    s.compiling = at("compiling", "runner_ms", false);
    s.compiled = at("compiled", "runner_ms", false);
    s.first_case = at("case", "runner_ms", false);
    s.last_case = at("case", "runner_ms", true);
    s.verdict = at("verdict", "time_ms", false);
  }

  testing::TestHttpClient client_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Fixed(double v, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

/// The result tables, in Markdown.
std::string Report(const Options& o, const std::vector<Sample>& misses, const std::vector<Sample>& hits) {
  std::ostringstream md;
  md << "Problem `" << o.problem << "` (" << fs::path(o.solution).filename().string() << "), mode `test`, local cpu runner, sandbox on; "
     << hits.size() << " cache-hit submissions after " << o.warmup << " warm-up, one at a time; " << misses.size()
     << " cache misses (fresh server and cache each). Milliseconds; server and runner stamps are whole milliseconds, so a phase "
        "they bound is ±1 ms.\n\n";
  md << "| phase | covers | min | median | p90 | max |\n|---|---|---:|---:|---:|---:|\n";
  for (const auto& p : kPhases) {
    std::vector<double> v;
    for (const auto& s : hits) v.push_back(p.of(s));
    const Stats st = Summarize(v);
    md << "| " << p.name << " | " << p.covers << " | " << Fixed(st.min) << " | " << Fixed(st.median) << " | " << Fixed(st.p90)
       << " | " << Fixed(st.max) << " |\n";
  }
  std::vector<double> overhead, hit_compile, miss_compile, miss_total, miss_setup, miss_overhead;
  for (const auto& s : hits) overhead.push_back(Overhead(s));
  for (const auto& s : hits) hit_compile.push_back(s.compiled - s.compiling);
  for (const auto& s : misses) {
    miss_compile.push_back(s.compiled - s.compiling);
    miss_total.push_back(s.seen - s.submit);
    miss_setup.push_back(s.compiling - s.leased);
    miss_overhead.push_back(Overhead(s));
  }
  const Stats oh = Summarize(overhead);
  md << "\nOverhead (total − compile − run) at the median: **" << Fixed(oh.median) << " ms** against the " << Fixed(o.target_ms, 0)
     << " ms target: **" << (oh.median < o.target_ms ? "met" : "missed") << "**.\n\n";
  md << "| compile | n | min | median | max |\n|---|---:|---:|---:|---:|\n";
  auto row = [&](const char* name, const std::vector<double>& v) {
    const Stats st = Summarize(v);
    md << "| " << name << " | " << v.size() << " | " << Fixed(st.min) << " | " << Fixed(st.median) << " | " << Fixed(st.max) << " |\n";
  };
  row("cache miss: harness, glue, reference, submission, link", miss_compile);
  row("cache hit: submission and link only", hit_compile);
  row("miss: setup (first job fetches the problem files)", miss_setup);
  row("miss: overhead (total - compile - run)", miss_overhead);
  row("miss: total, POST to verdict", miss_total);
  return md.str();
}

json SamplesJson(const std::vector<Sample>& samples) {
  json out = json::array();
  for (const auto& s : samples) {
    json phases;
    for (const auto& p : kPhases) phases[p.name] = p.of(s);
    out.push_back({{"id", s.id}, {"phases_ms", phases}, {"events", s.events}});
  }
  return out;
}

int Run(const Options& o) {
  const std::string source = ReadFile(o.solution);
  fs::path root = o.work_dir;
  const bool own_root = root.empty();
  if (!own_root && fs::exists(root)) throw std::runtime_error("--work-dir " + root.string() + " already exists");
  if (own_root) {
    char pattern[] = "/tmp/kjudge-bench-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    root = pattern;
  }
  fs::create_directories(root);
  // The sandbox's unprivileged user must reach the compile caches below.
  fs::permissions(root, fs::perms(0755));
  std::vector<Sample> misses, hits;
  for (int i = 0; i < o.misses; ++i) {
    // The last fresh server goes on to judge the cache-hit submissions.
    const bool last = i + 1 == o.misses;
    BenchServer server(o.kjudge, root / ("server-" + std::to_string(i)), o.problems);
    Submitter submitter(server.port(), server.AddCompetitor("bench"));
    misses.push_back(submitter.JudgeOne(o.problem, source));
    std::cerr << "miss " << i + 1 << "/" << o.misses << ": " << Fixed(misses.back().seen - misses.back().submit) << " ms\n";
    if (!last) continue;
    for (int w = 0; w < o.warmup; ++w) submitter.JudgeOne(o.problem, source);
    for (int r = 0; r < o.runs; ++r) hits.push_back(submitter.JudgeOne(o.problem, source));
    std::cerr << "hits: " << hits.size() << " judged; server log " << server.log() << "\n";
  }
  const std::string md = Report(o, misses, hits);
  std::cout << md;
  if (!o.markdown.empty()) std::ofstream(o.markdown) << md;
  if (!o.json_out.empty()) std::ofstream(o.json_out) << json{{"misses", SamplesJson(misses)}, {"hits", SamplesJson(hits)}}.dump(1) << "\n";
  std::error_code ec;
  if (own_root) fs::remove_all(root, ec);
  return 0;
}

}  // namespace kjudge::bench

int main(int argc, char** argv) {
  kjudge::bench::Options o;
  CLI::App app{"Submit-to-verdict latency of the kjudge pipeline, by phase (bench/pipeline)"};
  app.add_option("--kjudge", o.kjudge, "the kjudge binary")->capture_default_str();
  app.add_option("--problems", o.problems, "problem tree the server loads")->capture_default_str();
  app.add_option("--problem", o.problem, "problem to submit to")->capture_default_str();
  app.add_option("--solution", o.solution, "the correct C++ solution submitted")->capture_default_str();
  app.add_option("--runs", o.runs, "measured cache-hit submissions")->check(CLI::Range(1, 100000))->capture_default_str();
  app.add_option("--warmup", o.warmup, "unmeasured submissions first")->check(CLI::Range(0, 1000))->capture_default_str();
  app.add_option("--misses", o.misses, "fresh servers, one cache-miss submission each")->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--target-ms", o.target_ms, "overhead target at the median")->capture_default_str();
  app.add_option("--markdown", o.markdown, "write the tables to this file");
  app.add_option("--json", o.json_out, "write every sample (phases and events) to this file");
  app.add_option("--work-dir", o.work_dir, "keep servers' databases, caches and logs here (must not exist)");
  CLI11_PARSE(app, argc, argv);
  try {
    return kjudge::bench::Run(o);
  } catch (const std::exception& e) {
    std::cerr << "pipeline_bench: " << e.what() << "\n";
    return 1;
  }
}
