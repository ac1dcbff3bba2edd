// http_fuzz: libFuzzer target for what the server does with untrusted request bytes (issue 5,
// point 7). The input is raw HTTP/1.1 (possibly several pipelined requests). Each request is
// parsed by Beast's request_parser under the server's limits (ServerOptions), then dispatched
// through a Router whose routes are shaped like the real ones — JSON submission create, GETs with
// ids and query parameters, popcorn's multipart POST /submission/{lb}/{gpu}/{mode}, a stream —
// and whose handlers call the real parsers (JsonBody, StringField, IdParam, QueryParams,
// ParseMultipart, store::Parse). Every body also goes straight to ParseMultipart with the
// request's Content-Type.
//
// Beyond crashes, leaks and undefined behaviour, it checks invariants and aborts when one fails:
//   - every response has a valid status and a Content-Length equal to its body; a JSON body parses;
//   - a response with status >= 400 is a JSON object with a string "error" and "message"
//     (405 also carries Allow); the keep-alive of a response follows its request's;
//   - a parsed multipart form respects its limits, its parts have names, and each part's bytes lie
//     inside the body, in order, each followed by a delimiter line;
//   - a parsed JSON body is an object that Dump writes back to the same value;
//   - typed query and path reads stay within the bounds they were given.
// Handlers answer from the request alone (no store), so the fuzzer's time goes to the parsers and
// the router, not to SQLite.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "kjudge/http/multipart.h"
#include "kjudge/http/router.h"
#include "kjudge/http/server.h"
#include "kjudge/store/schema_enums.h"
#include "query_params.h"
#include "routes.h"

