// The command lines profile mode runs Nsight Compute with, how it finds ncu, how it reads back
// the report a hostile process may have replaced, and what it says when ncu is absent or refused.
#include "kjudge/runner/profile_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <gtest/gtest.h>

namespace kjudge::runner {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("kjudge-profile-" + std::to_string(getpid()) + "-" + std::to_string(counter_++))) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

void WriteExecutable(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
  fs::permissions(p, fs::perms(0755));
}

/// The value following `flag` in argv, or "" when absent.
std::string After(const std::vector<std::string>& argv, const std::string& flag) {
  auto it = std::find(argv.begin(), argv.end(), flag);
  return it == argv.end() || it + 1 == argv.end() ? "" : *(it + 1);
}

TEST(ProfileCommandTest, ProfileArgvProfilesOnlyTheSubmissionCheaply) {
  const auto argv = NcuProfileArgv("/opt/nvidia/nsight-compute/2024.3.2/ncu", ProfileOptions{});
  ASSERT_GE(argv.size(), 2u);
  EXPECT_EQ(argv.front(), "/opt/nvidia/nsight-compute/2024.3.2/ncu");
  EXPECT_EQ(argv.back(), kProfiledBinaryInSandbox);  // the real judged binary, last
  EXPECT_EQ(After(argv, "--clock-control"), "none");
  EXPECT_EQ(After(argv, "--cache-control"), "all");
  EXPECT_EQ(After(argv, "--target-processes"), "all");
  EXPECT_EQ(After(argv, "--kernel-name-base"), "function");
  EXPECT_EQ(After(argv, "--kernel-name"), "regex:^(?!(KjudgeReadFlush|KjudgeEmptyCall)$)");
  EXPECT_EQ(After(argv, "--launch-count"), "32");
  EXPECT_EQ(After(argv, "--export"), "/work/profile");
  EXPECT_NE(std::find(argv.begin(), argv.end(), "--force-overwrite"), argv.end());
  std::vector<std::string> sections;
  for (std::size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == "--section") sections.push_back(argv[i + 1]);
  }
  EXPECT_EQ(sections, (std::vector<std::string>{"SpeedOfLight", "MemoryWorkloadAnalysis", "Occupancy", "LaunchStats",
                                                "WarpStateStats", "SchedulerStats"}));
  const std::string metrics = After(argv, "--metrics");
  for (const char* m : {"gpu__time_duration.sum", "dram__throughput.avg.pct_of_peak_sustained_elapsed",
                        "sm__throughput.avg.pct_of_peak_sustained_elapsed", "launch__registers_per_thread",
                        "sm__warps_active.avg.pct_of_peak_sustained_active", "sm__maximum_warps_per_active_cycle_pct"}) {
    EXPECT_NE(metrics.find(m), std::string::npos) << m;
  }
  EXPECT_EQ(std::find(argv.begin(), argv.end(), "--nvtx"), argv.end());

  ProfileOptions nvtx;
  nvtx.nvtx_range = "kjudge:benchmark";
  nvtx.launch_count = 0;
  const auto with_range = NcuProfileArgv("ncu", nvtx);
  EXPECT_NE(std::find(with_range.begin(), with_range.end(), "--nvtx"), with_range.end());
  EXPECT_EQ(After(with_range, "--nvtx-include"), "kjudge:benchmark/");
  EXPECT_EQ(After(with_range, "--launch-count"), "1");

  EXPECT_EQ(NcuImportArgv("/usr/local/cuda/bin/ncu"),
            (std::vector<std::string>{"/usr/local/cuda/bin/ncu", "--import", "/report/profile.ncu-rep", "--csv", "--page", "raw"}));
}

TEST(ProfileCommandTest, LauncherArgvRoundTripsAndRefusesSeparators) {
  const std::vector<std::string> argv = {"/usr/bin/ncu", "--metrics", "a,b", "with space", "/work/.kjudge-judged"};
  auto encoded = EncodeLauncherArgv(argv);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(DecodeLauncherArgv(*encoded), argv);
  EXPECT_EQ(DecodeLauncherArgv(*EncodeLauncherArgv(NcuProfileArgv("ncu", {}))), NcuProfileArgv("ncu", {}));
  EXPECT_FALSE(EncodeLauncherArgv({}).ok());
  EXPECT_FALSE(EncodeLauncherArgv({"a\x1f" "b"}).ok());
  EXPECT_FALSE(EncodeLauncherArgv({std::string("a\0b", 3)}).ok());
}

