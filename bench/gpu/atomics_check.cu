// bench/gpu/atomics_check: why contended global atomics read slower on the supervisor's device
// buffers (docs/gpu-check.md: histogram's naive solution, 9.6 ms on device buffers against 7.0 ms
// on the harness's own cudaMalloc memory). The same kernel, histogram/solutions/correct/naive.cu's
// (one global atomicAdd per byte), on the same bytes, with the counters (and then the bytes) in:
//   malloc:          cudaMalloc memory, no other CUDA process on the GPU;
//   vmm_local:       cuMemCreate + cuMemMap in this process (the supervisor's allocation flags);
//   malloc_peer_ctx: cudaMalloc memory while a second process holds a CUDA context on the GPU
//                    (the supervisor keeps one, idle during the call);
//   imported:        cuMemCreate'd by that second process, exported as a file descriptor,
//                    imported and mapped here: the judged process's device buffers;
//   imported_data:   the bytes imported too (the counters in cudaMalloc memory);
//   imported_both:   both imported;
//   *_peer_gone:     the same after the second process released its context and exited;
//   offset_N:        cudaMalloc memory, the counters N bytes into one 64 MiB allocation.
// Prints "label median_us min_us" lines. GPU machine only; needs libcuda (-lcuda).
#include <cuda.h>
#include <cuda_runtime.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

__global__ void HistogramKernel(const std::uint8_t* data, std::uint32_t* counts, std::int64_t n) {
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
    atomicAdd(&counts[data[i]], 1u);
  }
}

void Must(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "atomics_check: %s failed\n", what);
    std::exit(2);
  }
}
void Rt(cudaError_t e, const char* what) { Must(e == cudaSuccess, what); }
void Drv(CUresult e, const char* what) {
  if (e != CUDA_SUCCESS) {
    const char* s = nullptr;
    cuGetErrorString(e, &s);
    std::fprintf(stderr, "atomics_check: %s: %s\n", what, s ? s : "?");
    std::exit(2);
  }
}

CUmemAllocationProp Prop(int device) {
  CUmemAllocationProp prop{};
  prop.type = CU_MEM_ALLOCATION_TYPE_PINNED;
  prop.requestedHandleTypes = CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR;
  prop.location = {CU_MEM_LOCATION_TYPE_DEVICE, device};
  return prop;
}

std::size_t Rounded(std::size_t bytes, int device) {
  CUmemAllocationProp prop = Prop(device);
  std::size_t g = 0;
  Drv(cuMemGetAllocationGranularity(&g, &prop, CU_MEM_ALLOC_GRANULARITY_RECOMMENDED), "granularity");
  return (bytes + g - 1) / g * g;
}

/// Maps `handle` (size bytes) read-write into this process.
void* MapHandle(CUmemGenericAllocationHandle handle, std::size_t size, int device) {
  CUdeviceptr at = 0;
  Drv(cuMemAddressReserve(&at, size, 0, 0, 0), "reserve");
  Drv(cuMemMap(at, size, 0, handle, 0), "map");
  CUmemAccessDesc access{};
  access.location = {CU_MEM_LOCATION_TYPE_DEVICE, device};
  access.flags = CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
  Drv(cuMemSetAccess(at, size, &access, 1), "set access");
  return reinterpret_cast<void*>(at);
}

void* VmmLocal(std::size_t bytes, int device) {
  const std::size_t size = Rounded(bytes, device);
  CUmemAllocationProp prop = Prop(device);
  CUmemGenericAllocationHandle handle = 0;
  Drv(cuMemCreate(&handle, size, &prop, 0), "create");
  return MapHandle(handle, size, device);
}

void SendFd(int sock, int fd) {
  char byte = 'f';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  Must(sendmsg(sock, &msg, 0) == 1, "sendmsg");
}

int ReceiveFd(int sock) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  Must(recvmsg(sock, &msg, 0) == 1, "recvmsg");
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  Must(c != nullptr && c->cmsg_type == SCM_RIGHTS, "fd message");
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

/// The second process: waits for a byte, then makes a context, creates two allocations (`sizes`),
/// sends their descriptors, and keeps the context until the next byte.
[[noreturn]] void Peer(int sock, std::size_t counts_bytes, std::size_t data_bytes) {
  char byte = 0;
  Must(read(sock, &byte, 1) == 1, "peer wait");
  Drv(cuInit(0), "peer init");
  CUdevice dev = 0;
  Drv(cuDeviceGet(&dev, 0), "peer device");
  CUcontext ctx = nullptr;
  Drv(cuDevicePrimaryCtxRetain(&ctx, dev), "peer context");
  Drv(cuCtxSetCurrent(ctx), "peer current");
  for (std::size_t bytes : {counts_bytes, data_bytes}) {
    const std::size_t size = Rounded(bytes, dev);
    CUmemAllocationProp prop = Prop(dev);
    CUmemGenericAllocationHandle handle = 0;
    Drv(cuMemCreate(&handle, size, &prop, 0), "peer create");
    int fd = -1;
    Drv(cuMemExportToShareableHandle(&fd, handle, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0), "peer export");
    SendFd(sock, fd);
  }
  Must(read(sock, &byte, 1) == 1, "peer wait");
  Drv(cuDevicePrimaryCtxRelease(dev), "peer release");
  std::_Exit(0);
}

