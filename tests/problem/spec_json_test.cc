#include "kjudge/problem/spec_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "problem/spec_fixture.h"

namespace kjudge::problem {
namespace {

std::string ReadVectoraddSpec() {
  std::ifstream in(std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd/problem.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void ExpectRoundTrip(const std::string& yaml) {
  auto spec = ParseProblemSpec(yaml, "p.yaml");
  ASSERT_TRUE(spec.ok()) << spec.error().message;
  const nlohmann::json j = SpecToJson(*spec);
  auto back = SpecFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << j.dump(2);
  EXPECT_EQ(SpecToJson(*back), j);
  // Through text too, as the store keeps it.
  auto reparsed = SpecFromJson(nlohmann::json::parse(j.dump()));
  ASSERT_TRUE(reparsed.ok());
  EXPECT_EQ(SpecToJson(*reparsed), j);
  ASSERT_EQ(back->benchmarks.size(), spec->benchmarks.size());
  for (std::size_t i = 0; i < spec->benchmarks.size(); ++i) {
    EXPECT_EQ(back->benchmarks[i].bytes, spec->benchmarks[i].bytes);
    EXPECT_EQ(back->benchmarks[i].weight, spec->benchmarks[i].weight);
  }
}

TEST(SpecJsonTest, MiniSpecRoundTrips) { ExpectRoundTrip(testing::kMiniSpec); }

TEST(SpecJsonTest, VectoraddRoundTrips) { ExpectRoundTrip(ReadVectoraddSpec()); }

TEST(SpecJsonTest, OptionalPartsRoundTrip) {
  std::string yaml = testing::Replace(testing::kMiniSpec, "  - {n: 1048576, seed: 3}\n",
                                      "  - {n: 1048576, seed: 18446744073709551615, weight: 0.5}\n"
                                      "  - {n: 4096, seed: 4, sol: {flops: \"4 * n\", dtype: fp16}}\n");
  yaml += "deadline: 2026-06-30T12:00:00Z\nranking_by: last\ntimeouts: {test: 12.5}\n";
  yaml = testing::Replace(yaml, "reference: reference.cpp", "reference: reference.cpp\n  extra: [common.h]");
  yaml = testing::Replace(yaml, "Adds things.", "Adds \"things\" \\ with unicode: \xc3\xa9\xe2\x80\x94 and\ttabs.");
  ExpectRoundTrip(yaml);
}

TEST(SpecJsonTest, JsonUsesSpecKeysAndCanonicalNames) {
  auto spec = ParseProblemSpec(testing::kMiniSpec, "p.yaml");
  ASSERT_TRUE(spec.ok());
  const nlohmann::json j = SpecToJson(*spec);
  EXPECT_EQ(j["name"], "mini");
  EXPECT_EQ(j["gpus"], nlohmann::json::array({"cpu", "H100_SXM"}));
  EXPECT_EQ(j["sol"]["bytes"], "3 * n * 4");
  EXPECT_EQ(j["sol"]["dtype"], "fp32");
  EXPECT_EQ(j["files"]["glue"]["cuda"], "glue.cu");
  EXPECT_EQ(j["tests"][1]["n"], 4097);
  EXPECT_EQ(j["tests"][1]["seed"], 2);
  EXPECT_EQ(j["timeouts"]["leaderboard"], 420.0);
  EXPECT_EQ(j["ranking_by"], "geomean");
  EXPECT_FALSE(j.contains("deadline"));
}

TEST(SpecJsonTest, InvalidJsonSpecsAreErrors) {
  EXPECT_FALSE(SpecFromJson(nlohmann::json::array()).ok());
  EXPECT_FALSE(SpecFromJson(nlohmann::json{{"name", "x"}}).ok());
  auto spec = ParseProblemSpec(testing::kMiniSpec, "p.yaml");
  ASSERT_TRUE(spec.ok());
  nlohmann::json j = SpecToJson(*spec);
  j["sol"]["flops"] = "2 * q";
  auto bad = SpecFromJson(j);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("unknown parameter 'q'"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace kjudge::problem
