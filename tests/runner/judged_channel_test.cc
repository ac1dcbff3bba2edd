// The memory the supervisor shares with the judged process, and how it travels (wire.h).
#include "kjudge/runner/judged_channel.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace kjudge::runner {
namespace {

namespace wire = harness::wire;

// A judged process that truncated the memory under the supervisor's mapping would make its next
// read fault (SIGBUS), taking the supervisor down: the region is sealed at its size.
TEST(SharedRegionTest, TheOtherSideCanWriteButNeverResizeIt) {
  auto region = SharedRegion::Create(1 << 20);
  ASSERT_TRUE(region.ok()) << region.error().message;
  ASSERT_EQ(region->bytes(), 1u << 20);
  const int fd = dup(region->fd());
  ASSERT_GE(fd, 0);
  errno = 0;
  EXPECT_NE(ftruncate(fd, 0), 0);
  EXPECT_EQ(errno, EPERM);
  EXPECT_NE(ftruncate(fd, 4 << 20), 0);
  EXPECT_NE(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0) << "the seals themselves are sealed";
  void* p = mmap(nullptr, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ASSERT_NE(p, MAP_FAILED);
  static_cast<unsigned char*>(p)[12345] = 0x5a;
  EXPECT_EQ(region->data()[12345], 0x5a) << "both mappings are the same memory";
  EXPECT_EQ(region->data()[0], 0) << "a new region starts zeroed";
  munmap(p, 1 << 20);
  struct stat st {};
  ASSERT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.st_size, 1 << 20);
  close(fd);
}

TEST(SharedRegionTest, AnEmptyRegionMapsNothing) {
  auto region = SharedRegion::Create(0);
  ASSERT_TRUE(region.ok()) << region.error().message;
  EXPECT_EQ(region->data(), nullptr);
  EXPECT_EQ(region->bytes(), 0u);
}

/// Receives one message on the judged end; returns how many descriptors came with it (closed).
int ReceiveAttached(int fd, wire::Go* go) {
  iovec iov{go, sizeof *go};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * wire::kMaxBuffers)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (recvmsg(fd, &msg, 0) != static_cast<ssize_t>(sizeof *go)) return -1;
  int count = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    const int n = static_cast<int>((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
    for (int i = 0; i < n; ++i) {
      int received;
      std::memcpy(&received, CMSG_DATA(c) + i * sizeof(int), sizeof received);
      close(received);
      ++count;
    }
  }
  return count;
}

TEST(JudgedChannelTest, MemoryTravelsWithItsMessageAndOnlyThen) {
  auto channel = JudgedChannel::Create();
  ASSERT_TRUE(channel.ok()) << channel.error().message;
  const int judged_end = channel->child_control_fd();
  auto region = SharedRegion::Create(4096);
  ASSERT_TRUE(region.ok());

  auto go = wire::Make<wire::Go>();
  ASSERT_TRUE(channel->Send(go).ok());
  wire::Go got{};
  EXPECT_EQ(ReceiveAttached(judged_end, &got), 0);

  ASSERT_TRUE(channel->SendWith(go, *region).ok());
  EXPECT_EQ(ReceiveAttached(judged_end, &got), 1);

  std::vector<int> fds;
  for (int i = 0; i < wire::kMaxBuffers; ++i) fds.push_back(region->fd());
  ASSERT_TRUE(channel->SendWithFds(go, fds).ok());
  EXPECT_EQ(ReceiveAttached(judged_end, &got), wire::kMaxBuffers);

  fds.push_back(region->fd());
  EXPECT_FALSE(channel->SendWithFds(go, fds).ok()) << "no message carries more than one descriptor per buffer";
}

}  // namespace
}  // namespace kjudge::runner
