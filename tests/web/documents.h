// Realistic page documents, shaped as docs/web.md and the API produce them, shared by the page
// tests and the hostile-document tests (which rewrite every string in them).
#pragma once

#include <nlohmann/json.hpp>

namespace kjudge::web::testing {

constexpr std::int64_t kNowMs = 1'796'164'867'000;  // 2026-12-01 22:41:07 UTC

inline nlohmann::json HomeDoc() {
  return nlohmann::json::parse(R"json({
    "now_ms": 1796164867000,
    "competitions": [
      {"name": "winter-2026", "title": "Winter Kernel Cup", "start_ms": 1795000000000, "deadline_ms": 1797000000000,
       "status": "running", "parts": 2},
      {"name": "spring-2027", "title": "Spring Cup", "start_ms": 1800000000000, "deadline_ms": 1801000000000,
       "status": "upcoming", "parts": 1},
      {"name": "autumn-2026", "title": "", "start_ms": 1790000000000, "deadline_ms": 1791000000000,
       "status": "ended", "parts": 3}],
    "leaderboards": [
      {"problem": "vectoradd", "title": "Vector add", "gpu": "H100", "state": "open", "deadline_ms": null,
       "entries": 3, "leader": {"user": "bob", "display_name": "Bob B.", "score_ns": 12345, "sol_ratio": 3.2149}},
      {"problem": "matmul", "title": "Matrix multiply", "gpu": "MI300X", "state": "closed", "deadline_ms": 1796000000000,
       "entries": 0, "leader": null}],
    "recent": [
      {"submission_id": 42, "run_id": 77, "user": "alice", "display_name": "Alice", "problem": "vectoradd", "gpu": "H100",
       "verdict": "passed", "score_ns": 4560000, "sol_ratio": 10.5, "finished_ms": 1796164687000},
      {"submission_id": 41, "run_id": 76, "user": "bob", "display_name": "", "problem": "vectoradd", "gpu": "H100",
       "verdict": "wrong_answer", "score_ns": null, "sol_ratio": null, "finished_ms": 1796160000000}]
  })json");
}

inline nlohmann::json ProblemDoc() {
  return nlohmann::json::parse(R"json({
    "name": "vectoradd", "title": "Vector add", "languages": ["cuda", "hip", "cpp"], "gpus": ["H100", "MI300X"],
    "tests": 4, "benchmarks": 2, "ranking_by": "geomean", "updated_ms": 1796000000000,
    "description": "Compute **c = a + b** for vectors of `n` floats.\n\n<script>alert(1)</script>\n\n[bad](javascript:alert(1))",
    "tolerance": {"rtol": 1e-5, "atol": 1e-8}, "timeouts_s": {"test": 30, "benchmark": 120},
    "version": {"id": 3, "content_hash": "0123456789abcdef0123", "created_ms": 1796000000000},
    "leaderboards": [{"id": 1, "problem": "vectoradd", "gpu": "H100", "state": "open", "deadline_ms": null,
                      "accepts_submissions": true},
                     {"id": 2, "problem": "vectoradd", "gpu": "MI300X", "state": "open", "deadline_ms": 1797000000000,
                      "accepts_submissions": true}],
    "templates": [{"language": "cuda", "file_name": "template.cu", "url": "/api/v1/problems/vectoradd/templates/cuda"},
                  {"language": "hip", "file_name": "template.hip", "url": "/api/v1/problems/vectoradd/templates/hip"}],
    "statistic": "Each case is timed over at least 100 runs; the score is the geometric mean of the medians.",
    "benchmark_cases": [{"index": 0, "params": {"n": 1048576, "seed": 7}, "weight": 1, "flops": 1048576,
                         "bytes": 12582912, "dtype": "fp32"},
                        {"index": 1, "params": {"n": 16777216}, "weight": 2, "flops": 16777216, "bytes": 201326592,
                         "dtype": "fp32"}],
    "speed_of_light": [
      {"gpu": "H100", "error": null,
       "cases": [{"index": 0, "sol_ns": 3751.2, "compute_ns": 15.5, "memory_ns": 3751.2, "bound": "memory"},
                 {"index": 1, "sol_ns": 60019.5, "compute_ns": 248, "memory_ns": 60019.5, "bound": "memory"}]},
      {"gpu": "MI300X", "error": "MI300X has no fp32 rate", "cases": []}]
  })json");
}

