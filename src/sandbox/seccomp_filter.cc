#include "sandbox/seccomp_filter.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstring>
#include <memory>

namespace kjudge::sandbox {
namespace {

// Namespace-creating clone flags: each one is a way out of (or around) the sandbox's namespaces.
constexpr unsigned long kNamespaceCloneFlags[] = {
    CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP,
#ifdef CLONE_NEWTIME
    CLONE_NEWTIME,
#endif
};

struct ContextDeleter {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};
using Context = std::unique_ptr<void, ContextDeleter>;

Error SeccompError(const char* what, int rc) {
  return MakeError(ErrorCode::kInternal, std::string("seccomp filter: ") + what + ": " + std::strerror(-rc));
}

// Adds `action` for `name` under `args` (all must hold). A name this libseccomp or architecture
// does not know is skipped: the call then does not exist here to be made.
Status AddRule(scmp_filter_ctx ctx, std::uint32_t action, const char* name, std::initializer_list<scmp_arg_cmp> args = {}) {
  const int nr = seccomp_syscall_resolve_name(name);
  if (nr == __NR_SCMP_ERROR) return Ok();
  const int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(args.size()), args.begin());
  if (rc != 0) return SeccompError(name, rc);
  return Ok();
}

}  // namespace

const std::vector<std::string_view>& DeniedSyscalls() {
  static const std::vector<std::string_view> kDenied = {
      // Reading or writing other processes (and so the trusted init, or siblings).
      "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "process_madvise",
      // The filesystem view and namespaces bwrap set up.
      "mount", "umount", "umount2", "pivot_root", "chroot", "unshare", "setns", "fsopen", "fsconfig", "fsmount",
      "fspick", "move_mount", "open_tree", "mount_setattr",
      // The kernel itself.
      "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "bpf", "perf_event_open",
      "lookup_dcookie", "iopl", "ioperm", "syslog", "uselib", "ustat", "sysfs", "_sysctl", "nfsservctl", "vhangup",
      // Kernel keyring, page-fault handling, handles that bypass path lookup.
      "keyctl", "add_key", "request_key", "userfaultfd", "open_by_handle_at", "name_to_handle_at",
      // Machine-wide state.
      "reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "settimeofday", "clock_settime", "stime",
      // io_uring runs system calls this filter never sees.
      "io_uring_setup", "io_uring_enter", "io_uring_register",
      // A second filter could trap the harness's own system calls (a known result-forging trick).
      "seccomp",
  };
  return kDenied;
}

Result<std::string> BuildSeccompFilter(bool allow_new_processes) {
  Context ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return MakeError(ErrorCode::kInternal, "seccomp filter: seccomp_init failed");
  scmp_filter_ctx c = ctx.get();
  // A foreign ABI (int 0x80 from a 64-bit process, x32) would dodge every rule below.
  if (int rc = seccomp_attr_set(c, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS); rc != 0) {
    return SeccompError("bad-arch action", rc);
  }
  const std::uint32_t kDeny = SCMP_ACT_ERRNO(EPERM);
  for (std::string_view name : DeniedSyscalls()) {
    KJ_RETURN_IF_ERROR(AddRule(c, kDeny, std::string(name).c_str()));
  }
  // clone3 passes its flags in memory the filter cannot read; ENOSYS makes glibc use clone.
  KJ_RETURN_IF_ERROR(AddRule(c, SCMP_ACT_ERRNO(ENOSYS), "clone3"));
  for (unsigned long flag : kNamespaceCloneFlags) {
    KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "clone", {SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag)}));
  }
  if (!allow_new_processes) {
    KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "fork"));
    KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "vfork"));
    KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "clone", {SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0)}));
  }
  // Only local sockets; the network namespace is empty anyway, this also closes netlink and
  // packet sockets to the kernel.
  KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "socket", {SCMP_A0(SCMP_CMP_NE, AF_UNIX)}));
  KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "socketpair", {SCMP_A0(SCMP_CMP_NE, AF_UNIX)}));
  // Dumpability may be dropped (the harness does) but never raised again: a non-dumpable process's
  // /proc/self/mem belongs to root and cannot be opened by the command.
  KJ_RETURN_IF_ERROR(
      AddRule(c, kDeny, "prctl", {SCMP_A0(SCMP_CMP_EQ, PR_SET_DUMPABLE), SCMP_A1(SCMP_CMP_NE, 0)}));
  KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "prctl", {SCMP_A0(SCMP_CMP_EQ, PR_SET_SECCOMP)}));
  KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "prctl", {SCMP_A0(SCMP_CMP_EQ, PR_SET_PTRACER)}));
  // personality() may only be queried: changing it can turn off address-space randomisation or
  // make mappings executable (READ_IMPLIES_EXEC).
  KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "personality", {SCMP_A0(SCMP_CMP_NE, 0xffffffffu)}));
  // Faking terminal input.
  KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "ioctl", {SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCSTI)}));
  KJ_RETURN_IF_ERROR(AddRule(c, kDeny, "ioctl", {SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, TIOCLINUX)}));

  const int fd = memfd_create("kjudge-seccomp-export", MFD_CLOEXEC);
  if (fd < 0) return MakeError(ErrorCode::kIo, std::string("seccomp filter: memfd_create: ") + std::strerror(errno));
  std::string bpf;
  int rc = seccomp_export_bpf(c, fd);
  if (rc == 0) {
    const off_t size = lseek(fd, 0, SEEK_END);
    bpf.resize(static_cast<std::size_t>(size < 0 ? 0 : size));
    if (size <= 0 || pread(fd, bpf.data(), bpf.size(), 0) != size) rc = -EIO;
  }
  close(fd);
  if (rc != 0) return SeccompError("export", rc);
  return bpf;
}

}  // namespace kjudge::sandbox
