#include "kjudge/problem/expression.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace kjudge::problem {

namespace {

struct FunctionInfo {
  std::string_view name;
  int min_args;
  int max_args;  ///< -1: any number from min_args up
};

// Kept in the order of Expression::Fn.
constexpr FunctionInfo kFunctions[] = {
    {"min", 2, -1}, {"max", 2, -1}, {"ceil", 1, 1}, {"floor", 1, 1},
    {"log2", 1, 1}, {"sqrt", 1, 1}, {"cdiv", 2, 2},
};

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Describe(char c) {
  if (c >= 0x21 && c <= 0x7e) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02x", static_cast<unsigned char>(c));
  return buf;
}

Error Fail(std::size_t offset, std::size_t* error_offset, std::string message) {
  if (error_offset != nullptr) *error_offset = offset;
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

}  // namespace

// Recursive descent over the grammar in expression.h, building nodes bottom-up.
class Expression::Parser {
 public:
  Parser(Expression* e, std::size_t* error_offset) : e_(e), text_(e->text_), error_offset_(error_offset) {}

  Result<std::size_t> ParseAll() {
    SkipSpace();
    if (pos_ == text_.size()) return Fail(0, error_offset_, "empty expression");
    KJ_ASSIGN_OR_RETURN(std::size_t root, ParseExpr());
    SkipSpace();
    if (pos_ != text_.size()) {
      return Fail(pos_, error_offset_, "expected an operator or the end of the expression, got " + Describe(text_[pos_]));
    }
    return root;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool PeekPower() {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '^') return true;
    return pos_ + 1 < text_.size() && text_[pos_] == '*' && text_[pos_ + 1] == '*';
  }

  std::size_t Add(Node node) {
    e_->nodes_.push_back(std::move(node));
    return e_->nodes_.size() - 1;
  }
  std::size_t AddBinary(Op op, std::size_t offset, std::size_t lhs, std::size_t rhs) {
    Node n;
    n.op = op;
    n.offset = offset;
    n.children = {lhs, rhs};
    return Add(std::move(n));
  }

  // Every construct that recurses (parentheses, calls, signs, exponents) counts one level, so the
  // recursion stays bounded whatever the input.
  struct DepthGuard {
    explicit DepthGuard(int* d) : depth(d) { ++*depth; }
    ~DepthGuard() { --*depth; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    int* depth;
  };
  Status CheckDepth() {
    if (depth_ > kMaxExpressionDepth) {
      return Fail(pos_, error_offset_,
                  "expression nested too deeply (more than " + std::to_string(kMaxExpressionDepth) + " levels)");
    }
    return Ok();
  }

  Result<std::size_t> ParseExpr() {
    KJ_ASSIGN_OR_RETURN(std::size_t lhs, ParseTerm());
    for (;;) {
      SkipSpace();
      if (pos_ >= text_.size() || (text_[pos_] != '+' && text_[pos_] != '-')) return lhs;
      const Op op = text_[pos_] == '+' ? Op::kAdd : Op::kSub;
      const std::size_t at = pos_++;
      KJ_ASSIGN_OR_RETURN(std::size_t rhs, ParseTerm());
      lhs = AddBinary(op, at, lhs, rhs);
    }
  }

