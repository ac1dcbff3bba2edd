// ProgressView: how `kjudge submit` shows a submission being judged. On a terminal, one status
// line rewritten in place ("\r" and clear-to-end) as events arrive:
//
//   [H100 test] compiling…            [H100 test] test 3/10 ✓            [H100 benchmark] benchmark 2/4 12.3 µs
//
// Elsewhere (pipes, CI logs) one plain ASCII line per event, with no escape codes:
//
//   [cpu test] test 3/6 passed
//   [cpu benchmark] benchmark 2/3 passed 6.81 ms (12 samples)
//
// Notes (the queue position, a retry) stay on their own line in both modes.
//
// Thread safety: none; one view per followed submission.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace kjudge::cli {

/// One progress event of a submission, from the SSE stream (the "event:" name and its JSON data)
/// or from the long-poll route (the "event" field and the whole object).
struct ProgressEvent {
  std::string name;
  nlohmann::json data = nlohmann::json::object();
};

/// The event in a few words, without the "[GPU mode]" label: "compiling", "test 3/10 passed",
/// "benchmark 2/4 passed 12.3 us (40 samples)". `terminal` picks the compact symbols (✓, ✗, …,
/// µs) of the live line. Events this version does not know are shown by name and their fields.
std::string DescribeEvent(const ProgressEvent& event, bool terminal);

class ProgressView {
 public:
  /// `label` is what runs ("H100 test"); `live`: rewrite one line in place, at most `columns`
  /// wide (a terminal); otherwise print a line per event.
  ProgressView(std::ostream& out, std::string label, bool live, int columns = 80);

  /// A line that stays: the queue position, a retry, a note about the connection.
  void Note(std::string_view text);
  /// Shows one event.
  void Show(const ProgressEvent& event);
  /// Clears the live line, so what follows starts on a clean line. Idempotent.
  void Finish();

 private:
  void Status(const std::string& text);

  std::ostream& out_;
  std::string label_;
  bool live_;
  int columns_;
  std::string status_;  // what the live line shows now ("" when nothing is shown)
};

}  // namespace kjudge::cli
