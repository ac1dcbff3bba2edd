// ParseNcuCsv on CSV text built from Nsight Compute's documented export layouts (raw page and
// details page), and on hostile text: the report it comes from was written by a judged process.
#include "kjudge/runner/profile_summary.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "kjudge/runner/run_result.h"

namespace kjudge::runner {
namespace {

const char* kIdentity = R"csv("ID","Process ID","Process Name","Host Name","Kernel Name","Context","Stream","Block Size","Grid Size","Device","CC")csv";

/// `ncu --import r.ncu-rep --csv --page raw`: a header of metric names, a row of units, a row
/// per kernel (the harness's KjudgeReadFlush among them).
std::string RawPage() {
  std::string csv = "==WARNING== Found outstanding GPU clock reset, trying to revert...\n";
  csv += std::string(kIdentity) +
         R"csv(,"device__attribute_display_name","dram__throughput.avg.pct_of_peak_sustained_elapsed","gpu__time_duration.sum",)csv"
         R"csv("launch__registers_per_thread","sm__maximum_warps_per_active_cycle_pct","sm__throughput.avg.pct_of_peak_sustained_elapsed",)csv"
         R"csv("sm__warps_active.avg.pct_of_peak_sustained_active",)csv"
         R"csv("smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio",)csv"
         R"csv("smsp__average_warps_issue_stalled_long_scoreboard_per_issue_active.ratio",)csv"
         R"csv("smsp__average_warps_issue_stalled_lg_throttle_per_issue_active.ratio",)csv"
         R"csv("smsp__average_warps_issue_stalled_not_selected_per_issue_active.ratio",)csv"
         R"csv("smsp__average_warps_issue_stalled_selected_per_issue_active.ratio",)csv"
         R"csv("smsp__average_warps_issue_stalled_wait_per_issue_active.ratio",)csv"
         R"csv("smsp__average_warps_issue_stalled_math_pipe_throttle_per_issue_active.ratio",)csv"
         R"csv("smsp__average_warps_issue_stalled_short_scoreboard_per_issue_active.ratio")csv"
         "\n";
  csv += R"csv("","","","","","","","","","","","","%","nsecond","register/thread","%","%","%","","","","","","","","")csv"
         "\n";
  csv += R"csv("0","2","judged","kjudge","KjudgeReadFlush(const int4 *, unsigned long, int *)","1","13","(256, 1, 1)","(528, 1, 1)","0","9.0",)csv"
         R"csv("NVIDIA H100 80GB HBM3","93.1","104,480","16","100","9.7","88.0","0","30.5","0","0.2","1","1.2","0","0.1")csv"
         "\n";
  csv += R"csv("1","2","judged","kjudge","void vector_add<256>(const __half *, const __half *, __half *, int)","1","13","(256, 1, 1)","(65536, 1, 1)","0","9.0",)csv"
         R"csv("NVIDIA H100 80GB HBM3","91.23","54,528","16","100","12.5","85.4","0.01","41.2","3.1","0.9","1","2.4","0.4","0.6")csv"
         "\n";
  csv += R"csv("2","2","judged","kjudge","reduce_tail(float *)","1","13","(1024, 1, 1)","(1, 1, 1)","0","9.0",)csv"
         R"csv("NVIDIA H100 80GB HBM3","0.4","3,104","32","50","0.3","48.1","12.8","0","0","0","1","0.5","0","0")csv"
         "\n";
  return csv;
}

TEST(ProfileSummaryTest, RawPageGivesEachKernelsFiguresAndTopStalls) {
  auto parsed = ParseNcuCsv(RawPage(), {"KjudgeReadFlush"});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->kernels.size(), 2u);  // KjudgeReadFlush is the harness's, not the submission's
  const KernelProfile& k = parsed->kernels[0];
  EXPECT_EQ(k.id, 1);
  EXPECT_EQ(k.name, "void vector_add<256>(const __half *, const __half *, __half *, int)");
  EXPECT_EQ(k.block_size, "(256, 1, 1)");
  EXPECT_EQ(k.grid_size, "(65536, 1, 1)");
  EXPECT_DOUBLE_EQ(*k.duration_ns, 54528);
  EXPECT_DOUBLE_EQ(*k.dram_throughput_pct, 91.23);
  EXPECT_DOUBLE_EQ(*k.sm_throughput_pct, 12.5);
  EXPECT_DOUBLE_EQ(*k.registers_per_thread, 16);
  EXPECT_DOUBLE_EQ(*k.achieved_occupancy_pct, 85.4);
  EXPECT_DOUBLE_EQ(*k.theoretical_occupancy_pct, 100);
  EXPECT_EQ(k.stall_basis, "cycles_per_issued_instruction");
  ASSERT_EQ(k.top_stalls.size(), kTopStallReasons);
  EXPECT_EQ(k.top_stalls[0].reason, "long_scoreboard");
  EXPECT_EQ(k.top_stalls[1].reason, "lg_throttle");
  EXPECT_EQ(k.top_stalls[2].reason, "wait");
  // "selected" (issuing) is no stall; shares are of the stall total (41.2 + 3.1 + ...).
  for (const auto& s : k.top_stalls) EXPECT_NE(s.reason, "selected");
  const double total = 0.01 + 41.2 + 3.1 + 0.9 + 2.4 + 0.4 + 0.6;
  EXPECT_NEAR(k.top_stalls[0].share, 41.2 / total, 1e-12);
  // Reasons at zero are left out.
  EXPECT_EQ(parsed->kernels[1].top_stalls.size(), 2u);
  EXPECT_EQ(parsed->kernels[1].top_stalls[0].reason, "barrier");
}

TEST(ProfileSummaryTest, DetailsPageLayoutAndUnitsAreUnderstood) {
  std::string csv = std::string(kIdentity) + R"csv(,"Section Name","Metric Name","Metric Unit","Metric Value")csv" + "\n";
  auto row = [&](const char* section, const char* metric, const char* unit, const char* value) {
    csv += std::string(R"csv("0","4711","judged","kjudge","matmul(float const*, float const*, float*, int)","1","7","(16, 16, 1)","(64, 64, 1)","0","9.0",")csv") +
           section + "\",\"" + metric + "\",\"" + unit + "\",\"" + value + "\"\n";
  };
  row("GPU Speed Of Light Throughput", "gpu__time_duration.sum", "usecond", "1,234.50");
  row("GPU Speed Of Light Throughput", "Duration", "usecond", "1,234.50");  // a label, not a metric
  row("GPU Speed Of Light Throughput", "dram__throughput.avg.pct_of_peak_sustained_elapsed", "%", "12.04");
  row("GPU Speed Of Light Throughput", "sm__throughput.avg.pct_of_peak_sustained_elapsed", "%", "78.9");
  row("Launch Statistics", "launch__registers_per_thread", "register/thread", "64");
  row("Occupancy", "sm__warps_active.avg.pct_of_peak_sustained_active", "%", "n/a");
  row("Raw", "smsp__pcsamp_warps_issue_stalled_long_scoreboard", "", "120");
  row("Raw", "smsp__pcsamp_warps_issue_stalled_long_scoreboard_not_issued", "", "119");
  row("Raw", "smsp__pcsamp_warps_issue_stalled_mio_throttle", "", "360");
  row("Raw", "smsp__pcsamp_warps_issue_stalled_selected", "", "500");
  auto parsed = ParseNcuCsv(csv);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->kernels.size(), 1u);
  const auto& k = parsed->kernels[0];
  EXPECT_DOUBLE_EQ(*k.duration_ns, 1'234'500);
  EXPECT_DOUBLE_EQ(*k.sm_throughput_pct, 78.9);
  EXPECT_FALSE(k.achieved_occupancy_pct.has_value());  // "n/a" is absent, not zero
  EXPECT_FALSE(k.theoretical_occupancy_pct.has_value());
  EXPECT_EQ(k.stall_basis, "pc_samples");
  ASSERT_EQ(k.top_stalls.size(), 2u);
  EXPECT_EQ(k.top_stalls[0].reason, "mio_throttle");
  EXPECT_DOUBLE_EQ(k.top_stalls[0].share, 0.75);
}

