// The web pages in a real browser: headless Chromium loads each page of a populated server, the
// test reads the DOM it built (--dump-dom: after parsing and running whatever scripts the page
// allows) for the rows and values a reader would look for, checks that no hostile string ran or
// became markup, and saves a screenshot of each page under the build directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "support/subprocess.h"
#include "web_fixture.h"

namespace kjudge::testing {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

/// Skips where Chromium is missing, except in CI (KJUDGE_REQUIRE_SANDBOX=1 marks a full machine).
#define KJ_REQUIRE_CHROMIUM()                                                                    \
  do {                                                                                           \
    if (access(kChromium, X_OK) != 0) {                                                          \
      const char* kj_require = std::getenv("KJUDGE_REQUIRE_SANDBOX");                            \
      if (kj_require != nullptr && std::string(kj_require) == "1") FAIL() << "no " << kChromium; \
      GTEST_SKIP() << "no " << kChromium << " (apt-get install chromium)";                     \
    }                                                                                            \
  } while (0)

class BrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shots_ = std::string(KJUDGE_BINARY_DIR) + "/screenshots";
    std::filesystem::create_directories(shots_);
    char pattern[] = "/tmp/kjudge-chromium-XXXXXX";
    profile_ = mkdtemp(pattern);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(profile_, ec);
  }

  std::vector<std::string> Flags() const {
    // --no-sandbox: CI runs as root, where Chromium's own sandbox refuses to start.
    return {kChromium,         "--headless",        "--no-sandbox",           "--disable-gpu",
            "--no-first-run",  "--hide-scrollbars", "--user-data-dir=" + profile_,
            "--virtual-time-budget=3000", "--window-size=1280,1400"};
  }

  /// The DOM Chromium built for `path`.
  std::string Dom(const std::string& path) {
    auto argv = Flags();
    argv.push_back("--dump-dom");
    argv.push_back(Url(path));
    Subprocess chromium(argv);
    auto r = chromium.Wait(std::chrono::seconds(90));
    EXPECT_EQ(r.exit_code, 0) << path << ": " << r.err.substr(0, 2000);
    return r.out;
  }

  /// Saves a PNG of `path` as `name`.png under the build directory and returns its path.
  std::string Screenshot(const std::string& path, const std::string& name) {
    const std::string file = shots_ + "/" + name + ".png";
    std::filesystem::remove(file);
    auto argv = Flags();
    argv.push_back("--screenshot=" + file);
    argv.push_back(Url(path));
    Subprocess chromium(argv);
    auto r = chromium.Wait(std::chrono::seconds(90));
    EXPECT_EQ(r.exit_code, 0) << path << ": " << r.err.substr(0, 2000);
    EXPECT_TRUE(std::filesystem::exists(file)) << file;
    if (std::filesystem::exists(file)) {
      EXPECT_GT(std::filesystem::file_size(file), 10'000u) << file << " looks blank";
    }
    return file;
  }

  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server_.port()) + path; }

  WebServer server_;
  std::string shots_, profile_;
};

/// The payloads ran nowhere: neither set its marker, and neither exists as an element.
void ExpectInert(const std::string& dom, const std::string& where) {
  EXPECT_EQ(dom.find("data-pwned"), std::string::npos) << where << ": a payload ran";
  EXPECT_FALSE(std::regex_search(dom, std::regex("<img[^>]*src=\"?x"))) << where << ": a payload became an element";
  EXPECT_EQ(dom.find("<script>document"), std::string::npos) << where;
}

/// The number of table rows inside the element with id `id`.
std::size_t RowsIn(const std::string& dom, const std::string& id) {
  const auto start = dom.find("id=\"" + id + "\"");
  if (start == std::string::npos) return 0;
  const auto end = dom.find("</table>", start);
  std::size_t rows = 0;
  for (auto at = dom.find("<tr", start); at != std::string::npos && at < end; at = dom.find("<tr", at + 1)) ++rows;
  return rows;
}

TEST_F(BrowserTest, LeaderboardPageShowsTheRankedRowsAndTheChart) {
  KJ_REQUIRE_CHROMIUM();
  const std::string dom = Dom("/leaderboards/vectoradd/cpu");
  // A header row and one row per competitor.
  EXPECT_EQ(RowsIn(dom, "standings"), 4u) << dom.substr(0, 4000);
  const auto bob = dom.find("data-user=\"bob\""), alice = dom.find("data-user=\"alice\""),
             mallory = dom.find("data-user=\"mallory\"");
  ASSERT_NE(bob, std::string::npos);
  ASSERT_NE(alice, std::string::npos);
  ASSERT_NE(mallory, std::string::npos);
  EXPECT_LT(bob, alice);
  EXPECT_LT(alice, mallory);
  EXPECT_NE(dom.find("1.50 ms"), std::string::npos);  // bob's score
  EXPECT_NE(dom.find("x SoL"), std::string::npos);
  EXPECT_NE(dom.find("<svg"), std::string::npos);
  ExpectInert(dom, "leaderboard");
  Screenshot("/leaderboards/vectoradd/cpu", "leaderboard");
}

TEST_F(BrowserTest, ProblemPageShowsTheSpeedOfLightAndHowToSubmit) {
  KJ_REQUIRE_CHROMIUM();
  const std::string dom = Dom("/problems/vectoradd");
  EXPECT_NE(dom.find("popcorn-cli submit"), std::string::npos);
  EXPECT_NE(dom.find("kjudge submit"), std::string::npos);
  EXPECT_NE(dom.find("µs"), std::string::npos);  // speed of light in microseconds
  EXPECT_NE(dom.find("H100"), std::string::npos);
  ExpectInert(dom, "problem");
  Screenshot("/problems/vectoradd", "problem");
}

TEST_F(BrowserTest, EveryOtherPageRendersAndNoHostileStringRuns) {
  KJ_REQUIRE_CHROMIUM();
  const std::string sub = "/submissions/" + std::to_string(server_.mallory_run.submission_id);
  for (const auto& [path, name] : std::vector<std::pair<std::string, std::string>>{
           {"/", "home"}, {"/users/mallory", "competitor"}, {sub, "submission"}, {"/login", "login"}}) {
    const std::string dom = Dom(path);
    EXPECT_NE(dom.find("</main>"), std::string::npos) << path;
    ExpectInert(dom, path);
    Screenshot(path, name);
  }
  // The hostile display name is there as text on the competitor page.
  const std::string dom = Dom("/users/mallory");
  EXPECT_NE(dom.find("&lt;script&gt;document.body.dataset.pwned=1&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(RowsIn(dom, "entries"), 2u);  // header + the vectoradd entry
}

}  // namespace
}  // namespace kjudge::testing
