#include "kjudge/problem/spec_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "kjudge/problem/iso8601.h"
#include "problem/spec_fixture.h"

namespace kjudge::problem {
namespace {

using testing::Diagnose;
using testing::HasDiagnostic;
using testing::kMiniSpec;
using testing::Pos;
using testing::Replace;

ProblemSpec ParseOk(const std::string& yaml) {
  std::vector<Diagnostic> d;
  auto spec = ParseProblemSpec(yaml, "p.yaml", &d);
  EXPECT_TRUE(spec.ok()) << (spec.ok() ? "" : spec.error().message);
  return spec.ok() ? *spec : ProblemSpec{};
}

TEST(SpecParserTest, ValidSpecBecomesTypedModel) {
  const ProblemSpec s = ParseOk(kMiniSpec);
  EXPECT_EQ(s.name, "mini");
  EXPECT_EQ(s.name_location, (SourceLocation{1, 7}));
  EXPECT_EQ(s.title, "Mini problem");
  EXPECT_EQ(s.description, "Adds things.\n");
  EXPECT_EQ(s.languages, (std::vector<Language>{Language::kCpp, Language::kCuda}));
  EXPECT_EQ(s.gpus, (std::vector<std::string>{"cpu", "H100_SXM"}));  // aliases become canonical names
  EXPECT_EQ(s.files.reference.path, "reference.cpp");
  EXPECT_EQ(s.files.reference.location, Pos(kMiniSpec, "reference.cpp"));
  EXPECT_EQ(s.files.glue.at(Language::kCuda).path, "glue.cu");
  EXPECT_EQ(s.files.templates.at(Language::kCpp).path, "template.cpp");
  EXPECT_DOUBLE_EQ(s.tolerance.rtol, 1e-3);
  EXPECT_DOUBLE_EQ(s.tolerance.atol, 1e-5);
  EXPECT_EQ(s.sol.flops.text(), "2 * n");
  EXPECT_EQ(s.sol.dtype, ComputeType::kFp32);
  ASSERT_EQ(s.tests.size(), 2u);
  EXPECT_EQ(s.tests[1].params, (std::map<std::string, std::int64_t>{{"n", 4097}}));
  EXPECT_EQ(s.tests[1].seed, 2u);
  EXPECT_EQ(s.tests[1].location, Pos(kMiniSpec, "{n: 4097"));
  EXPECT_EQ(s.tests[0].flops, 2000);
  EXPECT_EQ(s.tests[0].bytes, 12000);
  ASSERT_EQ(s.benchmarks.size(), 1u);
  EXPECT_EQ(s.benchmarks[0].weight, 1);
  EXPECT_EQ(s.benchmarks[0].bytes, 3.0 * 1048576 * 4);
  EXPECT_EQ(s.timeouts.test_s, Timeouts{}.test_s);  // defaults
  EXPECT_EQ(s.timeouts.leaderboard_s, 420);
  EXPECT_EQ(s.ranking_by, RankingBy::kGeomean);
  EXPECT_FALSE(s.deadline_unix_s.has_value());
  EXPECT_EQ(s.FilePaths(), (std::vector<std::string>{"glue.cpp", "glue.cu", "reference.cpp", "template.cpp",
                                                     "template.cu"}));
}

TEST(SpecParserTest, VectoraddSpecParses) {
  std::ifstream in(std::string(KJUDGE_SOURCE_DIR) + "/problems/vectoradd/problem.yaml");
  std::stringstream text;
  text << in.rdbuf();
  const ProblemSpec s = ParseOk(text.str());
  EXPECT_EQ(s.name, "vectoradd");
  EXPECT_EQ(s.languages.size(), 3u);
  EXPECT_TRUE(s.HasGpu("H100_SXM"));
  EXPECT_TRUE(s.HasGpu("cpu"));
  EXPECT_EQ(s.sol.dtype, ComputeType::kFp16);
  EXPECT_EQ(s.benchmarks.back().params.at("n"), 16777216);
  EXPECT_EQ(s.benchmarks.back().bytes, 3.0 * 16777216 * 2);
}

TEST(SpecParserTest, OptionalKeysAndKernelBotSpellings) {
  std::string yaml = Replace(kMiniSpec, "  templates: {cpp: template.cpp, cuda: template.cu}\n", "");
  yaml += R"(templates: {CUDA: template.cu, C++: template.cpp}
test_timeout: 30
benchmark_timeout: 200
ranked_timeout: 600
timeouts: {profile: 90}
ranking_by: geom
deadline: "2026-06-30T18:00:00+02:00"
)";
  const ProblemSpec s = ParseOk(yaml);
  EXPECT_EQ(s.files.templates.at(Language::kCuda).path, "template.cu");
  EXPECT_EQ(s.files.templates.at(Language::kCpp).path, "template.cpp");
  EXPECT_EQ(s.timeouts.test_s, 30);
  EXPECT_EQ(s.timeouts.benchmark_s, 200);
  EXPECT_EQ(s.timeouts.leaderboard_s, 600);
  EXPECT_EQ(s.timeouts.profile_s, 90);
  EXPECT_EQ(s.ranking_by, RankingBy::kGeomean);
  ASSERT_TRUE(s.deadline_unix_s.has_value());
  EXPECT_EQ(FormatIso8601(*s.deadline_unix_s), "2026-06-30T16:00:00Z");
}

TEST(SpecParserTest, WeightsAndPerCaseSolOverrides) {
  const std::string yaml = Replace(kMiniSpec, "  - {n: 1048576, seed: 3}\n",
                                   "  - {n: 1048576, seed: 3, weight: 2.5}\n"
                                   "  - {n: 4096, seed: 4, sol: {flops: \"4 * n\", dtype: fp16}}\n");
  const ProblemSpec s = ParseOk(yaml);
  ASSERT_EQ(s.benchmarks.size(), 2u);
  EXPECT_EQ(s.benchmarks[0].weight, 2.5);
  EXPECT_FALSE(s.benchmarks[0].sol_overridden);
  EXPECT_TRUE(s.benchmarks[1].sol_overridden);
  EXPECT_EQ(s.benchmarks[1].sol.dtype, ComputeType::kFp16);
  EXPECT_EQ(s.benchmarks[1].sol.flops.text(), "4 * n");
  EXPECT_EQ(s.benchmarks[1].sol.bytes.text(), "3 * n * 4");  // not overridden: the spec's
  EXPECT_EQ(s.benchmarks[1].flops, 4.0 * 4096);
  EXPECT_EQ(s.benchmarks[1].bytes, 3.0 * 4096 * 4);
}

TEST(SpecParserTest, UnknownKeyIsLocatedWithSuggestion) {
  const std::string yaml = Replace(kMiniSpec, "title:", "titel:");
  const auto d = Diagnose(yaml);
  EXPECT_TRUE(HasDiagnostic(d, Pos(yaml, "titel"), "titel: unknown key (did you mean 'title'?)"));
  EXPECT_TRUE(HasDiagnostic(d, {1, 1}, "title: required key is missing"));
  const std::string nested = Replace(kMiniSpec, "rtol:", "rtoll:");
  EXPECT_TRUE(HasDiagnostic(Diagnose(nested), Pos(nested, "rtoll"), "tolerance.rtoll: unknown key"));
  const std::string far = Replace(kMiniSpec, "name: mini", "name: mini\ncolour: blue");
  EXPECT_TRUE(HasDiagnostic(Diagnose(far), Pos(far, "colour"), "expected one of:"));
}

TEST(SpecParserTest, WrongTypesAreLocated) {
  const std::string a = Replace(kMiniSpec, "[cpp, cuda]", "cpp");
  EXPECT_TRUE(HasDiagnostic(Diagnose(a), Pos(a, "cpp\ngpus"), "languages: expected a list, got 'cpp'"));
  const std::string b = Replace(kMiniSpec, "rtol: 1.0e-3", "rtol: \"0.001\"");
  EXPECT_TRUE(HasDiagnostic(Diagnose(b), Pos(b, "\"0.001\""), "tolerance.rtol: expected a number"));
  const std::string c = Replace(kMiniSpec, "title: Mini problem", "title: [a, b]");
  EXPECT_TRUE(HasDiagnostic(Diagnose(c), Pos(c, "[a, b]"), "title: expected a string, got a list"));
  const std::string e = Replace(kMiniSpec, "- {n: 1000, seed: 1}", "- 1000");
  EXPECT_TRUE(HasDiagnostic(Diagnose(e), Pos(e, "1000\n"), "tests[0]: expected a map"));
}

TEST(SpecParserTest, MissingRequiredKeys) {
  const std::string yaml = Replace(kMiniSpec, "sol: {flops: \"2 * n\", bytes: \"3 * n * 4\", dtype: fp32}\n", "");
  EXPECT_TRUE(HasDiagnostic(Diagnose(yaml), {1, 1}, "sol: required key is missing"));
  const std::string no_bytes = Replace(kMiniSpec, "bytes: \"3 * n * 4\", ", "");
  EXPECT_TRUE(HasDiagnostic(Diagnose(no_bytes), Pos(no_bytes, "{flops"), "sol.bytes: required key is missing"));
  const std::string no_seed = Replace(kMiniSpec, "{n: 4097, seed: 2}", "{n: 4097}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(no_seed), Pos(no_seed, "{n: 4097}"), "tests[1].seed: required key is missing"));
}

TEST(SpecParserTest, DuplicateKeysAndCases) {
  const std::string yaml = Replace(kMiniSpec, "title: Mini problem", "title: Mini problem\ntitle: Again");
  EXPECT_TRUE(HasDiagnostic(Diagnose(yaml), Pos(yaml, "title: Again"), "title: duplicate key"));
  const std::string cases = Replace(kMiniSpec, "{n: 4097, seed: 2}", "{seed: 1, n: 1000}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(cases), Pos(cases, "{seed: 1, n: 1000}"),
                            "tests[1]: duplicate case: same parameters and seed as tests[0] (line 14)"));
  // Same parameters with another seed is a different case.
  EXPECT_TRUE(Diagnose(Replace(kMiniSpec, "{n: 4097, seed: 2}", "{n: 1000, seed: 2}")).empty());
  const std::string langs = Replace(kMiniSpec, "[cpp, cuda]", "[cpp, cuda, CPP]");
  EXPECT_TRUE(HasDiagnostic(Diagnose(langs), Pos(langs, "CPP"), "cpp is listed twice"));
  const std::string gpus = Replace(kMiniSpec, "[cpu, H100]", "[cpu, H100, h100-sxm]");
  EXPECT_TRUE(HasDiagnostic(Diagnose(gpus), Pos(gpus, "h100-sxm"), "H100_SXM is listed twice"));
}

TEST(SpecParserTest, BadExpressionPointsIntoTheExpression) {
  const std::string yaml = Replace(kMiniSpec, "\"2 * n\"", "\"2 * (n\"");
  // The quote is at the value's position; the expression text starts one column later.
  EXPECT_TRUE(HasDiagnostic(Diagnose(yaml), Pos(yaml, "2 * (n", 4), "sol.flops: unclosed '('"));
  const std::string plain = Replace(kMiniSpec, "flops: \"2 * n\"", "flops: 2 $ n");
  EXPECT_TRUE(HasDiagnostic(Diagnose(plain), Pos(plain, "$"), "sol.flops: expected an operator"));
}

TEST(SpecParserTest, ExpressionNamingAnUnknownParameterPointsAtIt) {
  const std::string yaml = Replace(kMiniSpec, "\"3 * n * 4\"", "\"3 * m * 4\"");
  const auto d = Diagnose(yaml);
  EXPECT_TRUE(HasDiagnostic(d, Pos(yaml, "m * 4"), "sol.bytes: unknown parameter 'm' in tests[0] (line 14)"));
  EXPECT_TRUE(HasDiagnostic(d, Pos(yaml, "m * 4"), "whose parameters are: n"));
  // Reported once, not once per case.
  int count = 0;
  for (const auto& x : d) count += x.message.find("unknown parameter 'm'") != std::string::npos;
  EXPECT_EQ(count, 1);
  // A parameter only some cases have is reported for the first case that lacks it.
  const std::string partial = Replace(Replace(kMiniSpec, "\"2 * n\"", "\"2 * n * k\""), "{n: 4097, seed: 2}",
                                      "{n: 4097, k: 2, seed: 2}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(partial), Pos(partial, "k\""), "unknown parameter 'k' in tests[0]"));
}

