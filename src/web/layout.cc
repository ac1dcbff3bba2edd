#include "kjudge/web/layout.h"

#include "kjudge/web/html.h"

namespace kjudge::web {

namespace {

std::string Account(const PageContext& context) {
  if (context.viewer.empty()) return "<a class=\"signin\" href=\"/login\">Sign in</a>";
  std::string out = "<span class=\"viewer\">signed in as <a href=\"/users/" + UrlComponent(context.viewer) + "\">" +
                    Escape(context.viewer) + "</a>";
  if (context.staff) out += " <span class=\"badge\">staff</span>";
  out +=
      "</span>\n<form class=\"logout\" method=\"post\" action=\"/logout\"><button type=\"submit\">Sign out</button>"
      "</form>";
  return out;
}

}  // namespace

std::string Layout(const PageContext& context, std::string_view title, std::string_view body_html) {
  const bool live = !context.live_url.empty();
  std::string out;
  out.reserve(body_html.size() + 2048);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>";
  out += title.empty() ? std::string("kjudge") : Escape(title) + " \xC2\xB7 kjudge";
  out += "</title>\n<link rel=\"stylesheet\" href=\"/static/kjudge.css\">\n";
  if (live) out += "<script src=\"/static/live.js\" defer></script>\n";
  out += "</head>\n";
  out += live ? "<body data-live-url=\"" + Escape(context.live_url) + "\">\n" : std::string("<body>\n");
  out += "<header class=\"site\">\n<nav>\n<a class=\"brand\" href=\"/\">kjudge</a>\n<span class=\"account\">";
  out += Account(context);
  out += "</span>\n</nav>\n</header>\n<main>\n";
  out += body_html;
  out += "\n</main>\n<footer class=\"site\">\n<p>kjudge \xE2\x80\x94 GPU kernel competitions. Times are UTC. Every page "
         "has a JSON mirror under <a href=\"/api/v1/home\">/api/v1</a>.</p>\n</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace kjudge::web
