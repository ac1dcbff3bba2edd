// The spec parser against input nobody should write: truncated files, random bytes, mutations of a
// real spec, pathological nesting and numbers. Each must give a spec or located errors — never an
// exception, a crash or a hang.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "kjudge/problem/spec_json.h"
#include "kjudge/problem/spec_parser.h"
#include "problem/spec_fixture.h"

namespace kjudge::problem {
namespace {

std::string VectoraddSpec() {
  std::ifstream in(std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd/problem.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Parses without letting anything escape; fails the test on an exception or an error without
/// a diagnostic.
void ParseSafely(const std::string& text, const std::string& what) {
  std::vector<Diagnostic> d;
  bool ok = false;
  try {
    auto spec = ParseProblemSpec(text, "p.yaml", &d);
    ok = spec.ok();
    if (ok) {
      // Whatever parses must also survive the JSON round trip.
      auto back = SpecFromJson(SpecToJson(*spec));
      EXPECT_TRUE(back.ok()) << what;
    } else {
      EXPECT_FALSE(spec.error().message.empty()) << what;
    }
  } catch (...) {
    ADD_FAILURE() << "exception escaped for " << what;
    return;
  }
  EXPECT_EQ(ok, d.empty()) << what;
  for (const auto& diag : d) {
    EXPECT_GE(diag.at.line, 0);
    EXPECT_FALSE(diag.message.empty());
  }
}

TEST(SpecRobustnessTest, EveryTruncationOfARealSpec) {
  const std::string full = VectoraddSpec();
  ASSERT_GT(full.size(), 1000u);
  for (std::size_t len = 0; len <= full.size(); ++len) ParseSafely(full.substr(0, len), "prefix " + std::to_string(len));
  EXPECT_TRUE(ParseProblemSpec(full, "p.yaml").ok());
}

TEST(SpecRobustnessTest, RandomBytes) {
  std::mt19937_64 rng(20261125);
  for (int i = 0; i < 3000; ++i) {
    std::string text(rng() % 300, '\0');
    for (char& c : text) c = static_cast<char>(rng() & 0xff);
    ParseSafely(text, "random #" + std::to_string(i));
  }
  // Random text from YAML's own alphabet gets further into the parser.
  const std::string alphabet = "abn:-[]{},'\"&*!|>#?%@ \n\n\n  0123456789.e";
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const std::size_t len = rng() % 200;
    for (std::size_t j = 0; j < len; ++j) text += alphabet[rng() % alphabet.size()];
    ParseSafely(text, "yamlish #" + std::to_string(i));
  }
}

TEST(SpecRobustnessTest, MutationsOfARealSpec) {
  const std::string full = VectoraddSpec();
  std::mt19937_64 rng(7);
  const std::string tokens[] = {":", "-", "[", "]", "{", "}", "\"", "'", "\n", " ", "&a", "*a", "!!int", "1e999",
                                "-1", "99999999999999999999999", "~", "null", "? ", "|", "\t", "\xff", "---\n"};
  for (int i = 0; i < 1500; ++i) {
    std::string text = full;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t pos = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0: text.insert(pos, tokens[rng() % std::size(tokens)]); break;
        case 1: text.erase(pos, rng() % 8); break;
        default:
          if (pos < text.size()) text[pos] = static_cast<char>(rng() & 0x7f);
      }
    }
    ParseSafely(text, "mutation #" + std::to_string(i));
  }
}

TEST(SpecRobustnessTest, DeepNesting) {
  ParseSafely(std::string(100000, '['), "open brackets");
  ParseSafely(std::string(100000, '{'), "open braces");
  ParseSafely(std::string(50000, '[') + std::string(50000, ']'), "balanced brackets");
  std::string dashes;
  for (int i = 0; i < 5000; ++i) dashes += "- ";
  ParseSafely(dashes + "x\n", "nested block sequences");
  std::string indented;
  for (int i = 0; i < 3000; ++i) indented += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  ParseSafely(indented, "nested block maps");
  ParseSafely("name: " + std::string(10000, '[') + "\n", "nesting in a value");
}

TEST(SpecRobustnessTest, HugeNumbersAndStrings) {
  using testing::Replace;
  const std::string spec = testing::kMiniSpec;
  ParseSafely(Replace(spec, "rtol: 1.0e-3", "rtol: 1e999999"), "huge float");
  ParseSafely(Replace(spec, "n: 4097", "n: " + std::string(5000, '9')), "huge integer");
  ParseSafely(Replace(spec, "seed: 2", "seed: 184467440737095516160"), "huge seed");
  ParseSafely(Replace(spec, "\"2 * n\"", "\"" + std::string(5000, '9') + " * n\""), "huge literal");
  ParseSafely(Replace(spec, "\"2 * n\"", "\"n ** n ** n\""), "overflowing expression");
  ParseSafely(Replace(spec, "title: Mini problem", "title: " + std::string(100000, 'x')), "long title");
  ParseSafely(std::string(kMaxSpecBytes + 1, '#'), "oversized file");
  ParseSafely(Replace(spec, "Adds things.", std::string("Adds\0things.", 12)), "NUL byte");
  // Many aliases of a big anchor: yaml-cpp shares nodes, the parser must not copy them per use.
  std::string anchors = "a: &a [" + std::string(2000, '1').replace(1, 0, "") + "]\nb: [";
  for (int i = 0; i < 2000; ++i) anchors += "*a, ";
  anchors += "*a]\n";
  ParseSafely(anchors, "aliases");
  std::string many_cases = Replace(spec, "  - {n: 1048576, seed: 3}\n", "");
  for (int i = 0; i < 300; ++i) many_cases += "  - {n: " + std::to_string(i + 1) + ", seed: 3}\n";
  ParseSafely(many_cases, "too many cases");
}

}  // namespace
}  // namespace kjudge::problem
