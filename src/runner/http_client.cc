#include "kjudge/runner/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace kjudge::runner {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Result<ServerUrl> ServerUrl::Parse(const std::string& url) {
  ServerUrl u;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    u.port = 443;
    rest = url.substr(8);
  } else {
    return MakeError(ErrorCode::kInvalidArgument, "server URL '" + url + "' must start with http:// or https://");
  }
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) u.base_path = rest.substr(slash);
  while (!u.base_path.empty() && u.base_path.back() == '/') u.base_path.pop_back();
  // "[::1]:8080", "host:8080" or "host"
  std::string port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return MakeError(ErrorCode::kInvalidArgument, "server URL '" + url + "' has a bad IPv6 host");
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return MakeError(ErrorCode::kInvalidArgument, "server URL '" + url + "' is malformed");
      port_text = authority.substr(close + 2);
      has_port = true;
    }
    authority = authority.substr(1, close - 1);
  } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
    port_text = authority.substr(colon + 1);
    authority = authority.substr(0, colon);
    has_port = true;
  }
  if (has_port) {
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), p);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || p == 0 || p > 65535) {
      return MakeError(ErrorCode::kInvalidArgument, "server URL '" + url + "' has a bad port");
    }
    u.port = static_cast<std::uint16_t>(p);
  }
  if (authority.empty()) return MakeError(ErrorCode::kInvalidArgument, "server URL '" + url + "' has no host");
  u.host = authority;
  return u;
}

std::string ServerUrl::ToString() const {
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port) + base_path;
}

std::string HttpReply::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

HttpClient::HttpClient(ServerUrl server, std::string bearer_token) : server_(std::move(server)), token_(std::move(bearer_token)) {}

namespace {

/// Largest body a non-streamed answer may have.
constexpr std::uint64_t kMaxBodyBytes = 256 * 1024 * 1024;

/// Runs the asynchronous operation that `start` begins until it completes. Beast's stream
/// timeouts (expires_after/expires_at) bound asynchronous operations only, so every step of an
/// exchange runs this way.
template <typename Start>
beast::error_code Await(asio::io_context& ioc, Start&& start) {
  beast::error_code result = asio::error::operation_aborted;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

void ThrowIf(beast::error_code ec) {
  if (ec) throw beast::system_error(ec);
}

template <typename Fields>
void CopyHead(const http::header<false, Fields>& head, HttpReply* reply) {
  reply->status = static_cast<int>(head.result_int());
  reply->content_type = std::string(head[http::field::content_type]);
  for (const auto& field : head) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply->headers[name] = std::string(field.value());
  }
}

/// "text/event-stream; charset=utf-8" -> "text/event-stream", lower case.
std::string MediaType(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Connects (plain or TLS) within `connect_deadline`, runs `talk(ioc, stream)` and closes the
/// connection. `graceful`: say goodbye to a TLS peer (close_notify) instead of just closing.
template <typename Talk>
Result<HttpReply> Connected(const ServerUrl& server, std::chrono::steady_clock::time_point connect_deadline,
                            bool graceful, Talk&& talk) {
  try {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(server.host, std::to_string(server.port));
    if (!server.tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_at(connect_deadline);
      ThrowIf(Await(ioc, [&](auto handler) { stream.async_connect(endpoints, std::move(handler)); }));
      auto reply = talk(ioc, stream);
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      return reply;
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), server.host.c_str())) {
      return MakeError(ErrorCode::kUnavailable, "TLS: cannot set server name");
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(server.host));
    auto& tcp_layer = beast::get_lowest_layer(stream);
    tcp_layer.expires_at(connect_deadline);
    ThrowIf(Await(ioc, [&](auto handler) { tcp_layer.async_connect(endpoints, std::move(handler)); }));
    ThrowIf(Await(ioc, [&](auto handler) { stream.async_handshake(asio::ssl::stream_base::client, std::move(handler)); }));
    auto reply = talk(ioc, stream);
    if (graceful) {
      // A peer that never answers close_notify must not hold us.
      tcp_layer.expires_after(std::chrono::seconds(2));
      Await(ioc, [&](auto handler) { stream.async_shutdown(std::move(handler)); });
    }
    return reply;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kUnavailable, "cannot reach " + server.ToString() + ": " + e.what());
  }
}

}  // namespace

Result<HttpReply> HttpClient::Request(const std::string& method, const std::string& path, const std::string& body,
                                      const std::string& content_type, std::chrono::milliseconds timeout,
                                      const std::map<std::string, std::string>& headers) const {
  http::request<http::string_body> req{http::string_to_verb(method), server_.base_path + path, 11};
  req.set(http::field::host, server_.host);
  req.set(http::field::user_agent, "kjudge");
  if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT") {
    req.set(http::field::content_type, content_type);
    req.body() = body;
  }
  req.prepare_payload();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  return Connected(server_, deadline, true, [&](asio::io_context& ioc, auto& stream) -> HttpReply {
    beast::get_lowest_layer(stream).expires_at(deadline);
    ThrowIf(Await(ioc, [&](auto handler) { http::async_write(stream, req, std::move(handler)); }));
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxBodyBytes);
    ThrowIf(Await(ioc, [&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); }));
    HttpReply reply;
    CopyHead(parser.get().base(), &reply);
    reply.body = std::move(parser.get().body());
    return reply;
  });
}

Result<HttpReply> HttpClient::Stream(const std::string& path, const BodySink& sink, std::chrono::milliseconds idle_timeout,
                                     const std::map<std::string, std::string>& headers,
                                     const std::string& stream_type) const {
  http::request<http::empty_body> req{http::verb::get, server_.base_path + path, 11};
  req.set(http::field::host, server_.host);
  req.set(http::field::user_agent, "kjudge");
  req.set(http::field::accept, stream_type);
  req.set(http::field::cache_control, "no-cache");
  if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.prepare_payload();
  const std::string wanted = MediaType(stream_type);
  const auto connect_deadline = std::chrono::steady_clock::now() + idle_timeout;
  return Connected(server_, connect_deadline, false, [&](asio::io_context& ioc, auto& stream) -> HttpReply {
    auto& tcp_layer = beast::get_lowest_layer(stream);
    tcp_layer.expires_after(idle_timeout);
    ThrowIf(Await(ioc, [&](auto handler) { http::async_write(stream, req, std::move(handler)); }));
    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);  // a stream has no end in sight; whole bodies are capped below
    ThrowIf(Await(ioc, [&](auto handler) { http::async_read_header(stream, buffer, parser, std::move(handler)); }));
    HttpReply reply;
    CopyHead(parser.get().base(), &reply);
    const bool streaming = reply.status / 100 == 2 && MediaType(reply.content_type) == wanted;
    char chunk[16 * 1024];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      tcp_layer.expires_after(idle_timeout);
      beast::error_code ec = Await(ioc, [&](auto handler) { http::async_read_some(stream, buffer, parser, std::move(handler)); });
      if (ec == http::error::need_buffer) ec = {};
      ThrowIf(ec);
      const std::size_t got = sizeof chunk - parser.get().body().size;
      if (streaming) {
        if (got > 0 && !sink(std::string_view(chunk, got))) break;
      } else {
        reply.body.append(chunk, got);
        if (reply.body.size() > kMaxBodyBytes) throw std::length_error("the answer is larger than 256 MiB");
      }
    }
    return reply;
  });
}

}  // namespace kjudge::runner
