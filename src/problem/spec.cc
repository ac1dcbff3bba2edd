#include "kjudge/problem/spec.h"

#include <algorithm>
#include <set>

namespace kjudge::problem {

namespace {
bool SameIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}
}  // namespace

std::string_view LanguageName(Language language) {
  switch (language) {
    case Language::kCuda: return "cuda";
    case Language::kHip: return "hip";
    case Language::kCpp: return "cpp";
  }
  return "cpp";
}

std::optional<Language> ParseLanguage(std::string_view name) {
  if (SameIgnoringCase(name, "cuda")) return Language::kCuda;
  if (SameIgnoringCase(name, "hip")) return Language::kHip;
  if (SameIgnoringCase(name, "cpp") || name == "c++" || name == "C++") return Language::kCpp;
  return std::nullopt;
}

std::string_view RankingByName(RankingBy ranking) {
  switch (ranking) {
    case RankingBy::kGeomean: return "geomean";
    case RankingBy::kMean: return "mean";
    case RankingBy::kLast: return "last";
  }
  return "geomean";
}

std::optional<RankingBy> ParseRankingBy(std::string_view name) {
  if (name == "geomean" || name == "geom") return RankingBy::kGeomean;
  if (name == "mean") return RankingBy::kMean;
  if (name == "last") return RankingBy::kLast;
  return std::nullopt;
}

bool ProblemSpec::HasLanguage(Language language) const {
  return std::find(languages.begin(), languages.end(), language) != languages.end();
}

bool ProblemSpec::HasGpu(std::string_view canonical_name) const {
  return std::find(gpus.begin(), gpus.end(), canonical_name) != gpus.end();
}

std::vector<std::string> ProblemSpec::FilePaths() const {
  std::set<std::string> paths;
  if (!files.reference.path.empty()) paths.insert(files.reference.path);
  for (const auto& [lang, ref] : files.glue) paths.insert(ref.path);
  for (const auto& [lang, ref] : files.templates) paths.insert(ref.path);
  for (const auto& ref : files.extra) paths.insert(ref.path);
  return {paths.begin(), paths.end()};
}

}  // namespace kjudge::problem
