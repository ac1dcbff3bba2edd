// CompileCache: builds judged binaries and reference libraries, compiling each piece once.
// The harness and the problem's glue are compiled once per (harness sources, problem version,
// toolchain) and kept; a submission compiles only its own translation unit and links. Reference
// libraries are kept per (problem version, host compiler). Entries are written to a temporary
// name and renamed into place, so concurrent runners on one machine can share a cache directory
// and a runner killed mid-compile leaves nothing half-written behind.
//
// Thread safety: a CompileCache may be used from several threads; concurrent builds of the same
// entry both succeed (the second rename wins, with identical content).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/runner/toolchain.h"

namespace kjudge::runner {

/// A problem version as the runner keeps it on disk: every judging file under `dir`.
struct ProblemFiles {
  std::string content_hash;            ///< the version's identity (problem bundle hash)
  std::filesystem::path dir;           ///< where the files are
  std::map<std::string, std::string> glue;  ///< language name -> file relative to dir
  std::string reference;               ///< relative to dir
};

/// What running one build command produced.
struct CommandOutput {
  int exit_code = -1;
  bool timed_out = false;
  std::string output;  ///< stdout and stderr, possibly capped
};

/// Runs a build command (argv) with `workdir` as its only writable directory; `read_dirs` must be
/// readable. The runner backs this with the sandbox; tests may run commands directly.
using BuildCommandRunner = std::function<Result<CommandOutput>(const std::vector<std::string>& argv,
                                                               const std::filesystem::path& workdir,
                                                               const std::vector<std::filesystem::path>& read_dirs)>;

/// The compiler's log as the competitor sees it: at most this many bytes, the rest cut with a note.
constexpr std::size_t kCompileLogLimitBytes = 32 * 1024;
std::string TrimLog(const std::string& log, std::size_t limit = kCompileLogLimitBytes);

struct JudgedBuild {
  std::filesystem::path binary;   ///< the harness executable (shared by every job of the toolchain)
  std::filesystem::path library;  ///< the glue and the submission, loaded by the harness after start-up
  std::string log;      ///< the compiler's output for the submission (warnings), trimmed
};

class CompileCache {
 public:
  CompileCache(std::filesystem::path root, BuildCommandRunner run, CompilerPaths paths = {});

  /// Builds (or finds) the problem's reference library.
  Result<std::filesystem::path> ReferenceLibrary(const ProblemFiles& problem);

  /// Compiles `source` (the submission) and links it with the cached glue object into the job's
  /// shared library; finds or builds the harness executable. A compile or link failure, or a
  /// library exporting reserved names, is kInvalidArgument with a message for the competitor.
  Result<JudgedBuild> BuildJudged(const ProblemFiles& problem, const Toolchain& toolchain, const std::string& source,
                                  const std::filesystem::path& job_dir);

  /// Objects built for the harness and glue so far (a count, for tests and metrics).
  std::size_t harness_builds() const { return harness_builds_; }

 private:
  Result<std::filesystem::path> HarnessExecutable(const Toolchain& toolchain);
  Result<std::filesystem::path> GlueObject(const ProblemFiles& problem, const Toolchain& toolchain);
  /// Compiles `sources` into `names` (then runs `link` on them when given) in a fresh directory
  /// moved to `dir` when complete; `what` names the failure.
  Status BuildCached(const std::filesystem::path& dir, const std::vector<std::filesystem::path>& sources,
                     const std::vector<std::string>& names, const Toolchain& toolchain, const std::vector<std::filesystem::path>& reads,
                     const std::string& what, const std::string& linked_name);
  Result<std::filesystem::path> HarnessInclude();

  std::filesystem::path root_;
  BuildCommandRunner run_;
  CompilerPaths paths_;
  std::size_t harness_builds_ = 0;
};

}  // namespace kjudge::runner
