#include "kjudge/runner/toolchain.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <memory>

#include "kjudge/core/sha256.h"

namespace kjudge::runner {

namespace {

// Flags every judged translation unit is built with. -O3 is what competitors tune for; the host
// backend does not use -march=native so that a cached object stays valid on any runner of a pool.
// Everything is position-independent with hidden symbols: the submission and the glue become a
// shared library the harness loads after its trusted start-up, and that library exports only
// kj_call (docs/security.md).
const std::vector<std::string> kCxxFlags = {"-std=c++20", "-O3", "-fno-plt", "-pthread", "-fPIC", "-fvisibility=hidden"};
const std::vector<std::string> kNvccFlags = {"-std=c++17", "-O3", "-lineinfo", "--expt-relaxed-constexpr",
                                             "-Xcompiler=-fPIC,-fvisibility=hidden"};
const std::vector<std::string> kHipFlags = {"-std=c++17", "-O3", "-fPIC", "-fvisibility=hidden"};
// Every relocation resolved at load time and the tables made read-only (full RELRO), so the
// harness's and the libraries' function pointers cannot be rewritten later.
const std::vector<std::string> kHostLinkerFlags = {"-Wl,-z,now", "-Wl,-z,relro"};
const std::vector<std::string> kNvccLinkerFlags = {"-Xlinker=-z,now", "-Xlinker=-z,relro"};

std::string FirstLineOf(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return "";
  std::array<char, 512> buf{};
  std::string out;
  if (fgets(buf.data(), buf.size(), pipe.get()) != nullptr) out = buf.data();
  // nvcc prints its release on the last line; read everything and keep it all for the identity.
  while (fgets(buf.data(), buf.size(), pipe.get()) != nullptr) out += buf.data();
  return out;
}

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

}  // namespace

Result<Language> LanguageOfFile(std::string_view file_name) {
  const auto dot = file_name.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : file_name.substr(dot);
  if (ext == ".cpp" || ext == ".cc" || ext == ".cxx") return Language::kCpp;
  if (ext == ".cu") return Language::kCuda;
  if (ext == ".hip") return Language::kHip;
  return MakeError(ErrorCode::kInvalidArgument,
                   "cannot tell the language of '" + std::string(file_name) + "' (expected .cpp, .cu or .hip)");
}

std::string_view SourceExtension(Language language) {
  switch (language) {
    case Language::kCpp: return ".cpp";
    case Language::kCuda: return ".cu";
    case Language::kHip: return ".hip";
  }
  return ".cpp";
}

Result<Toolchain> Toolchain::Create(Language language, std::string target, CompilerPaths paths) {
  Toolchain t;
  t.language_ = language;
  t.target_ = std::move(target);
  switch (language) {
    case Language::kCpp:
      if (t.target_ != "host") return MakeError(ErrorCode::kInvalidArgument, "cpp builds only for the host target");
      t.compiler_ = paths.cxx;
      break;
    case Language::kCuda:
      if (t.target_.rfind("sm_", 0) != 0) return MakeError(ErrorCode::kInvalidArgument, "CUDA target must be sm_XX, got '" + t.target_ + "'");
      t.compiler_ = paths.nvcc;
      break;
    case Language::kHip:
      if (t.target_.rfind("gfx", 0) != 0) return MakeError(ErrorCode::kInvalidArgument, "HIP target must be gfxNNN, got '" + t.target_ + "'");
      t.compiler_ = paths.hipcc;
      break;
  }
  if (!IsExecutable(t.compiler_)) {
    return MakeError(ErrorCode::kFailedPrecondition, std::string(LanguageName(language)) + " compiler not found at " + t.compiler_);
  }
  std::string id = t.compiler_ + "\n" + FirstLineOf("'" + t.compiler_ + "' --version 2>/dev/null") + "\n" + t.target_;
  for (const auto& f : t.CompileCommand("S", "O", {})) id += "\n" + f;
  for (const auto& f : t.LinkCommand({"O"}, "E")) id += "\n" + f;
  for (const auto& f : t.SharedLinkCommand({"O"}, "L")) id += "\n" + f;
  t.identity_ = Sha256Hex(id);
  return t;
}

std::vector<std::string> Toolchain::CompileCommand(const std::string& source, const std::string& object,
                                                   const std::vector<std::string>& include_dirs) const {
  std::vector<std::string> argv = {compiler_};
  switch (language_) {
    case Language::kCpp:
      argv.insert(argv.end(), kCxxFlags.begin(), kCxxFlags.end());
      break;
    case Language::kCuda: {
      argv.insert(argv.end(), kNvccFlags.begin(), kNvccFlags.end());
      const std::string arch = target_.substr(3);  // "90a"
      argv.push_back("-gencode=arch=compute_" + arch + ",code=sm_" + arch);
      argv.push_back("-x");
      argv.push_back("cu");
      break;
    }
    case Language::kHip:
      argv.insert(argv.end(), kHipFlags.begin(), kHipFlags.end());
      argv.push_back("--offload-arch=" + target_);
      argv.push_back("-x");
      argv.push_back("hip");
      break;
  }
  for (const auto& dir : include_dirs) argv.push_back("-I" + dir);
  argv.insert(argv.end(), {"-c", source, "-o", object});
  return argv;
}

std::vector<std::string> Toolchain::LinkArguments(const std::vector<std::string>& objects, const std::string& output,
                                                 bool shared) const {
  std::vector<std::string> argv = {compiler_};
  if (shared) argv.push_back("-shared");
  if (language_ == Language::kCuda) {
    const std::string arch = target_.substr(3);
    argv.push_back("-gencode=arch=compute_" + arch + ",code=sm_" + arch);
    // One CUDA runtime in the process, shared by the harness and the submission's library.
    argv.insert(argv.end(), {"-cudart", "shared"});
  }
  if (language_ == Language::kHip) argv.push_back("--offload-arch=" + target_);
  argv.insert(argv.end(), objects.begin(), objects.end());
  argv.insert(argv.end(), {"-o", output});
  const auto& linker = language_ == Language::kCuda ? kNvccLinkerFlags : kHostLinkerFlags;
  argv.insert(argv.end(), linker.begin(), linker.end());
  // A library with a missing entry point must fail here, not when the harness loads it.
  if (shared) argv.push_back(language_ == Language::kCuda ? "-Xlinker=--no-undefined" : "-Wl,--no-undefined");
  switch (language_) {
    case Language::kCpp: argv.push_back("-pthread"); break;
    case Language::kCuda:
      if (shared) argv.insert(argv.end(), {"-lcublas", "-lcublasLt"});
      break;
    case Language::kHip: break;
  }
  return argv;
}

std::vector<std::string> Toolchain::LinkCommand(const std::vector<std::string>& objects, const std::string& output) const {
  return LinkArguments(objects, output, false);
}

std::vector<std::string> Toolchain::SharedLinkCommand(const std::vector<std::string>& objects, const std::string& output) const {
  return LinkArguments(objects, output, true);
}

std::vector<std::string> Toolchain::ReferenceLibraryCommand(const CompilerPaths& paths, const std::vector<std::string>& sources,
                                                            const std::vector<std::string>& include_dirs,
                                                            const std::string& output) {
  std::vector<std::string> argv = {paths.cxx, "-std=c++20", "-O2", "-fPIC", "-shared", "-pthread"};
  for (const auto& dir : include_dirs) argv.push_back("-I" + dir);
  argv.insert(argv.end(), sources.begin(), sources.end());
  argv.insert(argv.end(), {"-o", output});
  return argv;
}

}  // namespace kjudge::runner
