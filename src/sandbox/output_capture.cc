#include "sandbox/output_capture.h"

#include <algorithm>

namespace kjudge::sandbox {

void OutputCapture::Append(const char* data, std::size_t size) {
  out_.total_bytes += size;
  const std::uint64_t room = limit_bytes_ > out_.data.size() ? limit_bytes_ - out_.data.size() : 0;
  const std::size_t kept = static_cast<std::size_t>(std::min<std::uint64_t>(room, size));
  out_.data.append(data, kept);
  if (kept < size) out_.truncated = true;
}

CapturedOutput OutputCapture::Finish() {
  CapturedOutput done = std::move(out_);
  out_ = CapturedOutput{};
  if (done.truncated) {
    if (!done.data.empty() && done.data.back() != '\n') done.data += '\n';
    done.data += "[kjudge: output truncated after " + std::to_string(limit_bytes_) + " bytes; " +
                 std::to_string(done.total_bytes - limit_bytes_) + " more bytes dropped]\n";
  }
  return done;
}

}  // namespace kjudge::sandbox
