// JudgedChannel: the supervisor's end of the conversation with the judged process — a
// SOCK_SEQPACKET socket pair, the other end of which the judged process inherits as
// wire::kControlFd. Buffers travel as SharedRegions attached to messages (wire.h). Everything the
// judged side sends back is validated here (magic, version, type, exact size) and a late answer is
// an error, never a wait without end.
//
// Thread safety: one supervisor thread uses a channel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/harness/wire.h"

namespace kjudge::runner {

/// Memory shared with the judged process: a memfd sealed at its size (the judged side can neither
/// shrink it, which would make the supervisor's reads fault, nor grow it), zeroed, mapped here.
class SharedRegion {
 public:
  static Result<SharedRegion> Create(std::uint64_t bytes);
  SharedRegion() = default;
  SharedRegion(SharedRegion&& other) noexcept;
  SharedRegion& operator=(SharedRegion&& other) noexcept;
  ~SharedRegion();

  unsigned char* data() const { return data_; }
  std::uint64_t bytes() const { return bytes_; }
  int fd() const { return fd_; }

 private:
  void Reset();
  int fd_ = -1;
  unsigned char* data_ = nullptr;
  std::uint64_t bytes_ = 0;
};

class JudgedChannel {
 public:
  static Result<JudgedChannel> Create();
  JudgedChannel(JudgedChannel&& other) noexcept;
  JudgedChannel& operator=(JudgedChannel&& other) noexcept;
  ~JudgedChannel();

  /// The descriptors the judged process must inherit, as (fd here, number it must have there).
  int child_control_fd() const { return child_fd_; }
  /// Closes our copy of the child's socket end once the child has it, so its exit is seen as EOF.
  void CloseChildEnd();

  /// True once a receive saw the judged side close its end (it exited).
  bool peer_closed() const { return peer_closed_; }

  template <typename T>
  Status Send(const T& message) {
    return SendRaw(&message, sizeof message, nullptr, 0);
  }
  /// Sends `message` with the region's descriptor attached (none for an empty region).
  template <typename T>
  Status SendWith(const T& message, const SharedRegion& region) {
    const int fd = region.bytes() > 0 ? region.fd() : -1;
    return SendRaw(&message, sizeof message, fd >= 0 ? &fd : nullptr, fd >= 0 ? 1 : 0);
  }
  /// Sends `message` with descriptors attached (at most wire::kMaxBuffers), which stay ours.
  template <typename T>
  Status SendWithFds(const T& message, const std::vector<int>& fds) {
    return SendRaw(&message, sizeof message, fds.data(), fds.size());
  }

  /// Receives exactly a T within `timeout_ms`. A Fatal message from the judged side, a message of
  /// another type or size, EOF (the process died) and the deadline are errors. With `spin_ms` the
  /// first milliseconds are spent polling without sleeping: the answer that ends a timed interval
  /// is then seen at once, not when a sleeping thread is next scheduled.
  template <typename T>
  Result<T> Receive(int timeout_ms, int spin_ms = 0) {
    T out{};
    KJ_RETURN_IF_ERROR(ReceiveRaw(&out, sizeof out, harness::wire::TypeOf<T>(), timeout_ms, spin_ms));
    return out;
  }

 private:
  JudgedChannel() = default;
  Status SendRaw(const void* data, std::size_t size, const int* fds, std::size_t fd_count);
  Status ReceiveRaw(void* out, std::size_t size, harness::wire::Type type, int timeout_ms, int spin_ms);
  void Reset();

  int parent_fd_ = -1;
  int child_fd_ = -1;
  bool peer_closed_ = false;
};

}  // namespace kjudge::runner
