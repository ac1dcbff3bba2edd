#include "kjudge/problem/validate.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "kjudge/problem/bundle.h"
#include "kjudge/problem/solution_header.h"

namespace kjudge::problem {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kModes[] = {"test", "benchmark", "leaderboard", "profile"};
/// A header is one line; reading this much of a solution is enough to find it.
constexpr std::size_t kHeaderReadBytes = 4096;

std::optional<Language> LanguageOfSolution(const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".cpp" || ext == ".cc" || ext == ".cxx") return Language::kCpp;
  if (ext == ".cu") return Language::kCuda;
  if (ext == ".hip") return Language::kHip;
  return std::nullopt;
}

void CheckSolution(const ProblemSpec& spec, const fs::path& dir, const fs::path& file,
                   std::vector<Diagnostic>* found) {
  const std::string display = file.string();
  const auto lang = LanguageOfSolution(file);
  if (!lang) return;  // READMEs, inputs: not solutions
  if (!spec.HasLanguage(*lang)) {
    found->push_back({display, {}, "a " + std::string(LanguageName(*lang)) + " solution, but " +
                                       std::string(LanguageName(*lang)) + " is not in the problem's languages"});
  }
  std::ifstream in(file, std::ios::binary);
  std::string head(kHeaderReadBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  auto expectation = ParseSolutionHeader(head);
  if (!expectation.ok()) {
    found->push_back({display, {1, 1}, expectation.error().message});
    return;
  }
  // solutions/<category>/...: the category must agree with the verdicts.
  const fs::path rel = fs::relative(file, dir / "solutions");
  const std::string category = rel.begin() != rel.end() ? rel.begin()->string() : "";
  bool all_pass = true;
  for (std::string_view mode : kModes) all_pass = all_pass && expectation->VerdictFor(mode) == "passed";
  if (category == "correct" && !all_pass) {
    found->push_back({display, {1, 1}, "a solution under solutions/correct must be expected to pass in every mode"});
  } else if ((category == "wrong" || category == "cheat") && all_pass) {
    found->push_back({display, {1, 1}, "a solution under solutions/" + category + " must be expected to fail in "
                                                                                 "some mode"});
  } else if (category != "correct" && category != "wrong" && category != "cheat") {
    found->push_back({display, {}, "solutions go under solutions/correct, solutions/wrong or solutions/cheat"});
  }
}

void CheckSolutions(const ProblemBundle& bundle, std::vector<Diagnostic>* found) {
  const fs::path solutions = bundle.dir / "solutions";
  std::error_code ec;
  if (!fs::is_directory(solutions, ec)) return;
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(solutions, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) CheckSolution(bundle.spec, bundle.dir, f, found);
}

}  // namespace

ValidationReport ValidateTree(const std::vector<fs::path>& paths) {
  ValidationReport report;
  std::vector<Diagnostic> found;
  std::vector<fs::path> dirs;
  std::set<fs::path> seen;  // canonical paths: a problem named twice on the command line is checked once
  for (const fs::path& path : paths) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      found.push_back({path.string(), {}, "no such file or directory"});
      continue;
    }
    std::vector<fs::path> here;
    if (fs::is_regular_file(path, ec)) {
      if (path.filename() != kSpecFileName) {
        found.push_back({path.string(), {}, "not a problem: expected a directory or a " + std::string(kSpecFileName)});
        continue;
      }
      here.push_back(path.parent_path().empty() ? fs::path(".") : path.parent_path());
    } else {
      here = FindProblemDirs(path, &found);
      if (here.empty()) found.push_back({path.string(), {}, "no " + std::string(kSpecFileName) + " found here"});
    }
    for (auto& dir : here) {
      if (seen.insert(fs::weakly_canonical(dir, ec)).second) dirs.push_back(dir);
    }
  }
  std::map<std::string, std::string> names;
  for (const fs::path& dir : dirs) {
    ++report.problems_checked;
    auto bundle = LoadProblemBundle(dir, &found);
    if (!bundle.ok()) continue;
    const std::string spec_display = (dir / kSpecFileName).string();
    auto [it, fresh] = names.emplace(bundle->spec.name, spec_display);
    if (!fresh) {
      found.push_back({spec_display, bundle->spec.name_location,
                       "duplicate problem name '" + bundle->spec.name + "' (also in " + it->second + ")"});
    }
    CheckSolutions(*bundle, &found);
  }
  for (const auto& d : found) report.diagnostics.push_back(d.ToString());
  return report;
}

}  // namespace kjudge::problem
