#include "kjudge/problem/expression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace kjudge::problem {
namespace {

double Eval(std::string_view text, const std::map<std::string, std::int64_t>& params = {}) {
  auto e = Expression::Parse(text);
  EXPECT_TRUE(e.ok()) << text << ": " << (e.ok() ? "" : e.error().message);
  if (!e.ok()) return NAN;
  auto v = e->Evaluate(params);
  EXPECT_TRUE(v.ok()) << text << ": " << (v.ok() ? "" : v.error().message);
  return v.ok() ? *v : NAN;
}

/// The parse error's offset and message.
std::pair<std::size_t, std::string> ParseError(std::string_view text) {
  std::size_t offset = 9999;
  auto e = Expression::Parse(text, &offset);
  EXPECT_FALSE(e.ok()) << text << " parsed";
  return {offset, e.ok() ? "" : e.error().message};
}

/// The evaluation error's offset and message.
std::pair<std::size_t, std::string> EvalError(std::string_view text, const std::map<std::string, std::int64_t>& params) {
  auto e = Expression::Parse(text);
  EXPECT_TRUE(e.ok()) << text;
  if (!e.ok()) return {0, ""};
  std::size_t offset = 9999;
  auto v = e->Evaluate(params, &offset);
  EXPECT_FALSE(v.ok()) << text << " evaluated to " << (v.ok() ? *v : 0);
  return {offset, v.ok() ? "" : v.error().message};
}

TEST(ExpressionTest, NumbersInEveryNotation) {
  EXPECT_EQ(Eval("1000"), 1000);
  EXPECT_EQ(Eval("0.5"), 0.5);
  EXPECT_EQ(Eval(".25"), 0.25);
  EXPECT_EQ(Eval("1e6"), 1e6);
  EXPECT_EQ(Eval("2.5E-3"), 2.5e-3);
  EXPECT_EQ(Eval("  42  "), 42);
}

TEST(ExpressionTest, PrecedenceAndAssociativity) {
  EXPECT_EQ(Eval("2 + 3 * 4"), 14);
  EXPECT_EQ(Eval("(2 + 3) * 4"), 20);
  EXPECT_EQ(Eval("10 - 4 - 3"), 3);       // left-associative
  EXPECT_EQ(Eval("64 / 4 / 2"), 8);
  EXPECT_EQ(Eval("2 ** 3 ** 2"), 512);    // right-associative
  EXPECT_EQ(Eval("2 ^ 10"), 1024);
  EXPECT_EQ(Eval("-2 ** 2"), -4);         // unary minus binds looser than power, as in Python
  EXPECT_EQ(Eval("2 ** -1"), 0.5);
  EXPECT_EQ(Eval("- - 3"), 3);
  EXPECT_EQ(Eval("+3"), 3);
  EXPECT_EQ(Eval("2 * -3"), -6);
  EXPECT_EQ(Eval("7 / 2"), 3.5);          // true division
  EXPECT_EQ(Eval("10 % 4"), 2);
  EXPECT_EQ(Eval("3 * 2 ** 2"), 12);
}

TEST(ExpressionTest, Functions) {
  EXPECT_EQ(Eval("min(3, 1, 2)"), 1);
  EXPECT_EQ(Eval("max(3, 1, 2)"), 3);
  EXPECT_EQ(Eval("ceil(2.1)"), 3);
  EXPECT_EQ(Eval("floor(2.9)"), 2);
  EXPECT_EQ(Eval("log2(1024)"), 10);
  EXPECT_EQ(Eval("sqrt(16)"), 4);
  EXPECT_EQ(Eval("cdiv(10, 3)"), 4);
  EXPECT_EQ(Eval("cdiv(9, 3)"), 3);
  EXPECT_EQ(Eval("max(min(1, 2), floor(sqrt(10)))"), 3);
}

TEST(ExpressionTest, ParametersAreVariables) {
  const std::map<std::string, std::int64_t> p = {{"m", 128}, {"n", 256}, {"k", 64}};
  EXPECT_EQ(Eval("2 * m * n * k", p), 2.0 * 128 * 256 * 64);
  EXPECT_EQ(Eval("(m * k + k * n) * 2 + m * n * 4", p), (128.0 * 64 + 64 * 256) * 2 + 128 * 256 * 4);
  EXPECT_EQ(Eval("cdiv(n, 128) * 128", p), 256);
  // Large sizes stay exact: 2^40 elements times a small factor is well inside double precision.
  EXPECT_EQ(Eval("3 * n * 2", {{"n", std::int64_t{1} << 40}}), 6.0 * std::ldexp(1.0, 40));
}

TEST(ExpressionTest, VariablesAreListedWithOffsets) {
  auto e = Expression::Parse("2 * m + max(n, m)");
  ASSERT_TRUE(e.ok());
  ASSERT_EQ(e->variables().size(), 3u);
  EXPECT_EQ(e->variables()[0].name, "m");
  EXPECT_EQ(e->variables()[0].offset, 4u);
  EXPECT_EQ(e->variables()[1].name, "n");
  EXPECT_EQ(e->variables()[1].offset, 12u);
  EXPECT_EQ(e->variables()[2].offset, 15u);
  EXPECT_EQ(e->text(), "2 * m + max(n, m)");
}

TEST(ExpressionTest, DefaultIsZero) {
  Expression e;
  EXPECT_EQ(e.text(), "0");
  EXPECT_EQ(*e.Evaluate(std::map<std::string, std::int64_t>{}), 0);
}

TEST(ExpressionTest, SyntaxErrorsCarryTheirOffset) {
  EXPECT_EQ(ParseError("").second, "empty expression");
  EXPECT_EQ(ParseError("   ").second, "empty expression");
  EXPECT_EQ(ParseError("2 +").first, 3u);
  EXPECT_EQ(ParseError("2 $ 3").first, 2u);
  EXPECT_EQ(ParseError("2 * * 3").first, 4u);
  auto unclosed = ParseError("3 * (1 + 2");
  EXPECT_EQ(unclosed.first, 4u);
  EXPECT_NE(unclosed.second.find("unclosed"), std::string::npos) << unclosed.second;
  EXPECT_EQ(ParseError("(1 + 2))").first, 7u);
  auto unknown_fn = ParseError("1 + foo(2)");
  EXPECT_EQ(unknown_fn.first, 4u);
  EXPECT_NE(unknown_fn.second.find("unknown function 'foo'"), std::string::npos);
  auto arity = ParseError("min(1)");
  EXPECT_EQ(arity.first, 0u);
  EXPECT_NE(arity.second.find("at least 2"), std::string::npos) << arity.second;
  EXPECT_NE(ParseError("sqrt(1, 2)").second.find("takes 1 argument"), std::string::npos);
  EXPECT_NE(ParseError("min").second.find("needs arguments"), std::string::npos);
  EXPECT_EQ(ParseError("2n").first, 1u);
  EXPECT_EQ(ParseError("1e").first, 1u);
  EXPECT_EQ(ParseError("1e+").first, 1u);
  EXPECT_NE(ParseError("1e999").second.find("out of range"), std::string::npos);
  EXPECT_EQ(ParseError("1.2.3").first, 3u);
  EXPECT_EQ(ParseError("n\x01").first, 1u);
  EXPECT_EQ(ParseError("min(1,)").first, 6u);
}

TEST(ExpressionTest, EvaluationErrorsPointAtTheCulprit) {
  const std::map<std::string, std::int64_t> p = {{"n", 1000}, {"zero", 0}};
  auto div = EvalError("n / (n - 1000)", p);
  EXPECT_EQ(div.first, 2u);
  EXPECT_EQ(div.second, "division by zero");
  EXPECT_EQ(EvalError("n % zero", p).second, "modulo by zero");
  EXPECT_EQ(EvalError("cdiv(n, zero)", p).second, "cdiv by zero");
  EXPECT_NE(EvalError("log2(zero)", p).second.find("log2"), std::string::npos);
  EXPECT_NE(EvalError("sqrt(0 - n)", p).second.find("sqrt"), std::string::npos);
  auto overflow = EvalError("10 ** 400", p);
  EXPECT_EQ(overflow.first, 3u);
  EXPECT_NE(overflow.second.find("not a finite number"), std::string::npos);
  EXPECT_NE(EvalError("1e300 * 1e300", p).second.find("finite"), std::string::npos);
  EXPECT_NE(EvalError("(0 - 8) ** 0.5", p).second.find("finite"), std::string::npos);
  EXPECT_NE(EvalError("zero ** -1", p).second.find("zero raised"), std::string::npos);
  auto unknown = EvalError("2 * n + m", p);
  EXPECT_EQ(unknown.first, 8u);
  EXPECT_EQ(unknown.second, "unknown parameter 'm'");
}

TEST(ExpressionTest, NestingAndLengthAreBounded) {
  const std::string deep_ok = std::string(40, '(') + "1" + std::string(40, ')');
  EXPECT_EQ(Eval(deep_ok), 1);
  const std::string too_deep = std::string(200, '(') + "1" + std::string(200, ')');
  EXPECT_NE(ParseError(too_deep).second.find("nested too deeply"), std::string::npos);
  EXPECT_NE(ParseError(std::string(500, '-') + "1").second.find("nested too deeply"), std::string::npos);
  EXPECT_NE(ParseError(std::string(100000, '(')).second.find("longer than"), std::string::npos);
  // A long flat chain is fine (parsed iteratively), up to the length limit.
  std::string chain = "1";
  while (chain.size() + 4 < kMaxExpressionBytes) chain += " + 1";
  EXPECT_EQ(Eval(chain), static_cast<double>((chain.size() + 3) / 4));
}

TEST(ExpressionTest, FunctionNamesAreReserved) {
  EXPECT_TRUE(Expression::IsFunctionName("min"));
  EXPECT_TRUE(Expression::IsFunctionName("cdiv"));
  EXPECT_FALSE(Expression::IsFunctionName("n"));
}

TEST(ExpressionTest, GarbageNeverCrashes) {
  std::mt19937_64 rng(12345);
  const std::string alphabet = "0123456789+-*/%^().,eEnmk minmaxsqrtlog2cdiv \t_$#\xff";
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int len = static_cast<int>(rng() % 40);
    for (int j = 0; j < len; ++j) text += alphabet[rng() % alphabet.size()];
    std::size_t offset = 0;
    auto e = Expression::Parse(text, &offset);
    if (!e.ok()) {
      EXPECT_LE(offset, text.size()) << text;
      continue;
    }
    auto v = e->Evaluate({{"n", 7}, {"m", 3}, {"k", 0}}, &offset);
    if (v.ok()) {
      EXPECT_TRUE(std::isfinite(*v)) << text;
    } else {
      EXPECT_LE(offset, text.size()) << text;
    }
  }
}

}  // namespace
}  // namespace kjudge::problem
