#include "kjudge/web/svg_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "document.h"
#include "kjudge/web/format.h"
#include "kjudge/web/html.h"

namespace kjudge::web {

namespace {

// Geometry in SVG user units; the stylesheet scales the whole chart to the page's width.
constexpr double kWidth = 760, kPlotHeight = 300;
constexpr double kLeft = 78, kRight = 24, kTop = 16, kBottom = 44;
constexpr double kLegendRow = 20, kLegendSlot = 184;
constexpr int kLegendPerRow = 4;
// Scores are drawn within these bounds (a picosecond, a month): beyond them the log axis would
// lose its ticks to underflow, and no real run lies there.
constexpr double kMinScoreNs = 1e-3, kMaxScoreNs = 2.6e15;
constexpr std::size_t kLegendChars = 22;  // longer names are cut (the hover title has them whole)

// Distinguishable on light and dark backgrounds (Tableau 10).
constexpr std::array<const char*, 8> kColours{"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                              "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};

struct Point {
  std::int64_t t_ms;
  double score_ns;
};

struct Line {
  std::string name;
  std::vector<Point> points;
};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

/// The first `max_chars` code points of UTF-8 `text`, with an ellipsis when cut.
std::string Truncate(const std::string& text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars) return text.substr(0, i) + "\xE2\x80\xA6";
  }
  return text;
}

std::vector<Line> Lines(const nlohmann::json& series) {
  std::vector<Line> lines;
  if (!series.is_array()) return lines;
  for (const auto& s : series) {
    Line line{doc::DisplayName(s), {}};
    for (const auto& p : doc::Items(s, "points")) {
      const auto t = doc::Integer(p, "t_ms");
      const auto score = doc::Number(p, "score_ns");
      if (t && score && *score > 0) line.points.push_back({*t, std::clamp(*score, kMinScoreNs, kMaxScoreNs)});
    }
    std::stable_sort(line.points.begin(), line.points.end(),
                     [](const Point& a, const Point& b) { return a.t_ms < b.t_ms; });
    if (!line.points.empty()) lines.push_back(std::move(line));
  }
  return lines;
}

/// Tick values for a log axis over [lo, hi]: 1-2-5 steps per decade, thinned to decades when
/// that gives too many, and the ends themselves when the range holds fewer than two.
std::vector<double> LogTicks(double lo, double hi) {
  const int first = static_cast<int>(std::floor(std::log10(lo)));
  const int last = static_cast<int>(std::ceil(std::log10(hi)));
  const auto collect = [&](std::initializer_list<double> steps) {
    std::vector<double> out;
    for (int e = first; e <= last; ++e) {
      for (double m : steps) {
        const double v = m * std::pow(10.0, e);
        if (v >= lo && v <= hi) out.push_back(v);
      }
    }
    return out;
  };
  std::vector<double> ticks = collect({1, 2, 5});
  if (ticks.size() > 8) ticks = collect({1});
  if (ticks.size() < 2) ticks = collect({1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9});
  if (ticks.size() < 2) ticks = {lo, std::sqrt(lo * hi), hi};
  return ticks;
}

std::string NoRuns() {
  return "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(kWidth) +
         " 60\" role=\"img\" aria-label=\"Best score over time\"><text x=\"" + Num(kWidth / 2) +
         "\" y=\"34\" text-anchor=\"middle\" fill=\"currentColor\">No runs yet</text></svg>";
}

/// Where data lands in the chart: time (Unix ms, as double so that extreme values in a hostile
/// document cannot overflow) to x, score to y on a log scale.
struct Scale {
  double t_lo, t_hi;      ///< the x axis' time range
  double t_end;           ///< the latest improvement of anyone: every line runs on to it
  double log_lo, log_hi;  ///< the y axis' range, log10 of nanoseconds

  double X(double t) const { return kLeft + (kWidth - kLeft - kRight) * (t - t_lo) / (t_hi - t_lo); }
  double Y(double score_ns) const {
    return kTop + kPlotHeight - kPlotHeight * (std::log10(score_ns) - log_lo) / (log_hi - log_lo);
  }
};

Scale ScaleFor(const std::vector<Line>& lines) {
  std::int64_t t_lo = lines[0].points[0].t_ms, t_hi = t_lo;
  double s_lo = lines[0].points[0].score_ns, s_hi = s_lo;
  for (const Line& line : lines) {
    for (const Point& p : line.points) {
      t_lo = std::min(t_lo, p.t_ms);
      t_hi = std::max(t_hi, p.t_ms);
      s_lo = std::min(s_lo, p.score_ns);
      s_hi = std::max(s_hi, p.score_ns);
    }
  }
  Scale scale{static_cast<double>(t_lo), static_cast<double>(t_hi), static_cast<double>(t_hi), 0, 0};
  if (scale.t_hi - scale.t_lo < 60'000) {  // one instant: an hour around it
    scale.t_lo -= 1'800'000;
    scale.t_hi += 1'800'000;
  }
  scale.t_hi += (scale.t_hi - scale.t_lo) / 30;  // room to see the last step
  if (s_hi <= s_lo * 1.01) {
    s_lo /= 1.5;
    s_hi *= 1.5;
  }
  const double margin = 0.05 * (std::log10(s_hi) - std::log10(s_lo));
  scale.log_lo = std::log10(s_lo) - margin;
  scale.log_hi = std::log10(s_hi) + margin;
  return scale;
}

