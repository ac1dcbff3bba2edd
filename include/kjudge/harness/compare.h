// Output comparison: element by element, |got - expected| <= atol + rtol * |expected| for floating
// types (NaN never matches, not even NaN), exact equality for integer types. Reports how many
// elements differ and the first few, so a competitor can see where their kernel goes wrong.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kjudge/harness/dtype.h"

namespace kjudge::harness {

struct Tolerance {
  double rtol = 0;
  double atol = 0;
};

struct Mismatch {
  std::size_t index = 0;
  double expected = 0;
  double got = 0;
};

struct Comparison {
  std::size_t count = 0;       ///< elements compared
  std::size_t mismatches = 0;  ///< elements out of tolerance
  std::vector<Mismatch> first; ///< the first few mismatches, in index order
  double max_abs_error = 0;    ///< over all elements (NaN-free ones)

  bool ok() const { return mismatches == 0; }
  /// "3 of 4097 elements differ (max abs error 1.5); first: [17] expected 1.25 got 2.75, ..."
  std::string Summary(const std::string& buffer_name) const;
};

/// Compares `count` elements of `expected` and `got`, both of type `t`.
Comparison CompareBuffers(DType t, const void* expected, const void* got, std::size_t count, Tolerance tol,
                          std::size_t keep_first = 5);

}  // namespace kjudge::harness
