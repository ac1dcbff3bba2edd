#include "kjudge/core/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace kjudge {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return MakeError(ErrorCode::kInvalidArgument, "odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  KJ_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

Status CheckEven(int x) {
  KJ_RETURN_IF_ERROR(Half(x));
  return Ok();
}

TEST(ResultTest, ValueAndErrorPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "odd: 3");
  EXPECT_EQ(r.error().ToString(), "invalid_argument: odd: 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(5).ok());
}

TEST(ResultTest, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(ResultTest, EveryCodeHasADistinctName) {
  EXPECT_EQ(ErrorCodeName(ErrorCode::kNotFound), "not_found");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnauthenticated), "unauthenticated");
  EXPECT_NE(ErrorCodeName(ErrorCode::kIo), ErrorCodeName(ErrorCode::kInternal));
}

}  // namespace
}  // namespace kjudge