std::string Axes(const Scale& scale) {
  const double x_axis = kTop + kPlotHeight;
  std::string out = "<g class=\"axes\">\n";
  for (double v : LogTicks(std::pow(10.0, scale.log_lo), std::pow(10.0, scale.log_hi))) {
    const std::string y = Num(scale.Y(v));
    out += "<line class=\"grid\" x1=\"" + Num(kLeft) + "\" y1=\"" + y + "\" x2=\"" + Num(kWidth - kRight) + "\" y2=\"" +
           y + "\" stroke=\"#8886\" stroke-width=\"1\"/>\n";
    out += "<text x=\"" + Num(kLeft - 6) + "\" y=\"" + y + "\" text-anchor=\"end\" dominant-baseline=\"middle\" "
           "fill=\"currentColor\">" + Escape(FormatDuration(v)) + "</text>\n";
  }
  const bool long_span = scale.t_hi - scale.t_lo > 2 * 86'400'000.0;
  constexpr int kXTicks = 5;
  for (int i = 0; i < kXTicks; ++i) {
    const double t = scale.t_lo + (scale.t_hi - scale.t_lo) * i / (kXTicks - 1);
    const std::string stamp = FormatTimestamp(static_cast<std::int64_t>(std::clamp(t, -9e15, 9e15)));
    const std::string label = stamp == kMissing ? stamp : long_span ? stamp.substr(0, 10) : stamp.substr(5, 11);
    const std::string x = Num(scale.X(t));
    out += "<line x1=\"" + x + "\" y1=\"" + Num(x_axis) + "\" x2=\"" + x + "\" y2=\"" + Num(x_axis + 5) +
           "\" stroke=\"currentColor\"/>\n";
    const char* anchor = i == 0 ? "start" : i == kXTicks - 1 ? "end" : "middle";
    out += "<text x=\"" + x + "\" y=\"" + Num(x_axis + 20) + "\" text-anchor=\"" + anchor +
           "\" fill=\"currentColor\">" + Escape(label) + "</text>\n";
  }
  out += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(x_axis) + "\" x2=\"" + Num(kWidth - kRight) + "\" y2=\"" +
         Num(x_axis) + "\" stroke=\"currentColor\"/>\n";
  out += "<line x1=\"" + Num(kLeft) + "\" y1=\"" + Num(kTop) + "\" x2=\"" + Num(kLeft) + "\" y2=\"" + Num(x_axis) +
         "\" stroke=\"currentColor\"/>\n";
  out += "<text x=\"" + Num(kWidth - kRight) + "\" y=\"" + Num(x_axis + 36) +
         "\" text-anchor=\"end\" fill=\"currentColor\">time (UTC)</text>\n";
  out += "<text x=\"12\" y=\"" + Num(kTop + kPlotHeight / 2) + "\" text-anchor=\"middle\" transform=\"rotate(-90 12 " +
         Num(kTop + kPlotHeight / 2) + ")\" fill=\"currentColor\">best score (log scale)</text>\n</g>\n";
  return out;
}

/// One competitor's step line (a best score holds until the next improvement) and its points.
std::string Series(const Line& line, const std::string& colour, const Scale& scale) {
  const std::string name = Escape(line.name);
  const auto x = [&](const Point& p) { return Num(scale.X(static_cast<double>(p.t_ms))); };
  const auto y = [&](const Point& p) { return Num(scale.Y(p.score_ns)); };
  std::string path = "M" + x(line.points[0]) + " " + y(line.points[0]);
  for (std::size_t k = 1; k < line.points.size(); ++k) path += " H" + x(line.points[k]) + " V" + y(line.points[k]);
  path += " H" + Num(scale.X(scale.t_end));
  std::string out = "<g class=\"series\">\n<path d=\"" + path + "\" fill=\"none\" stroke=\"" + colour +
                    "\" stroke-width=\"2\"/>\n";
  for (const Point& p : line.points) {
    out += "<circle cx=\"" + x(p) + "\" cy=\"" + y(p) + "\" r=\"3.5\" fill=\"" + colour + "\"><title>" + name + ": " +
           Escape(FormatDuration(p.score_ns)) + " at " + Escape(FormatTimestamp(p.t_ms)) + "</title></circle>\n";
  }
  return out + "</g>\n";
}

std::string Legend(const std::vector<Line>& lines) {
  std::string out = "<g class=\"legend\">\n";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const double x = kLeft + kLegendSlot * static_cast<double>(i % kLegendPerRow);
    const double y = kTop + kPlotHeight + kBottom + kLegendRow * static_cast<double>(i / kLegendPerRow);
    out += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"12\" height=\"12\" fill=\"" +
           kColours[i % kColours.size()] + "\"/>\n";
    out += "<text x=\"" + Num(x + 18) + "\" y=\"" + Num(y + 10) + "\" fill=\"currentColor\">" +
           Escape(Truncate(lines[i].name, kLegendChars)) + "<title>" + Escape(lines[i].name) + "</title></text>\n";
  }
  return out + "</g>\n";
}

}  // namespace

std::string ScoreChartSvg(const nlohmann::json& series) {
  const std::vector<Line> lines = Lines(series);
  if (lines.empty()) return NoRuns();
  const Scale scale = ScaleFor(lines);
  const std::size_t legend_rows = (lines.size() + kLegendPerRow - 1) / kLegendPerRow;
  const double height = kTop + kPlotHeight + kBottom + kLegendRow * static_cast<double>(legend_rows) + 8;
  std::string out = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(kWidth) + " " +
                    Num(height) + "\" role=\"img\" aria-label=\"Best score over time, log scale\">\n";
  out += "<title>Best score over time (log scale)</title>\n";
  out += Axes(scale);
  for (std::size_t i = 0; i < lines.size(); ++i) out += Series(lines[i], kColours[i % kColours.size()], scale);
  out += Legend(lines);
  return out + "</svg>";
}

}  // namespace kjudge::web
