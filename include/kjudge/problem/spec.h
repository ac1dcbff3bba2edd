// ProblemSpec: the typed, validated form of a problem's problem.yaml — what is computed (files,
// cases, tolerance), where it runs (languages, GPUs), how it is ranked, and the inputs of its
// speed of light. spec_parser.h builds one from YAML (every field checked, every error located);
// spec_json.h converts it to and from JSON for the store. docs/problem-format.md is the reference
// for every key.
//
// A ProblemSpec is a plain value: copyable, no references into other objects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/problem/diagnostic.h"
#include "kjudge/problem/expression.h"
#include "kjudge/problem/gpu_catalog.h"

namespace kjudge::problem {

/// Source languages a problem accepts; cpp is the host CPU backend.
enum class Language : std::uint8_t { kCuda, kHip, kCpp };
std::string_view LanguageName(Language language);  ///< "cuda", "hip", "cpp"
/// Accepts cuda/hip/cpp case-insensitively, plus "c++" (KernelBot's templates say "CUDA", "C++").
std::optional<Language> ParseLanguage(std::string_view name);

/// Which statistic over benchmark cases ranks a run (KernelBot's ranking_by).
enum class RankingBy : std::uint8_t { kGeomean, kMean, kLast };
std::string_view RankingByName(RankingBy ranking);  ///< "geomean", "mean", "last"
/// Accepts geomean, mean, last, and KernelBot's "geom".
std::optional<RankingBy> ParseRankingBy(std::string_view name);

/// Output comparison: |got - expected| <= atol + rtol * |expected| (exact for integer outputs).
struct Tolerance {
  double rtol = 0;
  double atol = 0;
};

/// Wall-clock limit of a whole run per mode, in seconds (compile excluded). Defaults follow
/// KernelBot's usual limits; test mode is shorter because it has no timed repetitions.
struct Timeouts {
  double test_s = 60;
  double benchmark_s = 180;
  double leaderboard_s = 420;
  double profile_s = 420;
};
constexpr double kMaxTimeoutS = 3600;  ///< one hour: anything longer is a typo

/// The speed-of-light inputs: operation count and minimum bytes moved, as expressions of a case's
/// parameters, and the arithmetic type the operations are counted in.
struct SolSpec {
  Expression flops;
  Expression bytes;
  ComputeType dtype = ComputeType::kFp32;
};

/// One test or benchmark case.
struct CaseSpec {
  std::map<std::string, std::int64_t> params;  ///< without `seed`, `weight`, `sol`
  std::uint64_t seed = 0;  ///< the case's base seed (leaderboard runs mix a secret into it)
  double weight = 1;       ///< benchmarks only: weight in weighted rankings
  SolSpec sol;             ///< effective speed-of-light inputs (the spec's, or the case's override)
  bool sol_overridden = false;  ///< the case had its own `sol` map
  double flops = 0;        ///< sol.flops evaluated for this case
  double bytes = 0;        ///< sol.bytes evaluated for this case
  SourceLocation location; ///< the case's map in problem.yaml
};

/// A file the spec names, relative to the problem directory, and where the spec names it.
struct FileRef {
  std::string path;
  SourceLocation location;
};

struct SpecFiles {
  FileRef reference;                      ///< reference.cpp: kj_buffers, kj_generate, kj_reference
  std::map<Language, FileRef> glue;       ///< per language: kj_call and the entry point's declaration
  std::map<Language, FileRef> templates;  ///< per language: the competitor's starting point
  std::vector<FileRef> extra;             ///< headers the reference or glue include
};

struct ProblemSpec {
  std::string name;         ///< slug: [a-z0-9][a-z0-9_-]*, unique across a problem tree
  SourceLocation name_location;
  std::string title;        ///< one line
  std::string description;  ///< Markdown
  std::vector<Language> languages;
  std::vector<std::string> gpus;  ///< canonical catalogue names, in spec order
  SpecFiles files;
  Tolerance tolerance;
  SolSpec sol;
  std::vector<CaseSpec> tests;
  std::vector<CaseSpec> benchmarks;
  Timeouts timeouts;
  RankingBy ranking_by = RankingBy::kGeomean;
  std::optional<std::int64_t> deadline_unix_s;  ///< UTC; absent = no deadline

  bool HasLanguage(Language language) const;
  bool HasGpu(std::string_view canonical_name) const;
  /// Every file the spec names (reference, glue, templates, extra), deduplicated, sorted.
  std::vector<std::string> FilePaths() const;
};

// Limits a spec must respect. The case limits match what the harness's wire format can carry
// (harness/wire.h: 32 parameters of at most 31 name bytes).
constexpr std::size_t kMaxCaseParams = 32;
constexpr std::size_t kMaxParamNameBytes = 31;
constexpr std::size_t kMaxCases = 256;            ///< per list (tests, benchmarks)
constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMaxTitleBytes = 200;
constexpr std::size_t kMaxDescriptionBytes = 64 * 1024;
constexpr std::size_t kMaxPathBytes = 255;
/// Parameters are integers exactly representable as doubles, so expressions see them exactly.
constexpr std::int64_t kMaxParamMagnitude = std::int64_t{1} << 53;

}  // namespace kjudge::problem
