// File directives: lines in a solution file that say where it should be submitted, so
// `kjudge submit FILE` needs no flags. Two families are understood, anywhere in the file:
//
//   //!POPCORN leaderboard vectoradd      popcorn-cli's own (also "#!POPCORN"); keys leaderboard,
//   //!POPCORN gpu H100 A100              gpu or gpus (several GPUs: the first is used); other
//                                          keys are popcorn-cli's business and ignored
//   //!KJUDGE problem vectoradd           ours (also "#!KJUDGE"): keys problem (or leaderboard),
//   //!KJUDGE gpu cpu                     gpu (or gpus) and mode; an unknown key or a bad mode
//   //!KJUDGE mode benchmark              is an error naming the line
//
// The marker starts the line (as in popcorn-cli: an indented one is an ordinary comment); keys are
// case-insensitive. POPCORN lines are read exactly as popcorn-cli reads them: unknown keys and
// bare lines are skipped, a leaderboard line takes its first value, a gpu line replaces the list
// (an empty one clears it).
// A KJUDGE directive beats a POPCORN one for the same setting (a file can then name its target on
// gpumode.com and on a kjudge server differently); within one family the last line wins, as in
// popcorn-cli. Command-line flags beat both (the caller applies that rule).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::problem {

/// One setting taken from a directive, with the 1-based line it came from (0: not given).
struct DirectiveValue {
  std::string value;
  int line = 0;

  bool given() const { return line > 0; }
};

struct FileDirectives {
  DirectiveValue problem;          ///< problem (leaderboard) name
  std::vector<std::string> gpus;   ///< every GPU named on the winning gpu line
  int gpus_line = 0;               ///< where `gpus` came from (0: not given)
  DirectiveValue mode;             ///< test, benchmark, leaderboard or profile

  /// The GPU to submit to: the first one named, or "".
  std::string gpu() const { return gpus.empty() ? std::string() : gpus.front(); }
};

/// Reads the directives of `source`. Errors (kInvalidArgument) say "<origin>:<line>: why": an
/// unknown KJUDGE key, a directive without a value, a mode that is not one of the four.
Result<FileDirectives> ParseFileDirectives(std::string_view source, std::string_view origin);

/// `source` with each "#!POPCORN" / "#!KJUDGE" line start turned into "//!POPCORN" / "//!KJUDGE":
/// both spellings are directives, but only the comment compiles as C++, CUDA or HIP. Line count,
/// line endings and every other byte stay as they were; parsing the result gives the same
/// directives.
std::string NeutralizeHashDirectives(std::string source);

}  // namespace kjudge::problem