TEST(ProfileSummaryTest, WarpLatencyStallsUseOneSuffixOnly) {
  std::string csv = std::string(kIdentity) +
                    R"csv(,"smsp__average_warp_latency_issue_stalled_barrier.pct","smsp__average_warp_latency_issue_stalled_barrier.ratio",)csv"
                    R"csv("smsp__average_warp_latency_issue_stalled_wait.ratio")csv" "\n" +
                    R"csv("0","1","p","h","k()","1","7","(1, 1, 1)","(1, 1, 1)","0","9.0","50","2","6")csv" "\n";
  auto parsed = ParseNcuCsv(csv);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& k = parsed->kernels.at(0);
  EXPECT_EQ(k.stall_basis, "warp_latency");
  ASSERT_EQ(k.top_stalls.size(), 2u);  // .ratio for both, never .pct mixed in
  EXPECT_EQ(k.top_stalls[0].reason, "wait");
  EXPECT_DOUBLE_EQ(k.top_stalls[0].value, 6);
  EXPECT_FALSE(k.duration_ns.has_value());
}

TEST(ProfileSummaryTest, HostileTextIsRefusedOrContained) {
  EXPECT_FALSE(ParseNcuCsv("==ERROR== ERR_NVGPUCTRPERM\n").ok());  // no header
  EXPECT_FALSE(ParseNcuCsv("").ok());
  EXPECT_FALSE(ParseNcuCsv(std::string(kIdentity) + "\n\"0\",\"1\",\"unterminated\n").ok());
  EXPECT_FALSE(ParseNcuCsv(std::string(kIdentity) + "\n0,1,ab\"c\n").ok());
  EXPECT_FALSE(ParseNcuCsv(std::string(kIdentity) + "\n\"0\"x,1\n").ok());
  EXPECT_FALSE(ParseNcuCsv(R"csv("ID","Nothing")csv" "\n").ok());  // no Kernel Name column
  EXPECT_FALSE(ParseNcuCsv(std::string(kMaxProfileCsvBytes + 1, 'x')).ok());
  EXPECT_FALSE(ParseNcuCsv(std::string(kIdentity) + "\n\"" + std::string(kMaxProfileCsvFieldBytes + 1, 'a') + "\"\n").ok());
  std::string wide = "\"ID\",\"Kernel Name\"";
  for (std::size_t i = 0; i < kMaxProfileCsvColumns; ++i) wide += ",x";
  EXPECT_FALSE(ParseNcuCsv(wide + "\n").ok());

  // Names are sanitised, bad numbers are absent, doubled quotes and newlines in quotes parse.
  std::string csv = std::string(kIdentity) + R"csv(,"gpu__time_duration.sum","launch__registers_per_thread","sm__throughput.avg.pct_of_peak_sustained_elapsed")csv" + "\n";
  csv += "\"0\",\"1\",\"p\",\"h\",\"evil\x1b[31m\xff\"\"name\nline2\",\"1\",\"7\",\"(1, 1, 1)\",\"(1, 1, 1)\",\"0\",\"9.0\",\"inf\",\"1e999\",\"12abc\"\n";
  csv += "\"not a number\",\"1\",\"p\",\"h\",\"k\"\n";  // skipped: not a result row
  csv += "\"-3\",\"1\",\"p\",\"h\",\"k\"\n";
  auto parsed = ParseNcuCsv(csv);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->kernels.size(), 1u);
  const auto& k = parsed->kernels[0];
  EXPECT_EQ(k.name, "evil?[31m?\"name?line2");
  EXPECT_FALSE(k.duration_ns.has_value());
  EXPECT_FALSE(k.registers_per_thread.has_value());
  EXPECT_FALSE(k.sm_throughput_pct.has_value());
  EXPECT_TRUE(k.top_stalls.empty());
  EXPECT_EQ(k.stall_basis, "");

  // Long names are cut; past kMaxProfiledKernels kernels are only counted.
  std::string many = std::string(kIdentity) + ",\"gpu__time_duration.sum\"\n";
  for (std::size_t i = 0; i < kMaxProfiledKernels + 5; ++i) {
    many += "\"" + std::to_string(i) + "\",\"1\",\"p\",\"h\",\"" + std::string(1000, 'k') + "\",\"1\",\"7\",\"\",\"\",\"0\",\"9.0\",\"10\"\n";
  }
  auto capped = ParseNcuCsv(many);
  ASSERT_TRUE(capped.ok()) << capped.error().message;
  EXPECT_EQ(capped->kernels.size(), kMaxProfiledKernels);
  EXPECT_EQ(capped->kernels_omitted, 5u);
  EXPECT_EQ(capped->kernels[0].name.size(), kMaxKernelNameBytes);
  EXPECT_DOUBLE_EQ(*capped->kernels[0].duration_ns, 10);  // no units row: ncu's base unit, ns
}

