#include "kjudge/harness/dtype.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace kjudge::harness {

namespace {
struct Named {
  DType type;
  std::string_view name;
};
constexpr Named kNames[] = {
    {DType::kF64, "f64"},  {DType::kF32, "f32"}, {DType::kF16, "f16"}, {DType::kBF16, "bf16"},
    {DType::kFP8E4M3, "fp8_e4m3"}, {DType::kI64, "i64"}, {DType::kI32, "i32"}, {DType::kI16, "i16"},
    {DType::kI8, "i8"},    {DType::kU8, "u8"},   {DType::kU32, "u32"},
};

template <typename T>
T Load(const void* data, std::size_t index) {
  T v;
  std::memcpy(&v, static_cast<const unsigned char*>(data) + index * sizeof(T), sizeof(T));
  return v;
}
}  // namespace

std::string_view DTypeName(DType t) {
  for (const auto& n : kNames) {
    if (n.type == t) return n.name;
  }
  return "unknown";
}

std::optional<DType> ParseDType(std::string_view name) {
  for (const auto& n : kNames) {
    if (n.name == name) return n.type;
  }
  return std::nullopt;
}

bool IsFloating(DType t) {
  return t == DType::kF64 || t == DType::kF32 || t == DType::kF16 || t == DType::kBF16 || t == DType::kFP8E4M3;
}

double HalfToDouble(std::uint16_t bits) {
  const int sign = (bits >> 15) & 1;
  const int exponent = (bits >> 10) & 0x1f;
  const int mantissa = bits & 0x3ff;
  double value;
  if (exponent == 0) {
    value = std::ldexp(static_cast<double>(mantissa), -24);
  } else if (exponent == 31) {
    value = mantissa == 0 ? std::numeric_limits<double>::infinity() : std::numeric_limits<double>::quiet_NaN();
  } else {
    value = std::ldexp(static_cast<double>(mantissa | 0x400), exponent - 25);
  }
  return sign ? -value : value;
}

double BFloat16ToDouble(std::uint16_t bits) {
  const std::uint32_t wide = static_cast<std::uint32_t>(bits) << 16;
  float f;
  std::memcpy(&f, &wide, sizeof f);
  return f;
}

double Fp8E4M3ToDouble(std::uint8_t bits) {
  const int sign = (bits >> 7) & 1;
  const int exponent = (bits >> 3) & 0xf;
  const int mantissa = bits & 0x7;
  if (exponent == 0xf && mantissa == 0x7) return std::numeric_limits<double>::quiet_NaN();
  double value = exponent == 0 ? std::ldexp(static_cast<double>(mantissa), -9)
                               : std::ldexp(static_cast<double>(mantissa | 0x8), exponent - 10);
  return sign ? -value : value;
}

double LoadAsDouble(DType t, const void* data, std::size_t index) {
  switch (t) {
    case DType::kF64: return Load<double>(data, index);
    case DType::kF32: return Load<float>(data, index);
    case DType::kF16: return HalfToDouble(Load<std::uint16_t>(data, index));
    case DType::kBF16: return BFloat16ToDouble(Load<std::uint16_t>(data, index));
    case DType::kFP8E4M3: return Fp8E4M3ToDouble(Load<std::uint8_t>(data, index));
    case DType::kI64: return static_cast<double>(Load<std::int64_t>(data, index));
    case DType::kI32: return Load<std::int32_t>(data, index);
    case DType::kI16: return Load<std::int16_t>(data, index);
    case DType::kI8: return Load<std::int8_t>(data, index);
    case DType::kU8: return Load<std::uint8_t>(data, index);
    case DType::kU32: return Load<std::uint32_t>(data, index);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace kjudge::harness
