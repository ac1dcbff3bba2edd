#include "kjudge/store/database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "kjudge/store/user_repository.h"
#include "store/store_fixture.h"

namespace kjudge::store {
namespace {

using testing::QueryInt;
using testing::QueryText;
using testing::StoreTest;

class DatabaseTest : public StoreTest {};

std::string PragmaOn(Connection& c, std::string_view pragma) {
  auto stmt = c.Prepare(pragma);
  if (!stmt.ok()) return stmt.error().message;
  auto row = stmt->Step();
  return row.ok() && *row ? stmt->Text(0) : "";
}

TEST_F(DatabaseTest, CreatesTheFileInWalModeWithForeignKeysAndBusyTimeout) {
  EXPECT_TRUE(std::filesystem::exists(path()));
  EXPECT_EQ(QueryText(*db_, "PRAGMA journal_mode"), "wal");
  {
    auto write = db_->BeginWrite();
    ASSERT_TRUE(write.ok()) << write.error().message;
    EXPECT_EQ(PragmaOn(write->connection(), "PRAGMA foreign_keys"), "1");
    EXPECT_EQ(PragmaOn(write->connection(), "PRAGMA busy_timeout"), "5000");
  }
  auto read = db_->BeginRead();
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(PragmaOn(read->connection(), "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(PragmaOn(read->connection(), "PRAGMA busy_timeout"), "5000");
}

TEST_F(DatabaseTest, InMemoryDatabasesAreRefused) {
  auto db = Database::Open(":memory:", Options());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(DatabaseTest, AFileThatIsNotADatabaseIsReportedAsCorruption) {
  const std::string text_file = dir_.File("notes.txt");
  std::ofstream(text_file) << std::string(4096, 'x');
  auto db = Database::Open(text_file, Options());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kCorruption) << db.error().message;
}

TEST_F(DatabaseTest, AnUnopenableDirectoryIsAnIoError) {
  auto db = Database::Open(dir_.File("no/such/dir/kjudge.db"), Options());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code, ErrorCode::kIo) << db.error().message;
}

TEST_F(DatabaseTest, AWriteTransactionNotCommittedLeavesNothing) {
  {
    auto tx = db_->BeginWrite();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(UserRepository(*tx).Create({"ghost", "", Role::kCompetitor}).ok());
    EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users"), 0) << "readers must not see uncommitted writes";
  }
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users"), 0);
  // The write connection is free again.
  auto tx = db_->BeginWrite();
  ASSERT_TRUE(tx.ok()) << tx.error().message;
}

TEST_F(DatabaseTest, AReadTransactionKeepsItsSnapshotWhileOthersWrite) {
  MakeUser("before");
  auto read = db_->BeginRead();
  ASSERT_TRUE(read.ok());
  auto count = [](Connection& c) {
    auto stmt = c.Prepare("SELECT count(*) FROM users");
    EXPECT_TRUE(stmt.ok() && stmt->Step().ok());
    return stmt->Int(0);
  };
  EXPECT_EQ(count(read->connection()), 1);
  MakeUser("after");  // commits while the read is open: WAL lets it
  EXPECT_EQ(count(read->connection()), 1);
  auto fresh = db_->BeginRead();
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(count(fresh->connection()), 2);
}

TEST_F(DatabaseTest, ReadConnectionsRefuseWrites) {
  auto read = db_->BeginRead();
  ASSERT_TRUE(read.ok());
  Status written =
      read->connection().Exec("INSERT INTO users(name, role, created_ms) VALUES ('sneaky', 'admin', 0)");
  EXPECT_FALSE(written.ok());
}

TEST_F(DatabaseTest, BeginWriteTwiceOnOneThreadIsRefusedInsteadOfDeadlocking) {
  auto outer = db_->BeginWrite();
  ASSERT_TRUE(outer.ok());
  auto inner = db_->BeginWrite();
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, ErrorCode::kInternal);
  EXPECT_NE(inner.error().message.find("deadlock"), std::string::npos);
}

TEST_F(DatabaseTest, ConcurrentWritersAndReadersFromManyThreadsAllSucceed) {
  constexpr int kThreads = 4;
  constexpr int kUsersPerThread = 40;
  std::atomic<int> failures{0};
  std::atomic<bool> writers_done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      UserRepository users(*db_);
      for (int i = 0; i < kUsersPerThread; ++i) {
        if (!users.Create({"u" + std::to_string(t) + "_" + std::to_string(i), "", Role::kCompetitor}).ok()) ++failures;
      }
    });
  }
  std::thread reader([&] {
    UserRepository users(*db_);
    std::size_t last = 0;
    while (!writers_done.load()) {
      auto all = users.List();
      if (!all.ok() || all->size() < last) ++failures;  // counts only grow
      if (all.ok()) last = all->size();
    }
  });
  for (auto& t : threads) t.join();
  writers_done = true;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(QueryInt(*db_, "SELECT count(*) FROM users"), kThreads * kUsersPerThread);
}

TEST_F(DatabaseTest, AWriterBlockedByAnotherProcessGivesUpAfterTheBusyTimeout) {
  // A second Database on the same file stands in for another process (a CLI admin command).
  auto other = Database::Open(path(), Options());
  ASSERT_TRUE(other.ok()) << other.error().message;
  DatabaseOptions impatient = Options();
  impatient.busy_timeout_ms = 50;
  auto db = Database::Open(path(), impatient);
  ASSERT_TRUE(db.ok()) << db.error().message;
  {
    auto held = (*other)->BeginWrite();
    ASSERT_TRUE(held.ok());
    auto blocked = (*db)->BeginWrite();
    ASSERT_FALSE(blocked.ok());
    EXPECT_EQ(blocked.error().code, ErrorCode::kUnavailable) << blocked.error().message;
    // Readers are not blocked by the other writer.
    EXPECT_EQ(QueryInt(**db, "SELECT count(*) FROM users"), 0);
  }
  auto free_again = (*db)->BeginWrite();
  EXPECT_TRUE(free_again.ok()) << free_again.error().message;
}

TEST_F(DatabaseTest, DataSurvivesClosingAndReopening) {
  MakeUser("persistent");
  db_.reset();
  auto reopened = OpenDatabase();
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  auto user = UserRepository(**reopened).GetByName("persistent");
  ASSERT_TRUE(user.ok()) << user.error().message;
  EXPECT_EQ(user->name, "persistent");
}

}  // namespace
}  // namespace kjudge::store
