// Element types as the supervisor sees them: names (matching the spec's dtype values), and exact
// host conversions of the narrow floating-point formats to double for comparison.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "kjudge/harness/problem_api.h"

namespace kjudge::harness {

using problem_api::DType;

/// "f32", "f16", "bf16", "fp8_e4m3", "i32", ...
std::string_view DTypeName(DType t);
std::optional<DType> ParseDType(std::string_view name);

bool IsFloating(DType t);

/// IEEE binary16 bits -> value.
double HalfToDouble(std::uint16_t bits);
/// bfloat16 bits -> value.
double BFloat16ToDouble(std::uint16_t bits);
/// OCP FP8 E4M3 (fn: no infinities, 0x7f/0xff are NaN) bits -> value.
double Fp8E4M3ToDouble(std::uint8_t bits);

/// Element `index` of an array of type `t` as a double (integers exactly up to 2^53).
double LoadAsDouble(DType t, const void* data, std::size_t index);

}  // namespace kjudge::harness
