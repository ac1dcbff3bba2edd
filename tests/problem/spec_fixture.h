// Helpers shared by the problem module's tests: a small valid spec, and ways to find diagnostics
// by position (computed from the YAML text itself, so tests state exactly where an error must
// point without hard-coding columns).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "kjudge/problem/diagnostic.h"
#include "kjudge/problem/spec_parser.h"

namespace kjudge::problem::testing {

/// A complete, valid spec: every test edits one thing in it.
inline const std::string kMiniSpec = R"(name: mini
title: Mini problem
description: |
  Adds things.
languages: [cpp, cuda]
gpus: [cpu, H100]
files:
  reference: reference.cpp
  glue: {cpp: glue.cpp, cuda: glue.cu}
  templates: {cpp: template.cpp, cuda: template.cu}
tolerance: {rtol: 1.0e-3, atol: 1.0e-5}
sol: {flops: "2 * n", bytes: "3 * n * 4", dtype: fp32}
tests:
  - {n: 1000, seed: 1}
  - {n: 4097, seed: 2}
benchmarks:
  - {n: 1048576, seed: 3}
)";

/// `text` with the first occurrence of `from` replaced by `to` (the test fails if absent).
inline std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "'" << from << "' not in the spec";
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

/// 1-based line and column of the first occurrence of `needle` in `text`, shifted by `offset`
/// bytes to the right.
inline SourceLocation Pos(std::string_view text, std::string_view needle, int offset = 0) {
  const auto pos = text.find(needle);
  EXPECT_NE(pos, std::string_view::npos) << "'" << needle << "' not in the text";
  SourceLocation at{1, 1};
  for (std::size_t i = 0; i < pos && pos != std::string_view::npos; ++i) {
    if (text[i] == '\n') {
      ++at.line;
      at.column = 1;
    } else {
      ++at.column;
    }
  }
  at.column += offset;
  return at;
}

/// The diagnostics of parsing `yaml` as "p.yaml" (empty when it parses).
inline std::vector<Diagnostic> Diagnose(const std::string& yaml) {
  std::vector<Diagnostic> d;
  auto spec = ParseProblemSpec(yaml, "p.yaml", &d);
  EXPECT_EQ(spec.ok(), d.empty());
  return d;
}

/// Whether some diagnostic is at `at` and contains `text`; prints them all when not.
inline ::testing::AssertionResult HasDiagnostic(const std::vector<Diagnostic>& diags, SourceLocation at,
                                                std::string_view text) {
  for (const auto& d : diags) {
    if (d.at == at && d.message.find(text) != std::string::npos && d.file == "p.yaml") {
      return ::testing::AssertionSuccess();
    }
  }
  auto failure = ::testing::AssertionFailure() << "no diagnostic at " << at.line << ":" << at.column
                                               << " containing '" << text << "'; got:";
  for (const auto& d : diags) failure << "\n  " << d.ToString();
  return failure;
}

}  // namespace kjudge::problem::testing
