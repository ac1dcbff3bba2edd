// Running the real `kjudge` binary (or any program) from tests: capture stdout/stderr, exit code,
// with a deadline; or start it in the background and read its output line by line.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kjudge::testing {

struct ProcessResult {
  int exit_code = -1;   ///< -1 when killed by a signal
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
};

/// A child process with piped stdout/stderr. Killed (SIGKILL) on destruction if still running.
class Subprocess {
 public:
  /// `env` entries are added to (or override) the parent's environment; a value of "\x01" unsets.
  Subprocess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {}) {
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
      dup2(out_pipe[1], 1);
      dup2(err_pipe[1], 2);
      for (const auto& [k, v] : env) {
        if (v == "\x01") {
          unsetenv(k.c_str());
        } else {
          setenv(k.c_str(), v.c_str(), 1);
        }
      }
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
  }

  ~Subprocess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      int st;
      waitpid(pid_, &st, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
  }

  pid_t pid() const { return pid_; }
  void Signal(int sig) { kill(pid_, sig); }

  /// Reads stdout until a line containing `needle` arrives; returns that line, or nullopt at the
  /// deadline or when the child closes stdout.
  std::optional<std::string> WaitForLine(const std::string& needle, std::chrono::milliseconds deadline) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      for (auto nl = out_.find('\n', scanned_); nl != std::string::npos; nl = out_.find('\n', scanned_)) {
        std::string line = out_.substr(scanned_, nl - scanned_);
        scanned_ = nl + 1;
        if (line.find(needle) != std::string::npos) return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      if (!PumpOnce(static_cast<int>(left.count()))) return std::nullopt;
    }
  }

  /// Waits for exit (SIGKILL at the deadline) and returns everything it printed.
  ProcessResult Wait(std::chrono::milliseconds deadline = std::chrono::seconds(60)) {
    ProcessResult r;
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (out_fd_ >= 0 || err_fd_ >= 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        r.timed_out = true;
        kill(pid_, SIGKILL);
        break;
      }
      PumpOnce(static_cast<int>(left.count()));
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    r.out = out_;
    r.err = err_;
    return r;
  }

 private:
  // Reads whatever is available on either pipe; false when both are closed or nothing came in time.
  bool PumpOnce(int timeout_ms) {
    pollfd fds[2];
    int n = 0;
    if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
    if (n == 0) return false;
    if (poll(fds, n, timeout_ms) <= 0) return false;
    for (int i = 0; i < n; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      std::string& sink = fds[i].fd == out_fd_ ? out_ : err_;
      if (got > 0) {
        sink.append(buf, static_cast<std::size_t>(got));
      } else {
        int& fd = fds[i].fd == out_fd_ ? out_fd_ : err_fd_;
        close(fd);
        fd = -1;
      }
    }
    return true;
  }

  pid_t pid_ = -1;
  bool reaped_ = false;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_, err_;
  std::size_t scanned_ = 0;
};

/// Runs to completion.
inline ProcessResult RunProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                                std::chrono::milliseconds deadline = std::chrono::seconds(60)) {
  Subprocess p(argv, env);
  return p.Wait(deadline);
}

}  // namespace kjudge::testing