  Result<std::size_t> ParseTerm() {
    KJ_ASSIGN_OR_RETURN(std::size_t lhs, ParseUnary());
    for (;;) {
      SkipSpace();
      if (pos_ >= text_.size()) return lhs;
      const char c = text_[pos_];
      if (c != '*' && c != '/' && c != '%') return lhs;
      if (c == '*' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') return lhs;  // '**' binds tighter
      const Op op = c == '*' ? Op::kMul : c == '/' ? Op::kDiv : Op::kMod;
      const std::size_t at = pos_++;
      KJ_ASSIGN_OR_RETURN(std::size_t rhs, ParseUnary());
      lhs = AddBinary(op, at, lhs, rhs);
    }
  }

  Result<std::size_t> ParseUnary() {
    SkipSpace();
    if (pos_ < text_.size() && (text_[pos_] == '-' || text_[pos_] == '+')) {
      DepthGuard guard(&depth_);
      KJ_RETURN_IF_ERROR(CheckDepth());
      const bool negate = text_[pos_] == '-';
      const std::size_t at = pos_++;
      KJ_ASSIGN_OR_RETURN(std::size_t operand, ParseUnary());
      if (!negate) return operand;
      Node n;
      n.op = Op::kNegate;
      n.offset = at;
      n.children = {operand};
      return Add(std::move(n));
    }
    return ParsePower();
  }

  Result<std::size_t> ParsePower() {
    KJ_ASSIGN_OR_RETURN(std::size_t base, ParsePrimary());
    if (!PeekPower()) return base;
    const std::size_t at = pos_;
    pos_ += text_[pos_] == '^' ? 1 : 2;
    DepthGuard guard(&depth_);
    KJ_RETURN_IF_ERROR(CheckDepth());
    KJ_ASSIGN_OR_RETURN(std::size_t exponent, ParseUnary());
    return AddBinary(Op::kPow, at, base, exponent);
  }

  Result<std::size_t> ParsePrimary() {
    SkipSpace();
    if (pos_ >= text_.size()) return Fail(pos_, error_offset_, "unexpected end of expression");
    const char c = text_[pos_];
    if (c == '(') {
      DepthGuard guard(&depth_);
      KJ_RETURN_IF_ERROR(CheckDepth());
      const std::size_t open = pos_++;
      KJ_ASSIGN_OR_RETURN(std::size_t inner, ParseExpr());
      if (!Peek(')')) {
        return Fail(pos_ < text_.size() ? pos_ : open, error_offset_,
                    pos_ < text_.size() ? "expected ')', got " + Describe(text_[pos_]) : "unclosed '('");
      }
      ++pos_;
      return inner;
    }
    if (IsDigit(c) || (c == '.' && pos_ + 1 < text_.size() && IsDigit(text_[pos_ + 1]))) return ParseNumber();
    if (IsIdentStart(c)) return ParseIdentifier();
    return Fail(pos_, error_offset_, "expected a number, a parameter name or '(', got " + Describe(c));
  }

  Result<std::size_t> ParseNumber() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      std::size_t p = pos_ + 1;
      if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
      if (p >= text_.size() || !IsDigit(text_[p])) return Fail(pos_, error_offset_, "malformed exponent in number");
      while (p < text_.size() && IsDigit(text_[p])) ++p;
      pos_ = p;
    }
    if (pos_ < text_.size() && IsIdentChar(text_[pos_])) {
      return Fail(pos_, error_offset_, "unexpected " + Describe(text_[pos_]) + " after a number (write '2 * n', not '2n')");
    }
    double value = 0;
    const auto r = std::from_chars(text_.data() + start, text_.data() + pos_, value);
    if (r.ec == std::errc::result_out_of_range || !std::isfinite(value)) {
      return Fail(start, error_offset_, "number out of range");
    }
    if (r.ec != std::errc() || r.ptr != text_.data() + pos_) return Fail(start, error_offset_, "malformed number");
    Node n;
    n.op = Op::kNumber;
    n.value = value;
    n.offset = start;
    return Add(std::move(n));
  }

  Result<std::size_t> ParseIdentifier() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    const std::string name(text_.substr(start, pos_ - start));
    int fn = -1;
    for (int i = 0; i < static_cast<int>(std::size(kFunctions)); ++i) {
      if (kFunctions[i].name == name) fn = i;
    }
    if (!Peek('(')) {
      if (fn >= 0) return Fail(start, error_offset_, "function '" + name + "' needs arguments: " + name + "(...)");
      Node n;
      n.op = Op::kVariable;
      n.offset = start;
      n.variable = e_->variables_.size();
      e_->variables_.push_back({name, start});
      return Add(std::move(n));
    }
    if (fn < 0) {
      return Fail(start, error_offset_,
                  "unknown function '" + name + "' (known: min, max, ceil, floor, log2, sqrt, cdiv)");
    }
    ++pos_;  // '('
    DepthGuard guard(&depth_);
    KJ_RETURN_IF_ERROR(CheckDepth());
    Node call;
    call.op = Op::kCall;
    call.fn = static_cast<Fn>(fn);
    call.offset = start;
    for (;;) {
      KJ_ASSIGN_OR_RETURN(std::size_t arg, ParseExpr());
      call.children.push_back(arg);
      if (Peek(',')) {
        ++pos_;
        continue;
      }
      if (Peek(')')) {
        ++pos_;
        break;
      }
      return Fail(pos_, error_offset_,
                  pos_ < text_.size() ? "expected ',' or ')', got " + Describe(text_[pos_]) : "unclosed '(' of " + name);
    }
    const auto& info = kFunctions[fn];
    const int argc = static_cast<int>(call.children.size());
    if (argc < info.min_args || (info.max_args >= 0 && argc > info.max_args)) {
      std::string want = info.max_args < 0              ? "at least " + std::to_string(info.min_args)
                         : info.min_args == info.max_args ? std::to_string(info.min_args)
                                                          : std::to_string(info.min_args) + " to " + std::to_string(info.max_args);
      return Fail(start, error_offset_,
                  name + " takes " + want + " argument" + (want == "1" ? "" : "s") + ", got " + std::to_string(argc));
    }
    return Add(std::move(call));
  }

