#include "kjudge/runner/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <charconv>

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

HttpClient::HttpClient(ServerUrl server, std::string bearer_token) : server_(std::move(server)), token_(std::move(bearer_token)) {}

namespace {

template <typename Stream>
Result<HttpReply> Exchange(Stream& stream, http::request<http::string_body>& req) {
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  http::read(stream, buffer, parser);
  auto res = parser.release();
  HttpReply reply;
  reply.status = static_cast<int>(res.result_int());
  reply.body = std::move(res.body());
  reply.content_type = std::string(res[http::field::content_type]);
  return reply;
}

}  // namespace

Result<HttpReply> HttpClient::Request(const std::string& method, const std::string& path, const std::string& body,
                                      const std::string& content_type, std::chrono::milliseconds timeout,
                                      const std::map<std::string, std::string>& headers) const {
  try {
    asio::io_context ioc;
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
    tcp::resolver resolver(ioc);
    auto endpoints = resolver.resolve(server_.host, std::to_string(server_.port));
    if (!server_.tls) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(timeout);
      stream.connect(endpoints);
      auto reply = Exchange(stream, req);
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      return reply;
    }
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), server_.host.c_str())) {
      return MakeError(ErrorCode::kUnavailable, "TLS: cannot set server name");
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(server_.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(asio::ssl::stream_base::client);
    auto reply = Exchange(stream, req);
    beast::error_code ec;
    stream.shutdown(ec);
    return reply;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kUnavailable, "cannot reach " + server_.ToString() + ": " + e.what());
  }
}

}  // namespace kjudge::runner
