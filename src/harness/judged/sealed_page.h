// Pages of the judged process that hold what the harness decided before the submission was
// loaded (the control socket's identity, the CUPTI functions it times through). The submission
// runs in this process and can write any writable memory, so such values live in an object that
// is page-aligned and page-sized, filled once, then made read-only and sealed (mseal, Linux 6.10+:
// no mprotect back). Code reaches the object at its fixed address, never through a pointer
// kept in writable memory.
#pragma once

#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>

#ifndef SYS_mseal
#define SYS_mseal 462  // x86_64 and aarch64 alike (Linux 6.10)
#endif

namespace kjudge::harness::judged {

constexpr std::size_t kSealedPageBytes = 4096;

/// Makes [p, p + bytes) read-only, then seals it where the kernel can (without mseal the page
/// is only read-only, like the code: docs/security.md). False when it cannot even be made
/// read-only. `p` must be page-aligned (an alignas(kSealedPageBytes) object).
inline bool SealPage(void* p, std::size_t bytes) {
  if (mprotect(p, bytes, PROT_READ) != 0) return false;
  (void)syscall(SYS_mseal, p, bytes, 0);
  return true;
}

}  // namespace kjudge::harness::judged
