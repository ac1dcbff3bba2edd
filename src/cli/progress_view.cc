#include "progress_view.h"

#include "human_format.h"

namespace kjudge::cli {

namespace {

/// Fields every event carries for bookkeeping; not worth showing.
bool Bookkeeping(const std::string& key) {
  return key == "event" || key == "seq" || key == "time_ms" || key == "runner_ms" || key == "job_id" || key == "gpu" ||
         key == "mode" || key == "id" || key == "by";
}

std::string Scalar(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return FormatRatio(v.get<double>());
  return v.dump();
}

std::string Str(const nlohmann::json& data, const char* key) {
  auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The case's time: the mean when the runner sent one, else the median or a plain time.
const nlohmann::json* CaseTime(const nlohmann::json& data) {
  for (const char* key : {"mean_ns", "median_ns", "time_ns"}) {
    auto it = data.find(key);
    if (it != data.end() && it->is_number()) return &*it;
  }
  return nullptr;
}

std::string DescribeCase(const nlohmann::json& data, bool terminal) {
  const std::string kind = Str(data, "kind").empty() ? std::string("case") : Str(data, "kind");
  std::string text = kind + " " + Scalar(data.value("index", nlohmann::json(0)));
  if (data.contains("of")) text += "/" + Scalar(data["of"]);
  const bool passed = data.value("passed", false);
  const nlohmann::json* time = CaseTime(data);
  if (terminal) {
    // A passing benchmark says its time; the check mark would only repeat that it passed.
    if (passed && time != nullptr) return text + " " + FormatDuration(time->get<double>(), true);
    text += passed ? " \u2713" : " \u2717";
  } else {
    text += passed ? " passed" : " FAILED";
    if (time != nullptr) text += " " + FormatDuration(time->get<double>(), false);
    if (data.contains("samples") && data["samples"].is_number()) text += " (" + Scalar(data["samples"]) + " samples)";
  }
  if (!passed && !Str(data, "message").empty()) text += ": " + Str(data, "message");
  return text;
}

std::string WithMessage(std::string text, const nlohmann::json& data, bool terminal) {
  const std::string message = Str(data, "message");
  if (!message.empty()) text += (terminal ? " \u2014 " : " - ") + message;
  return text;
}

}  // namespace

std::string DescribeEvent(const ProgressEvent& event, bool terminal) {
  const nlohmann::json& d = event.data;
  const std::string& n = event.name;
  if (n == "queued") {
    const std::string summary = Str(d, "summary");
    return summary.empty() ? "queued" : "queued: " + summary;
  }
  if (n == "leased") {
    std::string text = "picked up by " + (Str(d, "runner").empty() ? std::string("a runner") : Str(d, "runner"));
    if (d.contains("attempt") && d["attempt"].is_number_integer() && d["attempt"].get<int>() > 1) {
      text += " (attempt " + Scalar(d["attempt"]) + ")";
    }
    return text;
  }
  if (n == "compiling") return terminal ? "compiling\u2026" : "compiling";
  if (n == "compiled") return "compiled";
  if (n == "case") return DescribeCase(d, terminal);
  if (n == "verdict") return WithMessage("verdict: " + (Str(d, "verdict").empty() ? std::string("?") : Str(d, "verdict")), d, terminal);
  if (n == "retrying") {
    return WithMessage("retrying after " + (Str(d, "verdict").empty() ? std::string("a failure") : Str(d, "verdict")), d, terminal);
  }
  if (n == "cancelled") return WithMessage(Str(d, "by").empty() ? "cancelled" : "cancelled by " + Str(d, "by"), d, terminal);
  std::string text = n;
  if (d.is_object()) {
    for (const auto& [key, value] : d.items()) {
      if (Bookkeeping(key) || value.is_null() || value.is_object() || value.is_array()) continue;
      text += " " + key + "=" + Scalar(value);
    }
  }
  return text;
}

ProgressView::ProgressView(std::ostream& out, std::string label, bool live, int columns)
    : out_(out), label_(std::move(label)), live_(live), columns_(columns < 20 ? 20 : columns) {}

void ProgressView::Status(const std::string& text) {
  const std::string line = "[" + label_ + "] " + text;
  if (!live_) {
    out_ << line << "\n" << std::flush;
    return;
  }
  // One column spare: writing the last column makes some terminals wrap, and the next "\r" would
  // then rewrite only the wrapped part.
  status_ = Truncate(line, columns_ - 1, true);
  out_ << "\r\x1b[K" << status_ << std::flush;
}

void ProgressView::Note(std::string_view text) {
  if (!live_) {
    out_ << text << "\n" << std::flush;
    return;
  }
  out_ << "\r\x1b[K" << text << "\n";
  if (!status_.empty()) out_ << status_;
  out_ << std::flush;
}

void ProgressView::Show(const ProgressEvent& event) {
  if (live_ && event.name == "retrying") {
    // Worth keeping on screen: the live line would hide that the first attempt failed.
    Note("[" + label_ + "] " + DescribeEvent(event, true));
    return;
  }
  Status(DescribeEvent(event, live_));
}

void ProgressView::Finish() {
  if (live_ && !status_.empty()) out_ << "\r\x1b[K" << std::flush;
  status_.clear();
}

}  // namespace kjudge::cli
