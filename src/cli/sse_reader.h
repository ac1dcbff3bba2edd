// SseReader: parses a Server-Sent Events stream (text/event-stream, as the HTML standard defines
// it) that arrives in pieces of any size, split anywhere. Lines end in LF, CRLF or CR; "field:
// value" lines build an event and a blank line dispatches it; ":" lines are comments (keep-alive);
// "id:" sets the last event id, which persists across events and is what a client sends back as
// Last-Event-ID when it reconnects; "retry:" sets the reconnection delay. An event with no data
// lines is not dispatched; an event cut off by the end of the stream is lost, as in a browser.
//
// Thread safety: none; one reader per connection (or per followed stream, to keep the last id).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kjudge/core/result.h"

namespace kjudge::cli {

struct SseEvent {
  std::string name = "message";  ///< the "event:" field, "message" when none was given
  std::string data;              ///< "data:" lines joined with '\n'
  std::string id;                ///< the last event id when this event was dispatched
};

class SseReader {
 public:
  /// Longest line accepted: a stream that sends more without a line break is not one we speak.
  static constexpr std::size_t kMaxLineBytes = 4 * 1024 * 1024;

  /// Feeds the next piece of the stream; returns the events it completed, in order. An error
  /// (kInvalidArgument) when a line exceeds kMaxLineBytes; the reader is then unusable.
  Result<std::vector<SseEvent>> Feed(std::string_view piece);

  /// Starts a new connection's stream: drops a partial line or event, keeps the last event id.
  void Reconnected();

  /// What to send as Last-Event-ID on reconnecting ("" when the server never set one).
  const std::string& last_event_id() const { return last_event_id_; }
  /// The reconnection delay the server asked for with "retry:", in milliseconds.
  std::optional<std::int64_t> retry_ms() const { return retry_ms_; }
  /// Comment lines seen so far (servers send ": keep-alive" to show the stream is alive).
  std::int64_t comments() const { return comments_; }

 private:
  void Line(std::string_view line, std::vector<SseEvent>* out);

  std::string line_;           // the unfinished line
  bool after_cr_ = false;      // the last piece ended in CR: a following LF belongs to it
  bool started_ = false;       // past the optional byte order mark at the start
  std::size_t bom_matched_ = 0;
  std::string data_;           // data of the event being built
  bool has_data_ = false;
  std::string name_;           // its event name ("" = message)
  std::string id_buffer_;      // the id field seen for it (or inherited)
  std::string last_event_id_;  // the id of the last dispatched event
  std::optional<std::int64_t> retry_ms_;
  std::int64_t comments_ = 0;
};

}  // namespace kjudge::cli
