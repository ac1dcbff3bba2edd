#include "kjudge/problem/bundle.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "kjudge/core/sha256.h"
#include "kjudge/problem/spec_parser.h"

namespace kjudge::problem {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kHashDomain = "kjudge-problem-bundle-v1\n";

/// True when `path` (canonical) is `dir` (canonical) or inside it.
bool IsInside(const fs::path& dir, const fs::path& path) {
  auto d = dir.begin();
  auto p = path.begin();
  for (; d != dir.end(); ++d, ++p) {
    if (p == path.end() || *d != *p) return false;
  }
  return true;
}

/// Reads a file of at most `limit` bytes; the error says why not.
Result<std::string> ReadSmallFile(const fs::path& path, std::uintmax_t limit) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot read: " + ec.message());
  if (size > limit) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "is larger than " + std::to_string(limit) + " bytes (" + std::to_string(size) + ")");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, "cannot open for reading");
  std::string content;
  content.resize(static_cast<std::size_t>(size));
  in.read(content.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) return MakeError(ErrorCode::kIo, "changed while being read");
  return content;
}

/// Checks that `rel` names a regular file inside `dir` (after following symlinks) and reads it.
Result<std::string> ReadProblemFile(const fs::path& dir, const fs::path& canonical_dir, const std::string& rel) {
  const fs::path full = dir / rel;
  std::error_code ec;
  const auto status = fs::status(full, ec);
  if (ec || !fs::exists(status)) {
    if (fs::is_symlink(fs::symlink_status(full, ec))) return MakeError(ErrorCode::kNotFound, "is a dangling symlink");
    return MakeError(ErrorCode::kNotFound, "does not exist");
  }
  const fs::path canonical = fs::canonical(full, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot resolve: " + ec.message());
  if (!IsInside(canonical_dir, canonical)) {
    return MakeError(ErrorCode::kPermissionDenied, "resolves outside the problem directory (to " + canonical.string() + ")");
  }
  if (!fs::is_regular_file(status)) return MakeError(ErrorCode::kInvalidArgument, "is not a regular file");
  return ReadSmallFile(canonical, kMaxBundleFileBytes);
}

/// Every file the spec names, with where the spec names it (first mention).
std::vector<FileRef> NamedFiles(const ProblemSpec& spec) {
  std::vector<FileRef> refs;
  std::set<std::string> seen;
  auto add = [&](const FileRef& r) {
    if (!r.path.empty() && seen.insert(r.path).second) refs.push_back(r);
  };
  add(spec.files.reference);
  for (const auto& [lang, r] : spec.files.glue) add(r);
  for (const auto& [lang, r] : spec.files.templates) add(r);
  for (const auto& r : spec.files.extra) add(r);
  return refs;
}

Error Fail(const std::vector<Diagnostic>& found, std::vector<Diagnostic>* diagnostics) {
  if (diagnostics != nullptr) diagnostics->insert(diagnostics->end(), found.begin(), found.end());
  return MakeError(ErrorCode::kInvalidArgument, JoinDiagnostics(found));
}

}  // namespace

std::string BundleContentHash(const std::map<std::string, std::string>& files) {
  Sha256 h;
  h.Update(kHashDomain);
  for (const auto& [path, content] : files) {  // std::map: sorted by path
    const std::string path_frame = std::to_string(path.size()) + ":" + path + "\n";
    const std::string content_frame = std::to_string(content.size()) + ":";
    h.Update(path_frame);
    h.Update(content_frame);
    h.Update(content);
    h.Update("\n");
  }
  return h.FinishHex();
}

Result<ProblemBundle> LoadProblemBundle(const fs::path& dir, std::vector<Diagnostic>* diagnostics) {
  const std::string spec_display = (dir / kSpecFileName).string();
  std::vector<Diagnostic> found;
  std::error_code ec;
  const fs::path canonical_dir = fs::canonical(dir, ec);
  if (ec || !fs::is_directory(canonical_dir)) {
    found.push_back({dir.string(), {}, "not a problem directory: " + (ec ? ec.message() : "not a directory")});
    return Fail(found, diagnostics);
  }
  auto yaml = ReadProblemFile(dir, canonical_dir, std::string(kSpecFileName));
  if (!yaml.ok()) {
    found.push_back({spec_display, {}, yaml.error().message});
    return Fail(found, diagnostics);
  }
  if (yaml->size() > kMaxSpecBytes) {
    found.push_back({spec_display, {}, "is larger than " + std::to_string(kMaxSpecBytes) + " bytes"});
    return Fail(found, diagnostics);
  }
  auto spec = ParseProblemSpec(*yaml, spec_display, &found);
  if (!spec.ok()) return Fail(found, diagnostics);

  ProblemBundle bundle;
  bundle.dir = dir;
  bundle.files[std::string(kSpecFileName)] = std::move(yaml).value();
  std::uintmax_t total = bundle.files.begin()->second.size();
  for (const FileRef& ref : NamedFiles(*spec)) {
    auto content = ReadProblemFile(dir, canonical_dir, ref.path);
    if (!content.ok()) {
      found.push_back({spec_display, ref.location, "'" + ref.path + "' " + content.error().message});
      continue;
    }
    total += content->size();
    bundle.files[ref.path] = std::move(content).value();
  }
  if (total > kMaxBundleBytes) {
    found.push_back({spec_display, {}, "the problem's files add up to more than " + std::to_string(kMaxBundleBytes) +
                                           " bytes"});
  }
  if (!found.empty()) return Fail(found, diagnostics);
  bundle.spec = std::move(spec).value();
  bundle.content_hash = BundleContentHash(bundle.files);
  return bundle;
}

