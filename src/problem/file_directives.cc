#include "kjudge/problem/file_directives.h"

#include <algorithm>
#include <cctype>

namespace kjudge::problem {

namespace {

constexpr std::string_view kModes[] = {"test", "benchmark", "leaderboard", "profile"};

enum class Family { kNone, kPopcorn, kKjudge };

Family FamilyOf(std::string_view marker) {
  if (marker == "#!POPCORN" || marker == "//!POPCORN") return Family::kPopcorn;
  if (marker == "#!KJUDGE" || marker == "//!KJUDGE") return Family::kKjudge;
  return Family::kNone;
}

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) words.emplace_back(line.substr(start, i - start));
  }
  return words;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// What one family of directives set; merged afterwards, KJUDGE over POPCORN.
struct FamilySettings {
  DirectiveValue problem;
  std::vector<std::string> gpus;
  int gpus_line = 0;
  DirectiveValue mode;
};

Error Bad(std::string_view origin, int line, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument, std::string(origin) + ":" + std::to_string(line) + ": " + why);
}

}  // namespace

Result<FileDirectives> ParseFileDirectives(std::string_view source, std::string_view origin) {
  FamilySettings popcorn, kjudge;
  int line_no = 0;
  while (!source.empty()) {
    const std::size_t nl = source.find('\n');
    const std::string_view line = source.substr(0, nl);
    source.remove_prefix(nl == std::string_view::npos ? source.size() : nl + 1);
    ++line_no;
    // As popcorn-cli: a directive starts the line (an indented one is an ordinary comment).
    if (line.empty() || (line.front() != '#' && line.front() != '/')) continue;
    const std::vector<std::string> words = Words(line);
    const Family family = FamilyOf(words.front());
    if (family == Family::kNone) continue;
    const std::string marker = words.front();
    if (words.size() < 2) {
      if (family == Family::kPopcorn) continue;
      return Bad(origin, line_no, "'" + marker + "' needs a key and a value (problem, gpu or mode)");
    }
    const std::string key = Lower(words[1]);
    const std::vector<std::string> values(words.begin() + 2, words.end());
    FamilySettings& into = family == Family::kPopcorn ? popcorn : kjudge;
    const bool is_problem = key == "leaderboard" || (family == Family::kKjudge && key == "problem");
    const bool is_gpu = key == "gpu" || key == "gpus";
    const bool is_mode = family == Family::kKjudge && key == "mode";
    if (!is_problem && !is_gpu && !is_mode) {
      if (family == Family::kPopcorn) continue;  // popcorn-cli may grow keys we do not use
      return Bad(origin, line_no, "unknown key '" + words[1] + "' in '" + marker + "' (problem, gpu or mode)");
    }
    if (family == Family::kPopcorn) {
      // popcorn-cli's reading: a gpu line replaces the list (an empty one clears it), a
      // leaderboard line takes its first value and ignores the rest, a bare one is skipped.
      if (is_gpu) {
        into.gpus = values;
        into.gpus_line = values.empty() ? 0 : line_no;
      } else if (!values.empty()) {
        into.problem = {values.front(), line_no};
      }
      continue;
    }
    if (values.empty()) return Bad(origin, line_no, "'" + marker + " " + words[1] + "' needs a value");
    if (is_gpu) {
      into.gpus = values;
      into.gpus_line = line_no;
      continue;
    }
    if (values.size() > 1) {
      return Bad(origin, line_no, "'" + marker + " " + words[1] + "' takes one value, got " + std::to_string(values.size()));
    }
    if (is_problem) {
      into.problem = {values.front(), line_no};
    } else {
      if (std::find(std::begin(kModes), std::end(kModes), values.front()) == std::end(kModes)) {
        return Bad(origin, line_no, "unknown mode '" + values.front() + "' (test, benchmark, leaderboard or profile)");
      }
      into.mode = {values.front(), line_no};
    }
  }
  FileDirectives out;
  out.problem = kjudge.problem.given() ? kjudge.problem : popcorn.problem;
  const FamilySettings& gpu_from = kjudge.gpus_line > 0 ? kjudge : popcorn;
  out.gpus = gpu_from.gpus;
  out.gpus_line = gpu_from.gpus_line;
  out.mode = kjudge.mode;
  return out;
}

std::string NeutralizeHashDirectives(std::string source) {
  std::size_t line = 0;
  while (line < source.size()) {
    const std::string_view rest = std::string_view(source).substr(line);
    if (rest.starts_with("#!POPCORN") || rest.starts_with("#!KJUDGE")) source.replace(line, 1, "//");
    const auto nl = source.find('\n', line);
    if (nl == std::string::npos) break;
    line = nl + 1;
  }
  return source;
}

}  // namespace kjudge::problem
