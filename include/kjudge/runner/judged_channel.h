// JudgedChannel: the supervisor's end of the conversation with the judged process — a
// SOCK_SEQPACKET socket pair and a memfd holding the case's buffers. The judged process gets the
// other socket end as fd 3.. (see harness/wire.h) when it is started; everything it sends back is
// validated here (magic, version, type, exact size) and a late answer is an error, never a wait
// without end.
//
// Thread safety: one supervisor thread uses a channel.
#pragma once

#include <cstdint>
#include <string>

#include "kjudge/core/result.h"
#include "kjudge/harness/wire.h"

namespace kjudge::runner {

class JudgedChannel {
 public:
  static Result<JudgedChannel> Create();
  JudgedChannel(JudgedChannel&& other) noexcept;
  JudgedChannel& operator=(JudgedChannel&& other) noexcept;
  ~JudgedChannel();

  /// The descriptors the judged process must inherit, as (fd here, number it must have there).
  int child_control_fd() const { return child_fd_; }
  int shared_memory_fd() const { return memfd_; }
  /// Closes our copy of the child's socket end once the child has it, so its exit is seen as EOF.
  void CloseChildEnd();

  /// Resizes the shared memory (zeroed) and maps it here. Old mappings are dropped.
  Status ResizeShared(std::uint64_t bytes);
  unsigned char* shared() const { return shared_; }
  /// True once a receive saw the judged side close its end (it exited).
  bool peer_closed() const { return peer_closed_; }
  std::uint64_t shared_bytes() const { return shared_bytes_; }

  template <typename T>
  Status Send(const T& message) {
    return SendRaw(&message, sizeof message);
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
  Status SendRaw(const void* data, std::size_t size);
  Status ReceiveRaw(void* out, std::size_t size, harness::wire::Type type, int timeout_ms, int spin_ms);
  void Reset();

  int parent_fd_ = -1;
  int child_fd_ = -1;
  int memfd_ = -1;
  unsigned char* shared_ = nullptr;
  std::uint64_t shared_bytes_ = 0;
  bool peer_closed_ = false;
};

}  // namespace kjudge::runner
