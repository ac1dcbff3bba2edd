#include "sse_reader.h"

#include <charconv>

namespace kjudge::cli {

Result<std::vector<SseEvent>> SseReader::Feed(std::string_view piece) {
  std::vector<SseEvent> out;
  if (!started_) {
    // A UTF-8 byte order mark may open the stream, once; it can arrive split across pieces.
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    while (!piece.empty() && bom_matched_ < kBom.size() && piece.front() == kBom[bom_matched_]) {
      ++bom_matched_;
      piece.remove_prefix(1);
    }
    if (bom_matched_ < kBom.size() && piece.empty()) return out;  // maybe more of the mark to come
    if (bom_matched_ < kBom.size()) line_.append(kBom.substr(0, bom_matched_));  // it was content
    started_ = true;
  }
  std::size_t i = 0;
  if (after_cr_ && !piece.empty()) {
    if (piece.front() == '\n') i = 1;
    after_cr_ = false;
  }
  while (i < piece.size()) {
    const std::size_t end = piece.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      line_.append(piece.substr(i));
      break;
    }
    line_.append(piece.substr(i, end - i));
    Line(line_, &out);
    line_.clear();
    i = end + 1;
    if (piece[end] == '\r') {
      if (i < piece.size() && piece[i] == '\n') {
        ++i;
      } else if (i == piece.size()) {
        after_cr_ = true;
      }
    }
  }
  if (line_.size() > kMaxLineBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "event stream line longer than " + std::to_string(kMaxLineBytes) + " bytes");
  }
  return out;
}

void SseReader::Reconnected() {
  line_.clear();
  after_cr_ = false;
  started_ = false;
  bom_matched_ = 0;
  data_.clear();
  has_data_ = false;
  name_.clear();
  id_buffer_ = last_event_id_;
}

void SseReader::Line(std::string_view line, std::vector<SseEvent>* out) {
  if (line.empty()) {
    last_event_id_ = id_buffer_;
    if (has_data_) {
      SseEvent e;
      if (!name_.empty()) e.name = name_;
      e.data = std::move(data_);
      e.id = last_event_id_;
      out->push_back(std::move(e));
    }
    data_.clear();
    has_data_ = false;
    name_.clear();
    return;
  }
  if (line.front() == ':') {
    ++comments_;
    return;
  }
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    name_ = std::string(value);
  } else if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) id_buffer_ = std::string(value);
  } else if (field == "retry") {
    std::int64_t ms = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (!value.empty() && ec == std::errc() && ptr == value.data() + value.size() && value.front() != '-') retry_ms_ = ms;
  }
  // Other fields are ignored, as the standard says.
}

}  // namespace kjudge::cli
