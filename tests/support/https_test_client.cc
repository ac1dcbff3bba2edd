#include "support/https_test_client.h"

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace kjudge::testing {

HttpsResult HttpsGet(std::uint16_t port, const std::string& target, ClientTls tls, std::chrono::seconds deadline) {
  namespace asio = boost::asio;
  namespace beast = boost::beast;
  namespace ssl = asio::ssl;
  HttpsResult out;
  asio::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  if (tls.trusted_pem != nullptr) ctx.add_certificate_authority(asio::buffer(*tls.trusted_pem));
  ctx.set_verify_mode(ssl::verify_peer);
  if (tls.max_version != 0) {
    // Let the client itself offer old protocols, so that only the server can refuse them.
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), tls.max_version);
  }
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  beast::http::request<beast::http::empty_body> req{beast::http::verb::get, target, 11};
  req.set(beast::http::field::host, "127.0.0.1");
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  const auto fail = [&out](const char* stage, beast::error_code ec) { out.error = std::string(stage) + ": " + ec.message(); };
  beast::get_lowest_layer(stream).expires_after(deadline);
  beast::get_lowest_layer(stream).async_connect(
      {asio::ip::make_address("127.0.0.1"), port}, [&](beast::error_code connect_ec) {
        if (connect_ec) return fail("connect", connect_ec);
        stream.async_handshake(ssl::stream_base::client, [&](beast::error_code handshake_ec) {
          if (handshake_ec) return fail("handshake", handshake_ec);
          out.tls_version = SSL_version(stream.native_handle());
          beast::http::async_write(stream, req, [&](beast::error_code write_ec, std::size_t) {
            if (write_ec) return fail("write", write_ec);
            beast::http::async_read(stream, buffer, res, [&](beast::error_code read_ec, std::size_t) {
              if (read_ec) return fail("read", read_ec);
              out.status = static_cast<int>(res.result_int());
              out.body = res.body();
              out.headers = res.base();
            });
          });
        });
      });
  ioc.run();
  return out;
}

}  // namespace kjudge::testing
