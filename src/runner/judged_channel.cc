#include "kjudge/runner/judged_channel.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

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
  return ch;
}

Result<SharedRegion> SharedRegion::Create(std::uint64_t bytes) {
  SharedRegion r;
  r.fd_ = memfd_create("kjudge-buffers", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (r.fd_ < 0) return MakeError(ErrorCode::kIo, std::string("memfd_create: ") + std::strerror(errno));
  if (ftruncate(r.fd_, static_cast<off_t>(bytes)) != 0) {
    return MakeError(ErrorCode::kResourceExhausted, "cannot size shared memory to " + std::to_string(bytes) + " bytes: " +
                                                        std::strerror(errno));
  }
  if (fcntl(r.fd_, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
    return MakeError(ErrorCode::kIo, std::string("cannot seal shared memory: ") + std::strerror(errno));
  }
  if (bytes == 0) return r;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd_, 0);
  if (p == MAP_FAILED) return MakeError(ErrorCode::kResourceExhausted, std::string("mmap: ") + std::strerror(errno));
  r.data_ = static_cast<unsigned char*>(p);
  r.bytes_ = bytes;
  return r;
}

SharedRegion::SharedRegion(SharedRegion&& other) noexcept { *this = std::move(other); }

SharedRegion& SharedRegion::operator=(SharedRegion&& other) noexcept {
  if (this != &other) {
    Reset();
    fd_ = std::exchange(other.fd_, -1);
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

SharedRegion::~SharedRegion() { Reset(); }

void SharedRegion::Reset() {
  if (data_ != nullptr) munmap(data_, bytes_);
  if (fd_ >= 0) close(fd_);
  data_ = nullptr;
  bytes_ = 0;
  fd_ = -1;
}

JudgedChannel::JudgedChannel(JudgedChannel&& other) noexcept { *this = std::move(other); }

JudgedChannel& JudgedChannel::operator=(JudgedChannel&& other) noexcept {
  if (this != &other) {
    Reset();
    parent_fd_ = std::exchange(other.parent_fd_, -1);
    child_fd_ = std::exchange(other.child_fd_, -1);
    peer_closed_ = std::exchange(other.peer_closed_, false);
  }
  return *this;
}

JudgedChannel::~JudgedChannel() { Reset(); }

void JudgedChannel::Reset() {
  for (int* fd : {&parent_fd_, &child_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

void JudgedChannel::CloseChildEnd() {
  if (child_fd_ >= 0) close(child_fd_);
  child_fd_ = -1;
}

Status JudgedChannel::SendRaw(const void* data, std::size_t size, const int* fds, std::size_t fd_count) {
  if (fd_count > static_cast<std::size_t>(wire::kMaxBuffers)) return MakeError(ErrorCode::kInternal, "too many descriptors for one message");
  iovec iov{const_cast<void*>(data), size};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * wire::kMaxBuffers)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd_count > 0) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fd_count);
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fd_count);
    std::memcpy(CMSG_DATA(c), fds, sizeof(int) * fd_count);
  }
  for (;;) {
    ssize_t n = ::sendmsg(parent_fd_, &msg, MSG_NOSIGNAL);
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
