// The wire format between the supervisor (trusted, outside the sandbox) and the judged process
// (harness + submission, inside it). Plain fixed-size structs over a SOCK_SEQPACKET socket, so
// every message arrives whole or not at all and can be validated by size before it is read.
//
// This header is compiled into the judged binary by g++, nvcc or hipcc at judge time, so it uses
// only the C++17 standard library. The judged side may be hostile: the supervisor treats every
// message as untrusted input (magic, version, type, exact size, ids in sequence, values in range).
//
// Conversation:
//   judged     -> supervisor  Hello            (once, after start-up and the timer's calibration)
//   supervisor -> judged      Call case 0      (calibration: the harness's own empty call, timed
//   ...                                         like any other, BEFORE the submission is loaded)
//   supervisor -> judged      Setup            (a case: buffer layout, parameters; on GPU backends
//                                               the case memory comes with it; the first Setup
//                                               loads the submission's library)
//   judged     -> supervisor  SetupDone
//   supervisor -> judged      Call             (run the submission once)
//   judged     -> supervisor  Ready            (inputs on the device, caches flushed, all idle)
//   supervisor -> judged      Go               (the supervisor's clock starts; on the host backend
//                                               the call's memory comes with it)
//   judged     -> supervisor  CallDone         (the supervisor's clock stops on GPU backends)
//   judged     -> supervisor  Downloaded       (the time the harness measured; outputs copied
//                                               back into the case memory; the supervisor's clock
//                                               stops here on the host backend)
//   ... more Calls, more Setups ...
//   supervisor -> judged      Shutdown
//
// Memory travels as sealed memfds (no shrinking, no growing: the supervisor keeps its own mapping
// and must never fault on it) attached to a message with SCM_RIGHTS; the judged process inherits
// none. On GPU backends the case memory comes with Setup: the supervisor writes the inputs and
// poisons the outputs in it before each Call, the harness uploads them before Ready and copies the
// outputs back before Downloaded. On the host backend the buffers ARE the memory the submission
// computes in, so every call gets a fresh one with Go: until the supervisor's clock runs, nothing
// in the judged process (a submission that replaced the harness included) can see that call's
// inputs, and the clock runs until Downloaded, so work finished after CallDone is on it too.
// Where the supervisor can allocate on the judged GPU itself (runner/device_buffers.h) and the
// harness offered to map such memory (Hello::device_buffers), there is no case memory at all:
// every call's buffers are fresh device allocations the supervisor filled (inputs) and poisoned
// (outputs), attached to Go as one descriptor each, and the supervisor copies the outputs out of
// its own allocations right at CallDone, timing that copy: a GPU still busy with the judged
// process's work makes it wait. Calibration calls get such buffers too, so mapping them is part of
// the calibrated overhead.
// Between Go and the stop of the clock runs only the timed call, so the supervisor's own clock
// bounds what the harness may report (supervisor.h).
#pragma once

#include <cstdint>

