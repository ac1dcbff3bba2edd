// The leaderboard's chart, drawn on the server as inline SVG (no script, no external file): one
// step line per competitor of their best score over time, time on x, score on a log scale on y,
// labelled ticks, a legend, and a <title> per improvement that browsers show on hover.
//
// Thread safety: pure function.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace kjudge::web {

/// The chart of `series`, the leaderboard document's `chart.series` (docs/web.md):
/// [{"user", "display_name", "points": [{"t_ms", "score_ns"}]}]. Points without a time or a
/// positive score are skipped; with nothing left to draw the result is a small SVG saying so.
std::string ScoreChartSvg(const nlohmann::json& series);

}  // namespace kjudge::web