TEST(SpecParserTest, ExpressionThatFailsForOneCaseNamesTheCase) {
  const std::string yaml = Replace(kMiniSpec, "\"2 * n\"", "\"2 * n / (n - 4097)\"");
  EXPECT_TRUE(HasDiagnostic(Diagnose(yaml), Pos(yaml, "/ (n"), "sol.flops: division by zero in tests[1] (line 15)"));
  const std::string neg = Replace(kMiniSpec, "\"3 * n * 4\"", "\"4000 - n\"");
  EXPECT_TRUE(HasDiagnostic(Diagnose(neg), Pos(neg, "4000 - n"), "evaluates to -97 for tests[1]"));
  const std::string zero = Replace(Replace(kMiniSpec, "\"2 * n\"", "\"0\""), "\"3 * n * 4\"", "\"0 * n\"");
  EXPECT_TRUE(HasDiagnostic(Diagnose(zero), Pos(zero, "{n: 1000"), "both 0"));
}

TEST(SpecParserTest, UnknownNamesAreErrors) {
  const std::string gpu = Replace(kMiniSpec, "[cpu, H100]", "[cpu, H1000]");
  EXPECT_TRUE(HasDiagnostic(Diagnose(gpu), Pos(gpu, "H1000"), "gpus[1]: unknown GPU 'H1000' (known: H100_SXM"));
  const std::string lang = Replace(kMiniSpec, "[cpp, cuda]", "[cpp, cuda, python]");
  EXPECT_TRUE(HasDiagnostic(Diagnose(lang), Pos(lang, "python"), "languages[2]: unknown language 'python'"));
  const std::string dtype = Replace(kMiniSpec, "dtype: fp32", "dtype: fp12");
  EXPECT_TRUE(HasDiagnostic(Diagnose(dtype), Pos(dtype, "fp12"), "sol.dtype: unknown data type 'fp12'"));
  const std::string ranking = Replace(kMiniSpec, "name: mini", "name: mini\nranking_by: median");
  EXPECT_TRUE(HasDiagnostic(Diagnose(ranking), Pos(ranking, "median"), "ranking_by: unknown ranking 'median'"));
  const std::string name = Replace(kMiniSpec, "name: mini", "name: Mini Problem");
  EXPECT_TRUE(HasDiagnostic(Diagnose(name), Pos(name, "Mini Problem"), "not a valid problem name"));
}

