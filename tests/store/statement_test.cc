#include "kjudge/store/statement.h"

#include <gtest/gtest.h>

#include "kjudge/store/connection.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

class StatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = Connection::Open(dir_.File("s.db"), ConnectionOptions{});
    ASSERT_TRUE(c.ok()) << c.error().message;
    connection_ = std::move(c).value();
    ASSERT_TRUE(connection_->ExecScript("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n INTEGER)").ok());
  }

  testing::TempDir dir_;
  std::unique_ptr<Connection> connection_;
};

TEST_F(StatementTest, EveryBindableTypeRoundTrips) {
  const std::string with_nul("a\0b", 3);
  const std::string binary("\x00\xff\x10", 3);
  std::optional<std::int64_t> absent;
  ASSERT_TRUE(connection_->Exec("INSERT INTO t VALUES (?, ?, ?, ?, ?)", std::int64_t{1} << 40, 2.5, with_nul,
                                Blob{binary}, absent)
                  .ok());
  ASSERT_TRUE(connection_->Exec("INSERT INTO t VALUES (?, ?, ?, ?, ?)", true, 1.0f, "literal", std::nullopt,
                                std::optional<int>(7))
                  .ok());
  auto stmt = connection_->Query("SELECT i, d, s, b, n FROM t ORDER BY rowid");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->Int(0), std::int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(stmt->Double(1), 2.5);
  EXPECT_EQ(stmt->Text(2), with_nul);
  EXPECT_EQ(stmt->BlobBytes(3), binary);
  EXPECT_TRUE(stmt->IsNull(4));
  EXPECT_EQ(stmt->OptionalInt(4), std::nullopt);
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->Int(0), 1);
  EXPECT_EQ(stmt->Text(2), "literal");
  EXPECT_EQ(stmt->OptionalText(3), std::nullopt);
  EXPECT_EQ(stmt->OptionalInt(4), 7);
  EXPECT_FALSE(*stmt->Step());
}

TEST_F(StatementTest, ValuesNeverBecomeSql) {
  const std::string hostile = "x'); DROP TABLE t; --";
  ASSERT_TRUE(connection_->Exec("INSERT INTO t(s) VALUES (?)", hostile).ok());
  auto stmt = connection_->Query("SELECT s FROM t WHERE s = ?", hostile);
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->Text(0), hostile);
}

TEST_F(StatementTest, ACachedStatementInUseIsNotHandedOutTwice) {
  ASSERT_TRUE(connection_->Exec("INSERT INTO t(i) VALUES (1), (2)").ok());
  const char* sql = "SELECT i FROM t ORDER BY i";
  auto outer = connection_->Query(sql);
  ASSERT_TRUE(outer.ok());
  ASSERT_TRUE(*outer->Step());
  {
    // Same text while `outer` is mid-iteration: must be an independent statement.
    auto inner = connection_->Query(sql);
    ASSERT_TRUE(inner.ok());
    ASSERT_TRUE(*inner->Step());
    ASSERT_TRUE(*inner->Step());
    EXPECT_EQ(inner->Int(0), 2);
  }
  EXPECT_EQ(outer->Int(0), 1);
  ASSERT_TRUE(*outer->Step());
  EXPECT_EQ(outer->Int(0), 2);
}

TEST_F(StatementTest, AReusedStatementStartsFresh) {
  ASSERT_TRUE(connection_->Exec("INSERT INTO t(i) VALUES (1), (2)").ok());
  for (int round = 0; round < 3; ++round) {
    auto stmt = connection_->Query("SELECT count(*) FROM t WHERE i >= ?", 2);
    ASSERT_TRUE(stmt.ok());
    ASSERT_TRUE(*stmt->Step());
    EXPECT_EQ(stmt->Int(0), 1) << "round " << round;
  }
}

TEST_F(StatementTest, ErrorsNameTheStatementAndMapToCodes) {
  ASSERT_TRUE(connection_->ExecScript("CREATE TABLE u (k TEXT PRIMARY KEY, v INTEGER CHECK (v > 0))").ok());
  ASSERT_TRUE(connection_->Exec("INSERT INTO u VALUES ('a', 1)").ok());
  Status duplicate = connection_->Exec("INSERT INTO u VALUES ('a', 2)");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);
  EXPECT_NE(duplicate.error().message.find("INSERT INTO u"), std::string::npos) << duplicate.error().message;
  Status check = connection_->Exec("INSERT INTO u VALUES ('b', -1)");
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().code, ErrorCode::kInvalidArgument);
  auto syntax = connection_->Prepare("SELEC nothing");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().code, ErrorCode::kInternal);
}

TEST_F(StatementTest, PrepareTakesExactlyOneStatement) {
  auto two = connection_->Prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.error().message.find("ExecScript"), std::string::npos);
  EXPECT_TRUE(connection_->Prepare("SELECT 1;").ok());
}

TEST_F(StatementTest, ABindOutOfRangeIsReportedAtStep) {
  auto stmt = connection_->Prepare("SELECT ?");
  ASSERT_TRUE(stmt.ok());
  stmt->Bind(2, 5);
  auto row = stmt->Step();
  ASSERT_FALSE(row.ok());
  EXPECT_NE(row.error().message.find("binding"), std::string::npos);
}

}  // namespace
}  // namespace kjudge::store
