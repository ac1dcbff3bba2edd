// The seccomp filter every sandboxed command runs under. It allows everything a compiler or a
// judged program needs and denies, with EPERM, the calls that reach outside the sandbox or into
// another process: debugging other processes (ptrace, process_vm_*), new namespaces and mounts,
// kernel modules and kexec, bpf and perf, the keyring, userfaultfd, file handles, io_uring, raw
// clock and swap control, installing further seccomp filters, re-enabling dumpability, and every
// socket family but AF_UNIX. clone3 fails with ENOSYS so the C library falls back to clone, whose
// flags a filter can see. System calls of a foreign ABI (i386 `int 0x80`, x32) kill the process.
//
// The filter is built with libseccomp and exported as a classic BPF program; the sandbox's init
// installs it (with no_new_privs) just before it executes the command, so bwrap and the init
// itself are not filtered.
//
// Thread safety: BuildSeccompFilter is thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::sandbox {

/// The BPF program (an array of struct sock_filter) for the native architecture. Without
/// `allow_new_processes`, fork, vfork and every clone that does not make a thread fail with EPERM:
/// a judged program needs threads but no second process (a child could trace its parent, poke
/// its code, or run GPU work that the parent's timer never sees).
Result<std::string> BuildSeccompFilter(bool allow_new_processes = true);

/// Names of the system calls denied outright (argument-dependent rules — clone flags, socket
/// families, prctl options, personality — are listed in docs/sandbox.md).
const std::vector<std::string_view>& DeniedSyscalls();

}  // namespace kjudge::sandbox
