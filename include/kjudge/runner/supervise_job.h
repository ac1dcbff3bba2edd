// SuperviseJob: everything the supervisor process (`kjudge supervise JOB.json`) needs to judge one
// job: the built judged binary, the problem's reference library, the cases and limits, and how to
// sandbox the judged process. The runner writes it; the supervisor reads it, judges, and prints
// JSON lines on stdout: {"event": ...} while it runs and a last {"result": ...}.
//
// The supervisor is a separate process so that problem code (the reference library it loads) can
// crash or leak without taking the runner down, and so every job starts from a clean process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "kjudge/core/result.h"
#include "kjudge/runner/supervisor.h"

namespace kjudge::runner {

/// How the judged process is confined (see sandbox/sandbox_policy.h for what each means).
struct JudgedSandbox {
  bool enabled = true;                       ///< false only in tests of the supervisor itself
  std::vector<std::string> device_nodes;     ///< GPU nodes to bind (/dev/nvidia0, /dev/nvidiactl, ...)
  std::vector<std::string> read_only_paths;  ///< extra host paths it may read (CUDA libraries)
  std::int64_t memory_limit_bytes = 8ll << 30;
  std::int64_t wall_limit_ms = 180'000;      ///< the whole run (the spec's timeout for the mode)
  int max_processes = 64;
  /// Judged programs start threads only; a profile run starts Nsight Compute, which starts them.
  bool allow_new_processes = false;
  std::vector<std::string> environment;      ///< "NAME=value" passed through (CUDA_VISIBLE_DEVICES=...)
};

struct SuperviseJob {
  std::string judged_binary;
  std::string judged_library;  ///< the submission (with the glue) the harness loads after calibration
  std::string reference_library;
  std::string work_dir;  ///< the job's directory, writable by the judged process
  JudgedSandbox sandbox;
  SupervisorConfig config;
};

nlohmann::json ToJson(const SuperviseJob& job);
Result<SuperviseJob> SuperviseJobFromJson(const nlohmann::json& json);

/// `kjudge supervise JOB.json`: judges and prints the JSON lines; returns the process exit code
/// (0 when a result was printed, whatever the verdict).
int SuperviseMain(const std::string& job_file);

}  // namespace kjudge::runner
