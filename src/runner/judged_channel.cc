#include "kjudge/runner/judged_channel.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace kjudge::runner {

namespace wire = harness::wire;

Result<JudgedChannel> JudgedChannel::Create() {
  JudgedChannel ch;
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
    return MakeError(ErrorCode::kIo, std::string("socketpair: ") + std::strerror(errno));
  }
  ch.parent_fd_ = fds[0];
  ch.child_fd_ = fds[1];
  ch.memfd_ = memfd_create("kjudge-buffers", MFD_CLOEXEC);
  if (ch.memfd_ < 0) return MakeError(ErrorCode::kIo, std::string("memfd_create: ") + std::strerror(errno));
  return ch;
}

JudgedChannel::JudgedChannel(JudgedChannel&& other) noexcept { *this = std::move(other); }

JudgedChannel& JudgedChannel::operator=(JudgedChannel&& other) noexcept {
  if (this != &other) {
    Reset();
    parent_fd_ = std::exchange(other.parent_fd_, -1);
    child_fd_ = std::exchange(other.child_fd_, -1);
    memfd_ = std::exchange(other.memfd_, -1);
    shared_ = std::exchange(other.shared_, nullptr);
    shared_bytes_ = std::exchange(other.shared_bytes_, 0);
    peer_closed_ = std::exchange(other.peer_closed_, false);
  }
  return *this;
}

JudgedChannel::~JudgedChannel() { Reset(); }

void JudgedChannel::Reset() {
  if (shared_ != nullptr) munmap(shared_, shared_bytes_);
  shared_ = nullptr;
  for (int* fd : {&parent_fd_, &child_fd_, &memfd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

void JudgedChannel::CloseChildEnd() {
  if (child_fd_ >= 0) close(child_fd_);
  child_fd_ = -1;
}

Status JudgedChannel::ResizeShared(std::uint64_t bytes) {
  if (shared_ != nullptr) munmap(shared_, shared_bytes_);
  shared_ = nullptr;
  shared_bytes_ = 0;
  // Truncate to zero first so no byte of a previous case survives into the next one.
  if (ftruncate(memfd_, 0) != 0 || ftruncate(memfd_, static_cast<off_t>(bytes)) != 0) {
    return MakeError(ErrorCode::kResourceExhausted, "cannot size shared memory to " + std::to_string(bytes) + " bytes: " +
                                                        std::strerror(errno));
  }
  if (bytes == 0) return Ok();
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, memfd_, 0);
  if (p == MAP_FAILED) return MakeError(ErrorCode::kResourceExhausted, std::string("mmap: ") + std::strerror(errno));
  shared_ = static_cast<unsigned char*>(p);
  shared_bytes_ = bytes;
  return Ok();
}

Status JudgedChannel::SendRaw(const void* data, std::size_t size) {
  for (;;) {
    ssize_t n = ::send(parent_fd_, data, size, MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(size)) return Ok();
    if (n < 0 && errno == EINTR) continue;
    return MakeError(ErrorCode::kIo, "the judged process is gone (send failed)");
  }
}

Status JudgedChannel::ReceiveRaw(void* out, std::size_t size, wire::Type type, int timeout_ms, int spin_ms) {
  // One byte more than the largest message, so an oversized message shows up as a wrong size.
  alignas(8) unsigned char buf[sizeof(wire::Setup) + 1];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const auto spin_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::min(spin_ms, timeout_ms));
  for (bool spinning = spin_ms > 0;;) {
    if (spinning) {
      const ssize_t n = ::recv(parent_fd_, buf, sizeof buf, MSG_DONTWAIT | MSG_PEEK);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (std::chrono::steady_clock::now() < spin_until) continue;
        spinning = false;
        continue;
      }
      spinning = false;  // something (or EOF) is there: read it the usual way
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return MakeError(ErrorCode::kUnavailable, "the judged process did not answer in time");
    pollfd pfd{parent_fd_, POLLIN, 0};
    int r = poll(&pfd, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;
    ssize_t n = ::recv(parent_fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      peer_closed_ = true;
      return MakeError(ErrorCode::kIo, "the judged process closed the channel (it exited or crashed)");
    }
    wire::Header h;
    if (static_cast<std::size_t>(n) < sizeof h) return MakeError(ErrorCode::kFailedPrecondition, "malformed message: too short");
    std::memcpy(&h, buf, sizeof h);
    if (h.magic != wire::kMagic || h.version != wire::kVersion || h.size != static_cast<std::uint32_t>(n)) {
      return MakeError(ErrorCode::kFailedPrecondition, "malformed message from the judged process");
    }
    if (h.type == wire::Type::kFatal && static_cast<std::size_t>(n) == sizeof(wire::Fatal)) {
      wire::Fatal f;
      std::memcpy(&f, buf, sizeof f);
      return MakeError(ErrorCode::kIo, "the harness gave up: " + std::string(f.message, strnlen(f.message, sizeof f.message)));
    }
    if (h.type != type || static_cast<std::size_t>(n) != size) {
      return MakeError(ErrorCode::kFailedPrecondition, "unexpected message from the judged process (type " +
                                                           std::to_string(static_cast<std::uint32_t>(h.type)) + ")");
    }
    std::memcpy(out, buf, size);
    return Ok();
  }
}

}  // namespace kjudge::runner
