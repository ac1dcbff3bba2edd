#include "kjudge/web/static_assets.h"

#include <array>
#include <utility>

namespace kjudge::web {

namespace {

constexpr std::string_view kStylesheet = R"css(/* kjudge: one stylesheet for every page. */
:root {
  --fg: #1d2228; --muted: #5f6b77; --bg: #ffffff; --panel: #f5f7f9; --line: #dde3e8;
  --accent: #1f6feb; --good: #1a7f37; --bad: #cf222e; --warn: #9a6700; --info: #6639ba;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e3e8ed; --muted: #9aa6b2; --bg: #0f1419; --panel: #171d24; --line: #2b333c;
    --accent: #58a6ff; --good: #3fb950; --bad: #f85149; --warn: #d29922; --info: #a371f7;
  }
}
* { box-sizing: border-box; }
html { font-size: 16px; }
body {
  margin: 0; color: var(--fg); background: var(--bg);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
}
a { color: var(--accent); text-decoration: none; }
a:hover, a:focus { text-decoration: underline; }
header.site { border-bottom: 1px solid var(--line); background: var(--panel); }
header.site nav, main, footer.site {
  max-width: 72rem; margin: 0 auto; padding: 0.75rem 1rem;
}
header.site nav { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; }
.brand { font-weight: 700; font-size: 1.15rem; color: var(--fg); }
.account { margin-left: auto; display: flex; align-items: center; gap: 0.75rem; }
form.logout { display: inline; margin: 0; }
button, input[type=submit] {
  font: inherit; padding: 0.25rem 0.75rem; border: 1px solid var(--line); border-radius: 6px;
  background: var(--bg); color: var(--fg); cursor: pointer;
}
button:hover { border-color: var(--accent); }
input[type=text], input[type=password], input[type=number] {
  font: inherit; padding: 0.3rem 0.5rem; border: 1px solid var(--line); border-radius: 6px;
  background: var(--bg); color: var(--fg); min-width: 6rem;
}
footer.site { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); margin-top: 2rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 0.5rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
.muted, .subtitle { color: var(--muted); }
.notice { padding: 0.5rem 0.75rem; border-left: 4px solid var(--warn); background: var(--panel); }
.error { padding: 0.5rem 0.75rem; border-left: 4px solid var(--bad); background: var(--panel); }
.badge {
  display: inline-block; padding: 0 0.45rem; border-radius: 999px; font-size: 0.8rem;
  border: 1px solid var(--line); color: var(--muted);
}
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0.5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.95rem; }
th, td { padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; color: var(--muted); white-space: nowrap; }
tbody tr:hover { background: var(--panel); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.rank { font-weight: 600; }
pre {
  background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem;
  overflow-x: auto; font-size: 0.85rem; line-height: 1.4;
}
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
.verdict { font-weight: 600; }
.verdict-passed, .faster, .pass { color: var(--good); }
.verdict-wrong_answer, .verdict-runtime_error, .verdict-compile_error, .verdict-rejected, .slower, .fail {
  color: var(--bad);
}
.verdict-time_limit, .verdict-internal_error, .throttled { color: var(--warn); }
.verdict-queued, .verdict-running, .verdict-cancelled { color: var(--info); }
.verdict.big { font-size: 1.4rem; }
.chart { width: 100%; height: auto; max-width: 56rem; display: block; margin: 0.5rem 0 1rem; }
.chart text { font-size: 12px; }
.chart .grid { stroke: var(--line); }
.compare-form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.pages { display: flex; gap: 0.5rem; flex-wrap: wrap; }
.pages .current { font-weight: 700; }
form.login { display: grid; gap: 0.5rem; max-width: 28rem; }
@media (max-width: 40rem) {
  html { font-size: 15px; }
  th, td { padding: 0.3rem 0.4rem; }
  .hide-narrow { display: none; }
}
)css";

constexpr std::string_view kLiveScript = R"js(// kjudge live refresh: when <body data-live-url> names a Server-Sent Events stream, reload the
// page on any event it sends (new results), at most once every 3 seconds.
(function () {
  "use strict";
  var url = document.body && document.body.getAttribute("data-live-url");
  if (!url || typeof EventSource === "undefined") return;
  var minGapMs = 3000;
  var loadedAt = Date.now();
  var timer = null;
  var source = new EventSource(url);
  source.onmessage = function () {
    if (timer !== null) return;
    var wait = Math.max(0, loadedAt + minGapMs - Date.now());
    timer = setTimeout(function () {
      source.close();
      window.location.reload();
    }, wait);
  };
  window.addEventListener("pagehide", function () {
    source.close();
    if (timer !== null) clearTimeout(timer);
  });
  // A page restored from the back/forward cache has its stream closed: fetch it fresh instead.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
})();
)js";

constexpr std::array<std::pair<std::string_view, Asset>, 2> kAssets{{
    {"/static/kjudge.css", {"text/css; charset=utf-8", kStylesheet}},
    {"/static/live.js", {"text/javascript; charset=utf-8", kLiveScript}},
}};

}  // namespace

const Asset* FindAsset(std::string_view path) {
  for (const auto& [name, asset] : kAssets) {
    if (name == path) return &asset;
  }
  return nullptr;
}

}  // namespace kjudge::web
