// Builds the test problem under tests/runner/testdata/scale with the real host compiler, the way
// a runner does (harness sources from the binary, the problem's glue and reference, a solution),
// and starts the judged binary on a JudgedChannel without a sandbox.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "kjudge/runner/compile_cache.h"
#include "kjudge/runner/judged_channel.h"
#include "kjudge/runner/toolchain.h"
#include "support/subprocess.h"

namespace kjudge::testing {

namespace fs = std::filesystem;

inline fs::path ScaleProblemDir() { return fs::path(KJUDGE_SOURCE_DIR) / "tests/runner/testdata/scale"; }

/// Runs build commands directly (no sandbox), for tests of what is built rather than where.
inline Result<runner::CommandOutput> RunDirect(const std::vector<std::string>& argv, const fs::path&,
                                               const std::vector<fs::path>&) {
  auto r = RunProcess(argv, {}, std::chrono::seconds(120));
  return runner::CommandOutput{r.exit_code, r.timed_out, r.out + r.err};
}

inline runner::ProblemFiles ScaleProblem() {
  runner::ProblemFiles p;
  p.content_hash = "scale-v1";
  p.dir = ScaleProblemDir();
  p.glue = {{"cpp", "glue.cpp"}};
  p.reference = "reference.cpp";
  return p;
}

/// Builds the scale problem's reference library and judged binaries with the real g++.
class ScaleBuild {
 public:
  ScaleBuild()
      : dir_(fs::temp_directory_path() / ("kjudge-scale-" + std::to_string(getpid()))), cache_(dir_, RunDirect) {
    auto lib = cache_.ReferenceLibrary(ScaleProblem());
    if (lib.ok()) {
      reference_ = lib->string();
    } else {
      errors_ = lib.error().message;
    }
  }
  ~ScaleBuild() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  const std::string& reference_library() const { return reference_; }
  const std::string& errors() const { return errors_; }

  /// Builds the judged binary and library for solutions/<name>.cpp (both empty on failure).
  runner::JudgedBuild Judged(const std::string& solution) {
    std::ifstream in(ScaleProblemDir() / "solutions" / (solution + ".cpp"));
    std::string source((std::istreambuf_iterator<char>(in)), {});
    auto tool = runner::Toolchain::Create(runner::Language::kCpp, "host").value();
    auto built = cache_.BuildJudged(ScaleProblem(), tool, source, dir_ / ("job-" + solution));
    if (!built.ok()) {
      errors_ += built.error().message;
      return {};
    }
    return *built;
  }

 private:
  fs::path dir_;
  runner::CompileCache cache_;
  std::string reference_;
  std::string errors_;
};

/// The judged process, started with the channel's fds at the numbers wire.h promises.
class JudgedProcess {
 public:
  JudgedProcess(const runner::JudgedBuild& build, runner::JudgedChannel& channel) {
    const std::string binary = build.binary.string(), library = build.library.string();
    pid_ = fork();
    if (pid_ == 0) {
      // Moved out of the way first (it may already sit at 4); dup2 clears CLOEXEC on the final
      // descriptor, and the temporary copy closes at exec.
      int ctl = fcntl(channel.child_control_fd(), F_DUPFD_CLOEXEC, 10);
      dup2(ctl, harness::wire::kControlFd);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      execl(binary.c_str(), binary.c_str(), library.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    channel.CloseChildEnd();
  }
  ~JudgedProcess() {
    kill(pid_, SIGKILL);
    int st;
    waitpid(pid_, &st, 0);
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace kjudge::testing
