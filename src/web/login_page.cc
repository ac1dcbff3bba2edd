// Sign-in: an API token pasted into a form; the server keeps it in an HttpOnly cookie.
#include <string>

#include "kjudge/web/html.h"
#include "kjudge/web/pages.h"

namespace kjudge::web {

std::string LoginPage(const PageContext& context, std::string_view error) {
  std::string body = "<h1>Sign in</h1>\n";
  if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + Escape(error) + "</p>\n";
  if (!context.viewer.empty()) {
    body += "<p>You are signed in as <a href=\"/users/" + UrlComponent(context.viewer) + "\">" + Escape(context.viewer) +
            "</a>. Signing in again replaces that session.</p>\n";
  }
  body += "<form class=\"login\" method=\"post\" action=\"/login\">\n"
          "<label for=\"token\">API token</label>\n"
          "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"current-password\" required>\n"
          "<button type=\"submit\">Sign in</button>\n</form>\n"
          "<p class=\"muted\">Use the API token the organizers gave you (the one <code>kjudge</code> CLI uses). It is kept in "
          "a cookie no script can read and no other site can send.</p>\n";
  return Layout(context, "Sign in", body);
}

}  // namespace kjudge::web