TEST(SpecParserTest, GpuMustHaveTheDataTypeAndTheLanguage) {
  const std::string fp8 = Replace(Replace(kMiniSpec, "dtype: fp32", "dtype: fp8"), "[cpu, H100]", "[H100, A100]");
  const auto d = Diagnose(fp8);
  EXPECT_TRUE(HasDiagnostic(d, Pos(fp8, "A100"), "gpus: A100_SXM has no fp8 rate, but sol.dtype (line 12)"));
  for (const auto& x : d) EXPECT_EQ(x.message.find("H100_SXM has no"), std::string::npos) << x.ToString();
  const std::string amd = Replace(kMiniSpec, "[cpu, H100]", "[cpu, MI300X]");
  EXPECT_TRUE(HasDiagnostic(Diagnose(amd), Pos(amd, "MI300X"), "MI300X runs hip submissions, but hip is not in"));
  // Zero flops: the data type does not matter, so an fp8 copy can run on an A100.
  const std::string copy = Replace(Replace(Replace(kMiniSpec, "dtype: fp32", "dtype: fp8"), "[cpu, H100]", "[A100]"),
                                   "\"2 * n\"", "\"0\"");
  EXPECT_TRUE(Diagnose(copy).empty());
}

TEST(SpecParserTest, ValuesOutOfRange) {
  const std::string rtol = Replace(kMiniSpec, "rtol: 1.0e-3", "rtol: 2");
  EXPECT_TRUE(HasDiagnostic(Diagnose(rtol), Pos(rtol, "2, atol"), "tolerance.rtol: '2' is out of range [0, 1]"));
  const std::string atol = Replace(kMiniSpec, "atol: 1.0e-5", "atol: -1");
  EXPECT_TRUE(HasDiagnostic(Diagnose(atol), Pos(atol, "-1}"), "out of range"));
  const std::string seed = Replace(kMiniSpec, "seed: 2}", "seed: -2}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(seed), Pos(seed, "-2}"), "tests[1].seed: '-2' is out of range"));
  const std::string big_seed = Replace(kMiniSpec, "seed: 2}", "seed: 18446744073709551616}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(big_seed), Pos(big_seed, "18446744073709551616"), "out of range"));
  const std::string max_seed = Replace(kMiniSpec, "seed: 2}", "seed: 18446744073709551615}");
  EXPECT_EQ(ParseOk(max_seed).tests[1].seed, 18446744073709551615ull);
  const std::string param = Replace(kMiniSpec, "n: 4097", "n: 9007199254740993");
  EXPECT_TRUE(HasDiagnostic(Diagnose(param), Pos(param, "9007199254740993"), "tests[1].n: '9007199254740993' is out of range"));
  const std::string timeout = Replace(kMiniSpec, "name: mini", "name: mini\ntimeouts: {test: 0, benchmark: 99999}");
  const auto d = Diagnose(timeout);
  EXPECT_TRUE(HasDiagnostic(d, Pos(timeout, "0, benchmark"), "timeouts.test: must be more than 0 seconds"));
  EXPECT_TRUE(HasDiagnostic(d, Pos(timeout, "99999"), "timeouts.benchmark: '99999' is out of range"));
  const std::string weight = Replace(kMiniSpec, "seed: 3}", "seed: 3, weight: 0}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(weight), Pos(weight, "0}"), "benchmarks[0].weight: must be more than 0"));
  const std::string deadline = Replace(kMiniSpec, "name: mini", "name: mini\ndeadline: 2026-02-30");
  EXPECT_TRUE(HasDiagnostic(Diagnose(deadline), Pos(deadline, "2026-02-30"), "deadline: '2026-02-30' is not an ISO-8601"));
}

TEST(SpecParserTest, CaseParameterRules) {
  const std::string sci = Replace(kMiniSpec, "n: 4097", "n: 1e6");
  EXPECT_TRUE(HasDiagnostic(Diagnose(sci), Pos(sci, "1e6"), "write integers in plain digits"));
  const std::string fn = Replace(kMiniSpec, "{n: 4097, seed: 2}", "{n: 4097, min: 3, seed: 2}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(fn), Pos(fn, "min:"), "'min' is a function name"));
  const std::string ident = Replace(kMiniSpec, "{n: 4097, seed: 2}", "{n: 4097, 2d: 3, seed: 2}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(ident), Pos(ident, "2d"), "must be an identifier"));
  const std::string weight = Replace(kMiniSpec, "{n: 4097, seed: 2}", "{n: 4097, seed: 2, weight: 2}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(weight), Pos(weight, "weight"), "weight only applies to benchmarks"));
  const std::string empty = Replace(kMiniSpec, "benchmarks:\n  - {n: 1048576, seed: 3}\n", "benchmarks: []\n");
  EXPECT_TRUE(HasDiagnostic(Diagnose(empty), Pos(empty, "[]"), "benchmarks: list at least one case"));
}

TEST(SpecParserTest, FilesMustCoverLanguagesAndStayInside) {
  const std::string no_glue = Replace(kMiniSpec, "glue: {cpp: glue.cpp, cuda: glue.cu}", "glue: {cpp: glue.cpp}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(no_glue), Pos(no_glue, "reference:"), "files.glue.cuda: cuda is in languages"));
  const std::string extra = Replace(kMiniSpec, "cuda: template.cu}", "cuda: template.cu, hip: template.hip}");
  EXPECT_TRUE(HasDiagnostic(Diagnose(extra), Pos(extra, "hip:"), "files.templates.hip: hip is not in languages"));
  const std::string up = Replace(kMiniSpec, "glue: {cpp: glue.cpp", "glue: {cpp: ../glue.cpp");
  EXPECT_TRUE(HasDiagnostic(Diagnose(up), Pos(up, "../glue.cpp"), "leaves the problem directory"));
  const std::string abs = Replace(kMiniSpec, "reference: reference.cpp", "reference: /etc/passwd");
  EXPECT_TRUE(HasDiagnostic(Diagnose(abs), Pos(abs, "/etc/passwd"), "is absolute"));
  const std::string dot = Replace(kMiniSpec, "reference: reference.cpp", "reference: src//./ref.cpp");
  EXPECT_TRUE(HasDiagnostic(Diagnose(dot), Pos(dot, "src//"), "empty or '.' component"));
  const std::string both = kMiniSpec + "templates: {cpp: t.cpp, cuda: t.cu}\n";
  EXPECT_TRUE(HasDiagnostic(Diagnose(both), Pos(both, "templates: {cpp: t.cpp"), "already given by files.templates"));
  EXPECT_TRUE(Diagnose(Replace(kMiniSpec, "reference: reference.cpp", "reference: src/ref.cpp")).empty());
}

TEST(SpecParserTest, TimeoutGivenTwiceIsAnError) {
  const std::string yaml = kMiniSpec + "timeouts: {test: 10}\ntest_timeout: 20\n";
  EXPECT_TRUE(HasDiagnostic(Diagnose(yaml), Pos(yaml, "test_timeout"), "already given by timeouts.test"));
}

TEST(SpecParserTest, EveryErrorOfAFileIsReported) {
  std::string yaml = Replace(kMiniSpec, "title:", "titel:");
  yaml = Replace(yaml, "rtol: 1.0e-3", "rtol: 5");
  yaml = Replace(yaml, "[cpu, H100]", "[cpu, H1000]");
  yaml = Replace(yaml, "\"3 * n * 4\"", "\"3 * (n\"");
  const auto d = Diagnose(yaml);
  EXPECT_GE(d.size(), 5u);  // unknown key, missing title, range, GPU, expression
  std::vector<Diagnostic> appended;
  auto r = ParseProblemSpec(yaml, "p.yaml", &appended);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, JoinDiagnostics(appended));
  EXPECT_EQ(r.error().message.substr(0, 7), "p.yaml:");
}

TEST(SpecParserTest, YamlSyntaxErrorsAndOddDocuments) {
  const auto syntax = Diagnose("name: [unclosed\ntitle: x\n");
  ASSERT_EQ(syntax.size(), 1u);
  EXPECT_GT(syntax[0].at.line, 0);
  EXPECT_NE(syntax[0].message.find("YAML syntax error"), std::string::npos);
  EXPECT_TRUE(HasDiagnostic(Diagnose(""), {1, 1}, "the file is empty"));
  EXPECT_TRUE(HasDiagnostic(Diagnose("- a\n- b\n"), {1, 1}, "expected a map of keys"));
  const std::string two = kMiniSpec + "---\nname: other\n";
  EXPECT_TRUE(HasDiagnostic(Diagnose(two), Pos(two, "---"), "unexpected content after the first YAML document"));
  EXPECT_TRUE(HasDiagnostic(Diagnose("name: \xff\xfe\n"), {1, 7}, "not valid UTF-8"));
  EXPECT_TRUE(HasDiagnostic(Diagnose("? [a, b]\n: c\n"), {1, 3}, "a key must be a plain name"));
}

}  // namespace
}  // namespace kjudge::problem