void* Import(int fd, std::size_t bytes, int device) {
  CUmemGenericAllocationHandle handle = 0;
  Drv(cuMemImportFromShareableHandle(&handle, reinterpret_cast<void*>(static_cast<std::uintptr_t>(fd)),
                                     CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR),
      "import");
  void* p = MapHandle(handle, Rounded(bytes, device), device);
  Drv(cuMemRelease(handle), "release");
  close(fd);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 33554432;  // histogram's third benchmark
  const int contention = argc > 2 ? std::atoi(argv[2]) : 90;
  const int reps = 7;
  const std::size_t counts_bytes = 256 * sizeof(std::uint32_t);
  int sv[2];
  Must(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
  const pid_t peer = fork();
  Must(peer >= 0, "fork");
  if (peer == 0) {
    close(sv[0]);
    Peer(sv[1], counts_bytes, static_cast<std::size_t>(n));
  }
  close(sv[1]);

  std::vector<std::uint8_t> host(static_cast<std::size_t>(n));
  std::mt19937_64 rng(403);
  for (auto& b : host) b = (static_cast<int>(rng() % 100) < contention) ? 7 : static_cast<std::uint8_t>(rng());
  Rt(cudaSetDevice(0), "set device");
  Rt(cudaFree(nullptr), "context");
  Drv(cuInit(0), "init");
  std::uint8_t* data = nullptr;
  std::uint32_t* counts = nullptr;
  Rt(cudaMalloc(&data, host.size()), "malloc data");
  Rt(cudaMalloc(&counts, counts_bytes), "malloc counts");
  cudaStream_t stream;
  Rt(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "stream");
  cudaEvent_t start, stop;
  Rt(cudaEventCreate(&start), "event");
  Rt(cudaEventCreate(&stop), "event");
  const int threads = 256;
  const std::int64_t blocks = std::min<std::int64_t>((n + threads - 1) / threads, 65536);

  auto measure = [&](const char* label, std::uint8_t* d, std::uint32_t* c) {
    Rt(cudaMemcpy(d, host.data(), host.size(), cudaMemcpyHostToDevice), "upload");
    std::vector<double> us;
    for (int r = 0; r < reps; ++r) {
      Rt(cudaMemsetAsync(c, 0, counts_bytes, stream), "memset");
      Rt(cudaEventRecord(start, stream), "record");
      HistogramKernel<<<static_cast<unsigned>(blocks), threads, 0, stream>>>(d, c, n);
      Rt(cudaEventRecord(stop, stream), "record");
      Rt(cudaStreamSynchronize(stream), "kernel");
      float ms = 0;
      Rt(cudaEventElapsedTime(&ms, start, stop), "elapsed");
      us.push_back(ms * 1e3);
    }
    std::sort(us.begin(), us.end());
    std::printf("%s %.1f %.1f\n", label, us[us.size() / 2], us.front());
    std::fflush(stdout);
  };

  measure("malloc", data, counts);
  auto* local_counts = static_cast<std::uint32_t*>(VmmLocal(counts_bytes, 0));
  measure("vmm_local", data, local_counts);
  Must(write(sv[0], "g", 1) == 1, "start peer");
  auto* imported_counts = static_cast<std::uint32_t*>(Import(ReceiveFd(sv[0]), counts_bytes, 0));
  auto* imported_data = static_cast<std::uint8_t*>(Import(ReceiveFd(sv[0]), host.size(), 0));
  measure("malloc_peer_ctx", data, counts);
  measure("vmm_local_peer_ctx", data, local_counts);
  measure("imported", data, imported_counts);
  measure("imported_data", imported_data, counts);
  measure("imported_both", imported_data, imported_counts);
  Must(write(sv[0], "q", 1) == 1, "stop peer");
  int status = 0;
  waitpid(peer, &status, 0);
  measure("malloc_peer_gone", data, counts);
  measure("imported_peer_gone", data, imported_counts);
  measure("imported_both_peer_gone", imported_data, imported_counts);
  // Placement: the same counters at different offsets of one allocation. Which L2 slices the
  // 256 counters' cache lines hash to depends on their physical address, and contended atomics
  // are served by those slices.
  char* arena = nullptr;
  constexpr std::size_t kArena = std::size_t{64} << 20;
  Rt(cudaMalloc(&arena, kArena), "malloc arena");
  for (std::size_t offset : {std::size_t{0}, std::size_t{1} << 12, std::size_t{1} << 16, std::size_t{1} << 20, std::size_t{2} << 20,
                             std::size_t{4} << 20, std::size_t{8} << 20, std::size_t{16} << 20, (std::size_t{16} << 20) + 4096,
                             std::size_t{32} << 20, std::size_t{48} << 20}) {
    const std::string label = "offset_" + std::to_string(offset);
    measure(label.c_str(), data, reinterpret_cast<std::uint32_t*>(arena + offset));
  }
  return 0;
}
