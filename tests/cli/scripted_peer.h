// ScriptedPeer: a one-thread HTTP peer for tests of what the real server cannot be made to do on
// demand (drop a stream half-way, refuse with 429): it answers its i-th connection with the i-th
// scripted reply, raw bytes, and closes it. Requests are recorded for the test to check.
#pragma once

#include <boost/asio.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kjudge::testing {

namespace peer_asio = boost::asio;

class ScriptedPeer {
 public:
  using Reply = std::function<std::string(const std::string& request)>;

  explicit ScriptedPeer(std::vector<Reply> replies)
      : acceptor_(ioc_, peer_asio::ip::tcp::endpoint(peer_asio::ip::make_address("127.0.0.1"), 0)), port_(acceptor_.local_endpoint().port()) {
    thread_ = std::thread([this, replies = std::move(replies)] {
      for (const auto& reply : replies) {
        if (stopping_) break;
        peer_asio::ip::tcp::socket socket(ioc_);
        boost::system::error_code ec;
        acceptor_.accept(socket, ec);
        if (ec || stopping_) break;
        std::string request;
        peer_asio::read_until(socket, peer_asio::dynamic_buffer(request), "\r\n\r\n", ec);
        if (ec) break;
        {
          std::lock_guard lock(mu_);
          requests_.push_back(request);
        }
        peer_asio::write(socket, peer_asio::buffer(reply(request)), ec);
        socket.shutdown(peer_asio::ip::tcp::socket::shutdown_both, ec);
      }
      done_ = true;
    });
  }

  ~ScriptedPeer() {
    stopping_ = true;
    if (!done_) {
      // accept() may be waiting for a connection that will never come: make one.
      peer_asio::io_context ioc;
      peer_asio::ip::tcp::socket poke(ioc);
      boost::system::error_code ec;
      poke.connect(peer_asio::ip::tcp::endpoint(peer_asio::ip::make_address("127.0.0.1"), port_), ec);
    }
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  peer_asio::io_context ioc_;
  peer_asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> done_{false};
  std::mutex mu_;
  std::vector<std::string> requests_;
};

/// A complete HTTP/1.1 response with a JSON body.
inline std::string JsonReply(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace kjudge::testing
