// OutputCapture: keeps the first `limit_bytes` of a stream the command writes and counts the rest,
// which is read and dropped so the command never blocks on a full pipe (its time is bounded by
// the wall limit, not by whether anyone reads).
//
// Thread safety: one thread (the run's monitor) uses a capture.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kjudge/sandbox/sandbox.h"

namespace kjudge::sandbox {

class OutputCapture {
 public:
  explicit OutputCapture(std::uint64_t limit_bytes) : limit_bytes_(limit_bytes) {}

  void Append(const char* data, std::size_t size);

  /// The captured stream; a truncated one ends with a marker line saying how much was dropped.
  CapturedOutput Finish();

 private:
  std::uint64_t limit_bytes_;
  CapturedOutput out_;
};

}  // namespace kjudge::sandbox
