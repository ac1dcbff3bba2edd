// The leaderboard chart: well-formed inline SVG, one line per competitor, log-scaled scores.
#include "kjudge/web/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "markup.h"

namespace kjudge::web {
namespace {

using testing::Count;
using testing::Describe;
using testing::MarkupProblems;
using testing::Tag;
using testing::Tags;


nlohmann::json Series() {
  return nlohmann::json::parse(R"([
    {"user": "bob", "display_name": "Bob B.", "points": [{"t_ms": 1796164867000, "score_ns": 2.0e6},
                                                          {"t_ms": 1796168467000, "score_ns": 12345}]},
    {"user": "alice", "display_name": "", "points": [{"t_ms": 1796165867000, "score_ns": 3.0e5}]},
    {"user": "carol", "display_name": "Carol & Co", "points": [{"t_ms": 1796166867000, "score_ns": 8.0e5},
                                                                {"t_ms": 1796167867000, "score_ns": 7.0e5},
                                                                {"t_ms": 1796169867000, "score_ns": 5.0e4}]}
  ])");
}

std::vector<Tag> Named(const std::string& svg, const std::string& name) {
  std::vector<std::string> errors;
  std::vector<Tag> out;
  for (auto& t : Tags(svg, &errors)) {
    if (t.name == name && !t.closing) out.push_back(t);
  }
  return out;
}

/// Every coordinate in the chart is a finite number (no "nan" or "inf" from a degenerate range).
void ExpectFiniteGeometry(const std::string& svg) {
  std::vector<std::string> errors;
  for (const Tag& t : Tags(svg, &errors)) {
    for (const auto& [name, value] : t.attributes) {
      if (name == "d" || name == "transform" || name == "viewbox") {
        EXPECT_EQ(value.find("nan"), std::string::npos) << name << "=" << value;
        EXPECT_EQ(value.find("inf"), std::string::npos) << name << "=" << value;
      }
      if (name == "x" || name == "y" || name == "x1" || name == "y1" || name == "x2" || name == "y2" || name == "cx" ||
          name == "cy") {
        EXPECT_TRUE(std::isfinite(std::stod(value))) << name << "=" << value;
      }
    }
  }
  EXPECT_TRUE(errors.empty());
}

TEST(ScoreChartTest, DrawsOneStepLinePerCompetitorWithHoverTitles) {
  const std::string svg = ScoreChartSvg(Series());
  ASSERT_TRUE(svg.starts_with("<svg")) << svg;
  EXPECT_TRUE(svg.ends_with("</svg>")) << svg;
  EXPECT_TRUE(MarkupProblems(svg).empty()) << Describe(MarkupProblems(svg)) << svg;
  EXPECT_NE(svg.find("viewBox=\"0 0 "), std::string::npos);

  const auto paths = Named(svg, "path");
  ASSERT_EQ(paths.size(), 3u);
  std::set<std::string> colours;
  for (const auto& p : paths) {
    ASSERT_NE(p.Attribute("stroke"), nullptr);
    colours.insert(*p.Attribute("stroke"));
    EXPECT_EQ(*p.Attribute("fill"), "none");
    EXPECT_NE(p.Attribute("d")->find(" H"), std::string::npos);  // steps, not slopes
  }
  EXPECT_EQ(colours.size(), 3u);
  EXPECT_EQ(Named(svg, "circle").size(), 6u);  // one per improvement

  // The legend shows display names (the login name when empty), escaped.
  EXPECT_NE(svg.find(">Bob B.<"), std::string::npos);
  EXPECT_NE(svg.find(">alice<"), std::string::npos);
  EXPECT_NE(svg.find("Carol &amp; Co"), std::string::npos);
  // Each point says what it is on hover.
  EXPECT_NE(svg.find("<title>Bob B.: 12.3 µs at 2026-12-01 23:41 UTC</title>"), std::string::npos) << svg;
  // Ticks are formatted durations and times.
  EXPECT_NE(svg.find("µs</text>"), std::string::npos);
  EXPECT_NE(svg.find("12-01 22:41"), std::string::npos);
  ExpectFiniteGeometry(svg);
}

TEST(ScoreChartTest, ScoresAreOnALogScaleFasterLower) {
  const std::string svg = ScoreChartSvg(Series());
  const auto circles = Named(svg, "circle");
  ASSERT_EQ(circles.size(), 6u);
  // Bob: 2.0e6 then 12345 ns. SVG y grows downwards, so the faster score sits lower: larger y.
  const double slow_y = std::stod(*circles[0].Attribute("cy"));
  const double fast_y = std::stod(*circles[1].Attribute("cy"));
  EXPECT_GT(fast_y, slow_y);
  // Log scale: alice's 3.0e5 is as far below 2.0e6 in log terms as the y distance says.
  const double alice_y = std::stod(*circles[2].Attribute("cy"));
  const double expected = (std::log10(2.0e6) - std::log10(3.0e5)) / (std::log10(2.0e6) - std::log10(12345));
  EXPECT_NEAR((alice_y - slow_y) / (fast_y - slow_y), expected, 0.01);
}

TEST(ScoreChartTest, NothingToDrawSaysSo) {
  for (const nlohmann::json& empty :
       {nlohmann::json::array(), nlohmann::json(), nlohmann::json::object(), nlohmann::json("x"),
        nlohmann::json::parse(R"([{"user": "a", "points": []}, {"user": "b"}])"),
        nlohmann::json::parse(R"([{"user": "a", "points": [{"t_ms": null, "score_ns": 5}, {"t_ms": 1, "score_ns": 0},
                                                            {"t_ms": "x", "score_ns": -3}, 7]}])")}) {
    const std::string svg = ScoreChartSvg(empty);
    EXPECT_NE(svg.find("No runs yet"), std::string::npos) << empty.dump();
    EXPECT_TRUE(svg.starts_with("<svg"));
    EXPECT_TRUE(MarkupProblems(svg).empty()) << Describe(MarkupProblems(svg));
    EXPECT_EQ(Count(svg, "<path"), 0u);
  }
}

