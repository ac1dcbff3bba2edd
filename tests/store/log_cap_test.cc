#include "kjudge/store/log_cap.h"

#include <gtest/gtest.h>

namespace kjudge::store {
namespace {

TEST(LogCapTest, ALogThatFitsIsUnchanged) {
  EXPECT_EQ(CapLog("short log\n"), "short log\n");
  const std::string exact(kMaxLogBytes, 'x');
  EXPECT_EQ(CapLog(exact), exact);
  EXPECT_FALSE(IsCappedLog(exact));
}

TEST(LogCapTest, ALongLogKeepsItsHeadAndSaysHowMuchWasDropped) {
  std::string log = "error: first line matters\n" + std::string(200, 'z');
  std::string capped = CapLog(log, 100);
  EXPECT_LE(capped.size(), 100u);
  EXPECT_TRUE(capped.starts_with("error: first line matters\n"));
  EXPECT_TRUE(IsCappedLog(capped)) << capped;
  const std::size_t kept = capped.find("\n[... truncated ");
  ASSERT_NE(kept, std::string::npos);
  EXPECT_TRUE(capped.ends_with("[... truncated " + std::to_string(log.size() - kept) + " bytes]")) << capped;
}

TEST(LogCapTest, TheCutNeverSplitsAUtf8Character) {
  // "é" is two bytes; try every alignment of the cut.
  for (std::size_t pad = 0; pad < 4; ++pad) {
    std::string log = std::string(pad, 'a');
    for (int i = 0; i < 100; ++i) log += "é";
    std::string capped = CapLog(log, 80);
    const std::string head = capped.substr(0, capped.find("\n[... truncated "));
    EXPECT_EQ(head.size() % 2, pad % 2) << "pad " << pad << " split a character: " << head.size();
    EXPECT_LE(capped.size(), 80u);
  }
}

TEST(LogCapTest, ForgedMarkersAreOnlyRecognisedAtTheEnd) {
  EXPECT_FALSE(IsCappedLog("\n[... truncated 12 bytes] and more"));
  EXPECT_FALSE(IsCappedLog("\n[... truncated x bytes]"));
  EXPECT_TRUE(IsCappedLog("head\n[... truncated 12 bytes]"));
}

}  // namespace
}  // namespace kjudge::store