TEST(ProfileCommandTest, FailuresAreExplained) {
  const std::string denied =
      "==PROF== Connected to process 2 (/work/.kjudge-judged)\n"
      "==ERROR== ERR_NVGPUCTRPERM - The user does not have permission to access NVIDIA GPU Performance Counters on the "
      "target device 0. For instructions on enabling permissions and to get more information see "
      "https://developer.nvidia.com/ERR_NVGPUCTRPERM\n";
  const std::string why = ExplainNcuFailure(denied);
  EXPECT_NE(why.find("ERR_NVGPUCTRPERM"), std::string::npos);
  EXPECT_NE(why.find("NVreg_RestrictProfilingToAdminUsers=0"), std::string::npos);
  EXPECT_EQ(ExplainNcuFailure("out\n==ERROR== Failed to prepare kernel for profiling\x07\n"),
            "Nsight Compute failed: Failed to prepare kernel for profiling ");
  EXPECT_EQ(ExplainNcuFailure("==WARNING== No kernels were profiled.\n"), "Nsight Compute profiled no kernels");
  EXPECT_EQ(ExplainNcuFailure("a line that merely says ==ERROR== inside\n"), "");
  EXPECT_EQ(ExplainNcuFailure("all fine\n"), "");
  EXPECT_EQ(NcuVersionFrom("NVIDIA (R) Nsight Compute Command Line Profiler\nCopyright (c) 2018-2024 NVIDIA Corporation\n"
                           "Version 2024.3.2.0 (build 34861637) (public-release)\n"),
            "2024.3.2.0");
  EXPECT_EQ(NcuVersionFrom("nothing"), "");
}

TEST(ProfileCommandTest, FindsNcuOrSaysWhereItLooked) {
  auto off = FindNcu("off", "/usr/bin");
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(off.error().message.find("KJUDGE_NCU=off"), std::string::npos);

  auto missing = FindNcu("/nonexistent/ncu", "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  TempDir dir;
  // The real layout: <root>/ncu is a front script, <root>/target/<platform>/ncu the executable.
  const fs::path root = dir.path() / "nsight-compute" / "2024.3.2";
  WriteExecutable(root / "ncu", "#!/bin/sh\n");
  WriteExecutable(root / "target" / "linux-desktop-glibc_2_11_3-x64" / "ncu", "#!/bin/sh\n");
  fs::create_directories(dir.path() / "bin");
  fs::create_symlink(root / "ncu", dir.path() / "bin" / "ncu");
  auto found = FindNcu("", "relative/dir:" + (dir.path() / "empty").string() + ":" + (dir.path() / "bin").string());
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_EQ(found->binary, fs::canonical(root / "ncu"));  // the link's target: visible inside once bound
  EXPECT_EQ(found->bind_dirs, std::vector<fs::path>{fs::canonical(root)});
  EXPECT_EQ(NcuBindDirs(root / "target" / "linux-desktop-glibc_2_11_3-x64" / "ncu"), std::vector<fs::path>{fs::canonical(root)});
  auto configured = FindNcu((root / "ncu").string(), "");
  ASSERT_TRUE(configured.ok());
  EXPECT_EQ(configured->bind_dirs.size(), 1u);
  // Under the sandbox's default binds nothing more is bound.
  EXPECT_TRUE(NcuBindDirs("/usr/local/cuda/bin/ncu").empty());
  EXPECT_TRUE(NcuBindDirs("/opt/nvidia/nsight-compute/2024.3.2/ncu").empty());

  if (fs::exists("/usr/local/cuda/bin/ncu") || fs::exists("/opt/nvidia/nsight-compute")) {
    GTEST_SKIP() << "this machine has Nsight Compute installed";
  }
  auto none = FindNcu("", (dir.path() / "empty").string());
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_NE(none.error().message.find("Nsight Compute (ncu) is not installed on this runner"), std::string::npos);
  EXPECT_NE(none.error().message.find("KJUDGE_NCU"), std::string::npos);
}

TEST(ProfileCommandTest, ReportIsReadOnlyWhenItIsAPlainSmallFile) {
  TempDir dir;
  const fs::path report = dir.path() / "profile.ncu-rep";
  std::ofstream(report) << "NCU report bytes";
  auto read = ReadReportFile(report, 1024);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, "NCU report bytes");

  EXPECT_EQ(ReadReportFile(dir.path() / "absent", 1024).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(ReadReportFile(report, 4).error().code, ErrorCode::kFailedPrecondition);  // too large

  const fs::path secret = dir.path() / "secret";
  std::ofstream(secret) << "the runner's secret";
  const fs::path link = dir.path() / "link.ncu-rep";
  fs::create_symlink(secret, link);
  auto via_link = ReadReportFile(link, 1024);
  ASSERT_FALSE(via_link.ok());
  EXPECT_NE(via_link.error().message.find("symbolic link"), std::string::npos);

  const fs::path hard = dir.path() / "hard.ncu-rep";
  fs::create_hard_link(secret, hard);
  EXPECT_FALSE(ReadReportFile(hard, 1024).ok());

  fs::create_directory(dir.path() / "dir.ncu-rep");
  EXPECT_FALSE(ReadReportFile(dir.path() / "dir.ncu-rep", 1024).ok());
  const fs::path fifo = dir.path() / "fifo.ncu-rep";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_FALSE(ReadReportFile(fifo, 1024).ok());  // refused, without blocking on the open
}

}  // namespace
}  // namespace kjudge::runner