TEST(ScoreChartTest, OnePointAndEqualScoresStayFinite) {
  for (const char* text : {R"([{"user": "a", "points": [{"t_ms": 1796164867000, "score_ns": 1000}]}])",
                           R"([{"user": "a", "points": [{"t_ms": 5, "score_ns": 1000}]},
                               {"user": "b", "points": [{"t_ms": 5, "score_ns": 1000}]}])",
                           R"([{"user": "a", "points": [{"t_ms": -9000000000000000000, "score_ns": 1e-300},
                                                        {"t_ms": 9000000000000000000, "score_ns": 1e300}]}])"}) {
    const std::string svg = ScoreChartSvg(nlohmann::json::parse(text));
    EXPECT_TRUE(MarkupProblems(svg).empty()) << Describe(MarkupProblems(svg));
    ExpectFiniteGeometry(svg);
    EXPECT_GE(Count(svg, "<circle"), 1u);
  }
}

TEST(ScoreChartTest, HostileNamesStayText) {
  auto series = Series();
  series[0]["display_name"] = "<script>alert(1)</script>";
  series[1]["display_name"] = "\"><img src=x onerror=alert(1)>";
  const std::string svg = ScoreChartSvg(series);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<img"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;"), std::string::npos);
  EXPECT_TRUE(MarkupProblems(svg).empty()) << Describe(MarkupProblems(svg));
}

TEST(ScoreChartTest, LongNamesAreCutInTheLegendOnly) {
  auto series = Series();
  series[0]["display_name"] = std::string(40, 'x') + "\xC2\xB5";
  const std::string svg = ScoreChartSvg(series);
  EXPECT_NE(svg.find(std::string(22, 'x') + "\xE2\x80\xA6"), std::string::npos);
  EXPECT_NE(svg.find(std::string(40, 'x') + "\xC2\xB5"), std::string::npos);  // whole in the hover title
  EXPECT_EQ(svg.find("\xEF\xBF\xBD"), std::string::npos);  // never cut inside a character
}

}  // namespace
}  // namespace kjudge::web
