// The profile run without a GPU: the job the profiling supervisor gets (launcher, ncu's argv,
// binds, one call per benchmark case), the import sandbox, and RunProfile end to end with a
// stand-in supervisor and a stand-in ncu (a script printing a report's CSV), so the fallbacks
// (no report, counters refused) and the success path are checked in CI.
#include "kjudge/runner/profile_run.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kjudge/sandbox/sandbox_check.h"

namespace kjudge::runner {
namespace {

namespace fs = std::filesystem;

/// A directory the sandbox can bind at its own path: not under /tmp or /work, which the sandbox
/// replaces, so under /var/tmp.
class BindableDir {
 public:
  explicit BindableDir(const std::string& name)
      : path_(fs::path("/var/tmp") / ("kjudge-" + name + "-" + std::to_string(getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
    fs::permissions(path_, fs::perms(0755));
  }
  ~BindableDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

SuperviseJob PassedJob(const fs::path& dir) {
  SuperviseJob job;
  job.judged_binary = (dir / "judged").string();
  std::ofstream(job.judged_binary) << "\x7f" "ELF judged binary";
  job.reference_library = (dir / "libreference.so").string();
  job.work_dir = (dir / "run").string();
  job.sandbox.device_nodes = {"/dev/nvidiactl", "/dev/nvidia0", "/dev/nvidia-uvm"};
  job.sandbox.read_only_paths = {"/sys", "/usr/local/cuda", "/usr/local/nvidia"};
  job.sandbox.wall_limit_ms = 420'000;
  job.config.mode = Mode::kProfile;
  job.config.tests = {{{{"n", 1000}}, 1, 0, 1}};
  job.config.benchmarks = {{{{"n", 1 << 20}}, 7, 1500, 1}, {{{"n", 1 << 24}}, 8, 24000, 1}};
  return job;
}

std::string EnvValue(const std::vector<std::string>& env, const std::string& name) {
  for (const auto& kv : env) {
    if (kv.rfind(name + "=", 0) == 0) return kv.substr(name.size() + 1);
  }
  return {};
}

TEST(ProfileRunTest, ProfilingJobRunsTheLauncherOnTheBenchmarksOnce) {
  BindableDir dir("profile-job");
  const SuperviseJob passed = PassedJob(dir.path());
  const NcuInstall ncu{"/opt/ncu-custom/2024.3.2/ncu", {"/opt/ncu-custom/2024.3.2"}};
  const SuperviseJob job = ProfileSuperviseJob(passed, dir.path() / "profile-launch", dir.path() / "profile-run", ncu, {});
  EXPECT_EQ(job.judged_binary, (dir.path() / "profile-launch").string());
  EXPECT_EQ(job.work_dir, (dir.path() / "profile-run").string());
  EXPECT_EQ(job.reference_library, passed.reference_library);
  EXPECT_EQ(job.sandbox.device_nodes, passed.sandbox.device_nodes);  // the same GPU, the same sandbox
  EXPECT_TRUE(job.sandbox.enabled);
  EXPECT_NE(std::find(job.sandbox.read_only_paths.begin(), job.sandbox.read_only_paths.end(), "/opt/ncu-custom/2024.3.2"),
            job.sandbox.read_only_paths.end());
  EXPECT_GE(job.sandbox.max_processes, 1024);
  EXPECT_GT(job.sandbox.memory_limit_bytes, passed.sandbox.memory_limit_bytes);
  EXPECT_EQ(DecodeLauncherArgv(EnvValue(job.sandbox.environment, kProfileArgvEnv)), NcuProfileArgv(ncu.binary, {}));
  const auto& c = job.config;
  EXPECT_TRUE(c.tests.empty());
  ASSERT_EQ(c.benchmarks.size(), 2u);
  EXPECT_EQ(c.benchmarks[0].sol_ns, 0);
  EXPECT_EQ(c.warmup_calls, 0);
  EXPECT_EQ(c.min_samples, 1);
  EXPECT_EQ(c.max_samples, 1);
  EXPECT_FALSE(c.flush_l2);
  EXPECT_GE(c.hello_timeout_ms, 180'000);
  EXPECT_GE(c.call_timeout_ms, 420'000);
  // It survives the job file.
  auto back = SuperviseJobFromJson(ToJson(job));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->sandbox.environment, job.sandbox.environment);
}

TEST(ProfileRunTest, ImportSandboxSeesOnlyACopyOfTheReport) {
  BindableDir dir("profile-import");
  fs::create_directories(dir.path() / "work");
  std::ofstream(dir.path() / "profile.ncu-rep") << "report";
  const NcuInstall ncu{"/var/tmp/ncu/ncu", {"/var/tmp/ncu"}};
  const auto policy = ImportPolicy(dir.path() / "work", dir.path() / "profile.ncu-rep", ncu);
  EXPECT_TRUE(policy.devices.empty());
  ASSERT_EQ(policy.copied_files.size(), 1u);
  EXPECT_EQ(policy.copied_files[0].dest, kImportedReportInSandbox);
  EXPECT_EQ(policy.copied_files[0].mode, 0444u);
  EXPECT_TRUE(policy.seccomp);
  EXPECT_EQ(policy.read_only.back().source, "/var/tmp/ncu");
  EXPECT_EQ(policy.limits.stdout_limit_bytes, kMaxImportCsvBytes);
  auto valid = sandbox::ValidatePolicy(policy);
  EXPECT_TRUE(valid.ok()) << valid.error().message;
}

/// A stand-in for ncu: --version and --import of the copied report, printing a raw page.
void WriteFakeNcu(const fs::path& path) {
  std::ofstream out(path);
  out << "#!/bin/sh\n"
         "case \"$1\" in\n"
         "  --version) echo 'NVIDIA (R) Nsight Compute Command Line Profiler'; echo 'Version 2099.1.0.0 (build 1)';;\n"
         "  --import)\n"
         "    [ \"$2\" = /report/profile.ncu-rep ] && [ \"$(cat \"$2\")\" = 'fake report' ] || { echo '==ERROR== bad report' >&2; exit 1; }\n"
         "    cat <<'CSV'\n"
         "\"ID\",\"Process ID\",\"Process Name\",\"Host Name\",\"Kernel Name\",\"Context\",\"Stream\",\"Block Size\",\"Grid Size\","
         "\"Device\",\"CC\",\"gpu__time_duration.sum\",\"dram__throughput.avg.pct_of_peak_sustained_elapsed\","
         "\"smsp__average_warps_issue_stalled_long_scoreboard_per_issue_active.ratio\"\n"
         "\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"usecond\",\"%\",\"\"\n"
         "\"0\",\"2\",\"judged\",\"kjudge\",\"copy_kernel(float *)\",\"1\",\"13\",\"(256, 1, 1)\",\"(4096, 1, 1)\",\"0\",\"9.0\","
         "\"54.53\",\"92.1\",\"12.5\"\n"
         "CSV\n"
         "    ;;\n"
         "  *) exit 2;;\n"
         "esac\n";
  out.close();
  fs::permissions(path, fs::perms(0755));
}

class RunProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto st = sandbox::SandboxAvailable(); !st.ok()) {
      if (std::getenv("KJUDGE_REQUIRE_SANDBOX") != nullptr) FAIL() << st.error().message;
      GTEST_SKIP() << st.error().message;
    }
  }
};

TEST_F(RunProfileTest, ReportIsImportedInTheSandboxAndSummarised) {
  BindableDir dir("profile-e2e");
  WriteFakeNcu(dir.path() / "ncu");
  const NcuInstall ncu{dir.path() / "ncu", {dir.path()}};
  const fs::path job_dir = dir.path() / "job";
  fs::create_directories(job_dir);
  const SuperviseJob passed = PassedJob(job_dir);
  bool called = false;
  const SuperviseRunner supervise = [&](const fs::path& file, std::int64_t limit_ms) -> Result<RunResult> {
    called = true;
    EXPECT_GT(limit_ms, passed.sandbox.wall_limit_ms);
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    auto job = SuperviseJobFromJson(nlohmann::json::parse(text.str()));
    EXPECT_TRUE(job.ok());
    // The launcher is a real executable, and the judged binary waits in the work dir, readable:
    // Nsight Compute reads a target's ELF header and refuses one it cannot read.
    std::ifstream launcher(job->judged_binary, std::ios::binary);
    char magic[4] = {};
    launcher.read(magic, 4);
    EXPECT_EQ(std::string(magic, 4), "\x7f" "ELF");
    const auto perms = fs::status(fs::path(job->work_dir) / kProfiledBinaryName).permissions();
    EXPECT_EQ(perms & fs::perms::all, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                          fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    std::ofstream(fs::path(job->work_dir) / kReportFileName) << "fake report";
    RunResult r;
    r.verdict = Verdict::kPassed;
    r.mode = "profile";
    r.run_log = "==PROF== Disconnected from process 2\n";
    return r;
  };
  ProfileOutcome out = RunProfile(passed, job_dir, ncu, ProfileOptions{}, supervise);
  EXPECT_TRUE(called);
  ASSERT_EQ(out.summary.status, ProfileStatus::kOk) << out.summary.message;
  EXPECT_EQ(out.report, "fake report");
  ASSERT_TRUE(out.summary.report.has_value());
  EXPECT_EQ(out.summary.report->bytes, 11u);
  EXPECT_EQ(out.summary.report->sha256.size(), 64u);
  EXPECT_EQ(out.summary.tool_version, "2099.1.0.0");
  ASSERT_EQ(out.summary.kernels.size(), 1u);
  EXPECT_DOUBLE_EQ(*out.summary.kernels[0].duration_ns, 54530);
  EXPECT_EQ(out.summary.kernels[0].top_stalls.at(0).reason, "long_scoreboard");
  EXPECT_FALSE(fs::exists(job_dir / "profile-run"));  // the judged program's scratch is gone
}

TEST_F(RunProfileTest, RefusedCountersAndMissingReportsAreExplained) {
  BindableDir dir("profile-denied");
  WriteFakeNcu(dir.path() / "ncu");
  const NcuInstall ncu{dir.path() / "ncu", {dir.path()}};
  const fs::path job_dir = dir.path() / "job";
  fs::create_directories(job_dir);
  const SuperviseJob passed = PassedJob(job_dir);
  auto run_with_log = [&](std::string log) {
    return RunProfile(passed, job_dir, ncu, ProfileOptions{}, [log](const fs::path&, std::int64_t) -> Result<RunResult> {
      RunResult r;
      r.verdict = Verdict::kRuntimeError;
      r.mode = "profile";
      r.message = "the judged program did not start";
      r.run_log = log;
      return r;
    });
  };
  ProfileOutcome denied = run_with_log(
      "==ERROR== ERR_NVGPUCTRPERM - The user does not have permission to access NVIDIA GPU Performance Counters\n");
  EXPECT_EQ(denied.summary.status, ProfileStatus::kFailed);
  EXPECT_NE(denied.summary.message.find("NVreg_RestrictProfilingToAdminUsers=0"), std::string::npos);
  EXPECT_TRUE(denied.report.empty());
  EXPECT_NE(ProfileOneLine(denied.summary).find("no profile: the GPU driver"), std::string::npos);

  ProfileOutcome silent = run_with_log("");
  EXPECT_EQ(silent.summary.status, ProfileStatus::kFailed);
  EXPECT_NE(silent.summary.message.find("Nsight Compute wrote no report"), std::string::npos) << silent.summary.message;
  EXPECT_NE(silent.summary.message.find("the judged program did not start"), std::string::npos);

  ProfileOutcome broken = RunProfile(passed, job_dir, ncu, ProfileOptions{},
                                     [](const fs::path&, std::int64_t) -> Result<RunResult> {
                                       return MakeError(ErrorCode::kInternal, "the supervisor did not finish");
                                     });
  EXPECT_EQ(broken.summary.status, ProfileStatus::kFailed);
  EXPECT_NE(broken.summary.message.find("the supervisor did not finish"), std::string::npos);
}

TEST(ProfileRunTest, NoProfileSaysWhy) {
  const ProfileSummary s = NoProfile("Nsight Compute (ncu) is not installed on this runner");
  EXPECT_EQ(s.status, ProfileStatus::kUnavailable);
  EXPECT_EQ(ToJson(s)["status"], "unavailable");
  EXPECT_TRUE(ToJson(s)["report"].is_null());
  EXPECT_EQ(ProfileOneLine(s), "no profile: Nsight Compute (ncu) is not installed on this runner");
}

}  // namespace
}  // namespace kjudge::runner
