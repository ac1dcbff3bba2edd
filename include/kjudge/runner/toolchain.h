// Toolchain: how to turn sources into a judged binary for one (language, target) pair: g++ for the
// host cpu backend, nvcc for CUDA (sm_90a, sm_100a, ...), hipcc for HIP (gfx942, gfx950, ...).
// It only produces command lines; running them (in the sandbox) and caching the objects is
// CompileCache's job. Also builds problems' reference libraries (always host g++).
//
// Thread safety: immutable after construction; safe to share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/problem/spec.h"

namespace kjudge::runner {

using problem::Language;
using problem::LanguageName;

/// Language of a submission file by extension: .cpp/.cc/.cxx -> cpp, .cu -> cuda, .hip -> hip.
Result<Language> LanguageOfFile(std::string_view file_name);
/// The file extension compilers expect for a language (".cpp", ".cu", ".hip").
std::string_view SourceExtension(Language language);

/// Where the compilers live; defaults are the Debian packages and /usr/local/cuda.
struct CompilerPaths {
  std::string cxx = "/usr/bin/g++";
  std::string nvcc = "/usr/local/cuda/bin/nvcc";
  std::string hipcc = "/usr/bin/hipcc";
};

class Toolchain {
 public:
  /// `target` is the catalogue's toolchain target: "host" for cpp, "sm_90a" etc. for cuda,
  /// "gfx942" etc. for hip. Fails when the compiler is missing or the target does not fit the language.
  static Result<Toolchain> Create(Language language, std::string target, CompilerPaths paths = {});

  Language language() const { return language_; }
  const std::string& target() const { return target_; }
  /// The compiler binary used for this language.
  const std::string& compiler() const { return compiler_; }

  /// Everything that changes the objects it produces (compiler, version, flags, target): part of
  /// every compile-cache key. Runs `compiler --version` once, at Create.
  const std::string& identity() const { return identity_; }

  /// argv compiling one translation unit `source` into `object`.
  std::vector<std::string> CompileCommand(const std::string& source, const std::string& object,
                                          const std::vector<std::string>& include_dirs) const;
  /// argv linking the harness's `objects` into the executable `output` (full RELRO).
  std::vector<std::string> LinkCommand(const std::vector<std::string>& objects, const std::string& output) const;
  /// argv linking the glue and the submission into the shared library `output` the harness loads,
  /// with the libraries submissions may use (cuBLAS/cuBLASLt for CUDA); undefined symbols fail.
  std::vector<std::string> SharedLinkCommand(const std::vector<std::string>& objects, const std::string& output) const;

  /// argv building a reference library (shared object) from `sources` with the host compiler.
  static std::vector<std::string> ReferenceLibraryCommand(const CompilerPaths& paths,
                                                          const std::vector<std::string>& sources,
                                                          const std::vector<std::string>& include_dirs,
                                                          const std::string& output);

 private:
  std::vector<std::string> LinkArguments(const std::vector<std::string>& objects, const std::string& output, bool shared) const;
  Language language_ = Language::kCpp;
  std::string target_;
  std::string compiler_;
  std::string identity_;
};

}  // namespace kjudge::runner
