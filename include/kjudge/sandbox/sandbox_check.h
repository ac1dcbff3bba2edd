// Start-up check of the sandbox: is bubblewrap there, new enough, and able to start a command
// with every namespace, the seccomp filter and the uid switch this host needs? The runner calls
// it once at start-up and refuses to judge without a working sandbox (unless told
// --unsafe-no-sandbox), so a broken host says "sandbox unavailable: ..." instead of failing every
// job obscurely.
//
// Thread safety: thread-safe; each call runs a fresh check (tens of milliseconds).
#pragma once

#include <filesystem>
#include <string>

#include "kjudge/core/result.h"

namespace kjudge::sandbox {

/// What this host's sandbox can do, for the runner's start-up log.
struct SandboxSupport {
  std::string bwrap_version;  ///< "0.8.0"
  std::string cgroup;         ///< "v2 memory+pids under <dir>", "v1 memory under <dir> pids under <dir>", or "none (<why>)"
  bool runner_is_root = false;  ///< commands then run as host uid 65534 (policy.host_uid)
  std::string Describe() const;
};

/// Checks bwrap's version and runs `/bin/sh -c 'exit 7'` in a HostProgramPolicy sandbox (with a
/// cgroup when the host allows one), expecting exit status 7. kFailedPrecondition with a message
/// that starts "sandbox unavailable: " and says what to fix.
Result<SandboxSupport> CheckSandbox(const std::filesystem::path& bwrap = "/usr/bin/bwrap");

/// CheckSandbox without the details.
Status SandboxAvailable(const std::filesystem::path& bwrap = "/usr/bin/bwrap");

}  // namespace kjudge::sandbox