inline nlohmann::json LeaderboardDoc() {
  return nlohmann::json::parse(R"json({
    "problem": "vectoradd", "title": "Vector add", "gpu": "H100", "state": "open", "deadline_ms": 1796100000000,
    "accepts_submissions": false, "frozen": true, "ranking_by": "geomean",
    "ranking": "Ranked by the geometric mean of the benchmark medians, fastest first.",
    "total_entries": 3, "page": 2, "page_size": 100, "pages": 3,
    "entries": [
      {"rank": 1, "user": "bob", "display_name": "Bob B.", "score_ns": 12345, "sol_ratio": 3.2149,
       "submission_id": 17, "run_id": 30, "submissions": 4, "submitted_ms": 1796050000000, "improved_ms": 1796050000000},
      {"rank": 2, "user": "alice", "display_name": "", "score_ns": 4560000, "sol_ratio": 10.5,
       "submission_id": 18, "run_id": 31, "submissions": 1, "submitted_ms": 1796060000000, "improved_ms": 1796060000000},
      {"rank": 3, "user": "carol", "display_name": "Carol", "score_ns": 1234000000, "sol_ratio": null,
       "submission_id": 19, "run_id": 32, "submissions": 2, "submitted_ms": 1796070000000, "improved_ms": 1796070000000}],
    "post_deadline": [
      {"user": "dave", "display_name": "Dave", "score_ns": 812, "sol_ratio": 1.5, "submission_id": 25, "run_id": 40,
       "submitted_ms": 1796150000000, "would_rank": 1}],
    "chart": {"series": [
      {"user": "bob", "display_name": "Bob B.", "points": [{"t_ms": 1796000000000, "score_ns": 20000},
                                                           {"t_ms": 1796050000000, "score_ns": 12345}]},
      {"user": "alice", "display_name": "", "points": [{"t_ms": 1796060000000, "score_ns": 4560000}]}]}
  })json");
}

inline nlohmann::json CompetitionDoc() {
  return nlohmann::json::parse(R"json({
    "name": "winter-2026", "title": "Winter Kernel Cup", "description": "Three weeks, *two* kernels.",
    "start_ms": 1795000000000, "deadline_ms": 1797000000000, "status": "running", "frozen": false,
    "points_rule": "rank_points", "points_rule_text": "The fastest gets the part's max points; each rank below gets fewer.",
    "submissions_published": true,
    "parts": [{"problem": "vectoradd", "gpu": "H100", "weight": 1, "max_points": 100, "entries": 3},
              {"problem": "matmul", "gpu": "H100", "weight": 2, "max_points": 200, "entries": 1}],
    "standings": [
      {"rank": 1, "user": "bob", "display_name": "Bob B.", "points": 287.5,
       "parts": [{"problem": "vectoradd", "gpu": "H100", "rank": 1, "points": 100, "score_ns": 12345,
                  "sol_ratio": 3.2, "run_id": 30},
                 {"problem": "matmul", "gpu": "H100", "rank": 1, "points": 187.5, "score_ns": 99999,
                  "sol_ratio": 1.9, "run_id": 33}]},
      {"rank": 2, "user": "alice", "display_name": "", "points": 50,
       "parts": [{"problem": "vectoradd", "gpu": "H100", "rank": 2, "points": 50, "score_ns": 4560000,
                  "sol_ratio": 10.5, "run_id": 31}]}]
  })json");
}

inline nlohmann::json UserDoc() {
  return nlohmann::json::parse(R"json({
    "user": "alice", "display_name": "Alice A.", "created_ms": 1790000000000,
    "entries": [{"problem": "vectoradd", "gpu": "H100", "rank": 2, "of": 10, "score_ns": 4560000, "sol_ratio": 10.5,
                 "submission_id": 18, "run_id": 31, "submitted_ms": 1796060000000}],
    "history": [{"submission_id": 18, "problem": "vectoradd", "gpu": "H100", "mode": "leaderboard", "status": "passed",
                 "score_ns": 4560000, "sol_ratio": 10.5, "created_ms": 1796060000000},
                {"submission_id": 16, "problem": "vectoradd", "gpu": "H100", "mode": "test", "status": "compile_error",
                 "score_ns": null, "sol_ratio": null, "created_ms": 1796050000000}]
  })json");
}

