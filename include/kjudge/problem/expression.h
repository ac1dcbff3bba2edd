// Expression: the small arithmetic language of a problem spec's speed-of-light inputs
// (`flops: "2 * m * n * k"`, `bytes: "(m * k + k * n) * 2 + m * n * 4"`).
//
// Grammar (own recursive-descent parser, no dependencies):
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/' | '%') unary)*
//   unary   := ('-' | '+') unary | power
//   power   := primary (('**' | '^') unary)?          right-associative; -2**2 == -4
//   primary := NUMBER | IDENT | IDENT '(' expr (',' expr)* ')' | '(' expr ')'
// NUMBER is decimal (1000, 0.5, 1e6, 2.5E-3); IDENT names a case parameter. Functions: min, max
// (two or more arguments), ceil, floor, log2, sqrt (one), cdiv(a, b) = ceil(a / b). Arithmetic is
// in doubles: '/' is true division, '%' is fmod. Evaluation fails (never returns inf or NaN) on
// division or modulo by zero, log2 of a non-positive number, sqrt of a negative one, and any
// result that is not finite.
//
// Errors carry the byte offset into the text where they were found, so a spec error can point at
// the column. Parsing or evaluating any input, however malformed or deep, returns an error rather
// than crashing: text length and nesting depth are bounded.
//
// Thread safety: an Expression is immutable after Parse; concurrent Evaluate calls are safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::problem {

/// Longest expression text accepted (a spec's expressions are one line of arithmetic).
constexpr std::size_t kMaxExpressionBytes = 1024;
/// Deepest nesting of parentheses, unary signs, powers and calls (keeps recursion bounded).
constexpr int kMaxExpressionDepth = 64;

class Expression {
 public:
  /// A variable the expression reads, and the byte offset of its first character.
  struct Variable {
    std::string name;
    std::size_t offset = 0;
  };
  /// Returns the value of a variable, or nullopt when it is not defined.
  using Lookup = std::function<std::optional<double>(std::string_view name)>;

  /// The constant 0 (text "0").
  Expression();

  /// Parses `text`. On error, `*error_offset` (if given) receives the byte offset of the problem.
  static Result<Expression> Parse(std::string_view text, std::size_t* error_offset = nullptr);

  /// Evaluates with variables from `lookup`. On error (unknown variable, division by zero, a
  /// non-finite result...), `*error_offset` receives the offset of the culprit in text().
  Result<double> Evaluate(const Lookup& lookup, std::size_t* error_offset = nullptr) const;
  /// Evaluates with a case's integer parameters as the variables.
  Result<double> Evaluate(const std::map<std::string, std::int64_t>& params,
                          std::size_t* error_offset = nullptr) const;

  const std::string& text() const { return text_; }
  /// Every variable occurrence, in order of appearance.
  const std::vector<Variable>& variables() const { return variables_; }

  /// Names usable as functions; case parameters may not take these names.
  static bool IsFunctionName(std::string_view name);

 private:
  enum class Op : std::uint8_t { kNumber, kVariable, kNegate, kAdd, kSub, kMul, kDiv, kMod, kPow, kCall };
  enum class Fn : std::uint8_t { kMin, kMax, kCeil, kFloor, kLog2, kSqrt, kCdiv };
  struct Node {
    Op op = Op::kNumber;
    Fn fn = Fn::kMin;
    double value = 0;          ///< kNumber
    std::size_t variable = 0;  ///< kVariable: index into variables_
    std::size_t offset = 0;    ///< where the node's token starts in text_
    std::vector<std::size_t> children;
  };
  class Parser;

  Result<double> Eval(std::size_t node, const Lookup& lookup, std::size_t* error_offset) const;

  std::string text_;
  std::vector<Node> nodes_;
  std::vector<Variable> variables_;
  std::size_t root_ = 0;
};

}  // namespace kjudge::problem
