#include "kjudge/problem/gpu_catalog.h"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

namespace kjudge::problem {
namespace {

const GpuSpec& Gpu(std::string_view name) {
  const GpuSpec* g = FindGpu(name);
  EXPECT_NE(g, nullptr) << name;
  static const GpuSpec kNone{};
  return g ? *g : kNone;
}

double Peak(std::string_view gpu, ComputeType t) { return Gpu(gpu).PeakFlopsPerS(t).value_or(0); }

TEST(GpuCatalogTest, HasEveryMachineTheIssueNames) {
  for (std::string_view name : {"H100_SXM", "H100_PCIe", "H200", "B200", "A100_SXM", "L4", "MI300X", "MI355X", "cpu"}) {
    const GpuSpec* g = FindGpu(name);
    ASSERT_NE(g, nullptr) << name;
    EXPECT_EQ(g->name, name);
  }
  EXPECT_EQ(GpuCatalog().size(), 9u);
}

TEST(GpuCatalogTest, AliasesAndSpellings) {
  EXPECT_EQ(FindGpu("H100")->name, "H100_SXM");
  EXPECT_EQ(FindGpu("h100-sxm")->name, "H100_SXM");
  EXPECT_EQ(FindGpu("H100 SXM5")->name, "H100_SXM");
  EXPECT_EQ(FindGpu("h100_pcie")->name, "H100_PCIe");
  EXPECT_EQ(FindGpu("A100")->name, "A100_SXM");
  EXPECT_EQ(FindGpu("mi300")->name, "MI300X");
  EXPECT_EQ(FindGpu("MI355")->name, "MI355X");
  EXPECT_EQ(FindGpu("host")->name, "cpu");
  EXPECT_EQ(FindGpu("CPU")->name, "cpu");
  EXPECT_EQ(FindGpu("H1000"), nullptr);
  EXPECT_EQ(FindGpu(""), nullptr);
  auto missing = LookupGpu("T4");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("MI355X"), std::string::npos);
}

TEST(GpuCatalogTest, NamesAndAliasesAreUnambiguous) {
  std::set<std::string> seen;
  auto norm = [](std::string_view s) {
    std::string o;
    for (char c : s) o += (c == '-' || c == ' ') ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
  };
  for (const GpuSpec& g : GpuCatalog()) {
    EXPECT_TRUE(seen.insert(norm(g.name)).second) << g.name;
    for (auto a : g.aliases) EXPECT_TRUE(seen.insert(norm(a)).second) << a;
  }
}

TEST(GpuCatalogTest, PublishedFiguresThatAnchorTheTable) {
  // Datasheet values (docs/gpus.md): a typo here would silently skew every SoL ratio.
  EXPECT_DOUBLE_EQ(Gpu("H100").memory_bandwidth_bytes_per_s, 3.35e12);
  EXPECT_DOUBLE_EQ(Peak("H100", ComputeType::kFp16), 989.4e12);
  EXPECT_DOUBLE_EQ(Peak("H100", ComputeType::kBf16), 989.4e12);
  EXPECT_DOUBLE_EQ(Peak("H100", ComputeType::kFp8), 1978.9e12);
  EXPECT_DOUBLE_EQ(Peak("H100", ComputeType::kFp64), 66.9e12);
  EXPECT_DOUBLE_EQ(Gpu("H200").memory_bandwidth_bytes_per_s, 4.8e12);
  EXPECT_DOUBLE_EQ(Gpu("B200").memory_bandwidth_bytes_per_s, 8.0e12);
  EXPECT_DOUBLE_EQ(Gpu("MI300X").memory_bandwidth_bytes_per_s, 5.3e12);
  EXPECT_DOUBLE_EQ(Peak("MI300X", ComputeType::kFp16), 1307.4e12);
  EXPECT_DOUBLE_EQ(Gpu("A100").memory_bandwidth_bytes_per_s, 2.039e12);
  EXPECT_EQ(Gpu("H100").l2_bytes, 50u * 1024 * 1024);
  EXPECT_EQ(Gpu("A100").l2_bytes, 40u * 1024 * 1024);
  EXPECT_EQ(Gpu("H100").sm_count, 132);
  EXPECT_EQ(Gpu("MI300X").sm_count, 304);
}

TEST(GpuCatalogTest, FiguresAreMutuallyConsistent) {
  // Newer parts of the same family move more bytes.
  EXPECT_GT(Gpu("H200").memory_bandwidth_bytes_per_s, Gpu("H100_SXM").memory_bandwidth_bytes_per_s);
  EXPECT_GT(Gpu("H100_SXM").memory_bandwidth_bytes_per_s, Gpu("H100_PCIe").memory_bandwidth_bytes_per_s);
  EXPECT_GT(Gpu("B200").memory_bandwidth_bytes_per_s, Gpu("H200").memory_bandwidth_bytes_per_s);
  EXPECT_GT(Gpu("MI355X").memory_bandwidth_bytes_per_s, Gpu("MI300X").memory_bandwidth_bytes_per_s);
  EXPECT_GT(Gpu("H100_SXM").memory_bandwidth_bytes_per_s, Gpu("A100_SXM").memory_bandwidth_bytes_per_s);
  EXPECT_GT(Gpu("A100_SXM").memory_bandwidth_bytes_per_s, Gpu("L4").memory_bandwidth_bytes_per_s);
  EXPECT_GT(Peak("B200", ComputeType::kFp8), Peak("H100", ComputeType::kFp8));
  // H200 is an H100 with more memory: same compute.
  for (std::size_t t = 0; t < kComputeTypeCount; ++t) {
    EXPECT_EQ(Gpu("H200").peak_flops_per_s[t], Gpu("H100").peak_flops_per_s[t]) << t;
  }
  for (const GpuSpec& g : GpuCatalog()) {
    SCOPED_TRACE(std::string(g.name));
    EXPECT_GT(g.memory_bandwidth_bytes_per_s, 0);
    EXPECT_LE(g.l2_bytes, g.last_level_cache_bytes);
    EXPECT_FALSE(g.toolchain_target.empty());
    ASSERT_TRUE(g.PeakFlopsPerS(ComputeType::kFp32).has_value());
    ASSERT_TRUE(g.PeakFlopsPerS(ComputeType::kFp16).has_value());
    // Narrower types are never slower than wider ones on the same chip.
    const double fp32 = *g.PeakFlopsPerS(ComputeType::kFp32);
    const double fp16 = *g.PeakFlopsPerS(ComputeType::kFp16);
    EXPECT_GE(fp16, fp32);
    if (auto fp64 = g.PeakFlopsPerS(ComputeType::kFp64)) {
      EXPECT_LE(*fp64, fp32 * 2.5);
    }
    if (auto tf32 = g.PeakFlopsPerS(ComputeType::kTf32)) {
      EXPECT_LE(*tf32, fp16);
    }
    if (auto fp8 = g.PeakFlopsPerS(ComputeType::kFp8)) {
      EXPECT_GE(*fp8, fp16);
    }
    if (auto fp4 = g.PeakFlopsPerS(ComputeType::kFp4)) {
      EXPECT_GE(*fp4, *g.PeakFlopsPerS(ComputeType::kFp8));
    }
    // Every figure is a plausible physical rate (below 100 PFLOP/s and 100 TB/s).
    for (const auto& r : g.peak_flops_per_s) {
      if (r) {
        EXPECT_TRUE(*r > 0 && *r < 1e17);
      }
    }
    EXPECT_LT(g.memory_bandwidth_bytes_per_s, 1e14);
  }
}

TEST(GpuCatalogTest, DataTypesThatChipsLack) {
  EXPECT_FALSE(Gpu("A100").PeakFlopsPerS(ComputeType::kFp8).has_value());
  EXPECT_FALSE(Gpu("H100").PeakFlopsPerS(ComputeType::kFp4).has_value());
  EXPECT_TRUE(Gpu("B200").PeakFlopsPerS(ComputeType::kFp4).has_value());
  EXPECT_TRUE(Gpu("MI355X").PeakFlopsPerS(ComputeType::kFp4).has_value());
  EXPECT_FALSE(Gpu("MI300X").PeakFlopsPerS(ComputeType::kFp4).has_value());
  EXPECT_FALSE(Gpu("MI355X").PeakFlopsPerS(ComputeType::kTf32).has_value());
}

TEST(GpuCatalogTest, ToolchainTargetsAndLanguages) {
  EXPECT_EQ(Gpu("H100_SXM").toolchain_target, "sm_90a");
  EXPECT_EQ(Gpu("H100_PCIe").toolchain_target, "sm_90a");
  EXPECT_EQ(Gpu("H200").toolchain_target, "sm_90a");
  EXPECT_EQ(Gpu("B200").toolchain_target, "sm_100a");
  EXPECT_EQ(Gpu("A100").toolchain_target, "sm_80");
  EXPECT_EQ(Gpu("L4").toolchain_target, "sm_89");
  EXPECT_EQ(Gpu("MI300X").toolchain_target, "gfx942");
  EXPECT_EQ(Gpu("MI355X").toolchain_target, "gfx950");
  EXPECT_EQ(Gpu("cpu").toolchain_target, "host");
  EXPECT_EQ(VendorLanguage(Gpu("L4").vendor), "cuda");
  EXPECT_EQ(VendorLanguage(Gpu("MI300X").vendor), "hip");
  EXPECT_EQ(VendorLanguage(Gpu("cpu").vendor), "cpp");
  EXPECT_EQ(VendorName(Gpu("MI355X").vendor), "amd");
}

TEST(GpuCatalogTest, ComputeTypeNames) {
  for (std::size_t t = 0; t < kComputeTypeCount; ++t) {
    const auto type = static_cast<ComputeType>(t);
    EXPECT_EQ(ParseComputeType(ComputeTypeName(type)), type);
  }
  EXPECT_EQ(ParseComputeType("float16"), ComputeType::kFp16);
  EXPECT_EQ(ParseComputeType("BF16"), ComputeType::kBf16);
  EXPECT_EQ(ParseComputeType("fp8_e4m3"), ComputeType::kFp8);
  EXPECT_EQ(ParseComputeType("nvfp4"), ComputeType::kFp4);
  EXPECT_EQ(ParseComputeType("f32"), ComputeType::kFp32);
  EXPECT_FALSE(ParseComputeType("fp12").has_value());
}

}  // namespace
}  // namespace kjudge::problem
