#include "kjudge/runner/profile_command.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "kjudge/sandbox/sandbox_policy.h"

namespace kjudge::runner {

namespace fs = std::filesystem;

namespace {

bool IsExecutableFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && access(p.c_str(), X_OK) == 0;
}

/// "2024.3.2" > "2024.10.0" compares numerically, part by part.
bool VersionLess(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    std::size_t ei = a.find_first_of(".-", i), ej = b.find_first_of(".-", j);
    if (ei == std::string::npos) ei = a.size();
    if (ej == std::string::npos) ej = b.size();
    const std::string pa = i < a.size() ? a.substr(i, ei - i) : "", pb = j < b.size() ? b.substr(j, ej - j) : "";
    const bool na = !pa.empty() && pa.find_first_not_of("0123456789") == std::string::npos && pa.size() < 10;
    const bool nb = !pb.empty() && pb.find_first_not_of("0123456789") == std::string::npos && pb.size() < 10;
    if (na && nb) {
      if (std::stol(pa) != std::stol(pb)) return std::stol(pa) < std::stol(pb);
    } else if (pa != pb) {
      return pa < pb;
    }
    i = ei + 1;
    j = ej + 1;
  }
  return false;
}

std::string Printable(std::string_view text, std::size_t max) {
  std::string out;
  for (unsigned char c : text.substr(0, max)) out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : ' ';
  return out;
}

NcuInstall InstallFor(const fs::path& found) {
  std::error_code ec;
  fs::path binary = fs::canonical(found, ec);
  if (ec) binary = found;
  return {binary, NcuBindDirs(binary)};
}

}  // namespace

const std::vector<std::string>& HarnessKernelNames() {
  static const std::vector<std::string> names = {"KjudgeReadFlush", "KjudgeEmptyCall"};
  return names;
}

std::vector<fs::path> NcuBindDirs(const fs::path& binary) {
  std::error_code ec;
  fs::path real = fs::canonical(binary, ec);
  if (ec) real = binary;
  fs::path dir = real.parent_path();
  // <root>/target/linux-desktop-glibc_2_11_3-x64/ncu: the root holds the sections and libraries.
  if (dir.parent_path().filename() == "target") dir = dir.parent_path().parent_path();
  for (const auto& bind : sandbox::DefaultReadOnlyBinds()) {
    const std::string base = bind.source.string();
    const std::string d = dir.string();
    if (base.find("/etc") == 0) continue;
    if (d == base || d.rfind(base + "/", 0) == 0) return {};
  }
  return {dir};
}

Result<NcuInstall> FindNcu(const std::string& configured, const std::string& path_env) {
  if (configured == "off") {
    return MakeError(ErrorCode::kUnavailable, std::string("profiling is switched off on this runner (") + kNcuEnv + "=off)");
  }
  if (!configured.empty()) {
    if (!IsExecutableFile(configured)) {
      return MakeError(ErrorCode::kNotFound, std::string("the configured Nsight Compute (") + kNcuEnv + "=" + configured +
                                                 ") is not an executable file");
    }
    return InstallFor(configured);
  }
  for (std::size_t start = 0; start <= path_env.size();) {
    std::size_t end = path_env.find(':', start);
    if (end == std::string::npos) end = path_env.size();
    const std::string dir = path_env.substr(start, end - start);
    if (!dir.empty() && dir[0] == '/' && IsExecutableFile(fs::path(dir) / "ncu")) return InstallFor(fs::path(dir) / "ncu");
    start = end + 1;
  }
  if (IsExecutableFile("/usr/local/cuda/bin/ncu")) return InstallFor("/usr/local/cuda/bin/ncu");
  std::error_code ec;
  std::vector<std::string> versions;
  for (const auto& entry : fs::directory_iterator("/opt/nvidia/nsight-compute", ec)) {
    if (IsExecutableFile(entry.path() / "ncu")) versions.push_back(entry.path().filename().string());
  }
  if (!versions.empty()) {
    std::sort(versions.begin(), versions.end(), VersionLess);
    return InstallFor(fs::path("/opt/nvidia/nsight-compute") / versions.back() / "ncu");
  }
  return MakeError(ErrorCode::kNotFound, std::string("Nsight Compute (ncu) is not installed on this runner (looked in PATH, "
                                                     "/usr/local/cuda/bin and /opt/nvidia/nsight-compute/*; set ") +
                                             kNcuEnv + " to its path)");
}