  Expression* e_;
  std::string_view text_;
  std::size_t* error_offset_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

Expression::Expression() : text_("0") {
  Node zero;
  nodes_.push_back(zero);
}

Result<Expression> Expression::Parse(std::string_view text, std::size_t* error_offset) {
  if (text.size() > kMaxExpressionBytes) {
    return Fail(kMaxExpressionBytes, error_offset,
                "expression longer than " + std::to_string(kMaxExpressionBytes) + " bytes");
  }
  Expression e;
  e.text_ = std::string(text);
  e.nodes_.clear();
  Parser parser(&e, error_offset);
  KJ_ASSIGN_OR_RETURN(e.root_, parser.ParseAll());
  return e;
}

bool Expression::IsFunctionName(std::string_view name) {
  for (const auto& f : kFunctions) {
    if (f.name == name) return true;
  }
  return false;
}

Result<double> Expression::Evaluate(const Lookup& lookup, std::size_t* error_offset) const {
  return Eval(root_, lookup, error_offset);
}

Result<double> Expression::Evaluate(const std::map<std::string, std::int64_t>& params,
                                    std::size_t* error_offset) const {
  return Evaluate(
      [&params](std::string_view name) -> std::optional<double> {
        auto it = params.find(std::string(name));
        if (it == params.end()) return std::nullopt;
        return static_cast<double>(it->second);
      },
      error_offset);
}

Result<double> Expression::Eval(std::size_t index, const Lookup& lookup, std::size_t* error_offset) const {
  const Node& n = nodes_[index];
  auto finite = [&](double v) -> Result<double> {
    if (!std::isfinite(v)) return Fail(n.offset, error_offset, "result is not a finite number (overflow?)");
    return v;
  };
  switch (n.op) {
    case Op::kNumber: return n.value;
    case Op::kVariable: {
      const auto& var = variables_[n.variable];
      std::optional<double> v = lookup ? lookup(var.name) : std::nullopt;
      if (!v) return Fail(n.offset, error_offset, "unknown parameter '" + var.name + "'");
      return finite(*v);
    }
    case Op::kNegate: {
      KJ_ASSIGN_OR_RETURN(double v, Eval(n.children[0], lookup, error_offset));
      return -v;
    }
    case Op::kCall: {
      std::vector<double> args;
      args.reserve(n.children.size());
      for (std::size_t child : n.children) {
        KJ_ASSIGN_OR_RETURN(double v, Eval(child, lookup, error_offset));
        args.push_back(v);
      }
      switch (n.fn) {
        case Fn::kMin: {
          double m = args[0];
          for (double a : args) m = a < m ? a : m;
          return m;
        }
        case Fn::kMax: {
          double m = args[0];
          for (double a : args) m = a > m ? a : m;
          return m;
        }
        case Fn::kCeil: return std::ceil(args[0]);
        case Fn::kFloor: return std::floor(args[0]);
        case Fn::kLog2:
          if (args[0] <= 0) return Fail(n.offset, error_offset, "log2 of a number that is not positive");
          return std::log2(args[0]);
        case Fn::kSqrt:
          if (args[0] < 0) return Fail(n.offset, error_offset, "sqrt of a negative number");
          return std::sqrt(args[0]);
        case Fn::kCdiv:
          if (args[1] == 0) return Fail(n.offset, error_offset, "cdiv by zero");
          return finite(std::ceil(args[0] / args[1]));
      }
      return Fail(n.offset, error_offset, "unknown function");
    }
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod:
    case Op::kPow: {
      KJ_ASSIGN_OR_RETURN(double a, Eval(n.children[0], lookup, error_offset));
      KJ_ASSIGN_OR_RETURN(double b, Eval(n.children[1], lookup, error_offset));
      switch (n.op) {
        case Op::kAdd: return finite(a + b);
        case Op::kSub: return finite(a - b);
        case Op::kMul: return finite(a * b);
        case Op::kDiv:
          if (b == 0) return Fail(n.offset, error_offset, "division by zero");
          return finite(a / b);
        case Op::kMod:
          if (b == 0) return Fail(n.offset, error_offset, "modulo by zero");
          return finite(std::fmod(a, b));
        default:
          if (a == 0 && b < 0) return Fail(n.offset, error_offset, "zero raised to a negative power");
          return finite(std::pow(a, b));
      }
    }
  }
  return Fail(n.offset, error_offset, "malformed expression");
}

}  // namespace kjudge::problem