namespace kjudge::harness::wire {

constexpr std::uint32_t kMagic = 0x4744'4a4bu;  // "KJDG"
constexpr std::uint32_t kVersion = 5;

/// The one descriptor the judged process inherits: a SOCK_SEQPACKET socket to the supervisor.
constexpr int kControlFd = 4;

constexpr int kMaxBuffers = 16;
constexpr int kMaxParams = 32;
constexpr int kParamNameBytes = 32;
constexpr int kBackendNameBytes = 16;
constexpr int kMessageBytes = 512;

enum class Type : std::uint32_t {
  kHello = 1, kSetup = 2, kSetupDone = 3, kCall = 4, kCallDone = 5, kShutdown = 6, kFatal = 7,
  kReady = 8, kGo = 9, kDownloaded = 10,
};

/// The case id of calibration calls: no buffers, the harness's own empty call (a kernel launch on
/// GPU backends), never the submission's.
constexpr std::uint32_t kCalibrationCase = 0;

struct Header {
  std::uint32_t magic = kMagic;
  std::uint32_t version = kVersion;
  Type type{};
  std::uint32_t size = 0;  ///< sizeof the whole message
};

struct Hello {
  Header header;
  char backend[kBackendNameBytes] = {};  ///< "cpu", "cuda", "hip"
  char device[64] = {};                  ///< what the backend runs on, for logs
  /// The median time the backend measures for a call that does nothing (flush, synchronization
  /// and event overhead included): a floor under every reported time. 0 when it could not be
  /// measured. Informational: it comes from the judged side.
  double timer_floor_ns = 0;
  std::uint64_t flush_bytes = 0;  ///< size of the buffer read to flush the cache before a timed call (GPU backends)
  char timer[16] = {};            ///< how calls are timed: "cupti", "events", "steady_clock"
  /// 1: the backend can map device memory the supervisor allocated and hands over with Go (CUDA
  /// virtual memory exported as descriptors, runner/device_buffers.h).
  std::uint32_t device_buffers = 0;
  std::uint32_t reserved = 0;
};

struct BufferDesc {
  std::uint64_t offset = 0;  ///< into the case's (or the call's) memory, aligned to 256 bytes
  std::uint64_t bytes = 0;
  std::uint32_t dtype = 0;   ///< problem_api::DType
  std::uint32_t is_output = 0;
};

struct Param {
  char name[kParamNameBytes] = {};
  std::int64_t value = 0;
};

struct Setup {
  Header header;
  std::uint32_t case_id = 0;
  std::uint32_t buffer_count = 0;
  std::uint32_t param_count = 0;
  /// 1: every call's buffers are device memory that comes with its Go (no case memory, nothing to
  /// upload or download); only where Hello offered device_buffers.
  std::uint32_t device_buffers = 0;
  std::uint64_t shared_bytes = 0;  ///< size of the memory (the case's, each call's) holding the buffers
  BufferDesc buffers[kMaxBuffers];
  Param params[kMaxParams];
};

struct SetupDone {
  Header header;
  std::uint32_t case_id = 0;
  std::int32_t status = 0;  ///< 0 ok, else the backend could not allocate or map
  char message[kMessageBytes] = {};
};

struct Call {
  Header header;
  std::uint32_t case_id = 0;
  std::uint32_t call_id = 0;    ///< strictly increasing across the run
  std::uint32_t flush_l2 = 0;   ///< flush caches before timing (GPU backends)
  std::uint32_t reserved = 0;
};

/// Between Call and Go: the inputs are on the device and the caches flushed (status 0), or why not.
struct Ready {
  Header header;
  std::uint32_t case_id = 0;
  std::uint32_t call_id = 0;
  std::int32_t status = 0;
  std::uint32_t reserved = 0;
  char message[kMessageBytes] = {};
};

struct Go {
  Header header;
  std::uint32_t call_id = 0;
  /// Descriptors attached, one per buffer in buffer order, where Setup said device_buffers; the
  /// host backend's call memory is one descriptor and says 0 here.
  std::uint32_t buffer_count = 0;
  std::uint64_t mapped_bytes[kMaxBuffers] = {};  ///< each device buffer's mapped size (granularity)
};

struct Downloaded {
  Header header;
  std::uint32_t call_id = 0;
  std::int32_t status = 0;
  /// The harness's final measurement of the call. Worked out after CallDone (reading CUPTI's
  /// records takes tens of microseconds), so that work stays out of the supervisor's interval.
  double elapsed_ns = 0;
  char message[kMessageBytes] = {};
};

struct CallDone {
  Header header;
  std::uint32_t case_id = 0;
  std::uint32_t call_id = 0;
  std::int32_t status = 0;        ///< 0 ok, else the backend reported an error (message says)
  std::uint32_t reserved = 0;
  double elapsed_ns = 0;          ///< provisional (the final one comes with Downloaded)
  char message[kMessageBytes] = {};
};

struct Shutdown {
  Header header;
};

/// The judged side gave up (e.g. shared memory unusable); the supervisor fails the run with it.
struct Fatal {
  Header header;
  char message[kMessageBytes] = {};
};

template <typename T>
constexpr Type TypeOf();
template <> constexpr Type TypeOf<Hello>() { return Type::kHello; }
template <> constexpr Type TypeOf<Setup>() { return Type::kSetup; }
template <> constexpr Type TypeOf<SetupDone>() { return Type::kSetupDone; }
template <> constexpr Type TypeOf<Call>() { return Type::kCall; }
template <> constexpr Type TypeOf<CallDone>() { return Type::kCallDone; }
template <> constexpr Type TypeOf<Shutdown>() { return Type::kShutdown; }
template <> constexpr Type TypeOf<Fatal>() { return Type::kFatal; }
template <> constexpr Type TypeOf<Ready>() { return Type::kReady; }
template <> constexpr Type TypeOf<Go>() { return Type::kGo; }
template <> constexpr Type TypeOf<Downloaded>() { return Type::kDownloaded; }

/// A message of type T with its header filled in.
template <typename T>
T Make() {
  T m{};
  m.header.magic = kMagic;
  m.header.version = kVersion;
  m.header.type = TypeOf<T>();
  m.header.size = sizeof(T);
  return m;
}

/// Alignment of every buffer in the shared memory (enough for vector loads and GPU copies).
constexpr std::uint64_t kBufferAlignment = 256;

}  // namespace kjudge::harness::wire
