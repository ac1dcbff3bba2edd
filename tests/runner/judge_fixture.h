// Builds the test problem under tests/runner/testdata/scale with the real host compiler, the way
// a runner does (harness sources from the binary, the problem's glue and reference, a solution),
// and starts the judged binary on a JudgedChannel without a sandbox.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "kjudge/runner/harness_tree.h"
#include "kjudge/runner/judged_channel.h"
#include "kjudge/runner/toolchain.h"
#include "support/subprocess.h"

namespace kjudge::testing {

namespace fs = std::filesystem;

inline fs::path ScaleProblemDir() { return fs::path(KJUDGE_SOURCE_DIR) / "tests/runner/testdata/scale"; }

/// Compiles with the real g++; fails the calling test through the returned message.
class ScaleBuild {
 public:
  ScaleBuild() : dir_(fs::temp_directory_path() / ("kjudge-scale-" + std::to_string(getpid()))) {
    fs::create_directories(dir_);
    auto inc = runner::MaterializeHarnessSources(dir_ / "harness");
    include_ = inc.ok() ? inc->string() : "";
    tool_ = runner::Toolchain::Create(runner::Language::kCpp, "host").value();
    harness_objects_ = {Compile(dir_ / "harness/src/harness/judged/judged_main.cc", "judged_main.o"),
                        Compile(dir_ / "harness/src/harness/judged/backend_cpu.cc", "backend_cpu.o"),
                        Compile(ScaleProblemDir() / "glue.cpp", "glue.o")};
    auto lib = runner::Toolchain::ReferenceLibraryCommand(
        {}, {(ScaleProblemDir() / "reference.cpp").string(), (dir_ / "harness/src/harness/reference/reference_exports.cc").string()},
        {include_}, (dir_ / "reference.so").string());
    Run(lib);
  }
  ~ScaleBuild() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string reference_library() const { return (dir_ / "reference.so").string(); }
  const std::string& errors() const { return errors_; }

  /// Builds the judged binary for solutions/<name>.cpp; returns its path.
  std::string Judged(const std::string& solution) {
    auto obj = Compile(ScaleProblemDir() / "solutions" / (solution + ".cpp"), solution + ".o");
    std::vector<std::string> objs = harness_objects_;
    objs.push_back(obj);
    const std::string out = (dir_ / ("judged-" + solution)).string();
    Run(tool_.LinkCommand(objs, out));
    return out;
  }

 private:
  std::string Compile(const fs::path& src, const std::string& obj) {
    const std::string out = (dir_ / obj).string();
    Run(tool_.CompileCommand(src.string(), out, {include_}));
    return out;
  }
  void Run(const std::vector<std::string>& argv) {
    auto r = RunProcess(argv, {}, std::chrono::seconds(120));
    if (r.exit_code != 0) errors_ += r.err + r.out;
  }

  fs::path dir_;
  std::string include_;
  runner::Toolchain tool_ = runner::Toolchain::Create(runner::Language::kCpp, "host").value();
  std::vector<std::string> harness_objects_;
  std::string errors_;
};

/// The judged process, started with the channel's fds at the numbers wire.h promises.
class JudgedProcess {
 public:
  JudgedProcess(const std::string& binary, runner::JudgedChannel& channel) {
    pid_ = fork();
    if (pid_ == 0) {
      // Move both out of the way first (either may already sit at 3 or 4); dup2 clears CLOEXEC on
      // the final descriptors, and the temporary copies close at exec.
      int shm = fcntl(channel.shared_memory_fd(), F_DUPFD_CLOEXEC, 10);
      int ctl = fcntl(channel.child_control_fd(), F_DUPFD_CLOEXEC, 10);
      dup2(shm, 3);
      dup2(ctl, 4);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      execl(binary.c_str(), binary.c_str(), static_cast<char*>(nullptr));
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