namespace kjudge::http::fuzz {
namespace {

using beast_http::status;
using beast_http::verb;

/// Requests read from one input at most (a keep-alive connection's pipeline).
constexpr int kMaxRequestsPerInput = 8;
/// The popcorn route's form cap (popcorn_routes.cc kMaxFormParts).
constexpr std::size_t kPopcornFormParts = 8;

[[noreturn]] void Fail(const char* invariant, std::string_view detail) {
  std::fprintf(stderr, "http_fuzz: invariant violated: %s\n  detail: %.*s\n", invariant, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

#define FUZZ_CHECK(cond, detail) \
  do {                           \
    if (!(cond)) Fail(#cond, detail); \
  } while (0)

/// Checks a parsed form against `body`, `content_type` and `limits` (see the file comment).
void CheckForm(const MultipartForm& form, std::string_view content_type, std::string_view body,
               const MultipartLimits& limits) {
  auto boundary = MultipartBoundary(content_type);
  FUZZ_CHECK(boundary.ok(), content_type);
  FUZZ_CHECK(!boundary->empty() && boundary->size() <= 70, *boundary);
  FUZZ_CHECK(!form.parts.empty() && form.parts.size() <= limits.max_parts, std::to_string(form.parts.size()));
  const std::string next_delimiter = "\r\n--" + *boundary;
  std::size_t cursor = 0, total = 0;
  for (const MultipartPart& part : form.parts) {
    FUZZ_CHECK(!part.name.empty(), body);
    FUZZ_CHECK(part.body.size() <= limits.max_part_bytes, part.name);
    FUZZ_CHECK(form.Find(part.name) != nullptr && form.Count(part.name) >= 1, part.name);
    // The real position of the part's bytes is followed by a delimiter line; the first match from
    // the cursor is at or before it, so later parts are still found after it.
    const std::size_t at = body.find(part.body + next_delimiter, cursor);
    FUZZ_CHECK(at != std::string_view::npos, part.name);
    cursor = at + part.body.size();
    total += part.body.size();
  }
  FUZZ_CHECK(total <= body.size(), body);
}

/// Checks one response of the router to `req`.
void CheckResponse(const Request& req, const Response& res) {
  const unsigned code = res.result_int();
  FUZZ_CHECK(code >= 100 && code <= 599, std::to_string(code));
  FUZZ_CHECK(res.keep_alive() == req.keep_alive(), req.target());
  const auto length = res[beast_http::field::content_length];
  FUZZ_CHECK(length == std::to_string(res.body().size()), res.body());
  if (res[beast_http::field::content_type] == "application/json") {
    FUZZ_CHECK(nlohmann::json::accept(res.body()), res.body());
  }
  if (code < 400) return;
  FUZZ_CHECK(res[beast_http::field::content_type] == "application/json", res.body());
  const auto body = nlohmann::json::parse(res.body(), nullptr, false);
  FUZZ_CHECK(body.is_object(), res.body());
  FUZZ_CHECK(body.contains("error") && body["error"].is_string() && !body["error"].get<std::string>().empty(), res.body());
  FUZZ_CHECK(body.contains("message") && body["message"].is_string(), res.body());
  if (res.result() == status::method_not_allowed) FUZZ_CHECK(!res[beast_http::field::allow].empty(), res.body());
  if (res.result() == status::internal_server_error) FUZZ_CHECK(body["message"] == "internal server error" ||
                                                                   body["message"] == "the stream produced nothing",
                                                               res.body());
}

/// `Int` stays in [min, max] (or is the fallback) whenever it succeeds.
Result<std::int64_t> BoundedInt(const QueryParams& query, std::string_view name, std::int64_t fallback, std::int64_t min,
                                std::int64_t max) {
  auto value = query.Int(name, fallback, min, max);
  if (value.ok()) FUZZ_CHECK(*value == fallback || (*value >= min && *value <= max), name);
  return value;
}

Result<std::int64_t> CheckedId(const PathParams& p, const char* name) {
  auto id = IdParam(p, name);
  if (id.ok()) FUZZ_CHECK(*id > 0, p.at(name));
  return id;
}

// --- routes shaped like the server's ----------------------------------------------------------

/// POST /api/v1/submissions (submission_routes.cc Create, without the store).
Response CreateSubmission(const Request& req) {
  auto body = JsonBody(req);
  if (!body.ok()) return ErrorResponse(req, body.error());
  FUZZ_CHECK(body->is_object(), req.body());
  nlohmann::json echo = nlohmann::json::object();
  for (const char* field : {"problem", "gpu", "file_name", "source"}) {
    auto value = StringField(*body, field);
    if (!value.ok()) return ErrorResponse(req, value.error());
    echo[field] = std::move(value).value();
  }
  if (auto it = body->find("mode"); it != body->end()) {
    if (!it->is_string()) return ErrorResponse(req, status::bad_request, "invalid_argument", "field 'mode' must be a string");
    auto mode = store::Parse<store::Mode>(it->get<std::string>());
    if (!mode.ok()) return ErrorResponse(req, mode.error());
    echo["mode"] = store::Name(*mode);
  }
  return JsonResponse(req, status::created, Dump(echo));
}

/// GET /api/v1/submissions (submission_routes.cc List).
Response ListSubmissions(const Request& req) {
  const QueryParams query(req.target());
  if (auto st = query.OnlyKnown({"problem", "gpu", "mode", "user", "limit", "before"}); !st.ok()) {
    return ErrorResponse(req, st.error());
  }
  auto limit = BoundedInt(query, "limit", 20, 1, 100);
  auto before = BoundedInt(query, "before", 0, 0, INT64_MAX);
  for (const auto* r : {&limit, &before}) {
    if (!r->ok()) return ErrorResponse(req, r->error());
  }
  nlohmann::json out = {{"limit", *limit}, {"before", *before}};
  if (auto text = query.Get("mode")) {
    FUZZ_CHECK(!text->empty(), req.target());
    auto mode = store::Parse<store::Mode>(*text);
    if (!mode.ok()) return ErrorResponse(req, mode.error());
    out["mode"] = store::Name(*mode);
  }
  for (const char* name : {"problem", "gpu", "user"}) {
    if (auto v = query.Get(name)) out[name] = *v;
  }
  return JsonResponse(req, status::ok, Dump(out));
}

/// GET /api/v1/submissions/{id}/events?after=&wait_s= (a blocking route on the server).
Response Events(const Request& req, const PathParams& p) {
  auto id = CheckedId(p, "id");
  if (!id.ok()) return ErrorResponse(req, id.error());
  const QueryParams query(req.target());
  auto after = BoundedInt(query, "after", 0, 0, INT64_MAX);
  auto wait_s = BoundedInt(query, "wait_s", 0, 0, 30);
  for (const auto* r : {&after, &wait_s}) {
    if (!r->ok()) return ErrorResponse(req, r->error());
  }
  return JsonResponse(req, status::ok, Dump({{"id", *id}, {"after", *after}, {"events", nlohmann::json::array()}}));
}

/// GET /api/v1/leaderboards/{problem}/{gpu}?limit=
Response Leaderboard(const Request& req, const PathParams& p) {
  const QueryParams query(req.target());
  if (auto st = query.OnlyKnown({"limit"}); !st.ok()) return ErrorResponse(req, st.error());
  auto limit = BoundedInt(query, "limit", 50, 1, 1000);
  if (!limit.ok()) return ErrorResponse(req, limit.error());
  return JsonResponse(req, status::ok, Dump({{"problem", p.at("problem")}, {"gpu", p.at("gpu")}, {"limit", *limit}}));
}

/// POST /api/v1/leaderboards/{problem}/{gpu}/settings: reads a field with .at().get<>() and
/// std::stoll, which throw on a missing field, a wrong type or a bad number, as a careless handler
/// might: the router must turn that into a 500 that leaks nothing.
Response Settings(const Request& req, const PathParams&) {
  auto body = JsonBody(req);
  if (!body.ok()) return ErrorResponse(req, body.error());
  const long long deadline_ms = std::stoll(body->at("deadline").get<std::string>());
  return JsonResponse(req, status::ok, Dump({{"deadline_ms", deadline_ms}}));
}

/// POST /submission/{leaderboard}/{gpu}/{mode}: popcorn-cli's multipart upload
/// (popcorn_routes.cc SubmitFromPopcorn, without the store).
Response PopcornSubmit(const Request& req, const PathParams& p) {
  std::string mode_text = p.at("mode");
  for (char& c : mode_text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto mode = store::Parse<store::Mode>(mode_text);
  if (!mode.ok()) return ErrorResponse(req, mode.error());
  MultipartLimits limits;
  limits.max_parts = kPopcornFormParts;
  const std::string_view content_type = req[beast_http::field::content_type];
  auto form = ParseMultipart(content_type, req.body(), limits);
  if (!form.ok()) return ErrorResponse(req, form.error());
  CheckForm(*form, content_type, req.body(), limits);
  if (form->Count("file") != 1) return ErrorResponse(req, status::bad_request, "invalid_argument", "exactly one 'file' part");
  const MultipartPart& file = *form->Find("file");
  std::string file_name = file.filename.value_or("");
  if (const auto slash = file_name.find_last_of("/\\"); slash != std::string::npos) file_name.erase(0, slash + 1);
  if (file_name.empty()) return ErrorResponse(req, status::bad_request, "invalid_argument", "the 'file' part needs a filename");
  return JsonResponse(req, status::accepted,
                      Dump({{"status", "accepted"},
                            {"details", {{"leaderboard", p.at("leaderboard")}, {"gpu", p.at("gpu")}, {"mode", store::Name(*mode)},
                                         {"file_name", file_name}, {"bytes", file.body.size()}}}}));
}

/// A StreamWriter that keeps what a stream handler sends, checking the order of calls.
class RecordingStream final : public StreamWriter {
 public:
  explicit RecordingStream(const Request& req) : req_(req) {}
  void Respond(Response response) override {
    FUZZ_CHECK(!answered_, req_.target());
    answered_ = true;
    status_ = response.result_int();
    CheckResponse(req_, response);
  }
  bool Begin(Response head) override {
    FUZZ_CHECK(!answered_, req_.target());
    answered_ = true;
    begun_ = true;
    status_ = head.result_int();
    FUZZ_CHECK(status_ < 300, req_.target());
    return true;
  }
  bool Write(std::string_view data) override {
    FUZZ_CHECK(begun_, data);
    return true;
  }
  bool Stopping() const override { return false; }
  bool answered() const { return answered_; }
  unsigned status() const { return status_; }

 private:
  const Request& req_;
  unsigned status_ = 0;
  bool answered_ = false;
  bool begun_ = false;
};

const Router& FuzzRouter() {
  static const Router* router = [] {
    auto* r = new Router();
    r->Add(verb::post, "/api/v1/submissions", [](const Request& req, const PathParams&) { return CreateSubmission(req); });
    r->Add(verb::get, "/api/v1/submissions", [](const Request& req, const PathParams&) { return ListSubmissions(req); });
    r->Add(verb::get, "/api/v1/submissions/{id}", [](const Request& req, const PathParams& p) {
      auto id = CheckedId(p, "id");
      if (!id.ok()) return ErrorResponse(req, id.error());
      return JsonResponse(req, status::ok, Dump({{"id", *id}}));
    });
    r->Add(verb::post, "/api/v1/submissions/{id}/cancel", [](const Request& req, const PathParams& p) {
      auto id = CheckedId(p, "id");
      if (!id.ok()) return ErrorResponse(req, id.error());
      return ErrorResponse(req, status::conflict, "failed_precondition", "submission " + std::to_string(*id) + " has finished");
    });
    r->Add(verb::get, "/api/v1/submissions/{id}/events", [](const Request& req, const PathParams& p) { return Events(req, p); },
           RouteKind::kBlocking);
    r->AddStream(verb::get, "/api/v1/submissions/{id}/stream", [](const Request& req, const PathParams& p, StreamWriter& out) {
      auto id = CheckedId(p, "id");
      if (!id.ok()) return out.Respond(ErrorResponse(req, id.error()));
      if (*id % 3 == 0) return;  // produces nothing: the router answers 500
      if (*id % 3 == 1) throw std::runtime_error("stream failed before it began");
      Response head{status::ok, req.version()};
      head.set(beast_http::field::content_type, "text/event-stream");
      if (out.Begin(std::move(head))) out.Write("event: queued\ndata: {}\n\n");
    });
    r->Add(verb::get, "/api/v1/leaderboards/{problem}/{gpu}", [](const Request& req, const PathParams& p) { return Leaderboard(req, p); });
    r->Add(verb::post, "/api/v1/leaderboards/{problem}/{gpu}/settings",
           [](const Request& req, const PathParams& p) { return Settings(req, p); });
    r->Add(verb::post, "/submission/{leaderboard}/{gpu}/{mode}",
           [](const Request& req, const PathParams& p) { return PopcornSubmit(req, p); });
    return r;
  }();
  return *router;
}

/// What every request goes through besides its route: the body as JSON and as a form.
void CheckParsers(const Request& req) {
  auto json = JsonBody(req);
  if (json.ok()) {
    FUZZ_CHECK(json->is_object(), req.body());
    // nlohmann's parser only accepts valid UTF-8, so Dump replaces nothing and round-trips.
    const std::string dumped = Dump(*json);
    const auto again = nlohmann::json::parse(dumped, nullptr, false);
    FUZZ_CHECK(!again.is_discarded() && again == *json, dumped);
  }
  const std::string_view content_type = req[beast_http::field::content_type];
  if (!content_type.empty()) {
    const MultipartLimits limits;
    auto form = ParseMultipart(content_type, req.body(), limits);
    if (form.ok()) {
      CheckForm(*form, content_type, req.body(), limits);
    } else {
      FUZZ_CHECK(form.error().code == ErrorCode::kInvalidArgument || form.error().code == ErrorCode::kResourceExhausted,
                 form.error().message);
    }
  }
}

/// KJUDGE_FUZZ_TRACE=1 prints each request's answer (to check what the seeds reach).
bool Tracing() {
  static const bool on = std::getenv("KJUDGE_FUZZ_TRACE") != nullptr;
  return on;
}

void Trace(const Request& req, unsigned status, std::string_view body) {
  if (!Tracing()) return;
  std::fprintf(stderr, "%s %.*s -> %u %.*s\n", std::string(req.method_string()).c_str(), static_cast<int>(req.target().size()),
               req.target().data(), status, static_cast<int>(std::min<std::size_t>(body.size(), 200)), body.data());
}

void Serve(const Request& req) {
  CheckParsers(req);
  const Router& router = FuzzRouter();
  if (router.KindOf(req) == RouteKind::kStream) {
    RecordingStream out(req);
    router.DispatchStream(req, out);
    FUZZ_CHECK(out.answered(), req.target());
    Trace(req, out.status(), "(stream)");
    return;
  }
  const Response res = router.Dispatch(req);
  CheckResponse(req, res);
  Trace(req, res.result_int(), res.body());
}

/// The server's answer to a request it could not parse (server.cc WriteError) must hold too.
void ServeParseError(const boost::beast::error_code& ec) {
  if (Tracing()) std::fprintf(stderr, "parse error: %s\n", ec.message().c_str());
  Request plain;
  plain.version(11);
  plain.keep_alive(false);
  CheckResponse(plain, ErrorResponse(plain, status::bad_request, "bad_request", "malformed HTTP request"));
}

}  // namespace
}  // namespace kjudge::http::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // handlers that throw are logged; the fuzzer wants speed
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace kjudge::http;  // NOLINT(google-build-using-namespace)
  namespace asio = boost::asio;
  const ServerOptions server;  // the limits `kjudge serve` reads requests under
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int n = 0; n < fuzz::kMaxRequestsPerInput && !rest.empty(); ++n) {
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(server.header_limit_bytes));
    parser.body_limit(server.body_limit_bytes);
    parser.eager(true);
    boost::beast::error_code ec;
    while (!parser.is_done()) {
      const std::size_t used = parser.put(asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec == beast_http::error::need_more) {
        if (used == 0) {  // the input ends inside this request
          parser.put_eof(ec);
          break;
        }
        ec = {};
        continue;
      }
      if (ec || used == 0) break;
    }
    if (ec || !parser.is_done()) {
      fuzz::ServeParseError(ec);
      return 0;
    }
    Request req = parser.release();
    fuzz::Serve(req);
    if (!req.keep_alive()) break;  // the server closes the connection after this answer
  }
  return 0;
}
