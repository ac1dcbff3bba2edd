// What the runner and the sandbox's init (sandbox_init.cc, pid 1 inside the sandbox) say to each
// other. The init is started by bwrap as
//
//   /.kjudge/init STATUS_FD SECCOMP_FD KEEP_FDS RLIMITS -- COMMAND [ARGS...]
//
//   STATUS_FD   where the init writes StatusRecords (a pipe to the runner)
//   SECCOMP_FD  a BPF program to install before executing COMMAND, or -1 for none
//   KEEP_FDS    comma-separated descriptors COMMAND inherits besides 0, 1, 2 ("" for none)
//   RLIMITS     comma-separated RESOURCE:SOFT:HARD (numbers; "inf" for unlimited)
//
// This header is shared by the init (which uses only the C library) and the runner.
#pragma once

#include <cstdint>

namespace kjudge::sandbox::init {

constexpr std::uint32_t kMagic = 0x4b4a4954u;  // "KJIT"

enum class RecordKind : std::uint32_t {
  kStarted = 1,  ///< the command was forked; pid = its pid inside the sandbox
  kExited = 2,   ///< the command ended; value = its wait status (exact signal, exact exit code)
  kFailed = 3,   ///< the init or the command's start failed; value = errno, stage = where
};

enum class Stage : std::uint32_t {
  kNone = 0,
  kArguments = 1,
  kReadSeccomp = 2,
  kFork = 3,
  kRlimit = 4,
  kSeccomp = 5,
  kExec = 6,
  kWait = 7,
};

/// One record; written with a single write(2), so records never interleave.
struct StatusRecord {
  std::uint32_t magic = kMagic;
  RecordKind kind = RecordKind::kStarted;
  std::int32_t value = 0;
  Stage stage = Stage::kNone;
};

}  // namespace kjudge::sandbox::init
