#include "kjudge/runner/compile_cache.h"

#include <unistd.h>

#include <atomic>
#include <fstream>

#include "kjudge/core/random.h"
#include "kjudge/core/sha256.h"
#include "kjudge/harness/judged_sources.h"
#include "kjudge/runner/harness_tree.h"
#include "kjudge/runner/library_symbols.h"

namespace kjudge::runner {

namespace fs = std::filesystem;

namespace {

// Identity of the embedded harness sources: a new kjudge with a changed harness never reuses old objects.
const std::string& HarnessHash() {
  static const std::string hash = [] {
    Sha256 h;
    for (const auto& f : harness::HarnessSources()) {
      h.Update(f.path);
      h.Update(std::string_view("\0", 1));
      h.Update(std::to_string(f.content.size()));
      h.Update(f.content);
    }
    return h.FinishHex();
  }();
  return hash;
}

std::string BackendSource(Language language) {
  switch (language) {
    case Language::kCpp: return "src/harness/judged/backend_cpu.cc";
    case Language::kCuda: return "src/harness/judged/backend_cuda.cu";
    case Language::kHip: return "src/harness/judged/backend_hip.hip";
  }
  return "";
}

Status AtomicRename(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::rename(from, to, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot move " + from.string() + " to " + to.string() + ": " + ec.message());
  return Ok();
}

}  // namespace

std::string TrimLog(const std::string& log, std::size_t limit) {
  if (log.size() <= limit) return log;
  return log.substr(0, limit) + "\n[... " + std::to_string(log.size() - limit) + " more bytes of compiler output cut]\n";
}

CompileCache::CompileCache(fs::path root, BuildCommandRunner run, CompilerPaths paths)
    : root_(std::move(root)), run_(std::move(run)), paths_(std::move(paths)) {}

Result<fs::path> CompileCache::HarnessInclude() {
  return MaterializeHarnessSources(root_ / "harness" / HarnessHash().substr(0, 16));
}

Result<fs::path> CompileCache::ReferenceLibrary(const ProblemFiles& problem) {
  const fs::path dir = root_ / "reference";
  const fs::path out = dir / (Sha256Hex(problem.content_hash + "\n" + HarnessHash() + "\n" + paths_.cxx).substr(0, 32) + ".so");
  if (fs::exists(out)) return out;
  KJ_ASSIGN_OR_RETURN(fs::path include, HarnessInclude());
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path tmp = dir / ("tmp-" + RandomHex(8) + ".so");
  const fs::path harness_root = include.parent_path();
  auto argv = Toolchain::ReferenceLibraryCommand(
      paths_, {(problem.dir / problem.reference).string(), (harness_root / "src/harness/reference/reference_exports.cc").string()},
      {include.string()}, tmp.string());
  KJ_ASSIGN_OR_RETURN(CommandOutput built, run_(argv, dir, {problem.dir, harness_root}));
  if (built.exit_code != 0) {
    fs::remove(tmp, ec);
    return MakeError(ErrorCode::kInternal, "the problem's reference does not compile:\n" + TrimLog(built.output));
  }
  KJ_RETURN_IF_ERROR(AtomicRename(tmp, out));
  return out;
}

Status CompileCache::BuildCached(const fs::path& dir, const std::vector<fs::path>& sources, const std::vector<std::string>& names,
                                 const Toolchain& toolchain, const std::vector<fs::path>& reads, const std::string& what,
                                 const std::string& linked_name) {
  if (fs::exists(dir / "complete")) return Ok();
  KJ_ASSIGN_OR_RETURN(fs::path include, HarnessInclude());
  const fs::path tmp = root_ / "objects" / ("tmp-" + RandomHex(8));
  std::error_code ec;
  fs::create_directories(tmp, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create " + tmp.string() + ": " + ec.message());
  auto failed = [&](const CommandOutput& out) {
    fs::remove_all(tmp, ec);
    return MakeError(ErrorCode::kInternal, what + " does not build with " + std::string(LanguageName(toolchain.language())) + ":\n" +
                                               TrimLog(out.output));
  };
  std::vector<std::string> objects;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto argv = toolchain.CompileCommand(sources[i].string(), (tmp / names[i]).string(), {include.string()});
    KJ_ASSIGN_OR_RETURN(CommandOutput built, run_(argv, tmp, reads));
    if (built.exit_code != 0) return failed(built);
    objects.push_back((tmp / names[i]).string());
  }
  if (!linked_name.empty()) {
    KJ_ASSIGN_OR_RETURN(CommandOutput linked, run_(toolchain.LinkCommand(objects, (tmp / linked_name).string()), tmp, reads));
    if (linked.exit_code != 0) return failed(linked);
  }
  std::ofstream(tmp / "complete") << toolchain.identity() << "\n";
  fs::create_directories(dir.parent_path(), ec);
  if (!fs::exists(dir / "complete")) {
    fs::remove_all(dir, ec);
    KJ_RETURN_IF_ERROR(AtomicRename(tmp, dir));
  } else {
    fs::remove_all(tmp, ec);
  }
  ++harness_builds_;
  return Ok();
}

Result<fs::path> CompileCache::HarnessExecutable(const Toolchain& toolchain) {
  const std::string key = Sha256Hex("harness\n" + HarnessHash() + "\n" + toolchain.identity()).substr(0, 32);
  const fs::path dir = root_ / "objects" / key;
  KJ_ASSIGN_OR_RETURN(fs::path include, HarnessInclude());
  const fs::path harness_root = include.parent_path();
  // The judged main and the cpu backend are plain C++; CUDA/HIP compile them with their own driver
  // so that one toolchain links the harness and the submission's library alike.
  KJ_RETURN_IF_ERROR(BuildCached(dir,
                                 {harness_root / "src/harness/judged/judged_main.cc", harness_root / BackendSource(toolchain.language())},
                                 {"judged_main.o", "backend.o"}, toolchain, {harness_root}, "the harness", "judged"));
  return dir / "judged";
}

Result<fs::path> CompileCache::GlueObject(const ProblemFiles& problem, const Toolchain& toolchain) {
  const std::string language(LanguageName(toolchain.language()));
  auto glue = problem.glue.find(language);
  if (glue == problem.glue.end()) {
    return MakeError(ErrorCode::kInvalidArgument, "this problem does not accept " + language + " submissions");
  }
  const std::string key = Sha256Hex(problem.content_hash + "\n" + HarnessHash() + "\n" + toolchain.identity()).substr(0, 32);
  const fs::path dir = root_ / "objects" / key;
  KJ_ASSIGN_OR_RETURN(fs::path include, HarnessInclude());
  KJ_RETURN_IF_ERROR(BuildCached(dir, {problem.dir / glue->second}, {"glue.o"}, toolchain, {problem.dir, include.parent_path()},
                                 "the problem's glue", ""));
  return dir / "glue.o";
}

Result<JudgedBuild> CompileCache::BuildJudged(const ProblemFiles& problem, const Toolchain& toolchain,
                                              const std::string& source, const fs::path& job_dir) {
  KJ_ASSIGN_OR_RETURN(fs::path glue, GlueObject(problem, toolchain));
  KJ_ASSIGN_OR_RETURN(fs::path harness, HarnessExecutable(toolchain));
  KJ_ASSIGN_OR_RETURN(fs::path include, HarnessInclude());
  std::error_code ec;
  fs::create_directories(job_dir, ec);
  const fs::path src = job_dir / (std::string("submission") + std::string(SourceExtension(toolchain.language())));
  {
    std::ofstream out(src, std::ios::binary | std::ios::trunc);
    out.write(source.data(), static_cast<std::streamsize>(source.size()));
    if (!out) return MakeError(ErrorCode::kIo, "cannot write " + src.string());
  }
  const fs::path obj = job_dir / "submission.o";
  // The submission sees only the harness headers while compiling (not the problem's reference or
  // glue), and only the cached glue object while linking.
  const std::vector<fs::path> compile_reads = {include.parent_path()};
  const std::vector<fs::path> link_reads = {glue.parent_path()};
  KJ_ASSIGN_OR_RETURN(CommandOutput compiled,
                      run_(toolchain.CompileCommand(src.string(), obj.string(), {include.string()}), job_dir, compile_reads));
  if (compiled.timed_out) return MakeError(ErrorCode::kInvalidArgument, "compilation took too long and was stopped");
  if (compiled.exit_code != 0) return MakeError(ErrorCode::kInvalidArgument, TrimLog(compiled.output));
  JudgedBuild build;
  build.binary = harness;
  build.library = job_dir / "submission.so";
  KJ_ASSIGN_OR_RETURN(CommandOutput linked,
                      run_(toolchain.SharedLinkCommand({glue.string(), obj.string()}, build.library.string()), job_dir, link_reads));
  if (linked.exit_code != 0) return MakeError(ErrorCode::kInvalidArgument, "link failed:\n" + TrimLog(linked.output));
  KJ_ASSIGN_OR_RETURN(std::vector<std::string> exported, ExportedSymbols(build.library));
  KJ_RETURN_IF_ERROR(CheckSubmissionExports(exported));
  build.log = TrimLog(compiled.output);
  return build;
}

}  // namespace kjudge::runner
