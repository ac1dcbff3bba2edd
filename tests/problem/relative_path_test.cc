#include "kjudge/problem/relative_path.h"

#include <gtest/gtest.h>

#include <vector>

#include "kjudge/problem/spec.h"

namespace kjudge::problem {
namespace {

TEST(RelativePathTest, PlainRelativePathsAreSafe) {
  for (std::string_view ok : {"glue.cu", "src/glue.cu", "a/b/c.h", "..hidden", "x..y", ".config/x"}) {
    EXPECT_FALSE(CheckRelativePath(ok).has_value()) << ok;
  }
}

TEST(RelativePathTest, EscapesAndOddFormsAreRejected) {
  const std::vector<std::string_view> bad_paths = {
      "", "/etc/passwd", "../x", "a/../../x", "a/..", "..", ".", "./x", "a//b", "a/", "a\\b", "a\nb",
      std::string_view("a\0b", 3)};
  for (std::string_view bad : bad_paths) {
    EXPECT_TRUE(CheckRelativePath(bad).has_value()) << bad;
  }
  EXPECT_NE(CheckRelativePath("../x")->find("leaves the problem directory"), std::string::npos);
  EXPECT_NE(CheckRelativePath("/x")->find("absolute"), std::string::npos);
  EXPECT_TRUE(CheckRelativePath(std::string(kMaxPathBytes + 1, 'a')).has_value());
  EXPECT_FALSE(CheckRelativePath(std::string(kMaxPathBytes, 'a')).has_value());
}

}  // namespace
}  // namespace kjudge::problem