inline nlohmann::json SubmissionDoc() {
  return nlohmann::json::parse(R"json({
    "id": 18, "user_id": 2, "user": "alice", "problem": "vectoradd", "gpu": "H100", "file_name": "solution.cu",
    "language": "cuda", "mode": "leaderboard", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "created_ms": 1796060000000, "status": "passed", "best_score_ns": 4560000, "best_sol_ratio": 10.5,
    "jobs": [{"id": 50, "gpu": "H100", "mode": "leaderboard", "status": "done", "attempts": 1, "last_error": ""}],
    "runs": [{"id": 31, "job_id": 50, "submission_id": 18, "attempt": 1, "verdict": "passed",
              "message": "all 3 cases passed", "score_ns": 4560000, "sol_ratio": 10.5,
              "cases": [
                {"kind": "test", "index": 0, "params": {"n": 1000}, "passed": true, "message": "", "sol_ns": 0, "weight": 1},
                {"kind": "benchmark", "index": 0, "params": {"n": 1048576}, "passed": true, "message": "",
                 "sol_ns": 3751.2, "weight": 1,
                 "timing": {"samples": 120, "mean_ns": 12400, "median_ns": 12345, "stddev_ns": 150, "min_ns": 12000,
                            "max_ns": 13000, "rel_sem": 0.001,
                            "sm_clock": {"samples": 10, "min_mhz": 1410, "mean_mhz": 1700, "max_mhz": 1755,
                                         "rated_max_mhz": 1980, "reasons": ["sw_thermal"], "reason_bits": 32,
                                         "throttled": true}}},
                {"kind": "benchmark", "index": 1, "params": {"n": 16777216}, "passed": false,
                 "message": "mismatch at index 12: got 1.5, want 2.5", "sol_ns": 60019.5, "weight": 2}],
              "compile_log": "nvcc warning: <unused variable>", "run_log": "ran 3 cases",
              "device": "NVIDIA H100 80GB HBM3", "runner": "gpu-box-1", "started_ms": 1796060010000,
              "finished_ms": 1796060070000}],
    "events": [],
    "source_visible": true,
    "source": "#include <cuda.h>\n__global__ void add(float* c) { if (a < b && c) {} }\n"
  })json");
}

inline nlohmann::json CompareDoc() {
  return nlohmann::json::parse(R"json({
    "problem": "vectoradd", "gpu": "H100",
    "a": {"run_id": 30, "submission_id": 17, "user": "bob", "display_name": "Bob B.", "score_ns": 12345, "sol_ratio": 3.2},
    "b": {"run_id": 31, "submission_id": 18, "user": "alice", "display_name": "", "score_ns": 13890, "sol_ratio": 3.6},
    "cases": [
      {"index": 0, "params": {"n": 1048576}, "sol_ns": 3751.2, "a_ns": 12345, "b_ns": 13890, "a_sol_ratio": 3.29,
       "b_sol_ratio": 3.7, "diff_ns": 1545, "diff_pct": 12.515, "noise_pct": 1.2, "verdict": "a_faster"},
      {"index": 1, "params": {"n": 16777216}, "sol_ns": 60019.5, "a_ns": 80000, "b_ns": 70000, "a_sol_ratio": 1.33,
       "b_sol_ratio": 1.17, "diff_ns": -10000, "diff_pct": -12.5, "noise_pct": 0.8, "verdict": "b_faster"},
      {"index": 2, "params": {"n": 4096}, "sol_ns": 20, "a_ns": 900, "b_ns": 905, "a_sol_ratio": 45,
       "b_sol_ratio": 45.25, "diff_ns": 5, "diff_pct": 0.556, "noise_pct": 2.5, "verdict": "within_noise"}],
    "score": {"a_ns": 12345, "b_ns": 13890, "diff_pct": 12.515}
  })json");
}

}  // namespace kjudge::web::testing