Result<ProblemBundle> BundleFromFiles(std::map<std::string, std::string> files, const std::string& origin) {
  const std::string spec_display = origin + "/" + std::string(kSpecFileName);
  auto yaml = files.find(std::string(kSpecFileName));
  if (yaml == files.end()) {
    return MakeError(ErrorCode::kInvalidArgument, origin + ": the bundle has no " + std::string(kSpecFileName));
  }
  std::vector<Diagnostic> found;
  auto spec = ParseProblemSpec(yaml->second, spec_display, &found);
  if (!spec.ok()) return Fail(found, nullptr);
  std::set<std::string> named = {std::string(kSpecFileName)};
  std::uintmax_t total = 0;
  for (const FileRef& ref : NamedFiles(*spec)) {
    named.insert(ref.path);
    auto it = files.find(ref.path);
    if (it == files.end()) {
      found.push_back({spec_display, ref.location, "'" + ref.path + "' is missing from the bundle"});
    } else if (it->second.size() > kMaxBundleFileBytes) {
      found.push_back({spec_display, ref.location, "'" + ref.path + "' is larger than " +
                                                       std::to_string(kMaxBundleFileBytes) + " bytes"});
    }
  }
  for (const auto& [path, content] : files) {
    total += content.size();
    if (named.count(path) == 0) found.push_back({origin, {}, "'" + path + "' is in the bundle but not in the spec"});
  }
  if (total > kMaxBundleBytes) {
    found.push_back({origin, {}, "the bundle is larger than " + std::to_string(kMaxBundleBytes) + " bytes"});
  }
  if (!found.empty()) return Fail(found, nullptr);
  ProblemBundle bundle;
  bundle.spec = std::move(spec).value();
  bundle.content_hash = BundleContentHash(files);
  bundle.files = std::move(files);
  return bundle;
}

std::vector<fs::path> FindProblemDirs(const fs::path& root, std::vector<Diagnostic>* diagnostics) {
  std::vector<fs::path> dirs;
  std::error_code ec;
  if (fs::exists(root / kSpecFileName, ec)) return {root};
  if (!fs::is_directory(root, ec)) {
    if (diagnostics != nullptr) diagnostics->push_back({root.string(), {}, "not a directory"});
    return dirs;
  }
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  const fs::recursive_directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const std::string name = entry.path().filename().string();
    std::error_code entry_ec;
    // Symlinked directories are not followed (the iterator's default): a tree cannot loop or
    // pull in problems from elsewhere.
    if (!entry.is_directory(entry_ec) || entry.is_symlink(entry_ec)) continue;
    if (!name.empty() && name[0] == '.') {
      it.disable_recursion_pending();
      continue;
    }
    if (fs::exists(entry.path() / kSpecFileName, entry_ec)) {
      dirs.push_back(entry.path());
      it.disable_recursion_pending();  // solutions/ and friends are not problems
      continue;
    }
    if (it.depth() + 1 >= kMaxTreeDepth) it.disable_recursion_pending();
  }
  if (ec && diagnostics != nullptr) diagnostics->push_back({root.string(), {}, "cannot list: " + ec.message()});
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

Result<std::vector<ProblemBundle>> LoadProblemTree(const fs::path& root, std::vector<Diagnostic>* diagnostics) {
  std::vector<Diagnostic> found;
  std::vector<ProblemBundle> bundles;
  std::map<std::string, std::string> names;  // problem name -> spec file that has it
  for (const fs::path& dir : FindProblemDirs(root, &found)) {
    auto bundle = LoadProblemBundle(dir, &found);
    if (!bundle.ok()) continue;
    const std::string spec_display = (dir / kSpecFileName).string();
    auto [it, fresh] = names.emplace(bundle->spec.name, spec_display);
    if (!fresh) {
      found.push_back({spec_display, bundle->spec.name_location,
                       "duplicate problem name '" + bundle->spec.name + "' (also in " + it->second + ")"});
      continue;
    }
    bundles.push_back(std::move(bundle).value());
  }
  if (!found.empty()) return Fail(found, diagnostics);
  return bundles;
}

}  // namespace kjudge::problem