TEST(ProfileSummaryTest, NumbersAndUnits) {
  EXPECT_EQ(*ParseNcuNumber("1,234,567.5"), 1234567.5);
  EXPECT_EQ(*ParseNcuNumber(" 87.31 "), 87.31);
  EXPECT_EQ(*ParseNcuNumber("-2"), -2);
  for (const char* bad : {"", "n/a", "nan", "inf", "1e999", "0x10", "1.2.3", "12%", "--"}) {
    EXPECT_FALSE(ParseNcuNumber(bad).has_value()) << bad;
  }
  EXPECT_EQ(*DurationToNs(2, "usecond"), 2000);
  EXPECT_EQ(*DurationToNs(2, "ms"), 2e6);
  EXPECT_EQ(*DurationToNs(2, "second"), 2e9);
  EXPECT_FALSE(DurationToNs(2, "cycle").has_value());
}

TEST(ProfileSummaryTest, JsonRoundTripAndOneLine) {
  auto parsed = ParseNcuCsv(RawPage(), {"KjudgeReadFlush"});
  ASSERT_TRUE(parsed.ok());
  parsed->tool_version = "2024.3.2.0";
  parsed->report = ProfileReportInfo{"profile.ncu-rep", 123456, std::string(64, 'a')};
  const nlohmann::json j = ToJson(*parsed);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["kernels"][0]["top_stalls"][0]["reason"], "long_scoreboard");
  EXPECT_TRUE(j["kernels"][1]["duration_ns"].is_number());
  auto back = ProfileSummaryFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(ToJson(*back), j);

  const std::string line = ProfileOneLine(*parsed);
  EXPECT_NE(line.find("slowest vector_add 54.5 us"), std::string::npos) << line;
  EXPECT_NE(line.find("DRAM 91% of peak"), std::string::npos) << line;
  EXPECT_NE(line.find("16 registers/thread"), std::string::npos) << line;
  EXPECT_NE(line.find("occupancy 85% of 100%"), std::string::npos) << line;
  EXPECT_NE(line.find("stalls: long_scoreboard"), std::string::npos) << line;

  ProfileSummary none;
  none.status = ProfileStatus::kUnavailable;
  none.message = "Nsight Compute (ncu) is not installed on this runner";
  EXPECT_EQ(ProfileOneLine(none), "no profile: Nsight Compute (ncu) is not installed on this runner");
  EXPECT_FALSE(ProfileSummaryFromJson(nlohmann::json{{"status", "great"}, {"kernels", nlohmann::json::array()}}).ok());
}

TEST(ProfileSummaryTest, TravelsWithTheRunResultAndABadOneIsDropped) {
  RunResult r;
  r.verdict = Verdict::kPassed;
  r.mode = "profile";
  r.profile = *ParseNcuCsv(RawPage());
  r.profile_report = "report bytes stay out of the JSON";
  nlohmann::json j = ToJson(r);
  EXPECT_FALSE(j.dump().find("report bytes") != std::string::npos);
  auto back = RunResultFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_TRUE(back->profile.has_value());
  EXPECT_EQ(back->profile->kernels.size(), 3u);
  j["profile"] = {{"status", "ok"}, {"kernels", "not an array"}};
  back = RunResultFromJson(j);
  ASSERT_TRUE(back.ok());  // the verdict stands without it
  EXPECT_FALSE(back->profile.has_value());
  j.erase("profile");
  EXPECT_FALSE(RunResultFromJson(j)->profile.has_value());
}

}  // namespace
}  // namespace kjudge::runner
