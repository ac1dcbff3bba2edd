// The SSE reader on canned streams: the exact frames `kjudge serve` sends, split at every
// possible point, and the corners of the format a server or proxy may produce.
#include "sse_reader.h"

#include <gtest/gtest.h>

namespace kjudge::cli {
namespace {

using namespace std::string_literals;

/// The contract of GET /api/v1/submissions/{id}/stream, a whole judging in one string.
const std::string kStream =
    "retry: 2000\n\n"
    "id: 1\nevent: queued\ndata: {\"event\":\"queued\",\"seq\":1,\"gpu\":\"cpu\"}\n\n"
    ": keep-alive\n\n"
    "id: 2\nevent: compiling\ndata: {\"event\":\"compiling\",\"seq\":2}\n\n"
    "id: 3\nevent: case\ndata: {\"event\":\"case\",\"kind\":\"test\",\"index\":1,\"of\":6,\"passed\":true}\n\n"
    "event: end\ndata: {\"id\":7,\"status\":\"passed\"}\n\n";

std::vector<SseEvent> FeedAll(SseReader& reader, const std::vector<std::string>& pieces) {
  std::vector<SseEvent> all;
  for (const auto& p : pieces) {
    auto events = reader.Feed(p);
    EXPECT_TRUE(events.ok()) << events.error().message;
    if (events.ok()) all.insert(all.end(), events->begin(), events->end());
  }
  return all;
}

std::string Names(const std::vector<SseEvent>& events) {
  std::string out;
  for (const auto& e : events) out += (out.empty() ? "" : ",") + e.name + "#" + e.id;
  return out;
}

TEST(SseReaderTest, ReadsTheServersStream) {
  SseReader reader;
  auto events = FeedAll(reader, {kStream});
  EXPECT_EQ(Names(events), "queued#1,compiling#2,case#3,end#3") << "end carries no id: the last one stays";
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].data, "{\"event\":\"queued\",\"seq\":1,\"gpu\":\"cpu\"}");
  EXPECT_EQ(events[3].data, "{\"id\":7,\"status\":\"passed\"}");
  EXPECT_EQ(reader.retry_ms(), 2000);
  EXPECT_EQ(reader.comments(), 1);
  EXPECT_EQ(reader.last_event_id(), "3");
}

TEST(SseReaderTest, AnySplitGivesTheSameEvents) {
  SseReader whole;
  const std::string expected = Names(FeedAll(whole, {kStream}));
  for (std::size_t cut = 0; cut <= kStream.size(); ++cut) {
    SseReader reader;
    EXPECT_EQ(Names(FeedAll(reader, {kStream.substr(0, cut), kStream.substr(cut)})), expected) << "cut at " << cut;
  }
  std::vector<std::string> bytes;
  for (char c : kStream) bytes.emplace_back(1, c);
  SseReader byte_by_byte;
  EXPECT_EQ(Names(FeedAll(byte_by_byte, bytes)), expected);
}

TEST(SseReaderTest, CrLfAndLoneCrEndLinesEvenAcrossPieces) {
  SseReader crlf;
  EXPECT_EQ(Names(FeedAll(crlf, {"id: 5\r\nevent: a\r\ndata: x\r\n\r\n"})), "a#5");
  SseReader cr;
  EXPECT_EQ(Names(FeedAll(cr, {"event: b\rdata: y\r\r"})), "b#");
  // "\r" ends a piece and "\n" opens the next: one line break, not a line break and a blank line.
  SseReader split;
  auto events = FeedAll(split, {"event: c\r", "\ndata: one\r", "\ndata: two\r", "\n\r", "\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "c");
  EXPECT_EQ(events[0].data, "one\ntwo");
}

TEST(SseReaderTest, FieldsFollowTheStandard) {
  SseReader reader;
  auto events = FeedAll(reader, {
                                    "data:no-space\n\n"        // no space after the colon
                                    "data:  two spaces\n\n"    // only one space is removed
                                    "data\n\n"                 // a field without a colon: empty value
                                    "event: lonely\n\n"        // no data: not dispatched
                                    "data: after\n\n"          // the name was reset: "message"
                                    "color: blue\ndata: z\n\n" // unknown fields are ignored
                                });
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].data, "no-space");
  EXPECT_EQ(events[1].data, " two spaces");
  EXPECT_EQ(events[2].data, "");
  EXPECT_EQ(events[3].name, "message");
  EXPECT_EQ(events[3].data, "after");
  EXPECT_EQ(events[4].data, "z");
}

TEST(SseReaderTest, IdAndRetryCorners) {
  SseReader reader;
  FeedAll(reader, {"id: 9\ndata: a\n\n"});
  EXPECT_EQ(reader.last_event_id(), "9");
  FeedAll(reader, {"id: 1\0x\ndata: b\n\n"s});
  EXPECT_EQ(reader.last_event_id(), "9") << "an id with NUL is ignored";
  FeedAll(reader, {"id\ndata: c\n\n"});
  EXPECT_EQ(reader.last_event_id(), "") << "an empty id resets it";
  FeedAll(reader, {"retry: soon\n\nretry: -5\n\n"});
  EXPECT_FALSE(reader.retry_ms().has_value());
  FeedAll(reader, {"retry: 750\n\n"});
  EXPECT_EQ(reader.retry_ms(), 750);
}

TEST(SseReaderTest, ByteOrderMarkAtTheStartIsSkippedEvenWhenSplit) {
  SseReader reader;
  auto events = FeedAll(reader, {"\xEF", "\xBB", "\xBF" "data: a\n\n"});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data, "a");
  SseReader plain;
  EXPECT_EQ(FeedAll(plain, {"d", "ata: b\n\n"}).at(0).data, "b");
}

TEST(SseReaderTest, AReconnectDropsThePartialEventButKeepsTheLastId) {
  SseReader reader;
  auto first = FeedAll(reader, {"id: 4\nevent: case\ndata: {}\n\nid: 5\nevent: case\ndata: {\"cut"});
  EXPECT_EQ(Names(first), "case#4");
  reader.Reconnected();
  EXPECT_EQ(reader.last_event_id(), "4") << "what to send as Last-Event-ID";
  auto second = FeedAll(reader, {"retry: 2000\n\nid: 5\nevent: case\ndata: {}\n\n"});
  EXPECT_EQ(Names(second), "case#5");
}

TEST(SseReaderTest, AnEndlessLineIsAnError) {
  SseReader reader;
  const std::string chunk(1024 * 1024, 'x');
  Result<std::vector<SseEvent>> last = reader.Feed("data: ");
  for (int i = 0; i < 5 && last.ok(); ++i) last = reader.Feed(chunk);
  EXPECT_FALSE(last.ok());
}

}  // namespace
}  // namespace kjudge::cli