std::vector<std::string> NcuProfileArgv(const fs::path& ncu, const ProfileOptions& options) {
  std::vector<std::string> argv = {ncu.string(),
                                   // The timed runs' clocks, not base clocks: figures comparable to the timings.
                                   "--clock-control", "none",
                                   // Flush caches between replay passes, like the timed calls' cold L2.
                                   "--cache-control", "all",
                                   "--replay-mode", "kernel",
                                   "--target-processes", "all"};
  if (!options.nvtx_range.empty()) {
    argv.insert(argv.end(), {"--nvtx", "--nvtx-include", options.nvtx_range + "/"});
  }
  // The harness's own kernels (its start-up timer-floor calls flush the L2) are not the
  // competitor's: leave them out by function name.
  std::string names;
  for (const auto& n : HarnessKernelNames()) names += (names.empty() ? "" : "|") + n;
  argv.insert(argv.end(), {"--kernel-name-base", "function", "--kernel-name", "regex:^(?!(" + names + ")$)"});
  argv.insert(argv.end(), {"--launch-count", std::to_string(std::max(1, options.launch_count))});
  for (const auto& s : options.sections) argv.insert(argv.end(), {"--section", s});
  if (!options.metrics.empty()) {
    std::string joined;
    for (const auto& m : options.metrics) joined += (joined.empty() ? "" : ",") + m;
    argv.insert(argv.end(), {"--metrics", joined});
  }
  argv.insert(argv.end(), {"--export", kReportStemInSandbox, "--force-overwrite", kProfiledBinaryInSandbox});
  return argv;
}

std::vector<std::string> NcuImportArgv(const fs::path& ncu) {
  return {ncu.string(), "--import", kImportedReportInSandbox, "--csv", "--page", "raw"};
}

Result<std::string> EncodeLauncherArgv(const std::vector<std::string>& argv) {
  if (argv.empty()) return MakeError(ErrorCode::kInvalidArgument, "the profile launcher needs a command");
  std::string out;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (argv[i].find(kProfileArgvSeparator) != std::string::npos || argv[i].find('\0') != std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "argument " + std::to_string(i) + " holds a separator or NUL byte");
    }
    if (i > 0) out += kProfileArgvSeparator;
    out += argv[i];
  }
  return out;
}

std::vector<std::string> DecodeLauncherArgv(std::string_view value) {
  std::vector<std::string> argv;
  if (value.empty()) return argv;
  std::size_t start = 0;
  for (;;) {
    const std::size_t sep = value.find(kProfileArgvSeparator, start);
    argv.emplace_back(value.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start));
    if (sep == std::string_view::npos) break;
    start = sep + 1;
  }
  return argv;
}

std::string ExplainNcuFailure(std::string_view output) {
  if (output.find("ERR_NVGPUCTRPERM") != std::string_view::npos) {
    return "the GPU driver lets only administrators read the performance counters (ERR_NVGPUCTRPERM); the runner's "
           "administrator can allow it with the nvidia module option NVreg_RestrictProfilingToAdminUsers=0 "
           "(https://developer.nvidia.com/ERR_NVGPUCTRPERM)";
  }
  for (std::size_t pos = output.find("==ERROR=="); pos != std::string_view::npos; pos = output.find("==ERROR==", pos + 1)) {
    if (pos != 0 && output[pos - 1] != '\n') continue;
    std::size_t end = output.find('\n', pos);
    if (end == std::string_view::npos) end = output.size();
    const std::string line = Printable(output.substr(pos + 9, end - pos - 9), 300);
    const auto first = line.find_first_not_of(' ');
    if (first != std::string::npos) return "Nsight Compute failed: " + line.substr(first);
  }
  if (output.find("No kernels were profiled") != std::string_view::npos) return "Nsight Compute profiled no kernels";
  return {};
}

std::string NcuVersionFrom(std::string_view output) {
  const auto pos = output.find("Version ");
  if (pos == std::string_view::npos) return {};
  const std::size_t start = pos + 8;
  std::size_t end = start;
  while (end < output.size() && end - start < 32 && (std::isdigit(static_cast<unsigned char>(output[end])) || output[end] == '.')) {
    ++end;
  }
  return std::string(output.substr(start, end - start));
}

Result<std::string> ReadReportFile(const fs::path& path, std::uint64_t max_bytes) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return MakeError(ErrorCode::kNotFound, "Nsight Compute wrote no report");
    return MakeError(ErrorCode::kFailedPrecondition, std::string("the report cannot be opened: ") +
                                                         (err == ELOOP ? "it is a symbolic link" : std::strerror(err)));
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st{};
  if (fstat(fd, &st) != 0) return MakeError(ErrorCode::kFailedPrecondition, "the report cannot be examined");
  if (!S_ISREG(st.st_mode)) return MakeError(ErrorCode::kFailedPrecondition, "the report is not a regular file");
  if (st.st_nlink != 1) return MakeError(ErrorCode::kFailedPrecondition, "the report has other hard links");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    return MakeError(ErrorCode::kFailedPrecondition, "the report is " + std::to_string(st.st_size) + " bytes, more than the " +
                                                         std::to_string(max_bytes) + " kept");
  }
  std::string bytes;
  bytes.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = read(fd, bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  return bytes;
}

}  // namespace kjudge::runner
