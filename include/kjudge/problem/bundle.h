// ProblemBundle: a problem as judging needs it — its validated spec and the content of every file
// judging reads (problem.yaml, the reference, the glue and templates of each language, extra
// headers), with a content hash that is the problem version's identity: it changes when any of
// those files changes and only then. Sample solutions and docs are not part of a bundle.
//
// Loading is strict: each file the spec names must exist, be a regular file no larger than
// kMaxBundleFileBytes and resolve (symlinks followed) inside the problem directory. Errors are
// Diagnostics pointing at the line in problem.yaml that names the file.
//
// Thread safety: functions here only read the filesystem; call them from any thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "kjudge/core/result.h"
#include "kjudge/problem/diagnostic.h"
#include "kjudge/problem/spec.h"

namespace kjudge::problem {

/// The spec's file name inside a problem directory.
inline constexpr std::string_view kSpecFileName = "problem.yaml";
/// Largest single file of a bundle: sources and headers, not data.
constexpr std::uintmax_t kMaxBundleFileBytes = 4 * 1024 * 1024;
/// Largest bundle (all files together).
constexpr std::uintmax_t kMaxBundleBytes = 16 * 1024 * 1024;
/// How deep LoadProblemTree looks for problem directories below its root.
constexpr int kMaxTreeDepth = 8;

struct ProblemBundle {
  ProblemSpec spec;
  std::filesystem::path dir;                 ///< where it was loaded from (empty for BundleFromFiles)
  std::map<std::string, std::string> files;  ///< path relative to dir -> content; includes problem.yaml
  std::string content_hash;                  ///< BundleContentHash(files)
};

/// SHA-256 (hex) over the files sorted by path, each framed as its length-prefixed path and
/// length-prefixed content, so no two different file sets hash alike.
std::string BundleContentHash(const std::map<std::string, std::string>& files);

/// Loads the problem in `dir` (which holds problem.yaml). Diagnostics name files by `dir` as given.
/// On failure returns kInvalidArgument listing every diagnostic (also appended to `*diagnostics`).
Result<ProblemBundle> LoadProblemBundle(const std::filesystem::path& dir,
                                        std::vector<Diagnostic>* diagnostics = nullptr);

/// Rebuilds a bundle from stored files (as kept by the store or sent to a runner): parses
/// problem.yaml from `files`, checks every file it names is there, recomputes the hash. Extra
/// entries are an error (a bundle is exactly what the spec names). `origin` names it in messages.
Result<ProblemBundle> BundleFromFiles(std::map<std::string, std::string> files, const std::string& origin);

/// Problem directories at or below `root`: `root` itself if it holds problem.yaml, else every
/// directory below it (at most kMaxTreeDepth deep, hidden ones and symlinked ones skipped) that
/// holds one, without looking inside a problem directory. Sorted.
std::vector<std::filesystem::path> FindProblemDirs(const std::filesystem::path& root,
                                                   std::vector<Diagnostic>* diagnostics = nullptr);

/// Loads every problem below `root` (FindProblemDirs). Two problems with the same name are an
/// error. Fails if any problem fails; `*diagnostics` then holds every diagnostic of the tree.
Result<std::vector<ProblemBundle>> LoadProblemTree(const std::filesystem::path& root,
                                                   std::vector<Diagnostic>* diagnostics = nullptr);

}  // namespace kjudge::problem
