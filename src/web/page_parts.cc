#include "page_parts.h"

#include <exception>

#include "document.h"
#include "kjudge/web/format.h"
#include "kjudge/web/html.h"

namespace kjudge::web::parts {

namespace {

std::string Missing() { return std::string(kMissing); }

}  // namespace

std::string UserLink(const nlohmann::json& who) {
  const std::string user = doc::Text(who, "user");
  if (user.empty()) return Missing();
  return "<a href=\"/users/" + UrlComponent(user) + "\">" + Escape(doc::DisplayName(who)) + "</a>";
}

std::string LeaderboardPath(std::string_view problem, std::string_view gpu) {
  return "/leaderboards/" + UrlComponent(problem) + "/" + UrlComponent(gpu);
}

std::string LeaderboardLink(const nlohmann::json& j) {
  const std::string problem = doc::Text(j, "problem"), gpu = doc::Text(j, "gpu");
  if (problem.empty() || gpu.empty()) return Escape(problem.empty() ? Missing() : problem);
  return "<a href=\"" + LeaderboardPath(problem, gpu) + "\">" + Escape(problem) + " / " + Escape(gpu) + "</a>";
}

std::string ProblemLink(std::string_view problem, std::string_view label) {
  if (problem.empty()) return Missing();
  return "<a href=\"/problems/" + UrlComponent(problem) + "\">" + Escape(label.empty() ? problem : label) + "</a>";
}

std::string SubmissionLink(const nlohmann::json& j, std::string_view key) {
  const auto id = doc::Integer(j, key);
  if (!id) return Missing();
  const std::string text = std::to_string(*id);
  return "<a href=\"/submissions/" + text + "\">#" + text + "</a>";
}

std::string Duration(const nlohmann::json& j, std::string_view key) {
  const auto v = doc::Number(j, key);
  return v ? Escape(FormatDuration(*v)) : Missing();
}

std::string SolRatio(const nlohmann::json& j, std::string_view key) {
  const auto v = doc::Number(j, key);
  return v ? Escape(FormatSolRatio(*v)) : Missing();
}

std::string SolPercent(const nlohmann::json& j, std::string_view key) {
  const auto v = doc::Number(j, key);
  return v ? Escape(FormatSolPercent(*v)) : Missing();
}

std::string Int(const nlohmann::json& j, std::string_view key) {
  const auto v = doc::Integer(j, key);
  return v ? std::to_string(*v) : Missing();
}

std::string TextOrMissing(const nlohmann::json& j, std::string_view key) {
  const std::string text = doc::Text(j, key);
  return text.empty() ? Missing() : Escape(text);
}

std::string Time(const nlohmann::json& j, std::string_view key, std::int64_t now_ms) {
  const auto ms = doc::Integer(j, key);
  if (!ms) return Missing();
  const std::string shown = FormatTimestamp(*ms);
  if (shown == kMissing) return Missing();
  return "<time datetime=\"" + FormatIsoTimestamp(*ms) + "\" title=\"" + Escape(FormatRelative(*ms, now_ms)) + "\">" +
         Escape(shown) + "</time>";
}

std::string VerdictBadge(std::string_view verdict, bool big) {
  if (verdict.empty()) return Missing();
  std::string cls;
  for (char c : verdict) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    cls += word ? c : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : '_';
  }
  std::string shown(verdict);
  for (char& c : shown) {
    if (c == '_') c = ' ';
  }
  return "<span class=\"verdict verdict-" + cls + (big ? " big" : "") + "\">" + Escape(shown) + "</span>";
}

std::string SafeHref(std::string_view url) {
  const bool path = url.size() >= 1 && url[0] == '/' && (url.size() == 1 || (url[1] != '/' && url[1] != '\\'));
  const bool web = url.starts_with("https://") || url.starts_with("http://");
  return path || web ? Escape(url) : std::string();
}

std::string NumCell(const std::string& html) { return "<td class=\"num\">" + html + "</td>"; }

std::string Cell(const std::string& html) { return "<td>" + html + "</td>"; }

std::string Guarded(const PageContext& context, std::string_view fallback_title,
                    const std::function<Rendered()>& render) {
  try {
    Rendered page = render();
    return Layout(context, page.title, page.body);
  } catch (const std::exception& e) {
    // A page must render whatever document it gets; what it could not read is said, not thrown.
    return Layout(context, fallback_title,
                  "<h1>" + Escape(fallback_title) + "</h1>\n<p class=\"error\">This page could not be shown: " +
                      Escape(e.what()) + "</p>");
  }
}

}  // namespace kjudge::web::parts
