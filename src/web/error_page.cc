// What a reader sees when a page cannot be served: the HTTP status and the reason.
#include <string>

#include "kjudge/web/html.h"
#include "kjudge/web/pages.h"

namespace kjudge::web {

namespace {

std::string_view Reason(int status) {
  switch (status) {
    case 400: return "Bad request";
    case 401: return "Sign in required";
    case 403: return "Forbidden";
    case 404: return "Not found";
    case 409: return "Conflict";
    case 429: return "Too many requests";
    case 503: return "Unavailable";
    default: return status >= 500 ? "Server error" : "Error";
  }
}

}  // namespace

std::string ErrorPage(const PageContext& context, int status, std::string_view message) {
  const std::string title = std::string(Reason(status));
  std::string body = "<h1>" + Escape(title) + "</h1>\n<p class=\"error\">" + std::to_string(status) + ": " +
                     Escape(message.empty() ? title : message) + "</p>\n<p><a href=\"/\">Back to the front page</a></p>\n";
  if (status == 401 && context.viewer.empty()) body += "<p><a href=\"/login\">Sign in</a></p>\n";
  return Layout(context, title, body);
}

}  // namespace kjudge::web
